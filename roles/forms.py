"""Forms for the role pages (search) and the admin (friendly messages for the database rules).

The admin builds its forms from these with its own field lists; `Meta.fields` is the default.
"""

from django import forms

from .models import Family, Role, RoleSkill, SalaryBand


class RoleFilterForm(forms.Form):
    """The role list's GET form: free-text search and a family filter."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": "Title, summary or skill"}
        ),
    )
    family = forms.ModelChoiceField(
        label="Family",
        queryset=Family.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All families",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families


class RoleAdminForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = [
            "title",
            "slug",
            "family",
            "summary",
            "is_published",
            "is_entry_level",
            "last_reviewed",
            "about",
            "median_salary",
            "salary_currency",
            "salary_note",
            "growth_outlook",
            "growth_trend",
            "ai_impact_score",
            "ai_impact_label",
            "ai_impact_outlook",
            "methodology",
            "editor_note",
        ]

    def clean_ai_impact_score(self):
        score = self.cleaned_data.get("ai_impact_score")
        if score is not None and score > 100:
            raise forms.ValidationError("The AI impact score runs from 0 to 100.")
        return score


class RoleSkillAdminForm(forms.ModelForm):
    class Meta:
        model = RoleSkill
        fields = [
            "role",
            "skill",
            "kind",
            "target",
            "weight",
            "commonly_missing",
            "primary",
            "note",
            "sources",
            "editor_note",
            "order",
        ]

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= 0:
            raise forms.ValidationError("The weight must be more than 0 (leave it blank for the default).")
        return weight


class SalaryBandAdminForm(forms.ModelForm):
    class Meta:
        model = SalaryBand
        fields = ["role", "level", "low", "high", "currency", "notes", "order", "sources", "editor_note"]

    def clean(self):
        cleaned_data = super().clean()
        low, high = cleaned_data.get("low"), cleaned_data.get("high")
        if low is not None and high is not None and low > high:
            self.add_error("high", "The high end must be at least the low end.")
        return cleaned_data

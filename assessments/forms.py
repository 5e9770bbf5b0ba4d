from django import forms

from roles.levels import Level
from roles.models import Role

from .models import EVIDENCE_MAX_LENGTH, ShareLink
from .services import RatingInput

LEVEL_CHOICES = [(lvl.value, f"{lvl.value} — {lvl.label}") for lvl in Level]


def level_field_name(skill):
    return f"level-{skill.slug}"


def evidence_field_name(skill):
    return f"evidence-{skill.slug}"


class StepForm(forms.Form):
    """The ratings of one step: a level (radio buttons) and an optional evidence note per skill."""

    def __init__(self, *args, role_skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_skills = list(role_skills)
        for rs in self.role_skills:
            self.fields[level_field_name(rs.skill)] = forms.TypedChoiceField(
                label=rs.skill.name,
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose a level from 0 to 5."},
            )
            self.fields[evidence_field_name(rs.skill)] = forms.CharField(
                label="Evidence (optional)",
                max_length=EVIDENCE_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": EVIDENCE_MAX_LENGTH}),
                error_messages={
                    "max_length": f"Keep the note to {EVIDENCE_MAX_LENGTH:,} characters (it has %(show_value)d)."
                },
            )

    def clean(self):
        cleaned = super().clean()
        for rs in self.role_skills:
            level = cleaned.get(level_field_name(rs.skill))
            evidence = cleaned.get(evidence_field_name(rs.skill))
            if evidence and level is None and level_field_name(rs.skill) not in self.errors:
                self.add_error(evidence_field_name(rs.skill), "Choose a level for this skill to save the note.")
        return cleaned

    def ratings(self):
        """The ratings this form sets (skills left without a level are left as they were)."""
        result = []
        for rs in self.role_skills:
            level = self.cleaned_data.get(level_field_name(rs.skill))
            if level is None:
                continue
            evidence = self.cleaned_data.get(evidence_field_name(rs.skill), "")
            result.append(RatingInput(skill_id=rs.skill_id, level=level, evidence=evidence))
        return result


class RateForm(forms.Form):
    """One rating sent by the autosave script."""

    skill = forms.SlugField(max_length=160)
    level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, error_messages={"invalid_choice": "Choose a level from 0 to 5."}
    )
    evidence = forms.CharField(max_length=EVIDENCE_MAX_LENGTH, required=False, strip=True)


class SubmitForm(forms.Form):
    current_role = forms.ModelChoiceField(
        queryset=Role.objects.none(),
        required=False,
        label="Your current role (optional)",
        help_text="If you name it, the report shows the transition path from it into this role.",
        empty_label="— Not listed / prefer not to say —",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_role"].queryset = Role.objects.published().exclude(pk=role.pk).order_by("title")


class ShareLinkForm(forms.ModelForm):
    class Meta:
        model = ShareLink
        fields = ["display_name", "include_plan"]
        labels = {"display_name": "Your name as the reader will see it", "include_plan": "Include my plan"}

from django import forms

from roles.levels import Level
from roles.models import Role

from .models import EVIDENCE_MAX_LENGTH, PLAN_ACTION_MAX_LENGTH, PlanItem, ShareLink
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
        fields = ["display_name", "include_plan", "include_current_role", "include_evidence", "include_reviews"]
        labels = {
            "display_name": "Your name as the reader will see it",
            "include_plan": "Include my plan",
            "include_current_role": "Include my current role",
            "include_evidence": "Include my evidence notes",
            "include_reviews": "Show the second opinions",
        }
        help_texts = {
            "include_current_role": "The role you hold now, and the guide's path from it to this one.",
            "include_evidence": "The notes you wrote beside your ratings.",
            "include_reviews": 'Their ratings next to yours and their comments, each reviewer as "Reviewer 1", "Reviewer 2"... '
            "unless they agreed to be named.",
        }


OWN_ACTION = "own"


class PlanItemForm(forms.ModelForm):
    """What the owner will do about one gap: a recommended course, certification or suggestion,
    or their own action; a target date; notes; and a status."""

    choice = forms.ChoiceField(label="What will you do?", required=False)
    own_action = forms.CharField(
        label="Your own action",
        required=False,
        max_length=PLAN_ACTION_MAX_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": PLAN_ACTION_MAX_LENGTH}),
        error_messages={
            "max_length": f"Keep your action to {PLAN_ACTION_MAX_LENGTH} characters (it has %(show_value)d)."
        },
    )

    class Meta:
        model = PlanItem
        fields = ["target_date", "status", "notes"]
        widgets = {
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"target_date": {"invalid": "Enter a real date, like 2027-03-31."}}

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)  # texts of the recommended actions for this gap
        self.fields["choice"].choices = (
            [("", "— Choose —")]
            + [(f"opt-{i}", text) for i, text in enumerate(self.options)]
            + [(OWN_ACTION, "My own action…")]
        )
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["choice"].widget.attrs["class"] = "form-select"
        current = self.instance.action
        if current and not self.is_bound:
            if current in self.options:
                self.initial["choice"] = f"opt-{self.options.index(current)}"
            else:
                self.initial["choice"] = OWN_ACTION
                self.initial["own_action"] = current

    def clean(self):
        """The action is exactly what the person gave: a recommendation, or the text they typed.

        Typed text with no choice is their own action; a recommendation and typed text together is
        ambiguous, so it is an error that keeps both on the page rather than dropping either."""
        cleaned = super().clean()
        choice = cleaned.get("choice")
        own = cleaned.get("own_action", "")
        if "own_action" in self.errors:
            return cleaned
        if choice == OWN_ACTION or (not choice and own):
            if not own:
                self.add_error("own_action", "Describe your own action, or pick one of the recommendations.")
            cleaned["action"] = own
        elif choice:
            if own:
                self.add_error(
                    "choice",
                    "You chose a recommendation and typed your own action: keep one. Set the list to "
                    "“My own action…” to keep what you typed, or clear the text to keep the recommendation.",
                )
            cleaned["action"] = self.options[int(choice.removeprefix("opt-"))]
        else:
            cleaned["action"] = ""
        return cleaned

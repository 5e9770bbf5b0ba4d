"""Forms for second opinions. They repeat the models' rules with friendly messages."""

from django import forms

from assessments.forms import LEVEL_CHOICES
from careerpath.validators import validate_single_line

from .models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, OVERALL_COMMENT_MAX_LENGTH
from .services import CalibrationInput, ReviewRatingInput

LEVEL_ERRORS = {"invalid_choice": "Choose a level from 0 to 5, or “I haven't seen this”."}
NOT_SEEN = "unseen"  # the answer "I haven't seen this": no level, no opinion (ReviewRating.not_seen)
REVIEW_CHOICES = [*LEVEL_CHOICES, (NOT_SEEN, "I haven't seen this")]


def _level_or_not_seen(value):
    return NOT_SEEN if value == NOT_SEEN else int(value)


def review_level_field(label, **kwargs):
    """A level 0-5 or "I haven't seen this" (the reviewer's radio buttons and the autosave's `level`)."""
    return forms.TypedChoiceField(
        label=label, choices=REVIEW_CHOICES, coerce=_level_or_not_seen, error_messages=LEVEL_ERRORS, **kwargs
    )


def rating_input(slug, answer, comment=""):
    """The service's input for one answer (a level, or NOT_SEEN)."""
    if answer == NOT_SEEN:
        return ReviewRatingInput(skill_slug=slug, level=None, comment=comment, not_seen=True)
    return ReviewRatingInput(skill_slug=slug, level=answer, comment=comment)


def level_field_name(slug):
    return f"level-{slug}"


def comment_field_name(slug):
    # The same name the self-assessment uses for its note: static/js/assessment.js sends it as `evidence`.
    return f"evidence-{slug}"


def note_field_name(slug):
    return f"note-{slug}"


class RequestForm(forms.Form):
    display_name = forms.CharField(
        max_length=80,
        validators=[validate_single_line],
        label="Your name as the reviewer will see it",
        help_text="The only thing about you they see.",
    )
    skills = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Skills to review",
        error_messages={"required": "Choose at least one skill.", "invalid_choice": "Choose skills from the list."},
    )
    show_evidence = forms.BooleanField(
        required=False, label="Show my evidence notes to the reviewer", help_text="Off: they see only the skills."
    )

    def __init__(self, *args, skills, **kwargs):
        """`skills`: (slug, name) pairs of the assessment's skills; all are ticked at first."""
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("skills", [slug for slug, _ in skills])
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = list(skills)


def teammate_label(user):
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class TeammateRequestForm(RequestForm):
    """A request to one named teammate: the link form's fields and whom to ask.

    The choice is checked here against the owner's teammates (a made-up id, someone outside the
    owner's teams or the owner themselves is a form error), and again by the service."""

    invitee = forms.IntegerField(
        label="Teammate to ask",
        widget=forms.Select,
        help_text="Someone in one of your teams. They see the request on their dashboard.",
        error_messages={"required": "Choose a teammate to ask.", "invalid": "Choose a teammate from the list."},
    )
    field_order = ["invitee", "display_name", "skills", "show_evidence"]

    def __init__(self, *args, owner, teammates, **kwargs):
        """`teammates`: the users the owner may ask (teams.selectors.teammates_of)."""
        kwargs.setdefault("prefix", "teammate")
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.teammates = {u.pk: u for u in teammates}
        self.fields["invitee"].widget.choices = [("", "Choose a teammate")] + [
            (u.pk, teammate_label(u)) for u in teammates
        ]
        self.fields["invitee"].widget.attrs["class"] = "form-select"
        self.fields["display_name"].label = "Your name as your teammate will see it"

    def clean_invitee(self):
        pk = self.cleaned_data["invitee"]
        if pk == self.owner.pk:
            raise forms.ValidationError("You cannot review your own assessment: choose a teammate.")
        if pk not in self.teammates:
            raise forms.ValidationError("Choose someone from your teams: that person is not in a team with you.")
        return self.teammates[pk]


class ReviewForm(forms.Form):
    """A reviewer's answer (a level or "I haven't seen this") and comment for each skill of one
    step of the review; on the last step (`finish`), also the overall comment and the naming choice."""

    overall_comment = forms.CharField(
        required=False,
        max_length=OVERALL_COMMENT_MAX_LENGTH,
        label="Overall comment (optional)",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": OVERALL_COMMENT_MAX_LENGTH}),
    )
    named_on_share_links = forms.BooleanField(
        required=False,
        label="Show my username with this review on links they share",
        help_text='Unticked, a share link shows your ratings and comments as "Reviewer 1" (or 2, 3...).',
    )

    def __init__(self, *args, skills, finish=True, **kwargs):
        """`skills`: (slug, name) pairs in the role's order (one step's)."""
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        if not finish:
            del self.fields["overall_comment"], self.fields["named_on_share_links"]
        for slug, name in self.skills:
            self.fields[level_field_name(slug)] = review_level_field(
                name, required=False, empty_value=None, widget=forms.RadioSelect
            )
            self.fields[comment_field_name(slug)] = forms.CharField(
                label="Comment (optional)",
                max_length=COMMENT_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": COMMENT_MAX_LENGTH}),
                error_messages={"max_length": f"Keep the comment to {COMMENT_MAX_LENGTH:,} characters."},
            )

    def clean(self):
        cleaned = super().clean()
        for slug, _ in self.skills:
            unrated = cleaned.get(level_field_name(slug)) is None and level_field_name(slug) not in self.errors
            if cleaned.get(comment_field_name(slug)) and unrated:
                self.add_error(comment_field_name(slug), "Choose a level for this skill to save the comment.")
        return cleaned

    def ratings(self):
        return [
            rating_input(
                slug, self.cleaned_data[level_field_name(slug)], self.cleaned_data.get(comment_field_name(slug), "")
            )
            for slug, _ in self.skills
            if self.cleaned_data.get(level_field_name(slug)) is not None
        ]


class RateForm(forms.Form):
    """One answer sent by the autosave script (static/js/assessment.js: skill, level, evidence)."""

    skill = forms.SlugField(max_length=160)
    level = review_level_field("Level")
    evidence = forms.CharField(max_length=COMMENT_MAX_LENGTH, required=False, strip=True)

    def rating(self):
        data = self.cleaned_data
        return rating_input(data["skill"], data["level"], data["evidence"])


class CalibrationForm(forms.Form):
    """The owner's calibrated level and note for each compared skill."""

    def __init__(self, *args, rows, **kwargs):
        """`rows`: the compare page's rows (each with its pair, name and current calibration)."""
        super().__init__(*args, **kwargs)
        self.slugs = []
        for row in rows:
            slug = row["pair"].skill
            self.slugs.append(slug)
            current = row["calibration"]
            self.fields[level_field_name(slug)] = forms.TypedChoiceField(
                label=f"Calibrated level for {row['name']}",
                choices=LEVEL_CHOICES,
                coerce=int,
                initial=current.level if current else row["pair"].self_level,
                error_messages=dict.fromkeys(("invalid_choice", "required"), "Choose a level from 0 to 5."),
            )
            self.fields[note_field_name(slug)] = forms.CharField(
                label=f"Why (optional) for {row['name']}",
                max_length=NOTE_MAX_LENGTH,
                required=False,
                initial=current.note if current else "",
                error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters."},
            )

    def calibrations(self):
        return [
            CalibrationInput(
                skill_slug=slug,
                level=self.cleaned_data[level_field_name(slug)],
                note=self.cleaned_data.get(note_field_name(slug), ""),
            )
            for slug in self.slugs
        ]

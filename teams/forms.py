from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.text import slugify

from careerpath.fields import RowMultipleChoiceField
from careerpath.validators import validate_single_line
from roles.models import Role

from .models import Membership, Team

RESERVED_SLUGS = {"new", "join"}  # the team URLs' own words


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80, validators=[validate_single_line])
    slug = forms.SlugField(
        max_length=60, required=False, help_text="The team's address (letters, digits, hyphens). Blank: from the name."
    )

    def clean(self):
        data = super().clean()
        if "name" in data and not data.get("slug"):
            data["slug"] = slugify(data["name"])[:60]
            if not data["slug"]:
                self.add_error("slug", "Choose an address made of letters, digits and hyphens.")
        if data.get("slug") in RESERVED_SLUGS:
            self.add_error("slug", "That address is reserved: choose another slug.")
        elif data.get("slug") and Team.objects.filter(slug=data["slug"]).exists():
            self.add_error("slug", "That address is taken: choose another slug.")
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        required=False,
        help_text="Blank: a link to pass on yourself. An address: we email the link, and you confirm the "
        "person who opens it before they join.",
    )
    role = forms.ChoiceField(
        choices=[(Membership.Role.MEMBER, "Member"), (Membership.Role.MANAGER, "Manager")],
        initial=Membership.Role.MEMBER,
        help_text="Managers see the team pages; members see only their own assignments. You confirm anyone "
        "who joins as a manager.",
    )


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        choices=Membership.Consent.choices,
        widget=forms.RadioSelect,
        label="What may this team's owners and managers see?",
    )
    share_evidence = forms.BooleanField(required=False, label="Also my evidence (with my individual report)")
    share_plan = forms.BooleanField(required=False, label="Also my development plan (with my individual report)")

    def clean(self):
        data = super().clean()
        if data.get("consent") != Membership.Consent.INDIVIDUAL and (
            data.get("share_evidence") or data.get("share_plan")
        ):
            self.add_error(None, "Evidence and plan can only be shared together with your individual report.")
        return data


class AssignmentForm(forms.Form):
    WHO_CHOSEN, WHO_EVERYONE = "chosen", "everyone"

    role = forms.ModelChoiceField(queryset=Role.objects.published().order_by("title"), to_field_name="slug")
    who = forms.ChoiceField(
        label="Assign it to",
        choices=[
            (WHO_CHOSEN, "The members I tick below"),
            (WHO_EVERYONE, "The whole team, including people who join later"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who to assign it to: the members you tick, or the whole team."},
    )
    members = RowMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members",
        help_text="Nobody is ticked to begin with.",
    )
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional.")

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Membership.objects.filter(team=team).select_related("user")
        self.fields["members"].label_from_instance = lambda m: m.user.get_full_name() or m.user.get_username()
        self.fields["role"].error_messages["invalid_choice"] = "Choose a published role from the list."
        self.fields["members"].error_messages["invalid_choice"] = "Choose members of this team from the list."

    def clean(self):
        data = super().clean()
        who, members = data.get("who"), data.get("members")
        if who == self.WHO_CHOSEN and not members:
            self.add_error("members", "Tick at least one member, or choose the whole team.")
        elif who == self.WHO_EVERYONE and members:
            self.add_error(
                "members", "You chose the whole team and ticked members: untick them, or choose the ticked ones."
            )
        return data

    def chosen_members(self):
        """The memberships to assign, or None for the whole team."""
        return None if self.cleaned_data["who"] == self.WHO_EVERYONE else list(self.cleaned_data["members"])


class CycleForm(forms.Form):
    closes_on = forms.DateField(
        label="Members can submit until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The cycle closes as the next day begins; you can also close it sooner.",
        error_messages={"required": "Choose the last day members can submit.", "invalid": "Enter a date."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_on"].initial = timezone.localdate() + timedelta(days=14)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(Membership.Role.MANAGER, "Manager"), (Membership.Role.MEMBER, "Member")])

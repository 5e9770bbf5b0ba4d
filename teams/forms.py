from django import forms
from django.utils.text import slugify

from careerpath.fields import RowMultipleChoiceField
from roles.models import Role

from .models import Membership, Team

RESERVED_SLUGS = {"new", "join"}  # the team URLs' own words


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80)
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
        required=False, help_text="Leave blank to get a link to pass on yourself; or we email it for you."
    )
    role = forms.ChoiceField(
        choices=[(Membership.Role.MEMBER, "Member"), (Membership.Role.MANAGER, "Manager")],
        initial=Membership.Role.MEMBER,
        help_text="Managers see the team page; members see only their own assignments.",
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
    role = forms.ModelChoiceField(queryset=Role.objects.published().order_by("title"), to_field_name="slug")
    everyone = forms.BooleanField(
        required=False, initial=True, label="The whole team (including people who join later)"
    )
    members = RowMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Or choose members.",
    )
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional.")

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Membership.objects.filter(team=team).select_related("user")
        self.fields["members"].label_from_instance = lambda m: m.user.get_full_name() or m.user.get_username()
        self.fields["role"].error_messages["invalid_choice"] = "Choose a published role from the list."

    def clean(self):
        data = super().clean()
        if not data.get("everyone") and not data.get("members"):
            self.add_error("members", "Choose at least one member, or tick the whole team.")
        return data


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(Membership.Role.MANAGER, "Manager"), (Membership.Role.MEMBER, "Member")])

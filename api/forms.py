from django import forms

from careerpath.validators import validate_single_line

from .models import PersonalAccessToken, Scope
from .services import EXPIRY_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=PersonalAccessToken._meta.get_field("name").max_length,
        validators=[validate_single_line],
        help_text="What will use it, e.g. “HR system sync”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give it only what it needs.",
        error_messages={"required": "Choose at least one scope."},
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(d, f"{d} days") for d in EXPIRY_CHOICES],
        coerce=int,
        initial=30,
    )

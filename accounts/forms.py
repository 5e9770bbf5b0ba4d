from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from .confusables import confusable_username_taken
from .models import Preferences

USERNAME_TAKEN = "That username is not available. Please choose another."
USERNAME_LOOKS_TAKEN = (
    "That username looks too much like one already in use (a letter from another alphabet, or a digit "
    "that looks like a letter, reads the same on screen). Please choose another."
)
EMAIL_IN_USE = "If you already have an account, log in or reset your password."


class SignupForm(UserCreationForm):
    """A new account. The messages for a username or email already in use say no more than they
    must (see accounts/tests/test_signup_enumeration.py for why each says what it says)."""

    email = forms.EmailField(required=True, help_text="Used only for password resets.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        # Replaces the model's "A user with that username already exists" (a taken username is
        # refused in any letter case: UserCreationForm.clean_username).
        error_messages = {"username": {"unique": USERNAME_TAKEN}}

    def clean_username(self):
        username = super().clean_username()
        if username and confusable_username_taken(username):
            raise forms.ValidationError(USERNAME_LOOKS_TAKEN, code="confusable")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_IN_USE, code="in_use")
        return email


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="We ask for it so that nobody else can delete your account from an unlocked screen.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["show_targets_while_rating"]
        labels = {"show_targets_while_rating": "Show each skill's target level while I rate myself"}

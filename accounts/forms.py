from allauth.account import forms as allauth_forms
from django import forms

from .confusables import confusable_username_taken
from .models import Preferences

USERNAME_TAKEN = "That username is not available. Please choose another."
USERNAME_LOOKS_TAKEN = (
    "That username looks too much like one already in use (a letter from another alphabet, or a digit "
    "that looks like a letter, reads the same on screen). Please choose another."
)
EMAIL_IN_USE = "If you already have an account, log in or reset your password."


class SignupForm(allauth_forms.SignupForm):
    """A new account (django-allauth's sign-up form). A username taken in any letter case, or one
    that looks like a taken one, is refused; an email address in use gets EMAIL_IN_USE (the adapter's
    words, accounts/adapter.py). The messages say no more than they must
    (accounts/tests/test_signup_enumeration.py says why each says what it says)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "We send a link to check it is yours; used for password resets."
        self.fields["password2"].label = "Password confirmation"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)  # the label says it

    def clean_username(self):
        username = super().clean_username()
        if username and confusable_username_taken(username):
            raise forms.ValidationError(USERNAME_LOOKS_TAKEN, code="confusable")
        return username


class LoginForm(allauth_forms.LoginForm):
    """django-allauth's log-in form without placeholders that repeat the labels (ACCOUNT_SESSION_REMEMBER
    leaves out the "Remember me" box: a session lasts two weeks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links "Forgotten your password?" once, below


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

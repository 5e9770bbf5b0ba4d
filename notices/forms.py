from django import forms

from .models import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind of notice. A kind the form does not know (a made-up field) is refused,
    not ignored, so a bad request changes nothing and says why."""

    def __init__(self, *args, initial_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=(initial_choices or {}).get(kind.value, Delivery.IN_APP),
            )

    def clean(self):
        cleaned = super().clean()
        unknown = sorted(set(self.data) - set(self.fields) - {"csrfmiddlewaretoken"})
        if unknown:
            raise forms.ValidationError(
                "There is no kind of notice called %(names)s; nothing was changed.",
                params={"names": ", ".join(repr(name[:40]) for name in unknown[:3])},
            )
        return cleaned

"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

LARGEST_ID = 2**63 - 1  # the largest key any of our databases stores (SQLite cannot even bind a larger one)


def _beyond_any_id(value):
    try:
        return abs(int(str(value).strip())) > LARGEST_ID
    except (TypeError, ValueError):
        return False  # not a number: the field's own checks say so


class RowMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id, for which a number too long to be any row's id is "not one
    of the available choices", like any other unknown id, instead of a database error (a 500:
    Django checks each id alone safely, but SQLite cannot bind one above 2**63 - 1 in the IN list).
    A single ModelChoiceField is safe: Django turns an out-of-range exact lookup into no match."""

    def _check_values(self, value):
        for pk in value:
            if not self.to_field_name and _beyond_any_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

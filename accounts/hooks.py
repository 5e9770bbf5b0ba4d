"""What accounts asks of the apps above it, which fill these hooks in their AppConfig.ready()
(docs/architecture.md). accounts never imports them.

- `add_account_data(part, models=[...])`: `part(user)` gives the entries an app adds to "Download my
  data", and `models` names ("app.Model") the models whose rows of the person those entries hold
  (a test checks that every model naming a person is declared here or excluded with a reason:
  accounts/tests/test_personal_models.py);
- `before_account_deletion(part)`: `part(user=user)` removes what an app keeps of a person whose
  account is being deleted, in the deleting transaction, before the user row goes.

(Logging in is Django's own `user_logged_in` signal: assessments/logins.py.)
"""

_account_data = []
_account_data_models = set()
_before_deletion = []


def add_account_data(part, *, models):
    if part not in _account_data:
        _account_data.append(part)
    _account_data_models.update(models)


def account_data_models():
    """The models ("app.Model") whose rows of a person the apps' parts of the download hold."""
    return frozenset(_account_data_models)


def account_data(user):
    data = {}
    for part in _account_data:
        data.update(part(user))
    return data


def before_account_deletion(part):
    if part not in _before_deletion:
        _before_deletion.append(part)


def delete_account_data(*, user):
    for part in _before_deletion:
        part(user=user)

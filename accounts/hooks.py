"""What accounts asks of the apps above it, which fill these hooks in their AppConfig.ready()
(docs/architecture.md). accounts never imports them.

- `add_account_data(part)`: `part(user)` gives the entries an app adds to "Download my data";
- `before_account_deletion(part)`: `part(user=user)` removes what an app keeps of a person whose
  account is being deleted, in the deleting transaction, before the user row goes.

(Logging in is Django's own `user_logged_in` signal: assessments/logins.py.)
"""

_account_data = []
_before_deletion = []


def add_account_data(part):
    if part not in _account_data:
        _account_data.append(part)


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

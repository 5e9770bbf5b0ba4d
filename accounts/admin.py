"""django-axes' lockout records and allauth's email addresses in the admin.

django-axes' lockout records in the admin, its one action behind the delete permission.

axes' own `cleanup_expired_attempts` declares no permission, so any staff user who may only view
the records could run it. The same admin, registered again with the action declaring "delete"
(it deletes rows); every admin action declares its permissions (careerpath/tests/test_authz_matrix.py).
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin


class LockoutRecordAdmin(AccessAttemptAdmin):
    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description, permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):  # DJANGO_AXES_ENABLE_ADMIN may have left it out
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutRecordAdmin)


class EmailAddressAdminWithPermissions(EmailAddressAdmin):
    """allauth's email-address admin, its "mark verified" action behind the change permission (it
    writes), as every admin action declares its permissions."""

    @admin.action(description=EmailAddressAdmin.make_verified.short_description, permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)
    admin.site.register(EmailAddress, EmailAddressAdminWithPermissions)

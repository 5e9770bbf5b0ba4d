"""django-axes' lockout records in the admin, its one action behind the delete permission.

axes' own `cleanup_expired_attempts` declares no permission, so any staff user who may only view
the records could run it. The same admin, registered again with the action declaring "delete"
(it deletes rows); every admin action declares its permissions (careerpath/tests/test_authz_matrix.py).
"""

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

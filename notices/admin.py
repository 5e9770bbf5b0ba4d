from django.contrib import admin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """What left, what waits and what the mail server refused; read-only (mail is sent by workers)."""

    list_display = ["subject", "recipients", "created_at", "attempts", "sent_at", "gave_up_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), ("gave_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipients", "subject", "key"]
    date_hierarchy = "created_at"
    fields = ["key", "subject", "recipients", "created_at", "next_attempt_at", "attempts", "last_error", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

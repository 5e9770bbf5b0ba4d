from django.contrib import admin

from .models import Notice, NoticePreference, OutgoingMail


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


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subject_key", "created_at", "read_at", "delivery", "emailed_at"]
    list_filter = ["kind", "delivery", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "subject_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

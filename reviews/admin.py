"""Second opinions in the admin: read-only (people's ratings of each other are theirs to change)."""

from django.contrib import admin

from .models import Calibration, Review, ReviewRating, ReviewRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewRatingInline(admin.TabularInline):
    model = ReviewRating
    extra = 0
    fields = ["skill_slug", "level", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "assessment", "created_at", "expires_at", "taken_at", "revoked_at"]
    list_filter = ["show_evidence"]
    search_fields = ["assessment__role__title"]
    list_select_related = ["assessment", "assessment__role"]
    exclude = ["token_digest"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "request", "status", "updated_at", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["request__assessment__role__title"]
    list_select_related = ["request", "request__assessment", "request__assessment__role"]
    exclude = ["overall_comment"]
    inlines = [ReviewRatingInline]


@admin.register(Calibration)
class CalibrationAdmin(ReadOnlyAdmin):
    list_display = ["id", "assessment", "skill_slug", "level", "updated_at"]
    search_fields = ["skill_slug"]
    list_select_related = ["assessment", "assessment__role"]
    exclude = ["note"]

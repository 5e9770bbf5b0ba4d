"""Staff see teams and memberships read-only: no adding, changing or deleting here, and no
ratings at all (a member's ratings live in their own assessments, which only they edit; a review
cycle's frozen result is not shown either)."""

from django.contrib import admin

from .models import Assignment, CycleParticipant, Invitation, Membership, ReviewCycle, Team


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "consent", "share_evidence", "share_plan", "joined_at"]
    readonly_fields = fields


@admin.register(Team)
class TeamAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "team", "role", "consent", "joined_at"]
    list_filter = ["role", "consent"]
    search_fields = ["user__username", "team__name", "team__slug"]
    list_select_related = ["user", "team"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["team", "email", "role", "created_at", "expires_at", "pending_at", "used_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["team__name", "email"]
    list_select_related = ["team"]
    exclude = ["token_digest"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["team", "role", "everyone", "due_date", "created_at"]
    list_filter = ["everyone"]
    search_fields = ["team__name", "role__title"]
    list_select_related = ["team", "role"]
    filter_horizontal = []


class CycleParticipantInline(ReadOnlyMixin, admin.TabularInline):
    model = CycleParticipant
    extra = 0
    fields = ["user", "submitted", "contributed"]
    readonly_fields = fields


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "team",
        "role",
        "opened_at",
        "closes_at",
        "closed_at",
        "contributors",
        "released_at",
        "withdrawn_at",
    ]
    list_filter = ["closed_at", "released_at"]
    search_fields = ["team__name", "team__slug", "role__title"]
    list_select_related = ["team", "role"]
    exclude = ["result"]  # aggregated ratings: for the team's managers, not for staff
    inlines = [CycleParticipantInline]

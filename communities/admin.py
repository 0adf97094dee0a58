from django.contrib import admin

from .models import ActivityConfirmation, CommunityAccount, CommunityInvitation, QuarterlyRating


@admin.register(CommunityAccount)
class CommunityAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "created_at"]
    list_filter = ["role", "community"]
    search_fields = ["user__username", "user__email", "community__name"]
    list_select_related = ["user", "community"]
    readonly_fields = ["user", "community", "role", "created_at"]

    def has_add_permission(self, request):
        return False  # people join by invitation (communities:staff-invite)


@admin.register(CommunityInvitation)
class CommunityInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "community", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["community"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False  # communities:staff-invite sends the link

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActivityConfirmation)
class ActivityConfirmationAdmin(admin.ModelAdmin):
    """Read-only: the committees confirm and dispute in their portal, staff decide at communities:dispute."""

    list_display = ["event", "state", "confirmed_at", "confirmed_by", "resolved_by"]
    list_filter = ["state"]
    list_select_related = ["event", "confirmed_by", "resolved_by"]
    search_fields = ["event__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyRating)
class QuarterlyRatingAdmin(admin.ModelAdmin):
    """Read-only: the committees rate in their portal, staff read the ratings per organization at
    communities:staff-ratings. Never shown to the organizations."""

    list_display = ["organization", "community", "quarter", "score", "rated_at"]
    list_filter = ["quarter", "score", "community"]
    list_select_related = ["organization", "community"]
    search_fields = ["organization__name", "community__name", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

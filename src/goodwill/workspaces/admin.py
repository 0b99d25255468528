from django.contrib import admin

from goodwill.workspaces.models import (
    AuditEntry,
    IntroRequest,
    Membership,
    ReferralSlip,
    Workspace,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "level", "never_connector")
    raw_id_fields = ("user",)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]
    raw_id_fields = ("created_by",)


@admin.register(IntroRequest)
class IntroRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "workspace", "requester", "connector", "status", "expires_at")
    list_filter = ("status",)
    # Tokens are stored hashed; the reason is the connector's private note.
    exclude = ("target_token_digest", "connector_reason")
    raw_id_fields = ("requester", "connector", "target_person")


@admin.register(ReferralSlip)
class ReferralSlipAdmin(admin.ModelAdmin):
    list_display = ("id", "workspace", "giver", "receiver", "status", "value")
    list_filter = ("status",)
    raw_id_fields = ("giver", "receiver")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "actor", "action", "detail")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

from django.contrib import admin

from goodwill.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "hint", "created_at", "last_used_at")
    readonly_fields = ("digest", "hint")

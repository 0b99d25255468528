from django.contrib import admin

from goodwill.practice.models import ActionDone, Cadence, ReminderSettings, Snooze, StrengthOverride


@admin.register(StrengthOverride)
class StrengthOverrideAdmin(admin.ModelAdmin):
    list_display = ("person", "owner", "value", "updated_at")
    raw_id_fields = ("person",)


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    list_display = ("owner", "person", "tag", "days")
    raw_id_fields = ("person", "tag")


@admin.register(Snooze)
class SnoozeAdmin(admin.ModelAdmin):
    list_display = ("owner", "person", "until")
    raw_id_fields = ("person",)


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("owner", "digest", "digest_email", "last_digest_at")
    exclude = ("feed_digest",)  # a hash of a secret: of no use to read


@admin.register(ActionDone)
class ActionDoneAdmin(admin.ModelAdmin):
    list_display = ("owner", "key", "kind", "done_at")
    raw_id_fields = ("person",)

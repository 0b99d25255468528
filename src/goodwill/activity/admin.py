from django.contrib import admin

from goodwill.activity.models import (
    Channel,
    Favour,
    Interaction,
    Outcome,
    Overture,
    Participant,
    Referral,
)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "channel", "direction", "subject", "owner")
    list_filter = ("kind", "channel", "direction")
    date_hierarchy = "occurred_at"
    inlines = [ParticipantInline]


@admin.register(Favour)
class FavourAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "direction", "person", "what", "acknowledged_on", "returned_on")
    raw_id_fields = ("person",)


@admin.register(Overture)
class OvertureAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "person", "channel", "answered_at")
    raw_id_fields = ("person",)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("referred_on", "referrer", "referred", "to", "what", "status", "value")
    raw_id_fields = ("referrer", "referred", "to")


admin.site.register(Channel)


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "title", "value")
    raw_id_fields = ("people",)

from django.contrib import admin

from goodwill.people.models import Identity, Person, Tag, Tie, TieSource


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0
    fields = ("channel", "value", "display", "label")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "location", "owner", "is_me")
    list_filter = ("is_me", "owner")
    search_fields = ("name", "organisation", "identities__value")
    inlines = [IdentityInline]
    raw_id_fields = ("owner",)
    filter_horizontal = ("tags",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner")
    list_filter = ("kind",)


class TieSourceInline(admin.TabularInline):
    model = TieSource
    extra = 0


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin):
    list_display = ("a", "kind", "b", "since", "strength", "owner")
    list_filter = ("kind",)
    raw_id_fields = ("a", "b", "owner")
    inlines = [TieSourceInline]

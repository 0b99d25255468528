from django.contrib import admin

from goodwill.imports.models import ImportIssue, ImportRun, Merge, MergeDecision


class ImportIssueInline(admin.TabularInline):
    model = ImportIssue
    extra = 0


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "format", "source", "status", "people_created", "owner")
    list_filter = ("status", "format")
    inlines = [ImportIssueInline]


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "absorbed_name", "kept_id", "reason", "automatic", "undone_at")
    list_filter = ("automatic",)
    readonly_fields = ("snapshot",)


admin.site.register(MergeDecision)

from django.contrib import admin

from goodwill.imports.models import ImportIssue, ImportRun


class ImportIssueInline(admin.TabularInline):
    model = ImportIssue
    extra = 0


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "format", "source", "status", "people_created", "owner")
    list_filter = ("status", "format")
    inlines = [ImportIssueInline]

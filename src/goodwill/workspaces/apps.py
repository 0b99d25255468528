from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "goodwill.workspaces"
    label = "workspaces"

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "goodwill.imports"
    label = "imports"

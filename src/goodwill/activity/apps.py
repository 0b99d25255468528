from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "goodwill.activity"
    label = "activity"

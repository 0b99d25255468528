from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "goodwill.practice"
    label = "practice"

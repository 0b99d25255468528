from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "goodwill.web"
    label = "web"

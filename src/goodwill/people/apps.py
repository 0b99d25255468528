from django.apps import AppConfig
from django.db.models.signals import post_save


class PeopleConfig(AppConfig):
    name = "goodwill.people"
    label = "people"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        post_save.connect(_create_me, sender=get_user_model(), dispatch_uid="goodwill-create-me")


def _create_me(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Every user gets their own "me" person as soon as they exist."""
    if created and not raw:
        from goodwill.people.services import ensure_me

        ensure_me(instance)

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class LiveConfig(AppConfig):
    name = "afterclass.live"
    label = "live"

    def ready(self) -> None:
        # live/receivers.py: what live does when other apps send their signals (people's
        # person_deactivated); the senders never import live.
        autodiscover_modules("receivers")

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class LiveConfig(AppConfig):
    name = "afterclass.live"
    label = "live"

    def ready(self) -> None:
        # live/receivers.py: what live does when other apps send their signals (people's
        # person_deactivated); the senders never import live. <app>/live_topics.py: who may
        # follow an app's topic (posts: a post's comments), registered in live/access.py.
        autodiscover_modules("receivers", "live_topics")

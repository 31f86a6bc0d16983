from importlib import import_module

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "afterclass.people"
    label = "people"

    def ready(self) -> None:
        # allauth.mfa tells what it did only through its signals: the audit entries for
        # enrolling, removing and using recovery codes are written from them. The module reads
        # models, so it is imported once they are ready (as Django imports every admin.py).
        import_module("afterclass.people.two_factor").connect_audit()

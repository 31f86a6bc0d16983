from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "afterclass.people"
    label = "people"

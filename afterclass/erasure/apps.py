from django.apps import AppConfig


class ErasureConfig(AppConfig):
    name = "afterclass.erasure"
    verbose_name = "Erasure of a person"

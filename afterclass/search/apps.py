from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "afterclass.search"
    label = "search"
    verbose_name = "Search"

from django.apps import AppConfig


class BenchdataConfig(AppConfig):
    name = "afterclass.benchdata"
    label = "benchdata"
    verbose_name = "Benchmark data sets"

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from afterclass.core.database import tune_connection


class CoreConfig(AppConfig):
    name = "afterclass.core"
    label = "core"

    def ready(self) -> None:
        connection_created.connect(tune_connection, dispatch_uid="afterclass-tune-connection")

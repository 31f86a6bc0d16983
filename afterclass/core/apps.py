from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "afterclass.core"
    label = "core"

    def ready(self) -> None:
        from afterclass.core.database import tune_connection

        connection_created.connect(tune_connection, dispatch_uid="afterclass-tune-connection")

from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.backends.signals import connection_created

from afterclass.core import pagecache
from afterclass.core.database import tune_connection


class CoreConfig(AppConfig):
    name = "afterclass.core"
    label = "core"

    def ready(self) -> None:
        connection_created.connect(tune_connection, dispatch_uid="afterclass-tune-connection")
        connection_created.connect(
            pagecache.install_write_watch, dispatch_uid="afterclass-page-cache-watch"
        )
        setting_changed.connect(pagecache.setting_changed, dispatch_uid="afterclass-page-cache")

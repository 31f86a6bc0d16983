"""ASGI entry point, served by uvicorn (`afterclass serve`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterclass.settings")

application = get_asgi_application()

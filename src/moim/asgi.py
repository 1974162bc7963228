"""ASGI entry point (uvicorn or granian in production)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moim.settings")
application = get_asgi_application()

"""ASGI entry point (uvicorn or granian in production)."""

import os

from django.core.asgi import get_asgi_application

from moim.uploads import limit_request_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moim.settings")
# Bodies over the upload limit are refused before Django reads them to a temporary file.
application = limit_request_body(get_asgi_application())

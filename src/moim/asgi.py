"""ASGI entry point (uvicorn in production): pages in one step, live streams asynchronous."""

import gc
import os

import django

from moim.uploads import limit_request_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moim.settings")
django.setup(set_prefix=False)

from moim.handlers import Router  # noqa: E402  (needs the settings loaded)

# Bodies over the upload limit are refused before Django reads them to a temporary file.
application = limit_request_body(Router())

# What was loaded to get here (Django, the apps, the URLs, the templates' code) lives as long
# as the process: taken out of the collector's sight, a full collection no longer walks it.
gc.freeze()

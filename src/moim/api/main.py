"""The one NinjaAPI of the project, mounted at /api/ (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from moim.api import assemblies, awards, governance

api = NinjaAPI(
    title="Moim API",
    version="1",
    description=(
        "The General Assembly as JSON: assemblies, programme, attendance figures and, for the "
        "secretariat, registrations and check-in. Session authentication; unsafe methods "
        "need the CSRF token."
    ),
    urls_namespace="api",
)
api.add_router("/assemblies/", assemblies.router)
api.add_router("/awards/", awards.router)
api.add_router("/governance/", governance.router)

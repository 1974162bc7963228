"""The one NinjaAPI of the project, mounted at /api/ (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from moim.api import assemblies, awards, errors, governance

api = NinjaAPI(
    title="Moim API",
    version="1",
    description=(
        "The General Assembly as JSON: assemblies, programme, attendance figures and, for the "
        "secretariat, registrations and check-in. Session authentication; unsafe methods "
        "need the CSRF token. Every error has the same body (ErrorOut): `status`, `code` "
        "(refused 400, unauthenticated 401, forbidden 403, not_found 404, conflict 409, "
        "invalid 422), `detail` in the language of Accept-Language, and for invalid input "
        "one entry per field in `errors`."
    ),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/assemblies/", assemblies.router)
api.add_router("/awards/", awards.router)
api.add_router("/governance/", governance.router)

"""The one NinjaAPI of the project, mounted at /api/ (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router

from moim.api import (
    assemblies,
    awards,
    errors,
    floor,
    governance,
    mailings,
    minutes,
    motions,
    projection,
)

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
api.add_router("/motions/", motions.router)
api.add_router("/floor/", floor.router)
api.add_router("/mailings/", mailings.router)
api.add_router("/projection/", projection.router)
api.add_router("/minutes/", minutes.router)

# Last, so that it only catches what no operation matched: an unknown address under /api/ gets
# the API's 404 body rather than the site's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def not_found(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("/", fallback)

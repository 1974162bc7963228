"""POST /mailings/bounce/: the mail server's report that a message came back.

The caller proves it knows MOIM_BOUNCE_SECRET (header `X-Moim-Bounce-Secret`, or
`Authorization: Bearer …`), compared in constant time; without the setting the hook is off and
answers 404. It names the delivery by the Message-ID Moim gave it, so only a delivery that was
sent, by this site for the organization served, can be marked bounced.
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from moim.mailings.services import record_bounce
from moim.members.queries import current_organization


def _secret_given(request: HttpRequest) -> str:
    given = request.headers.get("X-Moim-Bounce-Secret", "")
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if not given and scheme.lower() == "bearer":
        given = token.strip()
    return given


@csrf_exempt
@require_POST
def bounce(request: HttpRequest) -> JsonResponse:
    secret = str(settings.MOIM_BOUNCE_SECRET or "")
    if not secret:
        return JsonResponse({"detail": "not found"}, status=404)
    if not hmac.compare_digest(_secret_given(request).encode(), secret.encode()):
        return JsonResponse({"detail": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = request.POST.dict()
    if not isinstance(payload, dict):
        payload = {}
    message_id = payload.get("message_id")
    reason = payload.get("reason", "")
    if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > 100:
        return JsonResponse({"detail": "message_id is required"}, status=400)
    organization = current_organization()
    delivery = (
        record_bounce(
            message_id=message_id,
            reason=reason if isinstance(reason, str) else "",
            organization_id=organization.pk,
        )
        if organization is not None
        else None
    )
    if delivery is None:
        return JsonResponse({"status": "ignored"})
    return JsonResponse({"status": delivery.status})

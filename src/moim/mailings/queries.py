"""Reusable querysets of the mailings pages and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from moim.assemblies.models import Assembly
from moim.mailings.enums import DeliveryStatus
from moim.mailings.models import Delivery, Mailing


def mailings_for_secretariat(assembly: Assembly) -> QuerySet[Mailing]:
    """The assembly's mailings, newest first, each with its delivery counts (one query)."""
    return (
        Mailing.objects.filter(assembly=assembly)
        .select_related("created_by")
        .annotate(
            recipients=Count("deliveries"),
            sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            bounced=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.BOUNCED)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            waiting=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def deliveries_for_secretariat(mailing: Mailing, status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(mailing=mailing).select_related("member")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("name", "pk")

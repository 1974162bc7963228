"""Finding the plenary's records for a request: always within the organization served.

Pages and the API look decisions, polls and proxies up here, never with a bare
`get_object_or_404`: a record of another organization on the same database answers 404, as a
missing one does. `within` narrows the lookup further (a state, related rows to fetch with it);
the organization's scope is added to it whatever it is.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from moim.governance.enums import DecisionStatus
from moim.governance.models import Decision, Poll, Proxy
from moim.members.queries import served_organization


def decision_by_id(pk: int, within: QuerySet[Decision] | None = None) -> Decision:
    """The served organization's decision with this id, else 404."""
    found = Decision.objects.all() if within is None else within
    return get_object_or_404(found.filter(assembly__organization=served_organization()), pk=pk)


def public_decision_by_id(pk: int) -> Decision:
    """A decision anyone may read (not a draft), else 404."""
    return decision_by_id(
        pk,
        Decision.objects.select_related("assembly", "office").exclude(status=DecisionStatus.DRAFT),
    )


def poll_by_id(pk: int, within: QuerySet[Poll] | None = None) -> Poll:
    """The served organization's poll with this id, else 404."""
    found = Poll.objects.all() if within is None else within
    return get_object_or_404(
        found.filter(decision__assembly__organization=served_organization()), pk=pk
    )


def proxy_by_id(pk: int) -> Proxy:
    """The served organization's proxy with this id (with its assembly and principal), else 404."""
    return get_object_or_404(
        Proxy.objects.select_related("assembly", "principal").filter(
            assembly__organization=served_organization()
        ),
        pk=pk,
    )

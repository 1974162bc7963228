"""Finding mailings for a request: always within the assembly found for it (and so within the
organization served); what belongs to another assembly answers 404 like a missing record."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from moim.assemblies.models import Assembly
from moim.mailings.models import Mailing


def mailing_in(assembly: Assembly, pk: int) -> Mailing:
    return get_object_or_404(Mailing.objects.select_related("template"), assembly=assembly, pk=pk)

"""Pages of the plenary: the agenda, decisions, polls, the chair's console, voting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from moim.assemblies.models import Assembly
from moim.governance.models import Decision


def agenda(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = get_object_or_404(Assembly, edition=edition)
    decisions = Decision.objects.filter(assembly=assembly).exclude(status="draft")
    return render(request, "governance/agenda.html", {"assembly": assembly, "decisions": decisions})

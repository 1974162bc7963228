from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from moim.members.models import Member


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "members/directory.html", {"members": Member.objects.all()})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    member = get_object_or_404(Member, slug=slug)
    return render(request, "members/detail.html", {"member": member})

"""The secretariat's page for the registration form's own questions: list, add, change, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.assemblies import answers
from moim.assemblies.forms import RegistrationQuestionForm
from moim.assemblies.models import RegistrationQuestion
from moim.assemblies.rules import can_manage_questions
from moim.assemblies.views import _staff_assembly
from moim.errors import Refused


def question_list(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_questions)
    return render(
        request,
        "assemblies/questions.html",
        {"assembly": assembly, "questions": answers.questions_for(assembly)},
    )


def question_edit(request: HttpRequest, edition: int, pk: int | None = None) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_questions)
    question = (
        get_object_or_404(RegistrationQuestion, assembly=assembly, pk=pk)
        if pk is not None
        else RegistrationQuestion(assembly=assembly)
    )
    form = RegistrationQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            answers.save_question(question=form.save(commit=False), by=request.user)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("assemblies:questions", edition=edition)
    return render(
        request,
        "assemblies/question_form.html",
        {"assembly": assembly, "form": form, "question": question},
    )


@require_POST
def question_delete(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_questions)
    question = get_object_or_404(RegistrationQuestion, assembly=assembly, pk=pk)
    try:
        answers.delete_question(question=question, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question and its answers are removed."))
    return redirect("assemblies:questions", edition=edition)

"""A stored result as its reader sees it: option names and count steps in the active language.

The stored result (`Poll.result`) names the options as the count named them, by their English
labels, so that the record, the downloads and a recount with `moim tally` are the same in every
language. Pages show it through `shown_result`, which maps those names to each option's label in
the active language (a candidate's Korean name, 찬성/반대/기권) and words the round steps.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from moim.bilingual import in_language
from moim.governance.models import Poll

# The steps of a count (moim.tally.result.Action values), as a reader names them.
ACTIONS = {
    "first-preferences": gettext_lazy("first preferences"),
    "surplus": gettext_lazy("surplus transferred"),
    "exclusion": gettext_lazy("lowest candidate excluded"),
    "iteration": gettext_lazy("keep values recalculated"),
    "elect-remaining": gettext_lazy("remaining candidates elected"),
    "count": pgettext_lazy("step of a count", "count"),
}


def action_name(action: object) -> str:
    label = ACTIONS.get(str(action))
    return str(label) if label is not None else str(action)


def option_names(poll: Poll) -> dict[str, str]:
    """The count's name of each option -> its name in the active language."""
    stored = {int(o["position"]): str(o["label"]) for o in (poll.result or {}).get("options", [])}
    names: dict[str, str] = {}
    for option in poll.options.select_related("candidate__member").order_by("position"):
        counted = stored.get(option.position, option.label_en)
        korean = option.label_ko
        if not korean and option.candidate is not None:
            korean = option.candidate.member.name_ko
        shown = in_language(counted, korean)
        names[counted] = shown
    return names


def _names(names: dict[str, str], items: Any) -> list[str]:
    return [names.get(str(item), str(item)) for item in items or []]


def _round(names: dict[str, str], stored: dict[str, Any]) -> dict[str, Any]:
    shown = dict(stored)
    shown["action"] = action_name(stored.get("action", ""))
    shown["votes"] = {names.get(k, k): v for k, v in (stored.get("votes") or {}).items()}
    for key in ("elected", "excluded"):
        if key in stored:
            shown[key] = _names(names, stored[key])
    if "ties" in stored:
        shown["ties"] = [_tie(names, tie) for tie in stored["ties"] or []]
    return shown


def _tie(names: dict[str, str], stored: dict[str, Any]) -> dict[str, Any]:
    shown = dict(stored)
    if "tied" in stored:
        shown["tied"] = _names(names, stored["tied"])
    if "chosen" in stored:
        chosen = stored["chosen"]
        shown["chosen"] = (
            _names(names, chosen) if isinstance(chosen, list) else names.get(str(chosen), chosen)
        )
    return shown


def shown_result(poll: Poll) -> dict[str, Any]:
    """A copy of `poll.result` with every option name in the active language (the stored record
    is left as it is)."""
    result: dict[str, Any] = copy.deepcopy(dict(poll.result or {}))
    if not result:
        return result
    names = option_names(poll)
    for option in result.get("options", []):
        option["label"] = names.get(str(option.get("label")), option.get("label"))
    for key in ("elected", "tie"):
        if key in result:
            result[key] = _names(names, result[key])
    if "rounds" in result:
        result["rounds"] = [_round(names, r) for r in result["rounds"]]
    tally = result.get("tally")
    if isinstance(tally, dict) and "rounds" in tally:
        tally["rounds"] = [_round(names, r) for r in tally["rounds"]]
    return result

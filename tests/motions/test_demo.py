"""The demo: Article 12's two amendments adopted before it, its final text with their history,
and Seoul's motion supported by Mexico City and admitted; the press release lists no amendment."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from moim.assemblies.models import Assembly
from moim.governance.amendments import final_text, history
from moim.governance.demo import CHARTER_AMENDMENTS, TABLED_ARTICLE
from moim.governance.enums import Verdict
from moim.governance.models import Decision
from moim.motions.enums import StateMeaning
from moim.motions.models import Motion
from moim.site.press import render_press_release


@pytest.mark.django_db
def test_the_demo_shows_the_charter_s_amendments_and_seoul_s_motion() -> None:
    call_command("demo", stdout=StringIO())

    charter = Decision.objects.get(
        assembly__edition=5, title_en="Amendments to the Charter and the Statute"
    )
    assert final_text(charter, "en") == [text for _n, _t, _k, text, _ko in CHARTER_AMENDMENTS]
    assert final_text(charter, "en") != TABLED_ARTICLE.splitlines()
    changes = history(charter, "en")
    assert [(c.paragraph, c.verdict) for c in changes] == [
        (1, Verdict.ADOPTED),
        (2, Verdict.ADOPTED),
    ]
    assert all(c.counts["yes"] > c.counts["no"] for c in changes)
    assert charter.verdict == Verdict.ADOPTED

    motion = Motion.objects.get(mover__slug="seoul")
    assert motion.state.meaning == StateMeaning.ADMITTED
    assert list(motion.supports.values_list("member__slug", flat=True)) == ["mexico-city"]

    release = render_press_release(Assembly.objects.get(edition=5), "en")
    assert "Article 12" not in release

"""An event that only says "this changed" leaves at most once per window, and the last change
of a burst is never lost: a ballot's turnout, 200 times a second, reaches the screens a few
times a second."""

from __future__ import annotations

import time
from typing import Any

import pytest

from moim import live
from moim.governance import services
from moim.live import brokers
from moim.members.models import Organization
from tests.governance.conftest import build_plenary
from tests.site.publication_plenary import open_motion

# The memory broker only: the same on either leg of `make test`.
pytestmark = pytest.mark.single_leg

WINDOW = 0.3


def _drain(subscription: live.Subscription, seconds: float) -> list[tuple[float, str]]:
    """Every event that arrives within `seconds`, with when it arrived."""
    heard: list[tuple[float, str]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        heard += [(time.monotonic(), data) for data in subscription.get(timeout=left)]
    return heard


def test_the_first_leaves_at_once_and_a_burst_as_one_more_at_the_window_s_end() -> None:
    subscription = live.subscribe("throttled:1")
    started = time.monotonic()

    for _ in range(50):
        live.publish_at_most(WINDOW, "throttled:1", poll=1, turnout=True)

    heard = _drain(subscription, 3 * WINDOW)
    assert [data for _, data in heard] == ['{"poll": 1, "turnout": true}'] * 2
    assert heard[0][0] - started < WINDOW / 2
    assert WINDOW * 0.9 <= heard[1][0] - started <= 2 * WINDOW


def test_a_change_after_a_quiet_window_leaves_at_once() -> None:
    subscription = live.subscribe("throttled:2")
    live.publish_at_most(WINDOW, "throttled:2", poll=2)
    time.sleep(WINDOW * 1.2)
    sent = time.monotonic()

    live.publish_at_most(WINDOW, "throttled:2", poll=2)

    heard = _drain(subscription, WINDOW / 2)
    assert len(heard) == 2
    assert heard[1][0] - sent < WINDOW / 2


def test_other_events_and_other_channels_have_windows_of_their_own() -> None:
    first, second = live.subscribe("throttled:3"), live.subscribe("throttled:4")

    live.publish_at_most(WINDOW, "throttled:3", poll=3)
    live.publish_at_most(WINDOW, "throttled:3", poll=4)
    live.publish_at_most(WINDOW, "throttled:4", poll=3)

    assert sorted(first.get(timeout=WINDOW / 2)) == ['{"poll": 3}', '{"poll": 4}']
    assert second.get(timeout=WINDOW / 2) == ['{"poll": 3}']


def test_without_a_window_every_event_leaves() -> None:
    subscription = live.subscribe("throttled:5")

    for _ in range(3):
        live.publish_at_most(0, "throttled:5", poll=5)

    assert [data for _, data in _drain(subscription, 0.2)] == ['{"poll": 5}'] * 3


def test_flushing_sends_what_waits_once() -> None:
    subscription = live.subscribe("throttled:6")
    live.publish_at_most(WINDOW, "throttled:6", poll=6)
    live.publish_at_most(WINDOW, "throttled:6", poll=6)

    brokers.flush_pending()

    assert len(_drain(subscription, 2 * WINDOW)) == 2


def test_a_broker_that_fails_loses_the_event_but_not_the_caller(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def publish(self, channel: str, data: str) -> None:
            raise ConnectionError("broker down")

    monkeypatch.setattr(brokers, "broker", Broken)

    live.publish_at_most(WINDOW, "throttled:7", poll=7)
    live.publish_at_most(WINDOW, "throttled:7", poll=7)
    brokers.flush_pending()

    assert caplog.text.count("live update on throttled:7 not sent") == 2


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_ballots_announces_its_turnout_twice_the_last_after_the_last_ballot(
    organization: Organization, chair: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_TURNOUT_SECONDS = WINDOW
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    subscription = live.subscribe(live.assembly_channel(plenary.assembly.pk))
    yes = poll.options.get(position=1).pk

    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )
    last_cast = time.monotonic()

    heard = _drain(subscription, 3 * WINDOW)
    turnout = f'{{"poll": {poll.pk}, "turnout": true}}'
    assert [data for _, data in heard] == [turnout, turnout]
    # The screens hear of the last ballot after it was stored, so they show the whole turnout.
    assert heard[-1][0] >= last_cast

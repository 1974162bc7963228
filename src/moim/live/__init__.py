"""Live updates: small events published after a commit, read by server-sent event streams.

`publish(channel, data)` sends an event to every stream listening on `channel` (and
`publish_at_most(every, channel, data)` one that only says "this changed", at most so often);
`subscribe(channel)` returns a subscription whose `get(timeout)` waits for the next events.
The broker is chosen by the `MOIM_LIVE_BACKEND` setting (read from the environment):

- ``memory`` (default): an in-process broadcaster, for one server process (runserver, tests);
- ``postgres``: PostgreSQL LISTEN/NOTIFY on the default database, for several processes;
- ``redis``: Redis pub/sub on ``REDIS_URL``, for several processes.

Events carry only what changed (kind and ids), never a vote. Under an ASGI server the streams
of a process share one subscription (`moim.live.hub`), which renders a page's state once per
change and language and sends it in the event; under the development server a page that
receives an event fetches its current state, which is also what every page does after a dropped
connection.
"""

from __future__ import annotations

from moim.live.brokers import (
    Broker,
    Subscription,
    broker,
    publish,
    publish_at_most,
    subscribe,
)

__all__ = [
    "Broker",
    "Subscription",
    "assembly_channel",
    "broker",
    "publish",
    "publish_at_most",
    "subscribe",
]


def assembly_channel(assembly_id: int) -> str:
    """The channel of everything shown live about one assembly (projector, poll turnout)."""
    return f"assembly:{assembly_id}"

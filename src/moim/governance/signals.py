"""Extension points of the plenary for other apps: governance itself never listens to them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that publishes a decision's verdict, with `decision` and `by`:
# an app that tracks where the decision came from (a member's motion) follows it there.
decision_published = Signal()

"""Moim's counting engine: plain Python, no Django. See docs/tally.md."""

"""Benchmarks that run Moim as it is deployed: `python bench/load.py` (see docs/benchmarks.md)."""

"""Moim runs a city network's General Assembly from end to end."""

__version__ = "0.1.0"

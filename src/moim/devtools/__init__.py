"""Helpers for the Makefile and the test suite; not used by the running site."""

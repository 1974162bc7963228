"""The JSON API: one NinjaAPI, one router module per domain, calling the domain services."""

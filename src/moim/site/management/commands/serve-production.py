"""`moim serve-production`: the production server, uvicorn with several worker processes.

Before it serves, it refuses what must never reach a network (DEBUG on, the development-only
secret key, no allowed host, several processes with live updates held in one), runs Django's
deployment checks and collects the static files that whitenoise serves. Then uvicorn's
supervisor starts the workers:

- SIGTERM or SIGINT: stop accepting connections, let requests finish for at most
  MOIM_GRACEFUL_TIMEOUT seconds (live streams are closed then; browsers reconnect), exit 0
  once every worker has ended;
- SIGHUP: restart every worker process, one new process per old one (a graceful restart, e.g.
  after an upgrade of the code); the listening socket stays open in the supervisor;
- SIGTTIN / SIGTTOU: one worker more / one fewer.

The supervisor runs even for one worker, so these hold whatever --workers says. Each worker
accepts a new connection only while it has a page thread free for it (`moim.intake`;
MOIM_ACCEPT_WITH_ROOM=false leaves accepting to uvicorn).
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from uvicorn.supervisors import Multiprocess

from moim.live.brokers import backend_name


def check_production_settings(workers: int) -> None:
    """Refuse, with what to change, the settings that must never serve a network."""
    if settings.DEBUG:
        raise CommandError(
            "DEBUG is on: the production server never runs with DEBUG (it shows tracebacks and "
            "settings to visitors). Unset DEBUG, or use `moim serve` on a development machine."
        )
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise CommandError(
            "SECRET_KEY is not set (or SECRET_KEY_FILE naming a file): the production server "
            "does not serve with the development-only key that MOIM_DEVELOPMENT allows."
        )
    if not settings.ALLOWED_HOSTS:
        raise CommandError(
            "ALLOWED_HOSTS is empty: set it to the site's host names, comma-separated "
            "(e.g. ALLOWED_HOSTS=assembly.example.org); every request would be refused."
        )
    if workers > 1 and backend_name() == "memory":
        raise CommandError(
            f"{workers} worker processes need live updates shared between them: set REDIS_URL "
            "(Redis then carries live updates and the stream limits) or "
            "MOIM_LIVE_BACKEND=postgres, or serve with --workers 1."
        )


def uvicorn_config(host: str, port: int, workers: int, graceful: int) -> uvicorn.Config:
    """uvicorn's settings for the production server."""
    return uvicorn.Config(
        "moim.asgi:application",
        host=host,
        port=port,
        workers=workers,
        # Django answers no ASGI lifespan events.
        lifespan="off",
        # uvloop's loop, each worker accepting a connection only while it has a page thread
        # free for it: a full worker leaves the next ballot to one with room (moim.intake).
        loop="moim.intake:new_loop" if settings.MOIM_ACCEPT_WITH_ROOM else "auto",
        # One rule for the client's address and scheme: MOIM_CLIENT_IP_HEADER and
        # SECURE_PROXY_SSL_HEADER (moim/net.py, settings), not uvicorn's own.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=graceful,
    )


class Command(BaseCommand):
    help = (
        "Serve the site in production: uvicorn with several worker processes (DEBUG off). "
        "SIGTERM stops gracefully, SIGHUP restarts the workers."
    )
    requires_system_checks = []  # run below with --deploy, after the settings are judged

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", help="Address to listen on (env MOIM_HOST; default 127.0.0.1, for a proxy)."
        )
        parser.add_argument(
            "--port", type=int, help="Port to listen on (env MOIM_PORT; default 8000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Worker processes (env MOIM_WORKERS; default one per core, two at least).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A flag wins over its setting (MOIM_HOST, MOIM_PORT, MOIM_WORKERS in the environment).
        flags = {name: options[name] for name in ("host", "port", "workers")}
        host: str = flags["host"] or settings.MOIM_HOST
        port: int = flags["port"] if flags["port"] is not None else settings.MOIM_PORT
        workers: int = flags["workers"] if flags["workers"] is not None else settings.MOIM_WORKERS
        graceful: int = settings.MOIM_GRACEFUL_TIMEOUT
        host = host.strip()
        if not host:
            raise CommandError("--host (MOIM_HOST) must name an address, e.g. 127.0.0.1")
        if not 0 < port < 65536:
            raise CommandError(f"--port (MOIM_PORT) must be between 1 and 65535, not {port}")
        if workers < 1:
            raise CommandError(f"--workers (MOIM_WORKERS) must be 1 or more, not {workers}")
        if graceful < 1:
            raise CommandError(f"MOIM_GRACEFUL_TIMEOUT must be 1 second or more, not {graceful}")
        check_production_settings(workers)
        call_command("check", deploy=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The workers are fresh processes: hand them no connection opened by the checks.
        connections.close_all()
        self.stdout.write(
            f"Serving Moim on http://{host}:{port} with {workers} worker process(es)",
        )
        self.stdout.flush()

        config = uvicorn_config(host, port, workers, graceful)
        # uvicorn's supervisor even for one worker: the same signals whatever the count
        # (SIGHUP restarts the workers, SIGTERM stops them and exits 0), and a worker that dies
        # is replaced.
        Multiprocess(config, sockets=[config.bind_socket()]).run()

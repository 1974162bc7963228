"""The `moim` command: Django's management commands plus `moim tally`, which needs no Django."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "tally":
        # The counting engine is plain Python: keep Django out of its start-up.
        from moim.tally.cli import main as tally_main

        return tally_main(args[1:])
    if args and args[0] == "serve":
        os.environ.setdefault("MOIM_DEVSERVER", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moim.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["moim", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())

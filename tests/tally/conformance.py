"""Where the shared conformance data lives (read at test time, never copied here).

`MOIM_CONFORMANCE_DIR` names the folder; by default it is `shared/conformance` beside the
repository's folder, found from this file, not from the working directory.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT = REPOSITORY.parent / "shared" / "conformance"


def conformance_dir() -> Path:
    configured = os.environ.get("MOIM_CONFORMANCE_DIR")
    return Path(configured) if configured else DEFAULT


def load_cases(kind: str) -> list[dict[str, Any]]:
    """Rows of `<kind>/cases.json`, or [] when the data is absent."""
    index = conformance_dir() / kind / "cases.json"
    if not index.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(index.read_text(encoding="utf-8"))["cases"]
    return cases


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def norm(name: str) -> str:
    """Names compared after collapsing whitespace (the BLT reader collapses it)."""
    return " ".join(name.split())


def decimals(values: dict[str, str]) -> dict[str, Decimal]:
    return {norm(k): Decimal(v) for k, v in values.items()}

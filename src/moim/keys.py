"""Keys derived from the vault key, a secret kept outside the database.

Everything that must hold against someone who reads (or writes) the database uses a key derived
here: the seal on an open secret poll's ballots and the keyed audit chain. Each use has its own
purpose label, so one derived key never serves two jobs.

The vault key comes from MOIM_VAULT_KEY (or MOIM_VAULT_KEY_FILE). On a development machine
without one, a random key is made once in the data directory (`vault.key`, readable by its owner
only) so that sealed ballots survive a restart of the development server.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_MIN_LENGTH = 32


@functools.cache
def vault_key() -> bytes:
    configured = str(getattr(settings, "MOIM_VAULT_KEY", "") or "")
    if configured:
        if len(configured) < _MIN_LENGTH:
            raise ImproperlyConfigured(
                f"MOIM_VAULT_KEY is too short: {len(configured)} characters, "
                f"at least {_MIN_LENGTH} are needed"
            )
        return configured.encode("utf-8")
    return _development_key(Path(settings.DATA_DIR) / "vault.key")


def _development_key(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode("ascii")
    # O_EXCL: two processes starting at once agree on the first key written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def derive(purpose: str) -> bytes:
    """A 32-byte key for one purpose (e.g. "ballot-seal", "audit-chain")."""
    return hmac.new(vault_key(), f"moim:{purpose}".encode(), hashlib.sha256).digest()

"""The seal on an open secret poll's ballots, and the receipt codes derived from the vault key.

While a secret poll is open its ballots are stored sealed (AES-256-GCM, a random nonce each)
with a key derived from the vault key, which is not in the database: whoever reads the
database, its backups or its write-ahead log sees the poll and an opaque blob of one fixed
length per poll, and nothing that ties it to a published ballot (choices, weight and receipt
hash are all inside). The poll id is bound to each seal as associated data, so a sealed row
moved to another poll does not open.

Receipt codes are derived from the vault key too (an HMAC over the poll, the member, the voter
and the submission's token), so a retry of the same submission gets the same code, while a
database reader, who lacks the key and never sees the token, cannot compute or link it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from moim import keys

SEAL_PURPOSE = "ballot-seal"
RECEIPT_PURPOSE = "ballot-receipt"
SUBMISSION_PURPOSE = "ballot-submission"

_VERSION = 1
_NONCE = 12
# version, weight, receipt hash (32 bytes), number of choices; then one 16-bit slot per choice.
_HEAD = struct.Struct(">BI32sH")
_SLOT = struct.Struct(">H")
# Slots come in blocks, so a poll's ciphertexts are all one length whatever was ranked.
_SLOT_BLOCK = 32


class SealBroken(Exception):
    """A sealed ballot that does not open: the vault key changed, or the row was altered."""


@dataclass(frozen=True)
class SealedContent:
    choices: list[int]
    weight: int
    receipt_hash: str


def slots_for(option_count: int) -> int:
    """How many choice slots every ballot of a poll with `option_count` options is padded to."""
    blocks = max(1, -(-option_count // _SLOT_BLOCK))
    return blocks * _SLOT_BLOCK


def _aad(poll_id: int) -> bytes:
    return f"moim-ballot-seal:v{_VERSION}:poll:{poll_id}".encode()


def seal(*, poll_id: int, option_count: int, content: SealedContent) -> bytes:
    """Nonce + AES-GCM ciphertext of the padded ballot; the same length for every ballot."""
    slots = slots_for(max(option_count, len(content.choices)))
    plain = _HEAD.pack(
        _VERSION, content.weight, bytes.fromhex(content.receipt_hash), len(content.choices)
    )
    padded = list(content.choices) + [0] * (slots - len(content.choices))
    plain += b"".join(_SLOT.pack(c) for c in padded)
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(keys.derive(SEAL_PURPOSE)).encrypt(nonce, plain, _aad(poll_id))


def open_seal(*, poll_id: int, sealed: bytes) -> SealedContent:
    """The ballot inside a seal, or SealBroken when it does not open with today's vault key."""
    nonce, body = bytes(sealed[:_NONCE]), bytes(sealed[_NONCE:])
    try:
        key = keys.derive(SEAL_PURPOSE)
    except ImproperlyConfigured as error:
        raise SealBroken(f"the vault key is not usable: {error}") from error
    try:
        plain = AESGCM(key).decrypt(nonce, body, _aad(poll_id))
    except InvalidTag as error:
        raise SealBroken("the seal does not open with the vault key in use") from error
    version, weight, digest, count = _HEAD.unpack_from(plain)
    if version != _VERSION:
        raise SealBroken(f"unknown seal version {version}")
    slots = [_SLOT.unpack_from(plain, _HEAD.size + i * _SLOT.size)[0] for i in range(count)]
    return SealedContent(choices=slots, weight=weight, receipt_hash=digest.hex())


def _message(poll_id: int, member_id: int, voter_id: int | None, token: str) -> bytes:
    return f"{poll_id}:{member_id}:{voter_id or 0}:{token}".encode()


def receipt_code(
    *, poll_id: int, member_id: int, voter_id: int | None, token: str, alphabet: str
) -> str:
    """Four groups of four characters, the same for the same submission, from the vault key."""
    mac = hmac.new(
        keys.derive(RECEIPT_PURPOSE), _message(poll_id, member_id, voter_id, token), hashlib.sha256
    ).digest()
    number = int.from_bytes(mac, "big")
    chars = []
    for _index in range(16):
        number, rest = divmod(number, len(alphabet))
        chars.append(alphabet[rest])
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))


def submission_digest(
    *, poll_id: int, member_id: int, voter_id: int | None, token: str, positions: Sequence[int]
) -> str:
    """What a vote record keeps to know a retry of the same submission (same choices too)."""
    message = _message(poll_id, member_id, voter_id, token) + b"|" + repr(list(positions)).encode()
    return hmac.new(keys.derive(SUBMISSION_PURPOSE), message, hashlib.sha256).hexdigest()

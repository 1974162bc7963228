"""Bounded parameter types shared by the API's operations: bad input is refused (422) before
any service or query runs, and the bounds are in the OpenAPI document."""

from __future__ import annotations

from typing import Annotated

from ninja import Field
from ninja.params import functions as param

# Every id fits a 32-bit integer long before it runs out; larger numbers cannot name a record
# and would overflow the database's integer columns.
MAX_ID = 2**31 - 1
# Edition numbers are small positive integers in the database.
MAX_EDITION = 32767

RecordId = Annotated[int, param.Path(ge=1, le=MAX_ID, description="A record's id.")]
EditionNumber = Annotated[
    int, param.Path(ge=1, le=MAX_EDITION, description="The edition's number (5 for the 5th).")
]
Slug = Annotated[
    str, Field(min_length=1, max_length=120, pattern=r"^[-a-zA-Z0-9_]+$", description="A slug.")
]

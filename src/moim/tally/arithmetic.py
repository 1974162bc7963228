"""The arithmetic a count is done in: fixed-point decimals or exact fractions.

A `Fixed` value is an int of ``10**-places`` units; rounding is explicit in every product and
quotient (down = truncate towards zero for the non-negative values a count uses; up = the
smallest representable value not below the exact one). A `Exact` value is a `Fraction`.
Both expose the same operations so a method is written once and run in either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Value = int | Fraction


@dataclass(frozen=True)
class Fixed:
    """Fixed-point decimals at `places` places, held as integers."""

    places: int

    @property
    def name(self) -> str:
        return f"fixed-point, {self.places} decimal places"

    @property
    def one(self) -> int:
        return 10**self.places

    @property
    def epsilon(self) -> Value:
        return 1

    def of(self, whole: int) -> Value:
        return whole * self.one

    def parse(self, text: str) -> Value:
        return int(Decimal(text).scaleb(self.places))

    def mul(self, a: Value, b: Value) -> Value:
        return int(a) * int(b) // self.one

    def mul_up(self, a: Value, b: Value) -> Value:
        return -(-int(a) * int(b) // self.one)

    def div(self, a: Value, b: Value) -> Value:
        return int(a) * self.one // int(b)

    def div_up(self, a: Value, b: Value) -> Value:
        return -(-int(a) * self.one // int(b))

    def decimal(self, v: Value) -> Decimal:
        return Decimal(int(v)).scaleb(-self.places)


@dataclass(frozen=True)
class Exact:
    """Exact rational arithmetic; `places` is only the precision shown."""

    places: int = 12

    @property
    def name(self) -> str:
        return "exact rational"

    @property
    def one(self) -> Value:
        return Fraction(1)

    @property
    def epsilon(self) -> Value:
        return Fraction(0)

    def of(self, whole: int) -> Value:
        return Fraction(whole)

    def parse(self, text: str) -> Value:
        return Fraction(text)

    def mul(self, a: Value, b: Value) -> Value:
        return Fraction(a) * b

    mul_up = mul

    def div(self, a: Value, b: Value) -> Value:
        return Fraction(a) / b

    div_up = div

    def decimal(self, v: Value) -> Decimal:
        f = Fraction(v)
        scaled = f.numerator * 10**self.places // f.denominator
        return Decimal(scaled).scaleb(-self.places)


Arithmetic = Fixed | Exact

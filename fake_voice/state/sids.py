"""SIDs: what an account SID looks like, and the factory that draws every other one."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}\Z")
"""An account SID: AC and 32 hexadecimal digits."""


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


class SidFactory:
    """Draws ``<prefix>`` + 32 lowercase hex digits from a seeded generator; never repeats.

    ``random.Random(seed)`` draws exactly what a ``Faker`` seeded with ``seed`` draws, so
    SIDs are the ones Faker gave for the same seed, without building a Faker per fake.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        # Seeded on the first draw: most fakes of a test suite never draw a SID.
        self._random: random.Random | None = None
        self._issued: set[str] = set()

    def _draw(self) -> int:
        if self._random is None:
            self._random = random.Random(self.seed)
        return self._random.getrandbits(128)

    def new(self, prefix: str) -> str:
        while True:
            sid = f"{prefix}{self._draw():032x}"
            if sid not in self._issued:
                self._issued.add(sid)
                return sid

    def new_unrecorded(self, prefix: str) -> str:
        """A SID drawn like the others but not remembered: for request IDs, one per answer,
        which would otherwise grow a long-lived server's memory without bound (128 random
        bits do not repeat in practice, and a repeated request ID would harm nothing)."""
        generator = self._random  # _draw(), inline: every answer draws one of these
        if generator is None:
            generator = self._random = random.Random(self.seed)
        return f"{prefix}{generator.getrandbits(128):032x}"

    def new_ttid(self, prefix: str) -> str:
        """``<prefix>_`` + 26 lowercase base32 characters (a TypeID, as Voice v2 and v3 ids
        are); never repeats."""
        while True:
            number = self._draw()  # a TypeID's first character is 0-7
            digits = (_CROCKFORD[(number >> (5 * i)) & 31] for i in range(25, -1, -1))
            ttid = prefix + "_" + "".join(digits)
            if ttid not in self._issued:
                self._issued.add(ttid)
                return ttid

    def reserve(self, sids: Iterable[str]) -> None:
        """Never draw these (SIDs a loaded state already uses)."""
        self._issued.update(sids)

"""Tracking numbers: short, readable over the phone, random.

A tracking number names a case in conversation; it never grants access by
itself (reading a case always needs its owner's login). The alphabet is
Crockford's base32 without I, L, O and U, so "1" and "I" or "0" and "O" are
never confused; 8 random symbols give 32^8 ≈ 10^12 values, and the store
rejects the rare collision with a conditional write (the caller draws again).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "KT"
_GROUP = 4
_PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{{_GROUP}}}-[{ALPHABET}]{{{_GROUP}}}$")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_tracking_number() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(2 * _GROUP))
    return f"{PREFIX}-{symbols[:_GROUP]}-{symbols[_GROUP:]}"


def normalize(text: str) -> str | None:
    """Read a tracking number as a person typed or dictated it; None if it cannot be one."""
    compact = re.sub(r"[\s\-]", "", text.upper()).translate(_READ_AS)
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != 2 * _GROUP:
        return None
    candidate = f"{PREFIX}-{compact[:_GROUP]}-{compact[_GROUP:]}"
    return candidate if _PATTERN.match(candidate) else None

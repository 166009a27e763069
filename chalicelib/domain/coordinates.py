"""Where a complaint is: a point in WGS84 decimal degrees, inside East Kalimantan (DESIGN.md §3, Location).

The web form's map pin, an operator's entry and an Open311 client send ``lat`` and ``long`` besides the
``location`` text; both or neither. A point outside the province's box is refused: the service has no agency
to send it to, and the public map would show it where no case can be. The box is the province's extent with a
little margin (Derawan and the Maratua islands in the north-east, the Paser coast in the south, the Mahakam's
upper reaches towards the border in the west); it is deliberately a box, not the border's polygon, so a pin
dropped on the coast or a river never falls out by a few metres.

Pure: no pydantic (``models.py`` validates through these rules), no AWS.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# The province's box, inclusive, in decimal degrees.
LAT_MIN, LAT_MAX = -2.6, 2.7
LONG_MIN, LONG_MAX = 113.6, 119.2
BOUNDS = {"lat": (LAT_MIN, LAT_MAX), "long": (LONG_MIN, LONG_MAX)}
# Kept to 6 decimals (about 11 cm): more is noise from a phone's GPS, and one point is stored one way.
DECIMALS = 6
NAMES = ("lat", "long")

# The error codes (web/problems.py explains each, in Indonesian and English).
NOT_A_NUMBER = "not_a_number"  # a string, a boolean, NaN, infinity, ...
OUTSIDE_KALTIM = "outside_kaltim"  # a number outside the box; the error carries ``min`` and ``max``
PAIR_REQUIRED = "pair_required"  # one of the two alone; the error names the missing one, ``other`` the given


def is_number(value: Any) -> bool:
    """A finite JSON number: not a string, not a boolean, not NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def within(name: str, value: float) -> bool:
    """Whether ``value`` is inside the province's box for ``name`` (``lat`` or ``long``)."""
    low, high = BOUNDS[name]
    return low <= value <= high


def in_kaltim(lat: float, long: float) -> bool:
    return within("lat", lat) and within("long", long)


def rounded(value: float) -> float:
    return round(float(value), DECIMALS)


def outside(name: str) -> dict[str, Any]:
    """The error of a number outside the box (without the field: the caller names it)."""
    low, high = BOUNDS[name]
    return {"code": OUTSIDE_KALTIM, "min": low, "max": high}


def check(name: str, value: Any) -> dict[str, Any] | None:
    """The error of one coordinate as sent (None is "not given" and fine here), or None."""
    if value is None:
        return None
    if not is_number(value):
        return {"field": name, "code": NOT_A_NUMBER}
    if not within(name, float(value)):
        return {"field": name, **outside(name)}
    return None


def pair_errors(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Both or neither: the one missing is named. A member sent as null counts as not sent."""
    given = [name for name in NAMES if payload.get(name) is not None]
    if len(given) != 1:
        return []
    (sent,) = given
    missing = "long" if sent == "lat" else "lat"
    return [{"field": missing, "code": PAIR_REQUIRED, "other": sent}]

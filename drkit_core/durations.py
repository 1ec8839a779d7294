"""Durations as people write them in stack config: ``30s``, ``15m``, ``4h``, ``1d``, ``1h30m``."""

from __future__ import annotations

import re

_DURATION = re.compile(r"(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?", re.ASCII)
_UNITS = (86400, 3600, 60, 1)


def parse_duration(text: str) -> int:
    """Seconds in a duration such as ``30s``, ``15m``, ``4h``, ``1d`` or ``1h30m``.

    Raises ValueError for anything else, including zero and digits other than 0-9.
    """
    stripped = text.strip()
    match = _DURATION.fullmatch(stripped)
    if not stripped or match is None:
        raise ValueError(text)
    seconds = sum(int(g) * unit for g, unit in zip(match.groups(), _UNITS, strict=True) if g)
    if seconds <= 0:
        raise ValueError(text)
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest ``1h30m``-style text for a number of seconds."""
    parts = []
    for unit, suffix in zip(_UNITS, "dhms", strict=True):
        count, seconds = divmod(seconds, unit)
        if count:
            parts.append(f"{count}{suffix}")
    return "".join(parts) or "0s"

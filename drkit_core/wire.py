"""How Pulumi hands values over, in one place: booleans that arrive as strings, config values
that are always strings, and the stand-in for secrets that cannot be decrypted offline."""

from __future__ import annotations

import json
from typing import Any

SECRET_PLACEHOLDER = "drkit-offline-secret"
"""What the offline engine gives a program for a ``secure:`` config value it cannot decrypt."""

SECRET_SHOWN = "[secret]"
"""How a secret value is written in anything drkit outputs (Pulumi's convention)."""


def parse_bool(value: Any) -> bool | None:
    """``True``/``False`` for a boolean or its text (``"true"``, ``"False"``); None otherwise.

    Provider inputs, config values and explicit providers' settings may carry booleans as
    strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def is_true(value: Any) -> bool:
    """True only for ``True`` or its text: an unset or malformed flag is not set."""
    return parse_bool(value) is True


def config_string(value: Any) -> str:
    """A config value as the language host hands it to programs: strings as they are, booleans
    as ``true``/``false``, numbers as text, objects and lists as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


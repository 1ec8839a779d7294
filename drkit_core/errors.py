"""Errors that drkit reports to a person: a message, never a traceback.

Every problem line has one format, made by :func:`invalid`: the input, the value given (as
JSON, cut when long) and what is allowed. Components raise a subclass that is also Pulumi's
``RunError`` (components/base.py), so a real ``pulumi up`` prints only the message too.
"""

from __future__ import annotations

import json
from typing import Any

MAX_SHOWN = 80
"""Longest value quoted in a message; longer ones are cut with an ellipsis."""


def quote(value: Any) -> str:
    """A value as messages show it: JSON (``"eu"``, ``7``, ``null``, ``["a", 1]``), cut at
    :data:`MAX_SHOWN` characters."""
    try:
        shown = json.dumps(value, ensure_ascii=False, default=repr)
    except ValueError:  # NaN and friends
        shown = repr(value)
    return shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN - 1] + "…"


def invalid(where: str, value: Any, allowed: str) -> str:
    """One problem line: the input, the value given and what is allowed."""
    return f"{where}: {quote(value)} is not valid; {allowed}"


class DrkitError(Exception):
    """Base of every error drkit reports with a clear message and exit status 2."""


class ConfigError(DrkitError):
    """Stack configuration or component input is missing or invalid; raised before any
    resource is registered."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        if len(problems) == 1:
            text = f"invalid stack configuration: {problems[0]}"
        else:
            text = "invalid stack configuration:\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(text)


class ProjectError(DrkitError):
    """The Pulumi project or stack files cannot be read."""


class ProgramError(DrkitError):
    """The Pulumi program raised; the message names the file and line in the program."""

"""Errors that drkit reports to a person: a message, never a traceback.

They subclass :class:`pulumi.RunError` so that a real ``pulumi up`` prints only the message too
(the Python language host prints a traceback for any other exception).
"""

from __future__ import annotations

import pulumi


class DrkitError(pulumi.RunError):
    """Base of every error drkit reports with a clear message and exit status 2."""


class ConfigError(DrkitError):
    """Stack configuration is missing or invalid; raised before any resource is registered."""

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

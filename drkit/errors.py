"""Errors that drkit reports to a person: a message, never a traceback.

They subclass :class:`pulumi.RunError` so that a real ``pulumi up`` prints only the message too
(the Python language host prints a traceback for any other exception). In checkov's own
environment, where pulumi is not installed, drkit's rules still import this module: there the
base is a plain Exception.
"""

from __future__ import annotations

try:
    from pulumi import RunError as _Base
except ImportError:  # checkov's virtualenv: the rules run without pulumi
    _Base = Exception  # type: ignore[misc,assignment]


class DrkitError(_Base):
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

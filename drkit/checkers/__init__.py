"""Checkers: the sources of ``drkit check``'s findings, side by side.

- :mod:`drkit.checkers.rules`: drkit's own DR rules (policies/), with CrossGuard's semantics.
- :mod:`drkit.checkers.checkov`: checkov's checks on each stack's Terraform-plan export.

Each is a :class:`Checker`: it sees every stack of one call at once (so app rules can judge the
stacks of one app together) and reports :class:`~drkit_core.findings.Finding` objects per stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from drkit_core.findings import Finding, RuleInfo
from drkit_core.graph import CheckedStack


@dataclass
class CheckResult:
    """What one checker found on one stack."""

    findings: list[Finding] = field(default_factory=list)
    checks_run: int = 0
    rules_run: list[str] = field(default_factory=list)


class Checker(Protocol):
    """A source of findings."""

    def rules(self) -> list[RuleInfo]:
        """Every rule this checker may report, enabled ones only."""
        ...

    def check(self, stacks: Sequence[CheckedStack]) -> Mapping[str, CheckResult]:
        """Findings per stack (by :attr:`CheckedStack.key`)."""
        ...

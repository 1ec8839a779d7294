"""What several renderers share."""

from __future__ import annotations

from drkit_core.findings import Enforcement, Finding, StackReport


def ordered(findings: list[Finding]) -> list[Finding]:
    """Decided findings first, worst severity first, mandatory before advisory, then by rule."""
    return sorted(findings, key=lambda f: (f.unknown, -f.severity.rank,
                                           f.enforcement is not Enforcement.MANDATORY, f.rule,
                                           f.name or ""))


def title(stack: StackReport) -> str:
    return f"{stack.project}/{stack.stack}" if stack.project else stack.stack

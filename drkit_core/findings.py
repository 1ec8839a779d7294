"""Findings: what every checker (drkit's rules, checkov) reports, in one shape.

``drkit check`` gathers findings from each source per stack; every output format (text, JSON,
SARIF, JUnit) renders this model and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Enforcement(StrEnum):
    """CrossGuard's enforcement levels."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"
    DISABLED = "disabled"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One violation (or a check that could not be decided offline: ``unknown=True``)."""

    rule: str
    """Stable ID: ``DR-AWS-001`` for drkit's rules, ``CKV_AWS_157`` for checkov's."""
    policy: str
    """Kebab-case policy name (CrossGuard's name); checkov's check name for checkov."""
    source: str
    """``drkit`` or ``checkov``."""
    enforcement: Enforcement
    severity: Severity
    stack: str
    message: str
    urn: str | None = None
    type: str | None = None
    name: str | None = None
    remediation: str | None = None
    unknown: bool = False
    location: tuple[str, int] | None = None
    """Program file and line that declared the resource, when known."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "policy": self.policy,
            "source": self.source,
            "enforcement": self.enforcement.value,
            "severity": self.severity.value,
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "remediation": self.remediation,
            "unknown": self.unknown,
            "location": ({"file": self.location[0], "line": self.location[1]}
                         if self.location else None),
        }


@dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule that ran (SARIF's rule list, JUnit's test cases)."""

    id: str
    name: str
    title: str
    """One line: "Ensure ..."."""
    severity: Severity
    source: str = "drkit"
    remediation: str | None = None
    help_uri: str | None = None
    enforcement: Enforcement = Enforcement.MANDATORY
    """The level its violations get in this run (SARIF's default level)."""


@dataclass
class StackReport:
    stack: str
    resources: int
    findings: list[Finding] = field(default_factory=list)
    checks_run: int = 0
    """How many (rule, resource) evaluations ran, for JUnit's test counts."""
    project: str = ""
    config_file: str | None = None
    """The stack's config file, relative to the repository: where a finding without a program
    line points (SARIF needs a location)."""
    rules_run: list[str] = field(default_factory=list)
    """IDs of the rules evaluated on this stack (each source's, in order)."""


@dataclass
class Report:
    project: str
    stacks: list[StackReport] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    """Every rule that ran on some stack, from every source."""

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.stacks for f in s.findings]

    def summary(self) -> dict[str, int]:
        counts = {level.value: 0 for level in Enforcement}
        counts["unknown"] = 0
        for finding in self.findings:
            if finding.unknown:
                counts["unknown"] += 1
            else:
                counts[finding.enforcement.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        """True when any mandatory violation was found (exit status 1)."""
        return any(f.enforcement is Enforcement.MANDATORY and not f.unknown
                   for f in self.findings)

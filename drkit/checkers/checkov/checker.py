"""checkov as a :class:`drkit.checkers.Checker` of ``drkit check``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from drkit.checkers import CheckResult
from drkit.checkers.checkov.findings import SOURCE, severity
from drkit.checkers.checkov.locate import own_check_ids
from drkit.checkers.checkov.options import DR_CHECKS, CheckovOptions
from drkit.checkers.checkov.scans import StackScan, scan_each
from drkit_core.findings import RuleInfo, Severity
from drkit_core.graph import CheckedStack
from policies.registry import by_id


class CheckovChecker:
    """checkov as a :class:`drkit.checkers.Checker`: ``check(stacks)`` scans each stack's run
    and returns its findings (locations relative to the repository) by stack key."""

    def __init__(self, options: CheckovOptions | None = None) -> None:
        self.options = options or CheckovOptions()
        self.scans: dict[str, StackScan] = {}
        """The last :meth:`check`'s scans by stack key (counts, timings, unmapped types)."""

    def rules(self) -> list[RuleInfo]:
        """Every check the last scan ran; before any scan, the checks whose failures are
        mandatory by default (checkov's DR checks and drkit's own)."""
        if self.scans:
            return self.checks_seen()
        own = [rule for rule_id, rule in by_id().items() if rule_id in own_check_ids()]
        infos = [RuleInfo(id=check_id, name=check_id, title=check_id,
                          severity=Severity.HIGH, source=SOURCE) for check_id in sorted(DR_CHECKS)]
        infos += [RuleInfo(id=rule.id, name=rule.name, title=rule.title, severity=rule.severity,
                           source=SOURCE, remediation=rule.remediation) for rule in own]
        return infos

    def checks_seen(self) -> list[RuleInfo]:
        """Every check the last :meth:`check` ran, with checkov's names."""
        seen: dict[str, str] = {}
        for one in self.scans.values():
            seen.update(one.checks)
        return [RuleInfo(id=check_id, name=name, title=name,
                         severity=severity(None, self.options.enforcement(check_id)),
                         source=SOURCE, enforcement=self.options.enforcement(check_id))
                for check_id, name in sorted(seen.items())]

    def check(self, stacks: Sequence[CheckedStack]) -> dict[str, CheckResult]:
        """Scan each stack's plan; findings by :attr:`CheckedStack.key`."""
        options = self.options
        if not options.search_from:
            roots = tuple(dict.fromkeys(Path(s.project.root) for s in stacks))
            options = replace(options, search_from=roots)
        scans = scan_each([s.run for s in stacks], options)
        results: dict[str, CheckResult] = {}
        for stack, one in zip(stacks, scans, strict=True):
            self.scans[stack.key] = one
            findings = [replace(f, location=(stack.relative(f.location[0]), f.location[1]))
                        if f.location else f for f in one.findings]
            results[stack.key] = CheckResult(findings=findings, checks_run=one.passed + one.failed,
                                             rules_run=sorted(one.checks))
        return results

"""Text for a person: per stack, worst first, each with its fix; one summary line."""

from __future__ import annotations

from drkit.report.common import ordered, title
from drkit_core.findings import Finding, Report, StackReport

_INDENT = " " * 12


def render(report: Report) -> str:
    lines: list[str] = []
    for stack in report.stacks:
        lines.extend(_stack(stack))
    lines.append(_summary(report))
    return "\n".join(lines)


def _stack(stack: StackReport) -> list[str]:
    decided = [f for f in stack.findings if not f.unknown]
    unknown = len(stack.findings) - len(decided)
    head = (f"{title(stack)}: {stack.resources} resources, {len(stack.rules_run)} rules, "
            f"{len(decided) or 'no'} violation{'s' if len(decided) != 1 else ''}")
    lines = [head + (f", {unknown} unknown" if unknown else "")]
    for finding in ordered(stack.findings):
        lines.extend(_finding(finding))
    lines.append("")
    return lines


def _finding(finding: Finding) -> list[str]:
    level = "unknown" if finding.unknown else finding.enforcement.value
    where = f"  ({finding.location[0]}:{finding.location[1]})" if finding.location else ""
    lines = [f"  {finding.severity.value.upper():<9} {level:<9} {finding.rule} "
             f"{finding.policy}{where}",
             f"{_INDENT}{finding.message}"]
    if finding.remediation and not finding.unknown:
        lines.append(f"{_INDENT}fix: {finding.remediation}")
    return lines


def _summary(report: Report) -> str:
    counts = report.summary()
    verdict = "FAILED" if report.failed else "passed"
    resources = sum(s.resources for s in report.stacks)
    return (f"{verdict}: {counts['mandatory']} mandatory, {counts['advisory']} advisory, "
            f"{counts['unknown']} unknown ({len(report.stacks)} stacks, {resources} resources, "
            f"{len(report.rules)} rules)")

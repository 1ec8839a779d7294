"""JUnit XML as CI systems read it: a test suite per stack, a test case per rule that ran.

Mandatory violations fail the test case; advisory ones go to its ``system-out`` (JUnit has no
warnings); a rule that found only values it could not know offline is skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from drkit.report.common import ordered, title
from drkit_core.findings import Enforcement, Finding, Report, RuleInfo, StackReport


def render(report: Report) -> str:
    rules = {r.id: r for r in report.rules}
    root = ET.Element("testsuites", name="drkit check")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for stack in report.stacks:
        suite = _suite(stack, rules)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _suite(stack: StackReport, rules: dict[str, RuleInfo]) -> ET.Element:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in ordered(stack.findings):
        by_rule[finding.rule].append(finding)
    ids = list(dict.fromkeys([*stack.rules_run, *by_rule]))
    name = title(stack)
    suite = ET.Element("testsuite", name=name, tests=str(len(ids)), errors="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="resources", value=str(stack.resources))
    failures = skipped = 0
    for rule_id in ids:
        info = rules.get(rule_id)
        label = f"{rule_id} {info.name}" if info else rule_id
        case = ET.SubElement(suite, "testcase", name=label,
                             classname=name.replace("/", ".").replace(" ", "_"))
        found = by_rule.get(rule_id, [])
        mandatory = [f for f in found if not f.unknown
                     and f.enforcement is Enforcement.MANDATORY]
        others = [f for f in found if f not in mandatory]
        if mandatory:
            failures += 1
            failure = ET.SubElement(case, "failure", type="mandatory",
                                    message=f"{len(mandatory)} mandatory violation(s)")
            failure.text = "\n".join(_line(f) for f in mandatory)
        elif found and all(f.unknown for f in found):
            skipped += 1
            ET.SubElement(case, "skipped", message="cannot be decided offline: "
                          + "; ".join(f.message for f in found))
        if others and (mandatory or not all(f.unknown for f in found)):
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    return suite


def _line(finding: Finding) -> str:
    level = "unknown" if finding.unknown else finding.enforcement.value
    text = f"[{level}] {finding.message}"
    if finding.remediation and not finding.unknown:
        text += f"\n  fix: {finding.remediation}"
    return text

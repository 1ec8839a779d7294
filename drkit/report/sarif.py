"""SARIF 2.1.0 as GitHub code scanning accepts it (``github/codeql-action/upload-sarif``).

Every result needs a location: the program line that declared the resource when known, else
the stack's config file. Fingerprints hang on the rule, stack and resource (not the line), so
an alert survives edits that move it.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from typing import Any

from drkit.report.common import ordered, title
from drkit_core.findings import Enforcement, Finding, Report, RuleInfo, StackReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/drkit/drkit"
_LEVELS = {Enforcement.MANDATORY: "error", Enforcement.ADVISORY: "warning",
           Enforcement.DISABLED: "none"}


def render(report: Report) -> str:
    return json.dumps(to_data(report), indent=2)


def to_data(report: Report) -> dict[str, Any]:
    index = {rule.id: i for i, rule in enumerate(report.rules)}
    results = [_result(f, stack, index) for stack in report.stacks
               for f in ordered(stack.findings)]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "drkit",
                "informationUri": INFORMATION_URI,
                "semanticVersion": _version(),
                "rules": [_rule(rule) for rule in report.rules],
            }},
            "results": results,
        }],
    }


def _version() -> str:
    try:
        return metadata.version("drkit")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def _rule(rule: RuleInfo) -> dict[str, Any]:
    help_text = rule.remediation or rule.title
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.title},
        "help": {"text": help_text, "markdown": f"**{rule.title}**\n\nFix: {help_text}"},
        "defaultConfiguration": {"level": _LEVELS[rule.enforcement]},
        "properties": {"tags": [rule.source, "disaster-recovery"],
                       "severity": rule.severity.value},
    }


def _result(finding: Finding, stack: StackReport, index: dict[str, int]) -> dict[str, Any]:
    if finding.location:
        uri, line = finding.location
    else:
        uri, line = stack.config_file or "Pulumi.yaml", 1
    where = title(stack)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": "note" if finding.unknown else _LEVELS[finding.enforcement],
        "message": {"text": f"[{where}] {finding.message}"
                    + (" (cannot be decided offline)" if finding.unknown else "")},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(1, int(line))},
            },
            "logicalLocations": [{"name": finding.name or where,
                                  "fullyQualifiedName": finding.urn or where,
                                  "kind": "resource" if finding.urn else "module"}],
        }],
        "partialFingerprints": {"drkitFinding/v1": _fingerprint(finding, where)},
        "properties": {"stack": where, "enforcement": finding.enforcement.value,
                       "severity": finding.severity.value, "unknown": finding.unknown,
                       "urn": finding.urn},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def _fingerprint(finding: Finding, where: str) -> str:
    # A stack-level finding has no resource: its message tells one such finding from another.
    parts = [finding.rule, where, finding.type or "", finding.name or "",
             "" if finding.urn else finding.message]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

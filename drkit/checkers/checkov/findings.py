"""A checkov failed check as a Finding on the Pulumi resource its plan address came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drkit.checkers.checkov.options import CheckovOptions
from drkit.export.tfplan import PlanExport
from drkit_core.findings import Enforcement, Finding, Severity

SOURCE = "checkov"


def to_finding(record: Mapping[str, Any], export: PlanExport,
               options: CheckovOptions) -> Finding:
    """A checkov failed-check record as a Finding on the Pulumi resource it came from."""
    check_id = str(record.get("check_id"))
    address = str(record.get("resource_address") or record.get("resource") or "")
    exported = export.resources.get(address)
    resource = exported.resource if exported else None
    enforcement = options.enforcement(check_id)
    keys = (record.get("check_result") or {}).get("evaluated_keys") or []
    name = str(record.get("check_name") or check_id)
    what = f'{resource.type} "{resource.name}"' if resource else address
    message = f"{what} ({address}): {name.rstrip('.')}"
    if keys:  # sorted: checkov lists them in set order, which changes from run to run
        message += f" [checkov looked at: {', '.join(sorted(str(k) for k in keys))}]"
    return Finding(
        rule=check_id, policy=name, source=SOURCE, enforcement=enforcement,
        severity=severity(record.get("severity"), enforcement), stack=export.stack,
        message=message, urn=resource.urn if resource else None,
        type=resource.type if resource else None, name=resource.name if resource else None,
        remediation=record.get("guideline") or None,
        location=resource.source if resource else None)


def severity(value: Any, enforcement: Enforcement) -> Severity:
    """checkov's severity when it gives one (only with a Prisma Cloud key), else one that
    follows the enforcement: high for mandatory checks, low for advisory ones."""
    text = str(value or "").lower()
    if text in {s.value for s in Severity}:
        return Severity(text)
    return Severity.HIGH if enforcement is Enforcement.MANDATORY else Severity.LOW

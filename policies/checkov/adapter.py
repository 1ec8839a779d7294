"""Run a drkit rule as a checkov check: Terraform values back to the rule's camelCase view.

checkov hands a check the resource as it parsed it (plan or HCL), every value wrapped in a list;
:func:`view_of` maps it back with drkit's Pulumi <-> Terraform mapping (drkit/export/schema.py)
to the :class:`~policies.model.ResourceView` the rule reads. The check takes the rule's ID,
title and remediation, so both report the same thing the same way.

Configuration (plain Terraform has no ``drkit:`` stack config):

- ``DRKIT_RESIDENCY``: allowed jurisdictions, comma-separated (``eu``, ``eu,ch``, ``any``);
  unset: the residency checks (DR-RES-001, DR-RES-002) report nothing.
  ``DRKIT_RESIDENCY_FILE``: a file holding the same list (one per line or comma-separated).
  ``drkit check`` sets ``DRKIT_RESIDENCY`` from each stack's ``drkit:residency``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from drkit_core.intent import Intent
from drkit_core.regions import own_region
from drkit_core.tfschema import TypeMapping, catalog, to_pulumi
from policies.model import ResourceView, Rule, Scope, Violation, evaluate
from policies.registry import by_id

ENV_RESIDENCY = "DRKIT_RESIDENCY"
ENV_RESIDENCY_FILE = "DRKIT_RESIDENCY_FILE"
_ADDRESS = "__address__"


class RuleCheck(BaseResourceCheck):
    """A checkov check running the drkit rule ``rule_id`` on ``resources`` (Terraform types)."""

    def __init__(self, rule_id: str, resources: Iterable[str],
                 category: CheckCategories = CheckCategories.BACKUP_AND_RECOVERY) -> None:
        self.rule: Rule = by_id()[rule_id]
        super().__init__(name=self.rule.title, id=rule_id, categories=(category,),
                         supported_resources=tuple(resources),
                         guideline=self.rule.remediation)

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        if "jurisdictions" in self.rule.config and intent_from_environment().residency is None:
            return CheckResult.UNKNOWN  # no residency configured: nothing to check against
        view = view_of(self.entity_type, conf)
        if view is None:
            return CheckResult.UNKNOWN
        found = run_rule(self.rule, view)
        failures = [v.message for v in found if not v.unknown]
        self.details = failures or [v.message for v in found]
        if failures:
            return CheckResult.FAILED
        return CheckResult.UNKNOWN if found else CheckResult.PASSED


def view_of(tf_type: str, conf: Mapping[str, Any]) -> ResourceView | None:
    """The rule's view of a Terraform resource as checkov hands it to a check."""
    mapping: TypeMapping | None = catalog().for_terraform(tf_type)
    if mapping is None:
        return None
    props = to_pulumi(conf, mapping.root, wrapped=True)
    address = _first(conf.get(_ADDRESS)) or tf_type
    name = str(address).rsplit(".", 1)[-1]
    return ResourceView(type=mapping.token, name=name, urn=str(address), props=props,
                        region=own_region(props))


def run_rule(rule: Rule, view: ResourceView, intent: Intent | None = None) -> list[Violation]:
    """Violations of ``rule`` for this one resource (a stack rule sees a stack of one), under
    ``intent`` (default: :func:`intent_from_environment`)."""
    intent = intent_from_environment() if intent is None else intent
    subject = view if rule.scope is Scope.RESOURCE else [view]
    return [v for v in evaluate(rule, subject, intent=intent) if v.urn in (None, view.urn)]


def intent_from_environment() -> Intent:
    """The intent plain Terraform cannot declare: the allowed jurisdictions, from
    ``DRKIT_RESIDENCY`` or the file named by ``DRKIT_RESIDENCY_FILE``, read as ``drkit:residency``
    is (one parser for both); unset, no residency is declared."""
    text = os.environ.get(ENV_RESIDENCY)
    path = os.environ.get(ENV_RESIDENCY_FILE)
    if not text and path:
        text = Path(path).read_text(encoding="utf-8")
    if not text:
        return Intent()
    items = [part.strip().lower() for part in text.replace("\n", ",").split(",")
             if part.strip() and not part.strip().startswith("#")]
    return Intent.from_config({"residency": items})


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value

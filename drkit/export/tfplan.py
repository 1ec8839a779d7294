"""A Terraform-plan-shaped JSON of one recorded stack, for checkov's ``terraform_plan`` framework.

What checkov reads of a plan (checkov/terraform/plan_parser.py): ``terraform_version`` and
``planned_values`` (required), ``planned_values.root_module.resources[]`` (``address``, ``mode:
"managed"``, ``type``, ``name``, ``values``), and ``configuration.root_module.resources[]``
matched by type and name, whose ``expressions.<attr>.references`` stand in for values unknown
until apply: that is the only way its graph checks (CKV2_*, CKV_AWS_21, CKV_AWS_144) see that a
versioning or replication resource belongs to a bucket. It reads ``resource_changes`` only for
delete/forget actions and ``after_unknown`` (off by default), so the export writes none.

Values are the Pulumi inputs (what the program says, as a plan shows the configuration), mapped
to Terraform names (:mod:`drkit_core.tfschema`), plus ``region`` where the resource type has one
(the AWS provider v6 and Google resources report it in a plan). An input that holds another
exported resource's id, ARN or name (the offline engine resolves references to mock values) is
left out of ``values`` and becomes a reference, as in a real plan. Only managed resources
(:attr:`~drkit_core.graph.Resource.managed`: not providers, components or reads such as ``get``
and StackReferences) are exported; a managed resource of a type with no mapping
is listed in ``drkit.unmapped`` and warned about, never silently dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drkit_core.graph import Resource, StackRun
from drkit_core.naming import identifier, snake
from drkit_core.tfschema import Matcher, Reference, TypeMapping, catalog, plain, to_terraform

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.0"
"""Any 1.x works for checkov; the plan says which Terraform it imitates."""

_IDENTIFYING = re.compile(r"(^|[a-z])(arn|Arn|id|Id|name|Name|bucket|endpoint|Endpoint|address|"
                          r"Address|dnsName|url|Url|selfLink|connectionName)$")
"""Outputs whose value, found in another resource's input, means "this came from there"."""


@dataclass(frozen=True)
class Exported:
    """One exported resource: its plan address and what it came from."""

    address: str
    tf_type: str
    resource: Resource


@dataclass
class PlanExport:
    """The plan of one stack and the way back from plan addresses to Pulumi resources."""

    project: str
    stack: str
    plan: dict[str, Any]
    config: dict[str, str] = field(default_factory=dict)
    """The stack's config (``drkit:residency`` travels to drkit's checkov checks)."""
    resources: dict[str, Exported] = field(default_factory=dict)
    """Plan address -> exported resource."""
    unmapped: list[Resource] = field(default_factory=list)
    """Managed resources of types with no Terraform mapping (not in the plan)."""

    def to_json(self) -> str:
        return json.dumps(self.plan, indent=1, sort_keys=False) + "\n"

    def warnings(self) -> list[str]:
        """One line per unmapped type, for stderr."""
        by_type: dict[str, list[str]] = {}
        for resource in self.unmapped:
            by_type.setdefault(resource.type, []).append(resource.name)
        return [f"stack {self.stack!r}: no Terraform mapping for {token} ({', '.join(names)}): "
                "not exported, checkov does not see it" for token, names in by_type.items()]


def export_plan(run: StackRun) -> PlanExport:
    """The Terraform-plan-shaped JSON of ``run`` (see the module docstring)."""
    result = PlanExport(run.project, run.stack, {}, dict(run.config))
    mapped: list[tuple[Resource, TypeMapping]] = []
    for resource in run.managed:
        mapping = catalog().for_token(resource.type)
        if mapping is None:
            result.unmapped.append(resource)
        else:
            mapped.append((resource, mapping))
    taken: set[str] = set()
    by_urn: dict[str, Exported] = {}
    for resource, mapping in mapped:
        address = _unique(f"{mapping.tf_type}.{identifier(resource.name)}", taken)
        exported = Exported(address, mapping.tf_type, resource)
        result.resources[address] = exported
        by_urn[resource.urn] = exported
    planned, configured = [], []
    for resource, mapping in mapped:
        exported = by_urn[resource.urn]
        values, expressions = _values(resource, mapping, by_urn)
        name = exported.address.split(".", 1)[1]
        planned.append({"address": exported.address, "mode": "managed", "type": mapping.tf_type,
                        "name": name, "provider_name": mapping.provider,
                        "schema_version": 0, "values": values})
        config: dict[str, Any] = {"address": exported.address, "mode": "managed",
                                  "type": mapping.tf_type, "name": name,
                                  "provider_config_key": mapping.provider.rsplit("/", 1)[1],
                                  "expressions": expressions, "schema_version": 0}
        depends_on = _depends_on(resource, by_urn)
        if depends_on:
            config["depends_on"] = depends_on
        configured.append(config)
    result.plan = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {"root_module": {"resources": configured}},
        "drkit": _metadata(result),
    }
    return result


def _unique(address: str, taken: set[str]) -> str:
    candidate, count = address, 1
    while candidate in taken:
        count += 1
        candidate = f"{address}_{count}"
    taken.add(candidate)
    return candidate


def _values(resource: Resource, mapping: TypeMapping,
            by_urn: Mapping[str, Exported]) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    for key, value in resource.inputs.items():
        sources = [by_urn[urn] for urn in _sources(resource, key) if urn in by_urn]
        one_values, one_expressions = to_terraform({key: value}, mapping.root,
                                                   _matcher(sources))
        values.update(one_values)
        for name, expression in one_expressions.items():
            expressions[name] = expression
        if sources and not one_expressions:
            # Computed from another resource (a policy built from a bucket's ARN): the value
            # is kept, the reference recorded as Terraform does.
            name = next(iter(one_values), snake(key))
            expressions[name] = {"references": [s for source in sources
                                                for s in _whole(source).strings()]}
    if "region" not in values and resource.region and "region" in resource.outputs:
        values["region"] = resource.region
    return values, expressions


def _sources(resource: Resource, key: str) -> list[str]:
    if key in resource.property_dependencies:
        return resource.property_dependencies[key]
    return []


def _matcher(sources: list[Exported]) -> Matcher:
    known: dict[str, list[Reference]] = {}
    for source in sources:
        for attribute, value in _identifying(source.resource):
            known.setdefault(value, []).append(Reference(source.address, attribute))

    def match(value: str, name: str) -> Reference | None:
        found = known.get(value)
        if not found:
            return None
        # `load_balancer_arn` names the ARN even when the id is the same string; `bucket`
        # takes the id, as Terraform's documentation writes it.
        return next((ref for ref in found if name.endswith(f"_{ref.attribute}")), found[0])

    return match


def _identifying(resource: Resource) -> Iterable[tuple[str, str]]:
    if resource.id:
        yield "id", resource.id
    for key in ("arn", *sorted(resource.outputs)):
        value = resource.outputs.get(key)
        if isinstance(value, str) and value and _IDENTIFYING.search(key):
            yield snake(key), value


def _whole(source: Exported) -> Reference:
    return Reference(source.address, "id")


def _depends_on(resource: Resource, by_urn: Mapping[str, Exported]) -> list[str]:
    via_inputs = {urn for urns in resource.property_dependencies.values() for urn in urns}
    return [by_urn[urn].address for urn in resource.dependencies
            if urn in by_urn and urn not in via_inputs]


def _metadata(result: PlanExport) -> dict[str, Any]:
    """What drkit needs to map checkov's results back; checkov ignores unknown keys."""
    return {
        "project": result.project,
        "stack": result.stack,
        "resources": {address: _describe(e.resource) for address, e in result.resources.items()},
        "unmapped": [_describe(r) for r in result.unmapped],
    }


def _describe(resource: Resource) -> dict[str, Any]:
    return plain({"urn": resource.urn, "type": resource.type, "name": resource.name,
                  "source": ({"file": resource.source[0], "line": resource.source[1]}
                             if resource.source else None)})

"""Building rule inputs directly, for rule tests and adapters: no engine, no pulumi.

    violations = evaluate("DR-AWS-001", view("aws:rds/instance:Instance", multiAz=False))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drkit_core.intent import Intent
from policies import model
from policies.model import ResourceView, Violation
from policies.registry import by_id


def view(type_: str, name: str = "pass", region: str | None = "eu-west-1", /, *,
         deps: Mapping[str, Sequence[str]] | None = None, **props: Any) -> ResourceView:
    """A resource with a predictable URN (``urn:test::<name>``) and camelCase ``props``
    (``name`` among them is a prop: the resource's name is positional)."""
    return ResourceView(type=type_, name=name, urn=f"urn:test::{name}", props=props,
                        region=region, property_dependencies=dict(deps or {}))


def evaluate(rule_id: str, subject: model.Subject | None = None,
             config: Mapping[str, Any] | None = None, intent: Intent | None = None,
             stacks: Mapping[str, Sequence[ResourceView]] | None = None) -> list[Violation]:
    """Run one rule by ID (:func:`policies.model.evaluate`): a resource rule gets one view,
    a stack rule a list of them, an app rule ``stacks`` by role."""
    rule = by_id()[rule_id]
    if stacks is not None:
        subject = stacks
    return model.evaluate(rule, subject if subject is not None else [], config, intent)


def messages(found: list[Violation]) -> list[str]:
    """Messages of decided violations (unknowns left out)."""
    return [v.message for v in found if not v.unknown]

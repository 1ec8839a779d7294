"""Every drkit rule, in one explicit list (no registration by import side effect)."""

from __future__ import annotations

from policies.model import Rule, Scope
from policies.rules import (
    api_aws,
    api_gcp,
    app,
    aws_data,
    aws_storage,
    aws_traffic,
    gcp,
    plan,
    residency,
)

RULES: tuple[Rule, ...] = tuple(sorted(
    (*aws_data.RULES, *aws_storage.RULES, *aws_traffic.RULES, *gcp.RULES, *residency.RULES,
     *app.RULES, *plan.RULES, *api_aws.RULES, *api_gcp.RULES),
    key=lambda rule: rule.id))


def by_name() -> dict[str, Rule]:
    return {rule.name: rule for rule in RULES}


def by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in RULES}


def pack_rules() -> list[Rule]:
    """The rules CrossGuard can run: app rules need several stacks at once."""
    return [rule for rule in RULES if rule.scope is not Scope.APP]

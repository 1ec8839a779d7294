"""App-level rules: the primary and secondary stacks of one app, checked together.

Offline only: CrossGuard policies cannot read other stacks (pulumi-policy#195), so these run
in ``drkit check`` when every stack of an app is checked in one call.
"""

from __future__ import annotations

from collections.abc import Iterator

from drkit_core.findings import Severity
from drkit_core.intent import Tier
from policies.model import Context, ResourceView, Rule, Scope, Violation
from policies.rules.refs import CLOUD_SQL, RDS_INSTANCE, identities

DATA_STORES = (RDS_INSTANCE, CLOUD_SQL)
_SOURCE_INPUT = {RDS_INSTANCE: "replicateSourceDb", CLOUD_SQL: "masterInstanceName"}


def _source(view: ResourceView) -> str | None:
    value = view.props.get(_SOURCE_INPUT[view.type])
    return value if isinstance(value, str) and value else None


def _points_at(reference: str, primary: ResourceView) -> bool:
    names = identities(primary)
    if reference in names:
        return True
    # RDS: a cross-region replica names its source by ARN (…:db:<identifier>); Cloud SQL: a
    # master may be given as <project>:<name>.
    tail = reference.rsplit(":", 1)[-1]
    return tail in names and reference.endswith((f":db:{tail}", f":{tail}"))


def _stores(ctx: Context, role: str) -> list[ResourceView]:
    return [r for r in ctx.stacks.get(role, ()) if r.type in DATA_STORES]


def primary_replicated(ctx: Context) -> Iterator[Violation]:
    if not ctx.intent.tier_above(Tier.BACKUP_RESTORE):
        return
    replicas = [r for r in _stores(ctx, "secondary") if _source(r)]
    for primary in _stores(ctx, "primary"):
        if _source(primary):
            continue  # itself a replica (of something outside the app's primary stack)
        if not any(_points_at(str(_source(r)), primary) for r in replicas
                   if r.type == primary.type):
            yield Violation(f"{primary.label} of the primary stack has no replica in the "
                            f"secondary stack: a {ctx.intent.tier} app needs its data live in "
                            "the secondary region", primary.urn, stack="primary")


def replicas_point_at_primary(ctx: Context) -> Iterator[Violation]:
    primaries = _stores(ctx, "primary")
    for replica in _stores(ctx, "secondary"):
        source = _source(replica)
        if source and not any(_points_at(source, p) for p in primaries if p.type == replica.type):
            yield Violation(f"{replica.label} of the secondary stack replicates {source}, which "
                            "is no data store of the app's primary stack", replica.urn,
                            stack="secondary")


RULES = (
    Rule("DR-APP-001", "app-primary-data-replicated",
         "Ensure every primary data store has a replica in the secondary stack",
         Severity.HIGH, DATA_STORES,
         "In the secondary stack, create a replica of each primary database (RDS "
         "replicate_source_db = the primary's ARN; Cloud SQL master_instance_name).",
         primary_replicated, scope=Scope.APP),
    Rule("DR-APP-002", "app-replica-source",
         "Ensure the secondary's replicas replicate the primary stack's data stores",
         Severity.HIGH, DATA_STORES,
         "Point each replica at the primary stack's database output (a StackReference to the "
         "primary stack), not at a hard-coded or foreign ARN.",
         replicas_point_at_primary, scope=Scope.APP),
)

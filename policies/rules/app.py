"""App-level rules: the two regional stacks of one app, checked together.

Which stack holds the writer follows ``drkit:active``: the active region's data stores must have
replicas in the passive region's stack, and those replicas must replicate the active stack's
stores (after a failover, the secondary's promoted writer and the primary's rebuilt replica).

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


def _places(ctx: Context) -> tuple[str, str]:
    """(active, passive) stack roles: ``drkit:active`` and the other region."""
    active = ctx.intent.active.value
    return active, ("secondary" if active == "primary" else "primary")


def active_replicated(ctx: Context) -> Iterator[Violation]:
    if not ctx.intent.tier_above(Tier.BACKUP_RESTORE):
        return
    active, passive = _places(ctx)
    replicas = [r for r in _stores(ctx, passive) if _source(r)]
    for writer in _stores(ctx, active):
        if _source(writer):
            continue  # itself a replica (of something outside the app's active stack)
        if not any(_points_at(str(_source(r)), writer) for r in replicas
                   if r.type == writer.type):
            yield Violation(f"{writer.label} of the {active} stack (the active region) has no "
                            f"replica in the {passive} stack: a {ctx.intent.tier} app needs "
                            "its data live in the passive region", writer.urn, stack=active)


def replicas_point_at_active(ctx: Context) -> Iterator[Violation]:
    active, passive = _places(ctx)
    writers = _stores(ctx, active)
    for replica in _stores(ctx, passive):
        source = _source(replica)
        if source and not any(_points_at(source, w) for w in writers if w.type == replica.type):
            yield Violation(f"{replica.label} of the {passive} stack replicates {source}, which "
                            f"is no data store of the app's {active} stack (the active region)",
                            replica.urn, stack=passive)


RULES = (
    Rule("DR-APP-001", "app-primary-data-replicated",
         "Ensure every data store of the active region has a replica in the passive region's "
         "stack",
         Severity.HIGH, DATA_STORES,
         "In the stack of the region drkit:active does not name, create a replica of each "
         "writer (RDS replicate_source_db = its ARN; Cloud SQL master_instance_name).",
         active_replicated, scope=Scope.APP),
    Rule("DR-APP-002", "app-replica-source",
         "Ensure the passive region's replicas replicate the active stack's data stores",
         Severity.HIGH, DATA_STORES,
         "Point each replica at the active stack's database output (a StackReference to the "
         "stack drkit:active names), not at a hard-coded or foreign ARN.",
         replicas_point_at_active, scope=Scope.APP),
)

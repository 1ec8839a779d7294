"""Finding an app's data stores across its stacks and grouping each source with its replicas."""

from __future__ import annotations

from collections.abc import Sequence

from drkit_core.recovery import aws, gcp
from drkit_core.recovery.figures import Figures
from drkit_core.recovery.protection import DataSet, DataStore, Kind, Protection
from drkit_core.recovery.view import Viewable, arn_region, get, identities

BUILDERS = {**aws.BUILDERS, **gcp.BUILDERS}
STATEFUL_TYPES = tuple(sorted(BUILDERS))
"""The resource types the model knows as stateful."""

_LAG = {"rds": "rds.replica_lag", "aurora": "aurora.global_lag",
        "cloudsql": "cloudsql.replica_lag"}


def _points_at(reference: str, source: DataStore) -> bool:
    names = identities(source.view)
    if reference in names:
        return True
    # RDS names a cross-region source by ARN (…:db:<identifier>); Cloud SQL may use
    # <project>:<name>.
    tail = reference.rsplit(":", 1)[-1]
    return tail in names and reference.endswith((f":db:{tail}", f":cluster:{tail}", f":{tail}"))


def _replica_protection(replica: DataStore, figures: Figures) -> Protection:
    key = _LAG[replica.service]
    where = replica.region or "an unknown region"
    return Protection(Kind.REPLICA, f"asynchronous read replica {replica.name} in {where}",
                      figures.seconds(key), figures[key].cited, region=replica.region,
                      zone_safe=True, resource=replica.name)


def _global_groups(stores: list[DataStore], active: str | None) -> None:
    """Aurora global databases: the cluster in the active region is the source, the others
    replicate it."""
    by_global: dict[str, list[DataStore]] = {}
    for store in stores:
        global_id = get(store.view, "globalClusterIdentifier")
        if store.service == "aurora" and isinstance(global_id, str) and not store.replicates:
            by_global.setdefault(global_id, []).append(store)
    for members in by_global.values():
        writer = next((m for m in members if m.region == active), members[0])
        writer.needs_promotion = False
        for member in members:
            if member is not writer:
                member.replicates = str(get(writer.view, "arn") or writer.name)


def datasets(stacks: Sequence[tuple[str, Sequence[Viewable]]], figures: Figures,
             active_region: str | None) -> list[DataSet]:
    """Every data set of the app: sources with their replicas (and S3 replica buckets)."""
    everything = [view for _, views in stacks for view in views]
    stores = [BUILDERS[view.type](view, stack, everything, figures)
              for stack, views in stacks for view in views if view.type in BUILDERS]
    _global_groups(stores, active_region)
    sets = {id(s): DataSet(s) for s in stores if not s.replicates}
    # Buckets of the active region first: with two-way replication (each region's bucket
    # replicates to the other's) the active one is the source, the other its replica.
    buckets = sorted((s for s in stores if s.service == "s3"),
                     key=lambda s: s.region != active_region)
    for store in buckets:
        _link_s3(store, stores, sets, everything, figures)
    for store in stores:
        if not store.replicates:
            continue
        source = next((s for s in stores if s is not store and not s.replicates and
                       s.view.type == store.view.type and _points_at(store.replicates, s)),
                      None)
        if source is None:
            sets[id(store)] = DataSet(store)  # replicates something outside the app
            continue
        holder = next(d for d in sets.values() if d.source is source or source in d.replicas)
        holder.replicas.append(store)
        source.protections.append(_replica_protection(store, figures))
    return list(sets.values())


def _link_s3(store: DataStore, stores: list[DataStore], sets: dict[int, DataSet],
             everything: list[Viewable], figures: Figures) -> None:
    """A replicated bucket's destinations join its data set (a replica bucket is no data set
    of its own) and protect it from the loss of its region."""
    for target, protection in aws.s3_replicas(store.view, everything, figures):
        bucket = next((b for b in stores if b.service == "s3" and b is not store
                       and target in identities(b.view)), None)
        region = bucket.region if bucket else arn_region(target)
        holder = next((d for d in sets.values() if store in d.stores), None)
        if bucket is not None and not (holder is not None and bucket in holder.stores):
            sets.pop(id(bucket), None)
            if holder is not None:
                holder.replicas.append(bucket)
        where = bucket.name if bucket else target
        store.protections.append(Protection(
            protection.kind, f"{protection.mechanism} to {where} in "
            f"{region or 'an unknown region'}", protection.rpo_seconds, protection.source,
            region=region, resource=where))

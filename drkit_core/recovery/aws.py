"""AWS data stores and what protects them: RDS, Aurora, DynamoDB, S3, AWS Backup."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from drkit_core.recovery import backups
from drkit_core.recovery.figures import Figures
from drkit_core.recovery.protection import DataStore, Kind, Protection
from drkit_core.recovery.view import (
    Viewable,
    block,
    get,
    identities,
    items,
    known,
    number,
)
from drkit_core.wire import is_true

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
S3_VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning",
                 "aws:s3/bucketVersioningV2:BucketVersioningV2")
S3_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
S3_LIFECYCLE = ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")


def _for_bucket(bucket: Viewable, resources: Sequence[Viewable],
                types: Sequence[str]) -> list[Viewable]:
    """Settings resources (versioning, replication, lifecycle) that point at ``bucket``."""
    names = identities(bucket)
    return [r for r in resources if r.type in types and (
        get(r, "bucket") in names or bucket.urn in r.property_dependencies.get("bucket", ()))]


def _aws_backup(store: Viewable, resources: Sequence[Viewable], figures: Figures,
                continuous_key: str) -> list[Protection]:
    found = []
    for rule in backups.rules_for(store, resources):
        kept = f", kept {rule.retention_days} days" if rule.retention_days else ""
        if rule.continuous:
            found.append(Protection(
                Kind.PITR, f"AWS Backup continuous backup (plan {rule.plan}{kept})",
                figures.seconds(continuous_key), figures[continuous_key].cited))
            continue
        every = rule.interval_seconds
        found.append(Protection(
            Kind.BACKUP, f"AWS Backup plan {rule.plan} rule {rule.rule} ({rule.schedule}{kept})",
            every, f"schedule {rule.schedule}", resource=rule.vault))
        copy = figures.seconds("aws_backup.copy")
        for region in rule.copy_regions:
            found.append(Protection(
                Kind.BACKUP_COPY, f"AWS Backup copies of plan {rule.plan} to {region}",
                None if every is None or copy is None else every + copy,
                f"schedule {rule.schedule} + {figures['aws_backup.copy'].cited}",
                region=region))
    return found


def rds_instance(view: Viewable, stack: str, resources: Sequence[Viewable],
                 figures: Figures) -> DataStore:
    source = get(view, "replicateSourceDb")
    store = DataStore(view, stack, "rds", view.region, replicates=source or None,
                      needs_promotion=bool(source))
    if is_true(get(view, "multiAz")):
        store.zone_redundant = "RDS Multi-AZ synchronous standby"
    days = number(get(view, "backupRetentionPeriod"))
    if days is None and not source:
        days = 1  # the RDS API keeps one day of automated backups unless told otherwise
    if days:
        store.protections.append(Protection(
            Kind.PITR, f"RDS automated backups with point-in-time recovery ({days} days) of "
            f"{view.name}", figures.seconds("rds.pitr"), figures["rds.pitr"].cited))
    store.protections.extend(_aws_backup(view, resources, figures, "aws_backup.continuous"))
    return store


def rds_cluster(view: Viewable, stack: str, resources: Sequence[Viewable],
                figures: Figures) -> DataStore:
    source = get(view, "replicationSourceIdentifier")
    store = DataStore(view, stack, "aurora", view.region, replicates=source or None,
                      needs_promotion=bool(source or get(view, "globalClusterIdentifier")),
                      zone_redundant="storage in three availability zones")
    days = number(get(view, "backupRetentionPeriod")) or 1  # Aurora always keeps 1-35 days
    store.protections.append(Protection(
        Kind.PITR, f"continuous backups with point-in-time recovery ({days} days) of "
        f"{view.name}", figures.seconds("rds.pitr"), figures["rds.pitr"].cited))
    store.protections.extend(_aws_backup(view, resources, figures, "aws_backup.continuous"))
    return store


def dynamodb_table(view: Viewable, stack: str, resources: Sequence[Viewable],
                   figures: Figures) -> DataStore:
    store = DataStore(view, stack, "dynamodb", view.region,
                      zone_redundant="DynamoDB stores every table in three availability zones")
    if is_true(get(view, "pointInTimeRecovery.enabled")):
        store.protections.append(Protection(
            Kind.PITR, f"DynamoDB point-in-time recovery of {view.name}",
            figures.seconds("dynamodb.pitr"), figures["dynamodb.pitr"].cited))
    for replica in items(view, "replicas"):
        region = known(block(replica).get("regionName"))
        if region:
            store.protections.append(Protection(
                Kind.REPLICA, f"DynamoDB global table replica in {region}",
                figures.seconds("dynamodb.global_lag"), figures["dynamodb.global_lag"].cited,
                region=region, resource=view.name))
    store.protections.extend(_aws_backup(view, resources, figures, "aws_backup.continuous"))
    return store


def s3_bucket(view: Viewable, stack: str, resources: Sequence[Viewable],
              figures: Figures) -> DataStore:
    store = DataStore(view, stack, "s3", view.region,
                      zone_redundant="S3 stores objects in at least three availability zones")
    versioned = is_true(get(view, "versioning.enabled")) or any(
        get(v, "versioningConfiguration.status") == "Enabled"
        for v in _for_bucket(view, resources, S3_VERSIONING))
    if versioned:
        days = [number(block(block(rule).get("noncurrentVersionExpiration"))
                       .get("noncurrentDays"))
                for lifecycle in _for_bucket(view, resources, S3_LIFECYCLE)
                for rule in items(lifecycle, "rules")]
        kept = min((d for d in days if d), default=None)
        note = f" (noncurrent versions kept {kept} days)" if kept else ""
        store.protections.append(Protection(
            Kind.VERSIONS, f"S3 object versions of {view.name}{note}", 0,
            "every overwritten or deleted object keeps its previous version"))
    store.protections.extend(_aws_backup(view, resources, figures, "aws_backup.continuous"))
    return store


def s3_replicas(view: Viewable, resources: Sequence[Viewable],
                figures: Figures) -> list[tuple[str, Protection]]:
    """(destination bucket ARN, protection) for each enabled replication rule of a bucket."""
    rules = [rule for config in _for_bucket(view, resources, (S3_REPLICATION,))
             for rule in items(config, "rules")]
    rules += items(view, "replicationConfiguration.rules")
    found = []
    for rule in rules:
        if not isinstance(rule, dict) or rule.get("status", "Enabled") != "Enabled":
            continue
        destination = block(rule.get("destination"))
        target = known(destination.get("bucket"))
        rtc = block(destination.get("replicationTime")).get("status") == "Enabled"
        key = "s3.replication_rtc" if rtc else "s3.replication"
        what = "with Replication Time Control" if rtc else "without Replication Time Control"
        if isinstance(target, str):
            found.append((target, Protection(
                Kind.REPLICATED_STORAGE, f"S3 replication {what} of {view.name}",
                figures.seconds(key), figures[key].cited)))
    return found


Builder = Callable[[Viewable, str, Sequence[Viewable], Figures], DataStore]
BUILDERS: dict[str, Builder] = {RDS_INSTANCE: rds_instance, RDS_CLUSTER: rds_cluster,
                                DYNAMODB_TABLE: dynamodb_table,
                                **dict.fromkeys(S3_BUCKETS, s3_bucket)}

"""AWS API constraints: settings every offline check accepts but the cloud refuses, or quietly
ignores, at the first real ``pulumi up`` (or at the first failover).

Each rule cites the documentation page its constraint comes from (:class:`~policies.model.Doc`)
in its messages, and is mandatory by default: a violation is a deployment that fails or a
replication that silently skips data. They judge any Pulumi program: the resources they relate
(a replica and its source, a bucket and its replication rule) are looked up in the same stack
by value or by dependency (policies/rules/refs.py); a partner in another stack is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drkit_core.findings import Severity
from drkit_core.wire import is_true
from policies.model import Context, Doc, ResourceView, Rule, Scope, Unknown, Violation
from policies.rules.refs import RDS_INSTANCE, S3_BUCKETS, resolve, rule_destination

REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning",
              "aws:s3/bucketVersioningV2:BucketVersioningV2")
SSE = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
       "aws:s3/bucketServerSideEncryptionConfigurationV2:"
       "BucketServerSideEncryptionConfigurationV2")
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"

MANAGED_PASSWORD = Doc("Amazon RDS User Guide, Password management with Amazon RDS and AWS "
                       "Secrets Manager (limitations)",
                       "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
                       "rds-secrets-manager.html")
DELETE_INSTANCE = Doc("Amazon RDS API Reference, DeleteDBInstance (FinalDBSnapshotIdentifier)",
                      "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
                      "API_DeleteDBInstance.html")
READ_REPLICAS = Doc("Amazon RDS User Guide, Working with DB instance read replicas",
                    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html")
BACKUP_MANAGED_RDS = Doc("Amazon RDS User Guide, Using AWS Backup to manage automated backups "
                         "for Amazon RDS",
                         "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
                         "AutomatedBackups.AWSBackup.html")
REPLICATION_REQUIREMENTS = Doc("Amazon S3 User Guide, Requirements and considerations for "
                               "replication",
                               "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                               "replication-requirements.html")
REPLICATION_KMS = Doc("Amazon S3 User Guide, Replicating encrypted objects (SSE-S3, SSE-KMS, "
                      "DSSE-KMS, SSE-C)",
                      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                      "replication-config-for-kms-objects.html")
REPLICATION_TIME = Doc("Amazon S3 API Reference, ReplicationTime (must be specified together "
                       "with a Metrics block)",
                       "https://docs.aws.amazon.com/AmazonS3/latest/API/"
                       "API_ReplicationTime.html")
ASSIGN_RESOURCES = Doc("AWS Backup Developer Guide, Assign resources to a backup plan",
                       "https://docs.aws.amazon.com/aws-backup/latest/devguide/"
                       "assigning-resources.html")


def _instances(ctx: Context) -> list[ResourceView]:
    return [r for r in ctx.resources if r.type == RDS_INSTANCE]


def _sources(ctx: Context) -> Iterator[tuple[ResourceView, ResourceView]]:
    """(replica, its source) for each RDS read replica whose source this stack declares."""
    for replica in _instances(ctx):
        reference = replica.get("replicateSourceDb")
        if not reference:
            continue
        source = resolve(ctx, replica, "replicateSourceDb", reference, (RDS_INSTANCE,))
        if source is not None:
            yield replica, source


def managed_password_source(ctx: Context) -> Iterator[Violation]:
    for replica, source in _sources(ctx):
        try:
            managed = is_true(source.get("manageMasterUserPassword"))
        except Unknown as unknown:
            yield Violation(str(unknown), source.urn, unknown=True)
            continue
        if managed and source.get("engine") not in ("sqlserver-ee", "sqlserver-se",
                                                     "sqlserver-ex", "sqlserver-web"):
            yield Violation(
                f"{source.label} lets Secrets Manager manage its master password "
                f"(manageMasterUserPassword) and is the source of the read replica "
                f"{replica.label}: RDS cannot create a read replica of such a source (all "
                "engines but SQL Server); keep the password yourself (a generated secret) "
                f"{MANAGED_PASSWORD.cite()}", source.urn)


def replica_final_snapshot(view: ResourceView, ctx: Context) -> Iterator[str]:
    if not view.get("replicateSourceDb"):
        return
    if not is_true(view.get("skipFinalSnapshot")) or view.get("finalSnapshotIdentifier"):
        yield (f"{view.label} is a read replica that asks for a final snapshot "
               "(skipFinalSnapshot is not true, or finalSnapshotIdentifier is set): RDS refuses "
               "to delete it (FinalDBSnapshotIdentifier cannot be specified when deleting a "
               "read replica); set skip_final_snapshot=True and no final_snapshot_identifier "
               f"{DELETE_INSTANCE.cite()}")


def replica_source_backups(ctx: Context) -> Iterator[Violation]:
    for replica, source in _sources(ctx):
        days = source.get("backupRetentionPeriod")
        if days is not None and int(days) == 0:
            yield Violation(
                f"{source.label} keeps no automated backups (backupRetentionPeriod 0) but is "
                f"the source of the read replica {replica.label}: RDS needs automated backups "
                f"on a replica's source {READ_REPLICAS.cite()}", source.urn)


def _selected(ctx: Context) -> dict[str, list[ResourceView]]:
    """Plan URN -> the selections that assign resources to it."""
    found: dict[str, list[ResourceView]] = {}
    for selection in (r for r in ctx.resources if r.type == BACKUP_SELECTION):
        plan = resolve(ctx, selection, "planId", selection.get("planId"), (BACKUP_PLAN,))
        if plan is not None:
            found.setdefault(plan.urn, []).append(selection)
    return found


def _rds_in(ctx: Context, selection: ResourceView) -> list[ResourceView]:
    arns = selection.items("resources")
    found = [resolve(ctx, selection, "resources", arn, (RDS_INSTANCE,)) for arn in arns
             if isinstance(arn, str) and ":rds:" in arn]
    return [f for f in found if f is not None]


def continuous_backup_retention(ctx: Context) -> Iterator[Violation]:
    selections = _selected(ctx)
    for plan in (r for r in ctx.resources if r.type == BACKUP_PLAN):
        continuous = [rule for rule in plan.items("rules") if isinstance(rule, dict)
                      and is_true(rule.get("enableContinuousBackup"))]
        for rule in continuous:
            lifecycle = rule.get("lifecycle") or {}
            if isinstance(lifecycle, list):
                lifecycle = lifecycle[0] if lifecycle else {}
            kept = lifecycle.get("deleteAfter") if isinstance(lifecycle, dict) else None
            for selection in selections.get(plan.urn, []):
                for db in _rds_in(ctx, selection):
                    pinned = db.get("backupRetentionPeriod")
                    if pinned is not None and (kept is None or int(pinned) != int(kept)):
                        yield Violation(
                            f"{plan.label} backs up {db.label} continuously, and AWS Backup "
                            "then manages that instance's automated backups, but the instance "
                            f"pins backupRetentionPeriod {int(pinned)} (the continuous rule "
                            f"keeps {kept if kept is not None else 'its default'}): every "
                            "update drifts; leave RDS out of the continuous rule or make the "
                            f"two one value {BACKUP_MANAGED_RDS.cite()}", db.urn)


def _versioned(ctx: Context) -> set[str]:
    found = set()
    for bucket in (r for r in ctx.resources if r.type in S3_BUCKETS):
        if is_true(bucket.get("versioning.enabled")):
            found.add(bucket.urn)
    for setting in (r for r in ctx.resources if r.type in VERSIONING):
        target = resolve(ctx, setting, "bucket", setting.get("bucket"), S3_BUCKETS)
        if target is not None and setting.get("versioningConfiguration.status") == "Enabled":
            found.add(target.urn)
    return found


def _replication_rules(ctx: Context) -> Iterator[tuple[ResourceView, ResourceView | None, Any]]:
    """(holder, source bucket, rule) of every enabled replication rule of the stack."""
    for holder in ctx.resources:
        if holder.type == REPLICATION:
            source = resolve(ctx, holder, "bucket", holder.get("bucket"), S3_BUCKETS)
            rules = holder.items("rules")
        elif holder.type in S3_BUCKETS:
            source, rules = holder, holder.items("replicationConfiguration.rules")
        else:
            continue
        for rule in rules:
            if isinstance(rule, dict) and rule.get("status", "Enabled") == "Enabled":
                yield holder, source, rule


def replication_versioned(ctx: Context) -> Iterator[Violation]:
    versioned = _versioned(ctx)
    for holder, source, rule in _replication_rules(ctx):
        input_name = "rules" if holder.type == REPLICATION else "replicationConfiguration"
        target = resolve(ctx, holder, input_name, rule_destination(rule).get("bucket"),
                         S3_BUCKETS)
        for bucket, what in ((source, "source"), (target, "destination")):
            if bucket is not None and bucket.urn not in versioned:
                yield Violation(
                    f"{holder.label} replicates {'from' if what == 'source' else 'to'} "
                    f"{bucket.label}, which is not versioned: S3 accepts a replication "
                    f"configuration only when both buckets are versioned (the {what} is not) "
                    f"{REPLICATION_REQUIREMENTS.cite()}", holder.urn)


def _kms_buckets(ctx: Context) -> dict[str, ResourceView]:
    """Bucket URN -> the bucket, for buckets whose default encryption is SSE-KMS."""
    found: dict[str, ResourceView] = {}
    for setting in (r for r in ctx.resources if r.type in SSE):
        bucket = resolve(ctx, setting, "bucket", setting.get("bucket"), S3_BUCKETS)
        if bucket is None:
            continue
        for rule in setting.items("rules"):
            default = rule.get("applyServerSideEncryptionByDefault") if isinstance(
                rule, dict) else None
            if isinstance(default, list):
                default = default[0] if default else None
            if isinstance(default, dict) and str(default.get("sseAlgorithm", "")).startswith(
                    "aws:kms"):
                found[bucket.urn] = bucket
    for bucket in (r for r in ctx.resources if r.type in S3_BUCKETS):
        algorithm = bucket.get("serverSideEncryptionConfiguration.rule."
                               "applyServerSideEncryptionByDefault.sseAlgorithm")
        if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
            found[bucket.urn] = bucket
    return found


def replication_kms(ctx: Context) -> Iterator[Violation]:
    kms = _kms_buckets(ctx)
    for holder, source, rule in _replication_rules(ctx):
        criteria = rule.get("sourceSelectionCriteria") or {}
        if isinstance(criteria, list):
            criteria = criteria[0] if criteria else {}
        selected = criteria.get("sseKmsEncryptedObjects") if isinstance(criteria, dict) else None
        if isinstance(selected, list):
            selected = selected[0] if selected else None
        enabled = isinstance(selected, dict) and selected.get("status") == "Enabled"
        encryption = rule_destination(rule).get("encryptionConfiguration")
        if isinstance(encryption, list):
            encryption = encryption[0] if encryption else None
        key = encryption.get("replicaKmsKeyId") if isinstance(encryption, dict) else None
        name = rule.get("id") or "without id"
        if source is not None and source.urn in kms and not enabled:
            yield Violation(
                f"{holder.label} rule {name} replicates {source.label}, whose objects are "
                "encrypted with SSE-KMS, without sourceSelectionCriteria.sseKmsEncryptedObjects "
                "enabled: S3 skips every SSE-KMS object; enable it and give the destination a "
                f"replicaKmsKeyId {REPLICATION_KMS.cite()}", holder.urn)
        elif enabled and not key:
            yield Violation(
                f"{holder.label} rule {name} selects SSE-KMS objects but names no "
                "destination.encryptionConfiguration.replicaKmsKeyId: S3 needs the key that "
                f"encrypts the replicas in the destination's region {REPLICATION_KMS.cite()}",
                holder.urn)


def rtc_metrics(view: ResourceView, ctx: Context) -> Iterator[str]:
    path = "rules" if view.type == REPLICATION else "replicationConfiguration.rules"
    for index, rule in enumerate(view.items(path)):
        destination = rule_destination(rule)
        rtc = destination.get("replicationTime") or {}
        if isinstance(rtc, list):
            rtc = rtc[0] if rtc else {}
        metrics = destination.get("metrics") or {}
        if isinstance(metrics, list):
            metrics = metrics[0] if metrics else {}
        enabled = isinstance(rtc, dict) and (rtc.get("status") == "Enabled" or (
            view.type != REPLICATION and rtc.get("minutes")))
        if enabled and not (isinstance(metrics, dict) and metrics.get("status") == "Enabled"):
            name = rule.get("id") if isinstance(rule, dict) else None
            yield (f"{view.label} rule {name or index} turns on Replication Time Control "
                   "without replication metrics: S3 refuses the configuration; add "
                   "destination.metrics with status Enabled (and the 15-minute event "
                   f"threshold) {REPLICATION_TIME.cite()}")


def plan_selects(ctx: Context) -> Iterator[Violation]:
    selections = _selected(ctx)
    unresolved = [s for s in ctx.resources if s.type == BACKUP_SELECTION
                  and not any(s in chosen for chosen in selections.values())]
    for plan in (r for r in ctx.resources if r.type == BACKUP_PLAN):
        if selections.get(plan.urn):
            continue
        if unresolved:
            yield Violation(f"{plan.label} may have a selection this stack cannot tie to it: "
                            "what it backs up cannot be checked", plan.urn, unknown=True)
            continue
        copies = any(isinstance(rule, dict) and rule.get("copyActions")
                     for rule in plan.items("rules"))
        yield Violation(
            f"{plan.label} {'copies recovery points to another region but ' if copies else ''}"
            "has no aws.backup.Selection: it backs up nothing, and copies nothing; assign the "
            f"stack's stateful resources to it {ASSIGN_RESOURCES.cite()}", plan.urn)


RULES = (
    Rule("DR-API-001", "rds-replica-source-managed-password",
         "Ensure the source of an RDS read replica does not let Secrets Manager manage its "
         "master password", Severity.CRITICAL, (RDS_INSTANCE,),
         "Drop manage_master_user_password on the source; generate the password "
         "(pulumi_random.RandomPassword) and keep it in a Secrets Manager secret of each "
         "region.", managed_password_source, scope=Scope.STACK, docs=MANAGED_PASSWORD),
    Rule("DR-API-002", "rds-replica-final-snapshot",
         "Ensure RDS read replicas ask for no final snapshot", Severity.HIGH, (RDS_INSTANCE,),
         "On read replicas set skip_final_snapshot=True and no final_snapshot_identifier.",
         replica_final_snapshot, docs=DELETE_INSTANCE),
    Rule("DR-API-003", "rds-replica-source-backups",
         "Ensure the source of an RDS read replica keeps automated backups", Severity.HIGH,
         (RDS_INSTANCE,), "Set backup_retention_period to 1 or more on the replica's source.",
         replica_source_backups, scope=Scope.STACK, docs=READ_REPLICAS),
    Rule("DR-API-004", "rds-continuous-backup-retention",
         "Ensure AWS Backup's continuous backup does not fight an RDS instance's own backup "
         "retention", Severity.MEDIUM, (BACKUP_PLAN, BACKUP_SELECTION, RDS_INSTANCE),
         "Leave RDS instances out of continuous backup rules (RDS automated backups give "
         "point-in-time recovery), or set backup_retention_period to the rule's delete_after.",
         continuous_backup_retention, scope=Scope.STACK, docs=BACKUP_MANAGED_RDS),
    Rule("DR-API-005", "s3-replication-versioned",
         "Ensure both buckets of an S3 replication rule are versioned", Severity.HIGH,
         (*S3_BUCKETS, *VERSIONING, REPLICATION),
         "Add aws.s3.BucketVersioning (status Enabled) to the source and destination buckets, "
         "and make the replication configuration depend on both.", replication_versioned,
         scope=Scope.STACK, docs=REPLICATION_REQUIREMENTS),
    Rule("DR-API-006", "s3-replication-sse-kms",
         "Ensure S3 replication replicates the objects encrypted with SSE-KMS", Severity.HIGH,
         (*S3_BUCKETS, *SSE, REPLICATION),
         "Set source_selection_criteria.sse_kms_encrypted_objects.status=Enabled and "
         "destination.encryption_configuration.replica_kms_key_id (a key ARN of the "
         "destination's region); let the role decrypt with the source key and encrypt with "
         "the destination key.", replication_kms, scope=Scope.STACK, docs=REPLICATION_KMS),
    Rule("DR-API-007", "s3-rtc-metrics",
         "Ensure S3 Replication Time Control comes with replication metrics", Severity.HIGH,
         (REPLICATION, *S3_BUCKETS),
         "Add destination.metrics={'status': 'Enabled', 'event_threshold': {'minutes': 15}} "
         "to every rule with replication_time.", rtc_metrics, docs=REPLICATION_TIME),
    Rule("DR-API-008", "backup-plan-selects-resources",
         "Ensure every AWS Backup plan has a selection", Severity.HIGH,
         (BACKUP_PLAN, BACKUP_SELECTION),
         "Add an aws.backup.Selection with plan_id of the plan and the stack's stateful "
         "resources (or a tag condition).", plan_selects, scope=Scope.STACK,
         docs=ASSIGN_RESOURCES),
)

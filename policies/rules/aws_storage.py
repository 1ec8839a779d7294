"""AWS object storage and backups: S3 versioning and cross-region replication, AWS Backup copies.

S3 settings live in separate resources since pulumi-aws v7 (``BucketVersioning``,
``BucketReplicationConfig``); the legacy inline ``versioning`` / ``replicationConfiguration``
inputs of the bucket count too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drkit_core.findings import Severity
from drkit_core.intent import Role
from drkit_core.wire import is_true
from policies.model import (
    Context,
    ResourceView,
    Rule,
    Scope,
    Unknown,
    Violation,
    check_known,
)
from policies.rules.refs import (
    S3_BUCKETS,
    arn_region,
    location_text,
    replica_key_region,
    resolve,
    rule_destination,
)

VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning",
              "aws:s3/bucketVersioningV2:BucketVersioningV2")
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
BACKUP_PLAN = "aws:backup/plan:Plan"
RTC_RPO_SECONDS = 15 * 60
"""S3 Replication Time Control replicates 99.99% of objects within 15 minutes (its only value)."""


def _targets(ctx: Context, types: tuple[str, ...]) -> dict[str, list[ResourceView]]:
    """Bucket URN -> the settings resources of ``types`` that point at it."""
    found: dict[str, list[ResourceView]] = {}
    for setting in (r for r in ctx.resources if r.type in types):
        bucket = resolve(ctx, setting, "bucket", setting.get("bucket"), S3_BUCKETS)
        if bucket is not None:
            found.setdefault(bucket.urn, []).append(setting)
    return found


def s3_versioning(ctx: Context) -> Iterator[Violation]:
    separate = _targets(ctx, VERSIONING)
    for bucket in (r for r in ctx.resources if r.type in S3_BUCKETS):
        try:
            if is_true(bucket.get("versioning.enabled")):
                continue
            if any(v.get("versioningConfiguration.status") == "Enabled"
                   for v in separate.get(bucket.urn, [])):
                continue
        except Unknown as unknown:
            yield Violation(str(unknown), bucket.urn, unknown=True)
            continue
        yield Violation(f"{bucket.label} is not versioned: add an aws.s3.BucketVersioning with "
                        "status Enabled, so overwritten and deleted objects can be restored",
                        bucket.urn)


def _replication_rules(ctx: Context, bucket: ResourceView,
                       configs: dict[str, list[ResourceView]]) -> list[tuple[ResourceView, Any]]:
    """(resource holding the rule, enabled replication rule) pairs of one bucket."""
    pairs = [(bucket, rule) for rule in bucket.items("replicationConfiguration.rules")]
    for config in configs.get(bucket.urn, []):
        pairs.extend((config, rule) for rule in config.items("rules"))
    return [(holder, rule) for holder, rule in pairs
            if isinstance(rule, dict) and rule.get("status", "Enabled") == "Enabled"]


def _destination(ctx: Context, holder: ResourceView,
                 rule: dict[str, Any]) -> tuple[ResourceView | None, str | None]:
    """The destination bucket when this stack declares it, and the destination's region: the
    bucket's, else the region of the rule's replica KMS key (a bucket of another stack)."""
    input_name = "rules" if holder.type == REPLICATION else "replicationConfiguration"
    target = resolve(ctx, holder, input_name, rule_destination(rule).get("bucket"), S3_BUCKETS)
    return target, target.region if target is not None else replica_key_region(rule)


def s3_replication(ctx: Context) -> Iterator[Violation]:
    if ctx.intent.role in ctx.config["exemptRoles"]:
        return
    configs = _targets(ctx, (REPLICATION,))
    buckets = [r for r in ctx.resources if r.type in S3_BUCKETS]
    destinations: set[str] = set()
    found: dict[str, list[tuple[ResourceView | None, str | None]]] = {}
    for bucket in buckets:
        try:
            targets = [_destination(ctx, h, rule) for h, rule in _replication_rules(
                ctx, bucket, configs)]
        except Unknown as unknown:
            found[bucket.urn] = []
            yield Violation(str(unknown), bucket.urn, unknown=True)
            continue
        found[bucket.urn] = targets
        destinations.update(t.urn for t, _ in targets if t is not None)
    for bucket in buckets:
        if bucket.urn in destinations or bucket.urn not in found:
            continue  # a replica bucket needs no replica of its own
        yield from _check_targets(bucket, found[bucket.urn])


def _check_targets(bucket: ResourceView,
                   targets: list[tuple[ResourceView | None, str | None]]) -> Iterator[Violation]:
    if not targets:
        yield Violation(f"{bucket.label} is not replicated: add an "
                        "aws.s3.BucketReplicationConfig to a versioned bucket in another region",
                        bucket.urn)
        return
    regions = [region for _, region in targets]
    if any(region is None for region in regions):
        yield Violation(f"{bucket.label} replicates to a bucket outside this stack: its "
                        "region cannot be checked", bucket.urn, unknown=True)
    elif bucket.region and all(region == bucket.region for region in regions):
        where = location_text(bucket.region)
        yield Violation(f"{bucket.label} replicates only within its own region {where}: the "
                        "destination bucket must be in another region", bucket.urn)


def s3_replication_time(view: ResourceView, ctx: Context) -> Iterator[str]:
    rpo = ctx.intent.rpo_seconds
    if rpo is None or rpo > RTC_RPO_SECONDS:
        return
    path = "rules" if view.type == REPLICATION else "replicationConfiguration.rules"
    for index, rule in enumerate(view.items(path)):
        if not isinstance(rule, dict) or rule.get("status", "Enabled") != "Enabled":
            continue
        destination = rule.get("destination") or {}
        if isinstance(destination, list):
            destination = destination[0] if destination else {}
        rtc = destination.get("replicationTime") or {}
        if isinstance(rtc, list):
            rtc = rtc[0] if rtc else {}
        status = rtc.get("status")
        if status is None and view.type != REPLICATION:
            status = "Enabled" if rtc.get("minutes") else None
        if status != "Enabled":
            yield (f"{view.label} rule {rule.get('id') or index} replicates without Replication "
                   f"Time Control, but the RPO is {rpo // 60} minutes: enable replicationTime "
                   "(15 minutes) and metrics on the destination")


def backup_copy(view: ResourceView, ctx: Context) -> Iterator[str]:
    copies = [copy for rule in view.items("rules") if isinstance(rule, dict)
              for copy in (rule.get("copyActions") or [])]
    regions = []
    for copy in copies:
        arn = copy.get("destinationVaultArn") if isinstance(copy, dict) else None
        check_known(arn, f"{view.label} copyActions.destinationVaultArn")
        regions.append(arn_region(arn))
    if not copies:
        yield (f"{view.label} copies no recovery point out of its region: add a copy action "
               "to a vault in another region")
    elif view.region and all(r == view.region for r in regions):
        yield (f"{view.label} copies recovery points only within {view.region}: the copy "
               "vault must be in another region")


RULES = (
    Rule("DR-AWS-006", "s3-versioning", "Ensure S3 buckets are versioned", Severity.HIGH,
         (*S3_BUCKETS, *VERSIONING),
         "Add aws.s3.BucketVersioning(bucket=..., versioning_configuration={'status': "
         "'Enabled'}).", s3_versioning, scope=Scope.STACK),
    Rule("DR-AWS-007", "s3-cross-region-replication",
         "Ensure S3 buckets are replicated to a bucket in another region", Severity.HIGH,
         (*S3_BUCKETS, REPLICATION),
         "Add aws.s3.BucketReplicationConfig whose destination is a versioned bucket created "
         "with a provider of another region.", s3_replication, scope=Scope.STACK,
         config={"exemptRoles": {"type": "array", "items": {"type": "string"},
                                 "default": ["secondary"],
                                 "description": "Stack roles whose buckets need no replica "
                                                "(a secondary's buckets are the replicas)"},
                 "role": {"type": "string", "enum": [r.value for r in Role],
                          "description": "Role when the stack has no drkit:role"}}),
    Rule("DR-AWS-008", "s3-replication-time-control",
         "Ensure S3 replication uses Replication Time Control when the RPO is 15 minutes or "
         "less", Severity.MEDIUM, (REPLICATION, *S3_BUCKETS),
         "Set destination.replication_time={'status': 'Enabled', 'time': {'minutes': 15}} "
         "and destination.metrics on every rule.", s3_replication_time,
         config={"rpo": {"type": "string", "description": "RPO (e.g. 15m) when the stack has "
                         "no drkit:rpo"}}),
    Rule("DR-AWS-014", "backup-cross-region-copy",
         "Ensure AWS Backup plans copy recovery points to a vault in another region",
         Severity.HIGH, (BACKUP_PLAN,),
         "Add copy_actions=[{'destination_vault_arn': <vault of another region>}] to a rule.",
         backup_copy),
)

"""AWS rules on views built directly: one happy path, one changed field per failure."""

from __future__ import annotations

from typing import Any

import pytest

from drkit_core.intent import Intent, Regions, Role, Tier
from policies.testing import evaluate, messages, view

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
PRIMARY_DB: dict[str, Any] = {"engine": "postgres", "multiAz": True, "backupRetentionPeriod": 14,
                              "deletionProtection": True, "storageEncrypted": True,
                              "identifier": "shop-db-eu-west-1"}
SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1"
WARM_SECONDARY = Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY,
                        regions=Regions("eu-west-1", "eu-central-1"))


def db(**changes: Any) -> Any:
    return view(RDS, **{**PRIMARY_DB, **changes})


@pytest.mark.parametrize("rule", ["DR-AWS-001", "DR-AWS-002", "DR-AWS-003", "DR-AWS-004"])
def test_a_safe_primary_database_passes(rule: str) -> None:
    assert evaluate(rule, db()) == []


@pytest.mark.parametrize(("rule", "changes", "expected"), [
    ("DR-AWS-001", {"multiAz": False}, "one availability zone"),
    ("DR-AWS-001", {"multiAz": None}, "one availability zone"),
    ("DR-AWS-002", {"backupRetentionPeriod": 3}, "3 days: keep them at least 7"),
    ("DR-AWS-002", {"backupRetentionPeriod": None}, "sets no backupRetentionPeriod"),
    ("DR-AWS-003", {"deletionProtection": False}, "deletionProtection: true"),
    ("DR-AWS-004", {"storageEncrypted": False}, "unencrypted"),
])
def test_each_unsafe_database_setting_fails(rule: str, changes: dict[str, Any],
                                            expected: str) -> None:
    (message,) = messages(evaluate(rule, db(**changes)))
    assert expected in message and '"pass"' in message


def test_backup_retention_minimum_is_configurable() -> None:
    assert messages(evaluate("DR-AWS-002", db(), config={"minDays": 21}))
    assert evaluate("DR-AWS-002", view(CLUSTER, backupRetentionPeriod=7)) == []


def test_a_replica_may_be_single_az_and_inherit_encryption() -> None:
    replica = db(multiAz=False, storageEncrypted=None, replicateSourceDb=SOURCE_ARN,
                 kmsKeyId="arn:aws:kms:eu-central-1:123456789012:key/x")
    assert evaluate("DR-AWS-001", replica) == []
    assert evaluate("DR-AWS-004", replica) == []


def test_a_replica_is_not_asked_for_backups() -> None:
    """RDS creates read replicas with backups off (and a PostgreSQL replica refuses them): the
    old rule flagged every replica the templates declared."""
    assert evaluate("DR-AWS-002", db(backupRetentionPeriod=None,
                                     replicateSourceDb=SOURCE_ARN)) == []


def test_an_unknown_value_is_unknown_not_a_failure() -> None:
    (found,) = evaluate("DR-AWS-001", db(multiAz=UNKNOWN))
    assert found.unknown and "multiAz" in found.message
    (secret,) = evaluate("DR-AWS-003", db(deletionProtection="drkit-offline-secret"))
    assert secret.unknown


def test_a_warm_secondary_holds_a_cross_region_replica() -> None:
    replica = db(replicateSourceDb=SOURCE_ARN, identifier="shop-db-eu-central-1")
    assert evaluate("DR-AWS-005", [replica], intent=WARM_SECONDARY) == []
    (missing,) = evaluate("DR-AWS-005", [db()], intent=WARM_SECONDARY)
    assert "no RDS read replica" in missing.message and missing.urn is None
    cold = Intent(role=Role.SECONDARY, tier=Tier.BACKUP_RESTORE)
    assert evaluate("DR-AWS-005", [db()], intent=cold) == []
    # Without drkit config the rule reads its own config, else does not apply.
    assert evaluate("DR-AWS-005", [db()]) == []
    assert evaluate("DR-AWS-005", [db()], config={"role": "secondary", "tier": "pilot-light"})


def test_the_passive_region_holds_the_replica_whichever_it_is() -> None:
    """After a failover (drkit:active: secondary) the secondary holds the writer and the
    primary the replica: the old rule demanded a replica of the secondary and blocked it."""
    regions = Regions("eu-west-1", "eu-central-1")
    writer = Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY, regions=regions,
                    active=Role.SECONDARY)
    assert evaluate("DR-AWS-005", [db()], intent=writer) == []
    rebuilt = Intent(role=Role.PRIMARY, tier=Tier.WARM_STANDBY, regions=regions,
                     active=Role.SECONDARY)
    (missing,) = evaluate("DR-AWS-005", [db()], intent=rebuilt)
    assert "passive region (drkit:active: secondary)" in missing.message
    assert evaluate("DR-AWS-005", [db(replicateSourceDb=SOURCE_ARN)], intent=rebuilt) == []


def test_the_replica_rule_judges_aws_stacks_only() -> None:
    gcp_secondary = Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY, cloud="gcp",
                           regions=Regions("europe-west1", "europe-west4"))
    cloud_sql = view("gcp:sql/databaseInstance:DatabaseInstance", masterInstanceName="shop-db")
    assert evaluate("DR-AWS-005", [cloud_sql], intent=gcp_secondary) == []
    aws_secondary = Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY, cloud="aws",
                           regions=Regions("eu-west-1", "eu-central-1"))
    (missing,) = evaluate("DR-AWS-005", [], intent=aws_secondary)
    assert "no RDS read replica" in missing.message


def test_kms_keys_rotate() -> None:
    key = "aws:kms/key:Key"
    assert evaluate("DR-AWS-015", view(key, enableKeyRotation=True)) == []
    assert messages(evaluate("DR-AWS-015", view(key, enableKeyRotation=False)))
    assert evaluate("DR-AWS-015", view(key, customerMasterKeySpec="RSA_2048")) == []


# -- S3 -------------------------------------------------------------------------------------

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def bucket(name: str, region: str = "eu-west-1", **props: Any) -> Any:
    return view(BUCKET, name, region, bucket=f"b-{name}", arn=f"arn:aws:s3:::b-{name}", **props)


def versioning(name: str, status: str = "Enabled", region: str = "eu-west-1") -> Any:
    return view(VERSIONING, f"v-{name}", region, bucket=f"b-{name}",
                versioningConfiguration={"status": status})


def replication(name: str, to: str, rtc: bool = True, status: str = "Enabled") -> Any:
    destination: dict[str, Any] = {"bucket": f"arn:aws:s3:::b-{to}"}
    if rtc:
        destination["replicationTime"] = {"status": "Enabled", "time": {"minutes": 15}}
    return view(REPLICATION, f"r-{name}", bucket=f"b-{name}", role="arn:aws:iam::1:role/r",
                rules=[{"id": "all", "status": status, "destination": destination}])


def replicated_pair(**changes: Any) -> list[Any]:
    resources = {"source": bucket("source"), "replica": bucket("replica", "eu-central-1"),
                 "v-source": versioning("source"),
                 "v-replica": versioning("replica", region="eu-central-1"),
                 "replication": replication("source", "replica")}
    resources.update(changes)
    return [r for r in resources.values() if r is not None]


def test_versioned_buckets_pass_either_way() -> None:
    assert evaluate("DR-AWS-006", replicated_pair()) == []
    legacy = bucket("legacy", versioning={"enabled": True})
    assert evaluate("DR-AWS-006", [legacy]) == []


@pytest.mark.parametrize("changes", [{"v-source": None},
                                     {"v-source": versioning("source", status="Suspended")}])
def test_an_unversioned_bucket_fails(changes: dict[str, Any]) -> None:
    (found,) = evaluate("DR-AWS-006", replicated_pair(**changes))
    assert found.urn == "urn:test::source" and "not versioned" in found.message


def test_versioning_is_matched_by_dependency_when_the_value_does_not_say() -> None:
    setting = view(VERSIONING, "v", bucket="mock-id", deps={"bucket": ["urn:test::source"]},
                   versioningConfiguration={"status": "Enabled"})
    assert evaluate("DR-AWS-006", [bucket("source"), setting]) == []


def test_buckets_replicate_to_another_region() -> None:
    assert evaluate("DR-AWS-007", replicated_pair()) == []
    missing = evaluate("DR-AWS-007", replicated_pair(replication=None))
    assert {v.urn for v in missing} == {"urn:test::source", "urn:test::replica"}
    assert all("not replicated" in v.message for v in missing)
    (same,) = evaluate("DR-AWS-007", replicated_pair(replica=bucket("replica")))
    assert "within its own region eu-west-1 (eu, ie)" in same.message


def test_replication_to_a_bucket_outside_the_stack_is_unknown() -> None:
    found = evaluate("DR-AWS-007", replicated_pair(replica=None, **{"v-replica": None}))
    assert [f.unknown for f in found] == [True]


def test_a_replica_key_names_the_region_of_a_destination_outside_the_stack() -> None:
    """Two-way replication between stacks: the peer's bucket is not in this stack, but S3
    needs the replica key in the destination's region, so its ARN says where that is."""
    rule = {"id": "all", "status": "Enabled", "destination": {
        "bucket": "arn:aws:s3:::b-peer", "encryptionConfiguration": {
            "replicaKmsKeyId": "arn:aws:kms:eu-central-1:123456789012:alias/data"}}}
    config = view(REPLICATION, "r-source", bucket="b-source", rules=[rule])
    stack = [bucket("source"), versioning("source"), config]
    assert evaluate("DR-AWS-007", stack) == []
    same = {**rule, "destination": {**rule["destination"], "encryptionConfiguration": {
        "replicaKmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/data"}}}
    (found,) = evaluate("DR-AWS-007", [*stack[:2], view(REPLICATION, "r-source",
                                                        bucket="b-source", rules=[same])])
    assert "within its own region" in found.message and not found.unknown
    eu = Intent(residency=frozenset({"eu"}))
    assert evaluate("DR-RES-002", stack, intent=eu) == []
    us = {**rule, "destination": {**rule["destination"], "encryptionConfiguration": {
        "replicaKmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/data"}}}
    (outside,) = messages(evaluate("DR-RES-002", [*stack[:2], view(
        REPLICATION, "r-source", bucket="b-source", rules=[us])], intent=eu))
    assert "us-east-1 (us)" in outside


def test_secondary_buckets_need_no_replica() -> None:
    assert evaluate("DR-AWS-007", [bucket("x")], intent=Intent(role=Role.SECONDARY)) == []


def test_replication_time_control_when_rpo_is_15_minutes_or_less() -> None:
    fast = Intent(rpo_seconds=900)
    assert evaluate("DR-AWS-008", replication("s", "r"), intent=fast) == []
    (slow,) = messages(evaluate("DR-AWS-008", replication("s", "r", rtc=False), intent=fast))
    assert "Replication Time Control" in slow and "15 minutes" in slow
    assert evaluate("DR-AWS-008", replication("s", "r", rtc=False),
                    intent=Intent(rpo_seconds=3600)) == []
    assert messages(evaluate("DR-AWS-008", replication("s", "r", rtc=False),
                             config={"rpo": "5m"}))
    legacy = bucket("l", replicationConfiguration={"role": "r", "rules": [
        {"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::x",
                                              "replicationTime": {"minutes": 15,
                                                                  "status": "Enabled"}}}]})
    assert evaluate("DR-AWS-008", legacy, intent=fast) == []


def test_backup_plans_copy_to_another_region() -> None:
    plan = "aws:backup/plan:Plan"
    vault = "arn:aws:backup:{}:123456789012:backup-vault:copies"

    def rules(region: str | None) -> list[dict[str, Any]]:
        copies = [{"destinationVaultArn": vault.format(region)}] if region else []
        return [{"ruleName": "daily", "copyActions": copies}]

    assert evaluate("DR-AWS-014", view(plan, rules=rules("eu-central-1"))) == []
    (none,) = messages(evaluate("DR-AWS-014", view(plan, rules=rules(None))))
    assert "copies no recovery point" in none
    (same,) = messages(evaluate("DR-AWS-014", view(plan, rules=rules("eu-west-1"))))
    assert "only within eu-west-1" in same
    unknown = view(plan, rules=[{"copyActions": [{"destinationVaultArn": UNKNOWN}]}])
    assert [f.unknown for f in evaluate("DR-AWS-014", unknown)] == [True]


# -- traffic and compute --------------------------------------------------------------------

TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
RECORD = "aws:route53/record:Record"
ASG = "aws:autoscaling/group:Group"
SUBNET = "aws:ec2/subnet:Subnet"


def test_target_groups_have_health_checks() -> None:
    good = {"protocol": "HTTP", "healthCheck": {"enabled": True, "path": "/healthz"}}
    assert evaluate("DR-AWS-009", view(TARGET_GROUP, **good)) == []
    for changed in ({"healthCheck": None}, {"healthCheck": {"enabled": False, "path": "/"}},
                    {"healthCheck": {"enabled": True}}):
        assert messages(evaluate("DR-AWS-009", view(TARGET_GROUP, **{**good, **changed})))


def test_the_primary_failover_record_is_health_checked() -> None:
    primary = {"failoverRoutingPolicies": [{"type": "PRIMARY"}], "healthCheckId": "hc-1"}
    assert evaluate("DR-AWS-010", view(RECORD, **primary)) == []
    (message,) = messages(evaluate("DR-AWS-010", view(RECORD, **{**primary,
                                                                 "healthCheckId": None})))
    assert "PRIMARY failover record" in message
    secondary = {"failoverRoutingPolicies": [{"type": "SECONDARY"}]}
    assert evaluate("DR-AWS-010", view(RECORD, **secondary)) == []
    # A PRIMARY alias record evaluating its target's health inherits the load balancer's:
    # valid AWS (Route 53 AliasTarget EvaluateTargetHealth), which the old rule flagged.
    alias = {"failoverRoutingPolicies": [{"type": "PRIMARY"}], "aliases": [
        {"name": "alb.eu-west-1.elb.amazonaws.com", "zoneId": "Z1",
         "evaluateTargetHealth": True}]}
    assert evaluate("DR-AWS-010", view(RECORD, **alias)) == []
    blind = {**alias, "aliases": [{**alias["aliases"][0], "evaluateTargetHealth": False}]}
    assert messages(evaluate("DR-AWS-010", view(RECORD, **blind)))
    assert messages(evaluate("DR-AWS-010", view(RECORD, **secondary),
                             config={"roles": ["PRIMARY", "SECONDARY"]}))


def subnets(*zones: str) -> list[Any]:
    return [view(SUBNET, f"s{i}", id=f"subnet-{i}", availabilityZone=z)
            for i, z in enumerate(zones)]


def group(*ids: str, **props: Any) -> Any:
    return view(ASG, "web", vpcZoneIdentifiers=list(ids), **props)


def test_auto_scaling_groups_span_two_zones() -> None:
    spread = subnets("eu-west-1a", "eu-west-1b")
    assert evaluate("DR-AWS-011", [*spread, group("subnet-0", "subnet-1")]) == []
    (one,) = evaluate("DR-AWS-011", [*subnets("eu-west-1a", "eu-west-1a"),
                                     group("subnet-0", "subnet-1")])
    assert "1 availability zone(s) (eu-west-1a)" in one.message and not one.unknown
    (foreign,) = evaluate("DR-AWS-011", [group("subnet-x", "subnet-y")])
    assert foreign.unknown


def test_auto_scaling_groups_use_elb_health_checks() -> None:
    assert evaluate("DR-AWS-012", group(healthCheckType="ELB")) == []
    assert messages(evaluate("DR-AWS-012", group(healthCheckType="EC2")))


@pytest.mark.parametrize(("intent", "size", "ok"), [
    (Intent(role=Role.PRIMARY, tier=Tier.WARM_STANDBY), 2, True),
    (Intent(role=Role.PRIMARY, tier=Tier.WARM_STANDBY), 1, False),
    (Intent(role=Role.SECONDARY, tier=Tier.ACTIVE_ACTIVE), 1, False),
    (Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY), 1, True),
    (Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY), 0, False),
    (Intent(role=Role.SECONDARY, tier=Tier.PILOT_LIGHT), 0, True),
    (Intent(), 1, False),  # a program without drkit counts as a primary
    # drkit:active: secondary: the secondary is the active region, the primary the passive.
    (Intent(role=Role.SECONDARY, tier=Tier.PILOT_LIGHT, active=Role.SECONDARY), 0, False),
    (Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY, active=Role.SECONDARY), 2, True),
    (Intent(role=Role.PRIMARY, tier=Tier.WARM_STANDBY, active=Role.SECONDARY), 1, True),
    (Intent(role=Role.PRIMARY, tier=Tier.PILOT_LIGHT, active=Role.SECONDARY), 0, True),
])
def test_minimum_capacity_follows_role_and_tier(intent: Intent, size: int, ok: bool) -> None:
    found = messages(evaluate("DR-AWS-013", group(minSize=size), intent=intent))
    assert (found == []) is ok

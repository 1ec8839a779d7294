"""AWS components, each in a tiny program run by the offline engine, plus the shared rules in
components/sizing.py. Bad arguments must fail with a ConfigError naming the input, before any
resource is registered: checked in process (args, providers and components constructed under
Pulumi's unit-test mocks), and under the engine for a few, to prove nothing was registered."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from component_programs import (
    Harness,
    WriteProgram,
    dr_settings,
    only,
    rejection,
    unit_runtime,
)

from components.aws.backup import BackupArgs, BackupPlan, schedule
from components.aws.bucket import BucketArgs, ReplicatedBucket
from components.aws.database import DatabaseArgs, ReplicatedDatabase
from components.aws.failover import FailoverArgs, FailoverEntry, RegionalEndpoint
from components.aws.network import Network, NetworkArgs, NetworkRefs
from components.aws.standby import StandbyArgs
from components.base import DrSettings
from components.sizing import Capacity, backup_interval_hours, standby_capacity
from drkit.engine.runner import run_stack
from drkit_core.errors import ConfigError
from drkit_core.graph import Resource, StackRun
from drkit_core.intent import DrIntent

PREAMBLE = """\
import json
import pulumi
import pulumi_aws as aws
from components.aws.backup import BackupArgs, BackupPlan
from components.aws.bucket import BucketArgs, ReplicatedBucket
from components.aws.database import DatabaseArgs, ReplicatedDatabase
from components.aws.failover import FailoverArgs, FailoverEntry, RegionalEndpoint
from components.aws.network import Network, NetworkArgs, NetworkRefs
from components.aws.standby import StandbyArgs, StandbyTier
from components.base import DrSettings, load_intent
from components.sizing import Capacity
from drkit_core.errors import ConfigError
from drkit_core.intent import DrIntent

intent = load_intent()
settings = DrSettings(intent)
primary = aws.Provider("primary", region=intent.regions.primary)
secondary = aws.Provider("secondary", region=intent.regions.secondary)
home = pulumi.ResourceOptions(provider=secondary if intent.role == "secondary" else primary)
refs = NetworkRefs(vpc_id="vpc-1", cidr_block="10.0.0.0/16",
                   public_subnet_ids=["subnet-p1", "subnet-p2"],
                   private_subnet_ids=["subnet-a", "subnet-b", "subnet-c"])
SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1"

"""

PROVIDER = "pulumi:providers:aws"


def intent_config(role: str = "primary", tier: str = "warm-standby", rpo: str = "15m",
                  **extra: Any) -> dict[str, Any]:
    return {"drkit:app": "shop", "drkit:role": role, "drkit:tier": tier, "drkit:rpo": rpo,
            "drkit:rto": "1h", "drkit:residency": "eu",
            "drkit:regions": {"primary": "eu-west-1", "secondary": "eu-central-1"},
            "drkit:stacks": {"primary": "primary", "secondary": "secondary"},
            **{f"drkit:{k}": v for k, v in extra.items()}}


HARNESS = Harness(PREAMBLE, PROVIDER, intent_config)
run = HARNESS.run
rejected = HARNESS.rejected
explicit_providers_only = HARNESS.explicit_providers_only

REFS = NetworkRefs(vpc_id="vpc-1", cidr_block="10.0.0.0/16",
                   public_subnet_ids=["subnet-p1", "subnet-p2"],
                   private_subnet_ids=["subnet-a", "subnet-b", "subnet-c"])
SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1"


@dataclass(frozen=True)
class Stack:
    """What an in-process test builds with: a stack's settings and the two regions' providers."""

    primary: aws.Provider
    secondary: aws.Provider

    def settings(self, role: str = "primary", **config: Any) -> DrSettings:
        return dr_settings(intent_config(role=role, **config))

    def home(self, role: str = "primary") -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            provider=self.secondary if role == "secondary" else self.primary)


Build = Callable[[Stack], object]


@pytest.fixture
def stack() -> Iterator[Stack]:
    with unit_runtime():
        yield Stack(aws.Provider("primary", region="eu-west-1"),
                    aws.Provider("secondary", region="eu-central-1"))










def key_statements(key: Resource) -> dict[str, dict[str, Any]]:
    """A KMS key's policy statements by Sid; checks the administrator statement on the way."""
    statements = {s["Sid"]: s for s in json.loads(key.inputs["policy"])["Statement"]}
    admin = statements.pop("AccountAdministersTheKey")
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert "kms:*" not in admin["Action"] and "kms:Decrypt" not in admin["Action"]
    return statements


def via_services(key: Resource) -> dict[str, list[str]]:
    """ViaService of each statement (by Sid) that lets the account use the key."""
    found = {}
    for sid, statement in key_statements(key).items():
        condition = statement.get("Condition", {}).get("StringEquals", {})
        if "kms:ViaService" in condition:
            assert condition["kms:CallerAccount"] == "123456789012"
            assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
            found[sid] = condition["kms:ViaService"]
    return found


# -- sizing.py: the rules every tier follows -----------------------------------------------

FULL = Capacity(min=2, desired=4, max=8)


@pytest.mark.parametrize(("role", "tier", "expected"), [
    ("primary", "warm-standby", FULL),
    ("primary", "pilot-light", FULL),
    ("secondary", "backup-restore", Capacity(0, 0, 8)),
    ("secondary", "pilot-light", Capacity(0, 0, 8)),
    ("secondary", "warm-standby", Capacity(1, 2, 8)),
    ("secondary", "active-active", FULL),
])
def test_standby_capacity_by_role_and_tier(role: str, tier: str, expected: Capacity) -> None:
    intent = DrIntent.from_config(_plain(intent_config(role=role, tier=tier)))
    assert standby_capacity(intent, FULL) == expected


def test_warm_standby_keeps_at_least_one_instance() -> None:
    intent = DrIntent.from_config(_plain(intent_config(role="secondary")))
    assert standby_capacity(intent, Capacity(1, 1, 2)) == Capacity(1, 1, 2)


@pytest.mark.parametrize(("rpo_hours", "interval", "cron"), [
    (0.25, 1, "cron(0 0/1 * * ? *)"), (1, 1, "cron(0 0/1 * * ? *)"),
    (5, 4, "cron(0 0/4 * * ? *)"), (24, 24, "cron(0 0 * * ? *)"),
    (72, 24, "cron(0 0 * * ? *)")])
def test_backup_schedule_meets_the_rpo(rpo_hours: float, interval: int, cron: str) -> None:
    assert backup_interval_hours(int(rpo_hours * 3600)) == interval
    assert schedule(int(rpo_hours * 3600)) == cron


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    """DrIntent.from_config takes keys without the drkit: prefix."""
    return {k.removeprefix("drkit:"): v for k, v in config.items()}


# -- network ------------------------------------------------------------------------------


def test_network_spreads_subnets_and_nat_over_three_zones(write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(), opts=home)\n")
    explicit_providers_only(result)
    subnets = result.of_type("aws:ec2/subnet:Subnet")
    zones = {s.inputs["availabilityZone"] for s in subnets}
    assert len(subnets) == 6 and len(zones) == 3
    assert all(z.startswith("eu-west-1") for z in zones)
    assert len(result.of_type("aws:ec2/natGateway:NatGateway")) == 3
    nat_ids = {n.id for n in result.of_type("aws:ec2/natGateway:NatGateway")}
    private_routes = [t.inputs["routes"][0] for t in result.of_type("aws:ec2/routeTable:RouteTable")
                      if "natGatewayId" in t.inputs["routes"][0]]
    assert {r["natGatewayId"] for r in private_routes} == nat_ids
    assert only(result, "aws:ec2/vpc:Vpc").inputs["cidrBlock"] == "10.0.0.0/16"


def test_network_adopts_the_default_security_group_without_rules(
        write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(), opts=home)\n")
    default = only(result, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs["vpcId"] == only(result, "aws:ec2/vpc:Vpc").id
    assert not default.inputs.get("ingress") and not default.inputs.get("egress")


def test_network_logs_flows_to_an_encrypted_group(write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs("
                                "flow_log_retention_days=731), opts=home)\n")
    explicit_providers_only(result)
    flow = only(result, "aws:ec2/flowLog:FlowLog")
    group = only(result, "aws:cloudwatch/logGroup:LogGroup")
    key = only(result, "aws:kms/key:Key")
    role = only(result, "aws:iam/role:Role")
    assert flow.inputs | {"vpcId": only(result, "aws:ec2/vpc:Vpc").id, "trafficType": "ALL",
                          "logDestinationType": "cloud-watch-logs",
                          "logDestination": group.outputs["arn"],
                          "iamRoleArn": role.outputs["arn"]} == flow.inputs
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert group.inputs["retentionInDays"] == 731 and group.protect and key.protect
    (logs,) = key_statements(key).values()
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs["Condition"]["ArnEquals"] == {"kms:EncryptionContext:aws:logs:arn": [
        "arn:aws:logs:eu-west-1:123456789012:log-group:/drkit/vpc-flow-logs/shop-net"]}
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    statements = {s["Sid"]: s for s in json.loads(
        only(result, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"]}
    arn = group.outputs["arn"]
    assert statements["WriteTheFlowLogGroup"]["Resource"] == [arn, f"{arn}:*"]
    assert all(r != "*" for st in statements.values() for r in st["Resource"])
    assert only(result, "aws:iam/rolePolicy:RolePolicy").urn in flow.dependencies


def test_network_single_nat(write_program: WriteProgram) -> None:
    result = run(write_program, "Network('n', settings, NetworkArgs(az_count=2, "
                                "nat_gateways='single'), opts=home)\n")
    assert len(result.of_type("aws:ec2/subnet:Subnet")) == 4
    assert len(result.of_type("aws:ec2/natGateway:NatGateway")) == 1


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: NetworkArgs(az_count=1), "NetworkArgs.az_count: 1 is not valid; allowed: 2 to 6"),
    (lambda s: NetworkArgs(cidr_block="10.0.0.0/8"), 'NetworkArgs.cidr_block: "10.0.0.0/8"'),
    (lambda s: NetworkArgs(nat_gateways="none"), 'NetworkArgs.nat_gateways: "none"'),
    (lambda s: NetworkArgs(flow_log_retention_days=100),
     "NetworkArgs.flow_log_retention_days: 100"),
    (lambda s: Network("n", s.settings(), NetworkArgs()),
     "Network: opts.provider: null is not valid"),
])
def test_network_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


def test_bad_args_fail_before_anything_is_registered(write_program: WriteProgram) -> None:
    """Under the engine, a component's own check and the provider check both fail before it
    registers anything (``rejected`` asserts that only the program's providers exist)."""
    assert "Network: opts.provider: null is not valid" in rejected(
        write_program, "Network('n', settings, NetworkArgs())")
    assert "DatabaseArgs.source_db_arn: null is not valid" in rejected(
        write_program, "ReplicatedDatabase('db', settings, DatabaseArgs(network=refs), "
                       "opts=home)", role="secondary")


def test_config_error_fails_the_run(write_program: WriteProgram) -> None:
    project = write_program(PREAMBLE + "NetworkArgs(az_count=9)\n", intent_config())
    with pytest.raises(ConfigError, match=r"NetworkArgs\.az_count: 9"):
        run_stack(project, "test")


# -- database -----------------------------------------------------------------------------

DB = "aws:rds/instance:Instance"


def test_primary_database_is_multi_az_encrypted_and_kept(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, "
                                "DatabaseArgs(network=refs), opts=home)\n")
    explicit_providers_only(result)
    db = only(result, DB)
    key = only(result, "aws:kms/key:Key")
    assert db.inputs | {
        "engine": "postgres", "multiAz": True, "storageEncrypted": True,
        "kmsKeyId": key.outputs["arn"], "deletionProtection": True,
        "backupRetentionPeriod": 14, "manageMasterUserPassword": True,
        "skipFinalSnapshot": False, "finalSnapshotIdentifier": "shop-db-eu-west-1-final",
        "copyTagsToSnapshot": True, "identifier": "shop-db-eu-west-1",
        "publiclyAccessible": False} == db.inputs
    assert "password" not in db.inputs
    assert db.region == key.region == "eu-west-1"
    assert db.protect and key.protect and key.inputs["enableKeyRotation"] is True
    subnets = only(result, "aws:rds/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]


def test_database_logs_queries_and_requires_tls(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, DatabaseArgs("
                                "network=refs, engine_version='15.4', log_statement='mod', "
                                "log_min_duration_ms=250), opts=home)\n")
    group = only(result, "aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres15" and group.region == "eu-west-1"
    assert group.inputs["name"] == "shop-db-eu-west-1-postgres15"
    assert {p["name"]: p["value"] for p in group.inputs["parameters"]} == {
        "rds.force_ssl": "1", "log_statement": "mod", "log_min_duration_statement": "250"}
    assert only(result, DB).inputs["parameterGroupName"] == group.outputs["name"]


def test_database_is_monitored_with_encrypted_insights(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, "
                                "DatabaseArgs(network=refs), opts=home)\n")
    db, key = only(result, DB), only(result, "aws:kms/key:Key")
    role = only(result, "aws:iam/role:Role")
    attachment = only(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert db.inputs | {
        "monitoringInterval": 60, "monitoringRoleArn": role.outputs["arn"],
        "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": key.outputs["arn"],
        "performanceInsightsRetentionPeriod": 7,
        "iamDatabaseAuthenticationEnabled": True} == db.inputs
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert attachment.inputs["policyArn"] == (
        "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
    assert attachment.urn in db.dependencies
    assert via_services(key) == {"UseThroughRds": "rds.eu-west-1.amazonaws.com",
                                 "UseThroughSecretsmanager":
                                     "secretsmanager.eu-west-1.amazonaws.com"}
    assert "kms:CreateGrant" in key_statements(key)["UseThroughRds"]["Action"]


def test_replica_has_its_own_region_parameters_monitoring_and_key(
        write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, DatabaseArgs("
                                "network=refs, source_db_arn=SOURCE_ARN), opts=home)\n",
                 role="secondary")
    db, key = only(result, DB), only(result, "aws:kms/key:Key")
    group = only(result, "aws:rds/parameterGroup:ParameterGroup")
    assert group.region == db.region == "eu-central-1"
    assert db.inputs["parameterGroupName"] == group.outputs["name"]
    assert db.inputs["performanceInsightsKmsKeyId"] == key.outputs["arn"]
    assert db.inputs["monitoringRoleArn"] == only(result, "aws:iam/role:Role").outputs["arn"]
    assert via_services(key) == {"UseThroughRds": "rds.eu-central-1.amazonaws.com"}


@pytest.mark.parametrize(("tier", "multi_az"), [
    ("warm-standby", True), ("active-active", True), ("pilot-light", False)])
def test_secondary_database_is_an_encrypted_cross_region_replica(
        write_program: WriteProgram, tier: str, multi_az: bool) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, DatabaseArgs("
                                "network=refs, source_db_arn=SOURCE_ARN), opts=home)\n",
                 role="secondary", tier=tier)
    db = only(result, DB)
    key = only(result, "aws:kms/key:Key")
    assert db.inputs["replicateSourceDb"] == ("arn:aws:rds:eu-west-1:123456789012:db:"
                                              "shop-db-eu-west-1")
    assert db.region == key.region == "eu-central-1"
    assert db.inputs["kmsKeyId"] == key.outputs["arn"]
    assert db.inputs["storageEncrypted"] is True and db.inputs["multiAz"] is multi_az
    assert db.inputs["backupRetentionPeriod"] >= 7
    assert "engine" not in db.inputs and "manageMasterUserPassword" not in db.inputs


def test_promoting_the_replica_drops_its_source(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, DatabaseArgs("
                                "network=refs, source_db_arn=SOURCE_ARN, promote=True), "
                                "opts=home)\n", role="secondary")
    assert "replicateSourceDb" not in only(result, DB).inputs


def test_protection_follows_the_intent(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, "
                                "DatabaseArgs(network=refs), opts=home)\n", protect=False)
    assert not only(result, DB).protect and not only(result, "aws:kms/key:Key").protect


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: DatabaseArgs(network=REFS, backup_retention_days=3),
     "DatabaseArgs.backup_retention_days: 3 is not valid; allowed: 7 to 35"),
    (lambda s: ReplicatedDatabase("db", s.settings("secondary"), DatabaseArgs(network=REFS),
                                  opts=s.home("secondary")),
     "DatabaseArgs.source_db_arn: null is not valid"),
    (lambda s: ReplicatedDatabase("db", s.settings("secondary", tier="backup-restore"),
                                  DatabaseArgs(network=REFS, source_db_arn=SOURCE_ARN),
                                  opts=s.home("secondary")),
     'drkit:tier: "backup-restore"'),
    (lambda s: ReplicatedDatabase("db", s.settings(), DatabaseArgs(
        network=REFS, source_db_arn=SOURCE_ARN), opts=s.home()), "DatabaseArgs.source_db_arn"),
    (lambda s: DatabaseArgs(network=REFS, monitoring_interval=45),
     "DatabaseArgs.monitoring_interval: 45 is not valid; allowed: 1, 5, 10, 15, 30, 60"),
    (lambda s: DatabaseArgs(network=REFS, performance_insights_retention_days=30),
     "DatabaseArgs.performance_insights_retention_days: 30 is not valid"),
    (lambda s: DatabaseArgs(network=REFS, log_statement="everything"),
     'DatabaseArgs.log_statement: "everything" is not valid; allowed: none, ddl, mod, all'),
    (lambda s: DatabaseArgs(network=REFS, log_min_duration_ms=-5),
     "DatabaseArgs.log_min_duration_ms: -5 is not valid"),
    (lambda s: DatabaseArgs(network=REFS, engine_version="9.6"),
     'DatabaseArgs.engine_version: "9.6" is not valid'),
    (lambda s: DatabaseArgs(network=REFS, engine_version="latest"),
     'DatabaseArgs.engine_version: "latest" is not valid'),
    (lambda s: DatabaseArgs(network=REFS, allocated_storage_gb=600),
     "DatabaseArgs.allocated_storage_gb: 600 is not valid; allowed: 20 to "
     "max_allocated_storage_gb (500)"),
    (lambda s: ReplicatedDatabase("db", s.settings("global"), DatabaseArgs(network=REFS),
                                  opts=s.home()),
     'drkit:role: "global" is not valid; ReplicatedDatabase belongs in the primary or the '
     "secondary stack"),
])
def test_database_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


# -- bucket -------------------------------------------------------------------------------

BUCKET_PROGRAM = ("bucket = ReplicatedBucket('shop-data', settings, "
                  "BucketArgs(replica_provider=secondary, noncurrent_version_days=30), "
                  "opts=home)\n")


def by_name(result: StackRun, token: str) -> dict[str, Resource]:
    return {r.name: r for r in result.of_type(token)}


def test_bucket_and_its_replica_live_in_two_regions(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM)
    explicit_providers_only(result)
    buckets = by_name(result, "aws:s3/bucket:Bucket")
    source, replica = buckets["shop-data-source"], buckets["shop-data-replica"]
    assert (source.region, replica.region) == ("eu-west-1", "eu-central-1")
    assert source.inputs["bucket"] == "shop-data-source-eu-west-1-123456789012"
    assert replica.inputs["bucket"] == "shop-data-replica-eu-central-1-123456789012"
    assert source.protect and replica.protect
    keys = by_name(result, "aws:kms/key:Key")
    assert keys["shop-data-source-key"].region == "eu-west-1"
    assert keys["shop-data-replica-key"].region == "eu-central-1"
    for name, bucket in buckets.items():
        sse = by_name(result, "aws:s3/bucketServerSideEncryptionConfiguration:"
                              "BucketServerSideEncryptionConfiguration")[name]
        rule = sse.inputs["rules"][0]
        assert rule["bucketKeyEnabled"] is True
        assert rule["applyServerSideEncryptionByDefault"] == {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": keys[f"{name}-key"].outputs["arn"]}
        block = by_name(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[name]
        assert all(block.inputs[k] is True for k in (
            "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        policy = json.loads(by_name(result, "aws:s3/bucketPolicy:BucketPolicy")[name]
                            .inputs["policy"])
        (deny,) = policy["Statement"]
        assert deny["Effect"] == "Deny"
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert bucket.outputs["arn"] in deny["Resource"]
        lifecycle = by_name(result, "aws:s3/bucketLifecycleConfiguration:"
                                    "BucketLifecycleConfiguration")[name].inputs["rules"][0]
        assert lifecycle["noncurrentVersionExpiration"]["noncurrentDays"] == 30
        assert lifecycle["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7


def test_bucket_keys_serve_s3_of_their_own_region(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM)
    keys = by_name(result, "aws:kms/key:Key")
    assert via_services(keys["shop-data-source-key"]) == {
        "UseThroughS3": "s3.eu-west-1.amazonaws.com"}
    assert via_services(keys["shop-data-replica-key"]) == {
        "UseThroughS3": "s3.eu-central-1.amazonaws.com"}
    assert all(len(key_statements(k)) == 1 for k in keys.values())


def test_replication_has_rtc_kms_and_waits_for_versioning(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM)
    config = only(result, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    versioning = by_name(result, "aws:s3/bucketVersioning:BucketVersioning")
    assert versioning["shop-data-source"].urn in config.dependencies
    assert versioning["shop-data-replica"].urn in config.dependencies
    assert all(v.inputs["versioningConfiguration"]["status"] == "Enabled"
               for v in versioning.values())
    replica = by_name(result, "aws:s3/bucket:Bucket")["shop-data-replica"]
    replica_key = by_name(result, "aws:kms/key:Key")["shop-data-replica-key"]
    (rule,) = config.inputs["rules"]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}
    destination = rule["destination"]
    assert destination["bucket"] == replica.outputs["arn"]
    assert destination["encryptionConfiguration"] == {
        "replicaKmsKeyId": replica_key.outputs["arn"]}
    assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}


def test_replication_role_is_least_privilege(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM)
    buckets = by_name(result, "aws:s3/bucket:Bucket")
    keys = by_name(result, "aws:kms/key:Key")
    source, replica = (buckets[f"shop-data-{s}"].outputs["arn"] for s in ("source", "replica"))
    statements = {s["Sid"]: s for s in json.loads(
        only(result, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"]}
    assert statements["ReadSourceConfiguration"]["Resource"] == [source]
    assert statements["ReadSourceVersions"]["Resource"] == [f"{source}/*"]
    assert statements["WriteReplica"]["Resource"] == [f"{replica}/*"]
    assert all(a.startswith("s3:Replicate") for a in statements["WriteReplica"]["Action"])
    decrypt, encrypt = statements["DecryptSource"], statements["EncryptReplica"]
    assert (decrypt["Action"], decrypt["Resource"]) == (
        ["kms:Decrypt"], [keys["shop-data-source-key"].outputs["arn"]])
    assert (encrypt["Action"], encrypt["Resource"]) == (
        ["kms:Encrypt"], [keys["shop-data-replica-key"].outputs["arn"]])
    assert decrypt["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    assert encrypt["Condition"]["StringEquals"] == {
        "kms:ViaService": "s3.eu-central-1.amazonaws.com"}
    assert all(s["Effect"] == "Allow" and "*" not in s["Resource"] for s in statements.values())
    trust = json.loads(only(result, "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: BucketArgs(replica_provider=s.secondary, noncurrent_version_days=0),
     "BucketArgs.noncurrent_version_days: 0 is not valid"),
    (lambda s: BucketArgs(replica_provider="eu-central-1"), "BucketArgs.replica_provider"),
    (lambda s: ReplicatedBucket("d", s.settings("secondary"),
                                BucketArgs(replica_provider=s.primary), opts=s.home("secondary")),
     'drkit:role: "secondary" is not valid; ReplicatedBucket belongs'),
    (lambda s: ReplicatedBucket("a" * 30, s.settings(), BucketArgs(replica_provider=s.secondary),
                                opts=s.home()),
     "must fit in 63 characters"),
])
def test_bucket_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


# -- standby tier -------------------------------------------------------------------------

TIER_PROGRAM = ("StandbyTier('shop-web', settings, StandbyArgs(network=refs, "
                "full_capacity=Capacity(2, 4, 8){extra}), opts=home)\n")


@pytest.mark.parametrize(("role", "tier", "sizes"), [
    ("primary", "warm-standby", (2, 4, 8)), ("secondary", "warm-standby", (1, 2, 8)),
    ("secondary", "pilot-light", (0, 0, 8)), ("secondary", "active-active", (2, 4, 8))])
def test_standby_tier_size_follows_role_and_tier(write_program: WriteProgram, role: str,
                                                 tier: str, sizes: tuple[int, int, int]) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""), role=role, tier=tier)
    explicit_providers_only(result)
    group = only(result, "aws:autoscaling/group:Group").inputs
    assert (group["minSize"], group["desiredCapacity"], group["maxSize"]) == sizes
    assert group["vpcZoneIdentifiers"] == ["subnet-a", "subnet-b", "subnet-c"]
    assert group["healthCheckType"] == "ELB"
    target_group = only(result, "aws:lb/targetGroup:TargetGroup")
    assert group["targetGroupArns"] == [target_group.outputs["arn"]]


def test_standby_tier_checks_health_and_hardens_instances(write_program: WriteProgram) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""))
    health = only(result, "aws:lb/targetGroup:TargetGroup").inputs["healthCheck"]
    assert (health["path"], health["matcher"], health["protocol"]) == ("/healthz", "200", "HTTP")
    template = only(result, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    assert template["metadataOptions"]["httpTokens"] == "required"
    assert template["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
    assert template["imageId"].startswith("ami-")
    alb = only(result, "aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["subnets"] == ["subnet-p1", "subnet-p2"] and alb["internal"] is False
    (listener,) = result.of_type("aws:lb/listener:Listener")
    assert listener.inputs["protocol"] == "HTTP"
    assert listener.inputs["defaultActions"][0]["type"] == "forward"


@pytest.mark.parametrize(("protect", "expected"), [(True, True), (False, False)])
def test_load_balancer_deletion_protection_follows_the_stack(
        write_program: WriteProgram, protect: bool, expected: bool) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""), protect=protect)
    alb = only(result, "aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["enableDeletionProtection"] is expected


def test_standby_tier_serves_https_with_a_certificate(write_program: WriteProgram) -> None:
    cert = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    result = run(write_program, TIER_PROGRAM.format(extra=f", certificate_arn={cert!r}"))
    listeners = {r.inputs["protocol"]: r.inputs for r in result.of_type(
        "aws:lb/listener:Listener")}
    assert listeners["HTTPS"]["certificateArn"] == cert
    assert listeners["HTTP"]["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"


@pytest.mark.parametrize(("extra", "named"), [
    ({"health_check_path": "healthz"}, 'StandbyArgs.health_check_path: "healthz"'),
    ({"full_capacity": Capacity(3, 2, 4)}, "StandbyArgs.full_capacity: [3, 2, 4]"),
    ({"certificate_arn": "cert-1"}, 'StandbyArgs.certificate_arn: "cert-1"'),
])
def test_standby_tier_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: StandbyArgs(network=REFS, **extra))


# -- failover -----------------------------------------------------------------------------

FAILOVER_PROGRAM = """\
FailoverEntry('shop-entry', settings, FailoverArgs(
    domain='shop.example.com', zone_name='example.com',
    primary=RegionalEndpoint('eu-west-1', 'alb-1.eu-west-1.elb.amazonaws.com', 'Z1'),
    secondary=RegionalEndpoint('eu-central-1', 'alb-2.eu-central-1.elb.amazonaws.com', 'Z2'),
    {extra}), opts=home)
"""


def test_failover_records_both_have_health_checks(write_program: WriteProgram) -> None:
    result = run(write_program, FAILOVER_PROGRAM.format(extra="request_interval=10"),
                 role="global")
    explicit_providers_only(result)
    checks = by_name(result, "aws:route53/healthCheck:HealthCheck")
    records = by_name(result, "aws:route53/record:Record")
    assert checks["shop-entry-primary"].inputs["fqdn"] == "alb-1.eu-west-1.elb.amazonaws.com"
    assert checks["shop-entry-primary"].inputs | {
        "type": "HTTPS", "port": 443, "requestInterval": 10, "failureThreshold": 3,
        "resourcePath": "/healthz"} == checks["shop-entry-primary"].inputs
    for role in ("primary", "secondary"):
        record = records[f"shop-entry-{role}"].inputs
        assert record["failoverRoutingPolicies"] == [{"type": role.upper()}]
        assert record["healthCheckId"] == checks[f"shop-entry-{role}"].id
        assert record["type"] == "A" and record["name"] == "shop.example.com"
        assert record["aliases"][0]["evaluateTargetHealth"] is True
    assert records["shop-entry-secondary"].inputs["aliases"][0]["zoneId"] == "Z2"
    assert len({r.inputs["setIdentifier"] for r in records.values()}) == 2


def test_active_active_routes_by_latency(write_program: WriteProgram) -> None:
    result = run(write_program, FAILOVER_PROGRAM.format(extra="protocol='HTTP'"),
                 role="global", tier="active-active")
    records = by_name(result, "aws:route53/record:Record")
    assert records["shop-entry-secondary"].inputs["latencyRoutingPolicies"] == [
        {"region": "eu-central-1"}]
    assert all("failoverRoutingPolicies" not in r.inputs and r.inputs["healthCheckId"]
               for r in records.values())


def failover_args(**extra: Any) -> FailoverArgs:
    return FailoverArgs(**{
        "domain": "shop.example.com", "zone_name": "example.com",
        "primary": RegionalEndpoint("eu-west-1", "alb-1.eu-west-1.elb.amazonaws.com", "Z1"),
        "secondary": RegionalEndpoint("eu-central-1", "alb-2.eu-central-1.elb.amazonaws.com",
                                      "Z2"),
        **extra})


@pytest.mark.parametrize(("extra", "named"), [
    ({"request_interval": 15},
     "FailoverArgs.request_interval: 15 is not valid; allowed: 10 or 30"),
    ({"failure_threshold": 11},
     "FailoverArgs.failure_threshold: 11 is not valid; allowed: 1 to 10"),
    ({"protocol": "TCP"}, 'FailoverArgs.protocol: "TCP"'),
    ({"zone_id": "Z9"}, "FailoverArgs.zone_name/zone_id"),
    ({"secondary": RegionalEndpoint("eu-west-1", "alb-2", "Z2")},
     'FailoverArgs.secondary.region: "eu-west-1" is not valid'),
])
def test_failover_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: failover_args(**extra))


def test_failover_domain_must_be_inside_the_zone() -> None:
    assert 'FailoverArgs.domain: "shop.example.org"' in rejection(
        lambda: failover_args(domain="shop.example.org"))


def test_failover_entry_belongs_in_the_global_stack(stack: Stack) -> None:
    assert 'drkit:role: "primary" is not valid; FailoverEntry belongs in the global stack' in \
        rejection(lambda: FailoverEntry("e", stack.settings(), failover_args(),
                                        opts=stack.home()))


# -- backup -------------------------------------------------------------------------------

BACKUP_PROGRAM = ("BackupPlan('shop-backup', settings, BackupArgs(replica_provider=secondary, "
                  "resource_arns=[SOURCE_ARN, 'arn:aws:s3:::shop-data']), opts=home)\n")


def test_backup_meets_a_short_rpo_and_copies_to_the_secondary(
        write_program: WriteProgram) -> None:
    result = run(write_program, BACKUP_PROGRAM)
    explicit_providers_only(result)
    vaults = by_name(result, "aws:backup/vault:Vault")
    keys = by_name(result, "aws:kms/key:Key")
    assert vaults["shop-backup-vault"].region == "eu-west-1"
    assert vaults["shop-backup-copy-vault"].region == "eu-central-1"
    assert vaults["shop-backup-copy-vault"].inputs["kmsKeyArn"] == \
        keys["shop-backup-copy-key"].outputs["arn"]
    assert all(v.protect for v in vaults.values()) and all(k.protect for k in keys.values())
    rules = {r["ruleName"]: r for r in only(result, "aws:backup/plan:Plan").inputs["rules"]}
    assert rules["scheduled"]["schedule"] == "cron(0 0/1 * * ? *)"
    (copy,) = rules["scheduled"]["copyActions"]
    assert copy["destinationVaultArn"] == vaults["shop-backup-copy-vault"].outputs["arn"]
    assert rules["continuous"]["enableContinuousBackup"] is True
    assert rules["continuous"]["lifecycle"]["deleteAfter"] <= 35
    selection = only(result, "aws:backup/selection:Selection").inputs
    assert selection["resources"] == [
        "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1", "arn:aws:s3:::shop-data"]
    policies = {a.inputs["policyArn"].rsplit("/", 1)[1] for a in result.of_type(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert {"AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForRestores"} <= policies


def test_backup_keys_serve_backup_and_rds_copies_in_their_region(
        write_program: WriteProgram) -> None:
    keys = by_name(run(write_program, BACKUP_PROGRAM), "aws:kms/key:Key")
    assert via_services(keys["shop-backup-vault-key"]) == {
        "UseThroughBackup": "backup.eu-west-1.amazonaws.com"}
    assert via_services(keys["shop-backup-copy-key"]) == {
        "UseThroughBackup": "backup.eu-central-1.amazonaws.com",
        "UseThroughRds": "rds.eu-central-1.amazonaws.com"}


def test_backup_of_a_long_rpo_needs_no_continuous_rule(write_program: WriteProgram) -> None:
    result = run(write_program, BACKUP_PROGRAM, rpo="4h")
    (rule,) = only(result, "aws:backup/plan:Plan").inputs["rules"]
    assert rule["schedule"] == "cron(0 0/4 * * ? *)"
    assert not rule.get("enableContinuousBackup")


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: BackupArgs(replica_provider=s.secondary, resource_arns=[]),
     "BackupArgs.resource_arns: [] is not valid"),
    (lambda s: BackupArgs(replica_provider=s.secondary, resource_arns=[SOURCE_ARN],
                          retention_days=0),
     "BackupArgs.retention_days: 0 is not valid"),
    (lambda s: BackupPlan("shop-backup", s.settings("secondary"), BackupArgs(
        replica_provider=s.secondary, resource_arns=[SOURCE_ARN, "arn:aws:s3:::shop-data"]),
        opts=s.home("secondary")),
     'drkit:role: "secondary" is not valid'),
])
def test_backup_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))

"""AWS components, each in a tiny program run by the offline engine, plus the shared rules in
components/sizing.py. Bad arguments must fail with a ConfigError naming the input, before any
resource is registered: checked in process (args, providers and components constructed under
Pulumi's unit-test mocks), and under the engine for a few, to prove nothing was registered."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from component_programs import (
    Harness,
    WriteProgram,
    answers,
    dr_settings,
    only,
    rejection,
    settle,
    unit_runtime,
)

from components.app import app_source
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
import pulumi_random as random
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
rnd = random.Provider("random")
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


@pytest.mark.parametrize(("role", "tier", "active", "expected"), [
    ("primary", "warm-standby", "primary", FULL),
    ("primary", "pilot-light", "primary", FULL),
    ("secondary", "backup-restore", "primary", Capacity(0, 0, 8)),
    ("secondary", "pilot-light", "primary", Capacity(0, 0, 8)),
    ("secondary", "warm-standby", "primary", Capacity(1, 2, 8)),
    ("secondary", "active-active", "primary", FULL),
    # drkit:active follows the writer: the region that took over runs full capacity, the
    # other (the rebuilt old primary) the tier's share.
    ("secondary", "pilot-light", "secondary", FULL),
    ("secondary", "warm-standby", "secondary", FULL),
    ("primary", "warm-standby", "secondary", Capacity(1, 2, 8)),
    ("primary", "pilot-light", "secondary", Capacity(0, 0, 8)),
])
def test_standby_capacity_follows_the_active_region_and_tier(
        role: str, tier: str, active: str, expected: Capacity) -> None:
    intent = DrIntent.from_config(_plain(intent_config(role=role, tier=tier, active=active)))
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
WRITER = ("ReplicatedDatabase('shop-db', settings, DatabaseArgs(network=refs, "
          "random_provider=rnd), opts=home)\n")
REPLICA = ("ReplicatedDatabase('shop-db', settings, DatabaseArgs(network=refs, "
           "random_provider=rnd, source_db_arn=SOURCE_ARN{extra}), opts=home)\n")


def test_active_database_is_multi_az_encrypted_and_kept(write_program: WriteProgram) -> None:
    result = run(write_program, WRITER)
    explicit_providers_only(result)
    db = only(result, DB)
    key = only(result, "aws:kms/key:Key")
    suffix = only(result, "random:index/randomId:RandomId")
    assert db.inputs | {
        "engine": "postgres", "multiAz": True, "storageEncrypted": True,
        "kmsKeyId": key.outputs["arn"], "deletionProtection": True,
        "backupRetentionPeriod": 14, "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": f"shop-db-eu-west-1-final-{suffix.outputs['hex']}",
        "deleteAutomatedBackups": False,
        "copyTagsToSnapshot": True, "identifier": "shop-db-eu-west-1",
        "publiclyAccessible": False} == db.inputs
    assert db.region == key.region == "eu-west-1"
    assert db.protect and key.protect and key.inputs["enableKeyRotation"] is True
    subnets = only(result, "aws:rds/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]


def test_the_writer_password_is_generated_and_kept_in_the_regions_secret(
        write_program: WriteProgram) -> None:
    """RDS cannot create a read replica of a source whose master password Secrets Manager
    manages (RDS User Guide, Secrets Manager integration, limitations): the old writer set
    manage_master_user_password and the secondary's `pulumi up` failed."""
    result = run(write_program, WRITER)
    db = only(result, DB)
    password = only(result, "random:index/randomPassword:RandomPassword")
    assert "manageMasterUserPassword" not in db.inputs
    assert "masterUserSecretKmsKeyId" not in db.inputs
    assert db.inputs["password"] == password.outputs["result"]
    assert password.inputs["length"] >= 32 and not set("/\"@ ") & set(
        password.inputs["overrideSpecial"])
    secret = only(result, "aws:secretsmanager/secret:Secret")
    version = only(result, "aws:secretsmanager/secretVersion:SecretVersion")
    assert secret.region == "eu-west-1"
    assert secret.inputs["kmsKeyId"] == only(result, "aws:kms/key:Key").outputs["arn"]
    assert version.inputs["secretId"] == secret.id
    stored = json.loads(version.inputs["secretString"])
    assert stored | {"host": db.outputs["address"], "port": 5432, "username": "app_admin",
                     "dbname": "app", "password": password.outputs["result"]} == stored


def test_backup_and_maintenance_windows_are_pinned_and_apart(
        write_program: WriteProgram) -> None:
    """Promotion is refused while an instance backs up (PromoteReadReplica): the writer's
    backup window is pinned (and passed to the promotion); the old code left it to RDS."""
    db = only(run(write_program, WRITER), DB)
    assert db.inputs["backupWindow"] == "01:00-01:30"
    assert db.inputs["maintenanceWindow"] == "sun:02:00-sun:02:30"
    assert "overlap" in rejection(lambda: DatabaseArgs(
        network=REFS, backup_window="02:00-03:00", maintenance_window="mon:02:30-mon:03:00"))
    assert "overlap" in rejection(lambda: DatabaseArgs(
        network=REFS, backup_window="23:40-00:20", maintenance_window="tue:00:00-tue:00:30"))
    DatabaseArgs(network=REFS, backup_window="22:00-23:00",
                 maintenance_window="sun:23:00-sun:23:30")


def test_database_logs_queries_and_requires_tls(write_program: WriteProgram) -> None:
    result = run(write_program, "ReplicatedDatabase('shop-db', settings, DatabaseArgs("
                                "network=refs, engine_version='15.4', log_statement='mod', "
                                "log_min_duration_ms=250, random_provider=rnd), opts=home)\n")
    group = only(result, "aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres15" and group.region == "eu-west-1"
    assert group.inputs["name"] == "shop-db-eu-west-1-postgres15"
    assert {p["name"]: p["value"] for p in group.inputs["parameters"]} == {
        "rds.force_ssl": "1", "log_statement": "mod", "log_min_duration_statement": "250"}
    assert only(result, DB).inputs["parameterGroupName"] == group.outputs["name"]


def test_database_is_monitored_with_encrypted_insights(write_program: WriteProgram) -> None:
    result = run(write_program, WRITER)
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
    result = run(write_program, REPLICA.format(extra=""), role="secondary")
    db, key = only(result, DB), only(result, "aws:kms/key:Key")
    group = only(result, "aws:rds/parameterGroup:ParameterGroup")
    assert group.region == db.region == "eu-central-1"
    assert db.inputs["parameterGroupName"] == group.outputs["name"]
    assert db.inputs["performanceInsightsKmsKeyId"] == key.outputs["arn"]
    assert db.inputs["monitoringRoleArn"] == only(result, "aws:iam/role:Role").outputs["arn"]
    assert via_services(key) == {"UseThroughRds": "rds.eu-central-1.amazonaws.com",
                                 "UseThroughSecretsmanager":
                                     "secretsmanager.eu-central-1.amazonaws.com"}


@pytest.mark.parametrize("tier", ["warm-standby", "active-active", "pilot-light"])
def test_passive_database_is_an_encrypted_cross_region_replica(
        write_program: WriteProgram, tier: str) -> None:
    result = run(write_program, REPLICA.format(extra=""), role="secondary", tier=tier)
    db = only(result, DB)
    key = only(result, "aws:kms/key:Key")
    assert db.inputs["replicateSourceDb"] == ("arn:aws:rds:eu-west-1:123456789012:db:"
                                              "shop-db-eu-west-1")
    assert db.region == key.region == "eu-central-1"
    assert db.inputs["kmsKeyId"] == key.outputs["arn"]
    # Multi-AZ in every tier: checkov's CKV_AWS_157 is mandatory on replicas too.
    assert db.inputs["storageEncrypted"] is True and db.inputs["multiAz"] is True
    assert "engine" not in db.inputs and "manageMasterUserPassword" not in db.inputs
    assert "password" not in db.inputs


def test_a_replica_takes_no_final_snapshot_and_no_backups(write_program: WriteProgram) -> None:
    """RDS refuses FinalDBSnapshotIdentifier when deleting a replica (terraform-provider-aws
    #4276) and creates replicas with backups off; the old replica asked for both."""
    db = only(run(write_program, REPLICA.format(extra=""), role="secondary"), DB)
    assert db.inputs["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db.inputs
    assert "backupRetentionPeriod" not in db.inputs and "backupWindow" not in db.inputs
    assert db.inputs["deletionProtection"] is True


def test_a_replica_keeps_the_active_writers_password_in_its_secret(
        write_program: WriteProgram) -> None:
    result = run(write_program, REPLICA.format(extra=", source_password='from-the-active'"),
                 role="secondary")
    stored = json.loads(only(result, "aws:secretsmanager/secretVersion:SecretVersion")
                        .inputs["secretString"])
    assert stored["password"] == "from-the-active"
    assert stored["host"] == only(result, DB).outputs["address"]


def _database_requests(role: str, active: str) -> dict[str, Any]:
    """The registration requests (resource options included) of a database component."""
    requests: dict[str, Any] = {}
    with unit_runtime(requests=requests):
        stack = Stack(aws.Provider("primary", region="eu-west-1"),
                      aws.Provider("secondary", region="eu-central-1"))
        passive = role != active
        ReplicatedDatabase("shop-db", stack.settings(role, active=active), DatabaseArgs(
            network=REFS, source_db_arn=SOURCE_ARN if passive else None), opts=stack.home(role))
        settle()
    return requests


def test_demotion_replaces_and_promotion_updates_in_place() -> None:
    """A writer cannot become a replica in place ("cannot elect new source database for
    replication"): the passive declaration replaces on a new source, deleting first (the
    identifier stays); the active one must not, or promotion would replace the replica."""
    passive = _database_requests("primary", active="secondary")["shop-db-db"]
    assert list(passive.replaceOnChanges) == ["replicateSourceDb"]
    assert passive.deleteBeforeReplace and passive.protect
    active = _database_requests("secondary", active="secondary")["shop-db-db"]
    assert list(active.replaceOnChanges) == [] and not active.deleteBeforeReplace


@pytest.mark.parametrize("tier", ["pilot-light", "warm-standby"])
def test_the_promoted_writer_is_multi_az_whatever_the_tier(write_program: WriteProgram,
                                                          tier: str) -> None:
    """The old promote=True kept a pilot-light replica single-AZ after promotion."""
    result = run(write_program, WRITER, role="secondary", tier=tier, active="secondary")
    db = only(result, DB)
    assert "replicateSourceDb" not in db.inputs
    assert db.inputs["multiAz"] is True and db.inputs["backupRetentionPeriod"] == 14
    assert db.inputs["identifier"] == "shop-db-eu-central-1"


def test_database_client_access_is_its_own(write_program: WriteProgram) -> None:
    result = run(write_program, "db = " + WRITER + "pulumi.export('statements', "
                 "pulumi.Output.json_dumps(db.client_statements()))\n")
    db, secret = only(result, DB), only(result, "aws:secretsmanager/secret:Secret")
    statements = {s["Sid"]: s for s in json.loads(result.outputs["statements"])}
    assert statements["ConnectWithIam"]["Resource"] == [
        f"arn:aws:rds-db:eu-west-1:123456789012:dbuser:{db.outputs['resourceId']}/app"]
    assert statements["DescribeTheDatabase"]["Resource"] == [db.outputs["arn"]]
    assert statements["ReadTheDatabaseSecret"]["Resource"] == [secret.outputs["arn"]]
    assert statements["DecryptTheDatabaseSecret"]["Condition"] == {"StringEquals": {
        "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}
    assert all("*" not in st["Resource"] for st in statements.values())


def test_protection_follows_the_intent(write_program: WriteProgram) -> None:
    result = run(write_program, WRITER, protect=False)
    assert not only(result, DB).protect and not only(result, "aws:kms/key:Key").protect


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: DatabaseArgs(network=REFS, backup_retention_days=3),
     "DatabaseArgs.backup_retention_days: 3 is not valid; allowed: 7 to 35"),
    (lambda s: ReplicatedDatabase("db", s.settings("secondary"), DatabaseArgs(network=REFS),
                                  opts=s.home("secondary")),
     "DatabaseArgs.source_db_arn: null is not valid"),
    (lambda s: ReplicatedDatabase("db", s.settings("primary", active="secondary"),
                                  DatabaseArgs(network=REFS), opts=s.home()),
     "DatabaseArgs.source_db_arn: null is not valid; required in the passive region"),
    (lambda s: ReplicatedDatabase("db", s.settings("secondary", tier="backup-restore"),
                                  DatabaseArgs(network=REFS, source_db_arn=SOURCE_ARN),
                                  opts=s.home("secondary")),
     'drkit:tier: "backup-restore"'),
    (lambda s: ReplicatedDatabase("db", s.settings(), DatabaseArgs(
        network=REFS, source_db_arn=SOURCE_ARN), opts=s.home()), "DatabaseArgs.source_db_arn"),
    (lambda s: ReplicatedDatabase("db", s.settings("secondary", active="secondary"),
                                  DatabaseArgs(network=REFS, source_password="x"),
                                  opts=s.home("secondary")),
     "DatabaseArgs.source_password"),
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
    (lambda s: DatabaseArgs(network=REFS, backup_window="1am"),
     'DatabaseArgs.backup_window: "1am" is not valid; allowed: hh:mm-hh:mm in UTC'),
    (lambda s: DatabaseArgs(network=REFS, maintenance_window="sun:02:00-sun:02:10"),
     'DatabaseArgs.maintenance_window: "sun:02:00-sun:02:10" is not valid'),
    (lambda s: ReplicatedDatabase("db", s.settings("global"), DatabaseArgs(network=REFS),
                                  opts=s.home()),
     'drkit:role: "global" is not valid; ReplicatedDatabase belongs in the primary or the '
     "secondary stack"),
])
def test_database_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


# -- bucket -------------------------------------------------------------------------------

BUCKET_PROGRAM = ("bucket = ReplicatedBucket('shop-data', settings, "
                  "BucketArgs(noncurrent_version_days=30{extra}), opts=home)\n")


def by_name(result: StackRun, token: str) -> dict[str, Resource]:
    return {r.name: r for r in result.of_type(token)}


@pytest.mark.parametrize(("role", "region"), [("primary", "eu-west-1"),
                                              ("secondary", "eu-central-1")])
def test_each_region_owns_its_bucket_and_key(write_program: WriteProgram, role: str,
                                             region: str) -> None:
    """The old primary stack also created the replica bucket (and its key) in eu-central-1:
    during an eu-west-1 outage nobody could change them. Each stack now owns its own."""
    result = run(write_program, BUCKET_PROGRAM.format(extra=""), role=role)
    explicit_providers_only(result)
    assert {r.region for r in result.resources if r.managed and r.region} == {region}
    bucket = only(result, "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == f"shop-data-{region}-123456789012" and bucket.protect
    key = only(result, "aws:kms/key:Key")
    alias = only(result, "aws:kms/alias:Alias")
    assert alias.inputs == {"name": f"alias/shop-data-{region}",
                            "targetKeyId": key.outputs["keyId"]}
    sse = only(result, "aws:s3/bucketServerSideEncryptionConfiguration:"
                       "BucketServerSideEncryptionConfiguration")
    rule = sse.inputs["rules"][0]
    assert rule["bucketKeyEnabled"] is True
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": key.outputs["arn"]}
    block = only(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in (
        "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (deny,) = json.loads(only(result, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])[
        "Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert bucket.outputs["arn"] in deny["Resource"]
    lifecycle = only(result, "aws:s3/bucketLifecycleConfiguration:"
                             "BucketLifecycleConfiguration").inputs["rules"][0]
    assert lifecycle["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    assert lifecycle["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
    assert via_services(key) == {"UseThroughS3": f"s3.{region}.amazonaws.com"}


def test_replication_goes_to_the_other_regions_bucket_with_rtc_and_kms(
        write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM.format(extra=""))
    config = only(result, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    versioning = only(result, "aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.urn in config.dependencies
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    (rule,) = config.inputs["rules"]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["sourceSelectionCriteria"] == {
        "sseKmsEncryptedObjects": {"status": "Enabled"},
        "replicaModifications": {"status": "Enabled"}}
    destination = rule["destination"]
    assert destination["bucket"] == "arn:aws:s3:::shop-data-eu-central-1-123456789012"
    assert destination["encryptionConfiguration"] == {
        "replicaKmsKeyId": "arn:aws:kms:eu-central-1:123456789012:alias/shop-data-eu-central-1"}
    assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}


def test_the_replication_rule_does_not_depend_on_the_switch(write_program: WriteProgram) -> None:
    """Switching drkit:active must not change the rule: an update would make S3 check a
    destination in the lost region."""
    rules = [only(run(write_program, BUCKET_PROGRAM.format(extra=""), role="secondary",
                      active=active),
                  "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"]
             for active in ("primary", "secondary")]
    assert rules[0] == rules[1]
    assert rules[0][0]["destination"]["bucket"] == (
        "arn:aws:s3:::shop-data-eu-west-1-123456789012")


def test_no_replication_until_the_other_bucket_exists(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM.format(extra=", replicate=False"),
                 role="secondary")
    assert result.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig") == []
    assert result.of_type("aws:iam/role:Role") == []


def test_replication_role_is_least_privilege(write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM.format(extra=""))
    own = only(result, "aws:s3/bucket:Bucket").outputs["arn"]
    peer = "arn:aws:s3:::shop-data-eu-central-1-123456789012"
    statements = {s["Sid"]: s for s in json.loads(
        only(result, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"]}
    assert statements["ReadSourceConfiguration"]["Resource"] == [own]
    assert statements["ReadSourceVersions"]["Resource"] == [f"{own}/*"]
    assert statements["WriteTheOtherRegion"]["Resource"] == [f"{peer}/*"]
    assert all(a.startswith("s3:Replicate") for a in statements["WriteTheOtherRegion"]["Action"])
    decrypt, encrypt = statements["DecryptSource"], statements["EncryptReplica"]
    assert (decrypt["Action"], decrypt["Resource"]) == (
        ["kms:Decrypt"], [only(result, "aws:kms/key:Key").outputs["arn"]])
    assert (encrypt["Action"], encrypt["Resource"]) == (
        ["kms:Encrypt"], ["arn:aws:kms:eu-central-1:123456789012:key/*"])
    assert encrypt["Condition"]["ForAnyValue:StringEquals"] == {
        "kms:ResourceAliases": ["alias/shop-data-eu-central-1"]}
    assert decrypt["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    assert encrypt["Condition"]["StringEquals"] == {
        "kms:ViaService": "s3.eu-central-1.amazonaws.com"}
    assert encrypt["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:s3:arn": [peer, f"{peer}/*"]}
    assert all(s["Effect"] == "Allow" and "*" not in s["Resource"] for s in statements.values())
    trust = json.loads(only(result, "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: BucketArgs(noncurrent_version_days=0),
     "BucketArgs.noncurrent_version_days: 0 is not valid"),
    (lambda s: ReplicatedBucket("d", s.settings("global"), BucketArgs(), opts=s.home()),
     'drkit:role: "global" is not valid; ReplicatedBucket belongs'),
    (lambda s: ReplicatedBucket("a" * 40, s.settings(), BucketArgs(), opts=s.home()),
     "must fit in 63 characters"),
])
def test_bucket_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


# -- standby tier -------------------------------------------------------------------------

TIER_PROGRAM = ("StandbyTier('shop-web', settings, StandbyArgs(network=refs, "
                "full_capacity=Capacity(2, 4, 8){extra}), opts=home)\n")


@pytest.mark.parametrize(("role", "tier", "active", "sizes"), [
    ("primary", "warm-standby", "primary", (2, 4, 8)),
    ("secondary", "warm-standby", "primary", (1, 2, 8)),
    ("secondary", "pilot-light", "primary", (0, 0, 8)),
    ("secondary", "active-active", "primary", (2, 4, 8)),
    ("secondary", "pilot-light", "secondary", (2, 4, 8)),
    ("primary", "warm-standby", "secondary", (1, 2, 8))])
def test_standby_tier_size_follows_the_active_region_and_tier(
        write_program: WriteProgram, role: str, tier: str, active: str,
        sizes: tuple[int, int, int]) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""), role=role, tier=tier,
                 active=active)
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
    # Liveness only: a passive region's instances stay healthy (not replaced forever).
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


def _user_data(result: StackRun) -> str:
    template = only(result, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    return base64.b64decode(template["userData"]).decode()


def test_instances_run_an_app_that_answers_health_and_serving(
        write_program: WriteProgram, tmp_path: Path) -> None:
    """The old tier had no user data: nothing answered the health check, so instances were
    replaced forever and both regions looked down."""
    result = run(write_program, TIER_PROGRAM.format(
        extra=", database_identifier='shop-db-eu-west-1'"))
    script = _user_data(result)
    assert script.startswith("#!/bin/bash") and "systemctl enable --now" in script
    for setting in ("APP_PORT=8080", "HEALTH_PATH=/healthz", "SERVING_PATH=/healthz/serving",
                    "REGION=eu-west-1", "DB_IDENTIFIER=shop-db-eu-west-1"):
        assert setting in script
    assert app_source() in script
    assert answers(tmp_path, {"HEALTH_PATH": "/healthz", "SERVING_PATH": "/healthz/serving"}) \
        == {"/healthz": 200, "/healthz/serving": 200, "/": 200}


@pytest.mark.parametrize(("source", "status"), [("", 200), ("shop-db-eu-west-1", 503)])
def test_the_default_app_serves_only_while_its_database_is_the_writer(
        tmp_path: Path, source: str, status: int) -> None:
    """Route53 probes the serving path: a region whose database is a replica answers 503."""
    fake = tmp_path / "bin" / "aws"
    fake.parent.mkdir()
    reply = json.dumps({"DBInstances": [{"ReadReplicaSourceDBInstanceIdentifier": source}]})
    fake.write_text(f"#!/bin/sh\necho '{reply}'\n")
    fake.chmod(0o755)
    environment = {"HEALTH_PATH": "/healthz", "SERVING_PATH": "/healthz/serving",
                   "REGION": "eu-central-1", "DB_IDENTIFIER": "shop-db-eu-central-1",
                   "PATH": f"{fake.parent}:{os.environ['PATH']}"}
    assert answers(tmp_path, environment) == {"/healthz": 200, "/healthz/serving": status,
                                              "/": 200}


def test_the_default_app_is_replaced_by_the_users(write_program: WriteProgram) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=", user_data='#!/bin/sh\\nrun-app'"))
    assert _user_data(result) == "#!/bin/sh\nrun-app"


def test_instances_get_a_role_allowed_only_the_given_policy(write_program: WriteProgram) -> None:
    """The old tier had no instance profile: the app could reach neither its database, its
    bucket nor its secret."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
    result = run(write_program, TIER_PROGRAM.format(extra=f", instance_policy={policy!r}"))
    role = only(result, "aws:iam/role:Role")
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = only(result, "aws:iam/rolePolicy:RolePolicy").inputs
    assert attached["role"] == role.id and json.loads(attached["policy"]) == json.loads(policy)
    assert result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []
    profile = only(result, "aws:iam/instanceProfile:InstanceProfile")
    assert profile.inputs["role"] == role.outputs["name"]
    template = only(result, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    assert template["iamInstanceProfile"] == {"arn": profile.outputs["arn"]}


@pytest.mark.parametrize(("extra", "named"), [
    ({"health_check_path": "healthz"}, 'StandbyArgs.health_check_path: "healthz"'),
    ({"serving_path": "serving"}, 'StandbyArgs.serving_path: "serving"'),
    ({"full_capacity": Capacity(3, 2, 4)}, "StandbyArgs.full_capacity: [3, 2, 4]"),
    ({"certificate_arn": "cert-1"}, 'StandbyArgs.certificate_arn: "cert-1"'),
])
def test_standby_tier_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: StandbyArgs(network=REFS, **extra))


# -- failover -----------------------------------------------------------------------------

FAILOVER_PROGRAM = """\
FailoverEntry('shop-entry', settings, FailoverArgs(
    domain='shop.example.com', zone_name='example.com',
    active=RegionalEndpoint('eu-west-1', 'alb-1.eu-west-1.elb.amazonaws.com', 'Z1', 'HTTPS'),
    standby=RegionalEndpoint('eu-central-1', 'alb-2.eu-central-1.elb.amazonaws.com', 'Z2'),
    {extra}), opts=home)
"""


def test_failover_records_both_have_serving_health_checks(write_program: WriteProgram) -> None:
    result = run(write_program, FAILOVER_PROGRAM.format(extra="request_interval=10"),
                 role="global")
    explicit_providers_only(result)
    checks = by_name(result, "aws:route53/healthCheck:HealthCheck")
    records = by_name(result, "aws:route53/record:Record")
    active = checks["shop-entry-eu-west-1"].inputs
    assert active["fqdn"] == "alb-1.eu-west-1.elb.amazonaws.com"
    assert active | {"type": "HTTPS", "port": 443, "requestInterval": 10,
                     "failureThreshold": 3, "resourcePath": "/healthz/serving"} == active
    # Each region's check speaks its listener's protocol: an HTTP check against a listener
    # that redirects to HTTPS would always pass (Route53 counts 3xx as healthy).
    assert checks["shop-entry-eu-central-1"].inputs | {"type": "HTTP", "port": 80} == \
        checks["shop-entry-eu-central-1"].inputs
    for place, kind, region in (("active", "PRIMARY", "eu-west-1"),
                                ("standby", "SECONDARY", "eu-central-1")):
        record = records[f"shop-entry-{place}"].inputs
        assert record["failoverRoutingPolicies"] == [{"type": kind}]
        assert record["healthCheckId"] == checks[f"shop-entry-{region}"].id
        assert record["type"] == "A" and record["name"] == "shop.example.com"
        assert record["aliases"][0]["evaluateTargetHealth"] is True
        assert record["setIdentifier"] == f"shop-{place}"
    assert records["shop-entry-standby"].inputs["aliases"][0]["zoneId"] == "Z2"


def test_no_standby_record_until_the_other_region_is_ready(write_program: WriteProgram) -> None:
    program = FAILOVER_PROGRAM.replace(
        "    standby=RegionalEndpoint('eu-central-1', 'alb-2.eu-central-1.elb.amazonaws.com', "
        "'Z2'),\n", "")
    result = run(write_program, program.format(extra=""), role="global")
    (record,) = result.of_type("aws:route53/record:Record")
    assert record.inputs["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
    assert len(result.of_type("aws:route53/healthCheck:HealthCheck")) == 1


def test_active_active_routes_by_latency(write_program: WriteProgram) -> None:
    result = run(write_program, FAILOVER_PROGRAM.format(extra="resource_path='/healthz'"),
                 role="global", tier="active-active")
    records = by_name(result, "aws:route53/record:Record")
    assert records["shop-entry-standby"].inputs["latencyRoutingPolicies"] == [
        {"region": "eu-central-1"}]
    assert all("failoverRoutingPolicies" not in r.inputs and r.inputs["healthCheckId"]
               for r in records.values())


def failover_args(**extra: Any) -> FailoverArgs:
    return FailoverArgs(**{
        "domain": "shop.example.com", "zone_name": "example.com",
        "active": RegionalEndpoint("eu-west-1", "alb-1.eu-west-1.elb.amazonaws.com", "Z1"),
        "standby": RegionalEndpoint("eu-central-1", "alb-2.eu-central-1.elb.amazonaws.com",
                                    "Z2"),
        **extra})


@pytest.mark.parametrize(("extra", "named"), [
    ({"request_interval": 15},
     "FailoverArgs.request_interval: 15 is not valid; allowed: 10 or 30"),
    ({"failure_threshold": 11},
     "FailoverArgs.failure_threshold: 11 is not valid; allowed: 1 to 10"),
    ({"zone_id": "Z9"}, "FailoverArgs.zone_name/zone_id"),
    ({"standby": RegionalEndpoint("eu-west-1", "alb-2", "Z2")},
     'FailoverArgs.standby.region: "eu-west-1" is not valid'),
])
def test_failover_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: failover_args(**extra))


def test_endpoints_speak_http_or_https() -> None:
    assert 'RegionalEndpoint.protocol: "TCP"' in rejection(
        lambda: RegionalEndpoint("eu-west-1", "alb", "Z1", "TCP"))


def test_failover_domain_must_be_inside_the_zone() -> None:
    assert 'FailoverArgs.domain: "shop.example.org"' in rejection(
        lambda: failover_args(domain="shop.example.org"))


def test_failover_entry_belongs_in_the_global_stack(stack: Stack) -> None:
    assert 'drkit:role: "primary" is not valid; FailoverEntry belongs in the global stack' in \
        rejection(lambda: FailoverEntry("e", stack.settings(), failover_args(),
                                        opts=stack.home()))


# -- backup -------------------------------------------------------------------------------

BACKUP_PROGRAM = ("BackupPlan('shop-backup', settings, BackupArgs("
                  "resource_arns=[SOURCE_ARN, 'arn:aws:s3:::shop-data']{extra}), opts=home)\n")


@pytest.mark.parametrize(("role", "region", "peer"), [
    ("primary", "eu-west-1", "eu-central-1"), ("secondary", "eu-central-1", "eu-west-1")])
def test_backup_copies_to_the_other_regions_vault(write_program: WriteProgram, role: str,
                                                  region: str, peer: str) -> None:
    """The old primary stack also created the copy vault (and its key) in eu-central-1, out of
    reach during an eu-west-1 outage: each stack now owns its own region's vault."""
    result = run(write_program, BACKUP_PROGRAM.format(extra=""), role=role)
    explicit_providers_only(result)
    vault, key = only(result, "aws:backup/vault:Vault"), only(result, "aws:kms/key:Key")
    assert vault.region == key.region == region and vault.protect and key.protect
    assert vault.inputs | {"name": f"shop-backup-{region}",
                           "kmsKeyArn": key.outputs["arn"]} == vault.inputs
    (rule,) = only(result, "aws:backup/plan:Plan").inputs["rules"]
    assert rule["schedule"] == "cron(0 0/1 * * ? *)"
    (copy,) = rule["copyActions"]
    assert copy["destinationVaultArn"] == (
        f"arn:aws:backup:{peer}:123456789012:backup-vault:shop-backup-{peer}")
    selection = only(result, "aws:backup/selection:Selection").inputs
    assert selection["resources"] == [
        "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1", "arn:aws:s3:::shop-data"]
    policies = {a.inputs["policyArn"].rsplit("/", 1)[1] for a in result.of_type(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert {"AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForRestores"} <= policies


def test_no_continuous_backup_takes_over_the_database_retention(
        write_program: WriteProgram) -> None:
    """AWS Backup's continuous backup of an RDS instance takes over its backup retention,
    which the database pins: the old plan's continuous rule drifted on every update."""
    result = run(write_program, BACKUP_PROGRAM.format(extra=""), rpo="15m")
    (plan,) = result.of_type("aws:backup/plan:Plan")
    assert not any(r.get("enableContinuousBackup") for r in plan.inputs["rules"])


def test_no_copy_until_the_other_vault_exists(write_program: WriteProgram) -> None:
    result = run(write_program, BACKUP_PROGRAM.format(extra=", copy=False"), role="secondary")
    (rule,) = only(result, "aws:backup/plan:Plan").inputs["rules"]
    assert not rule.get("copyActions")


def test_backup_key_serves_backup_and_rds_copies_in_its_region(
        write_program: WriteProgram) -> None:
    key = only(run(write_program, BACKUP_PROGRAM.format(extra="")), "aws:kms/key:Key")
    assert via_services(key) == {"UseThroughBackup": "backup.eu-west-1.amazonaws.com",
                                 "UseThroughRds": "rds.eu-west-1.amazonaws.com"}


def test_backup_of_a_long_rpo_backs_up_less_often(write_program: WriteProgram) -> None:
    result = run(write_program, BACKUP_PROGRAM.format(extra=""), rpo="4h")
    (rule,) = only(result, "aws:backup/plan:Plan").inputs["rules"]
    assert rule["schedule"] == "cron(0 0/4 * * ? *)"


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: BackupArgs(resource_arns=[]), "BackupArgs.resource_arns: [] is not valid"),
    (lambda s: BackupArgs(resource_arns=[SOURCE_ARN], retention_days=0),
     "BackupArgs.retention_days: 0 is not valid"),
    (lambda s: BackupPlan("shop-backup", s.settings("global"), BackupArgs(
        resource_arns=[SOURCE_ARN, "arn:aws:s3:::shop-data"]), opts=s.home()),
     'drkit:role: "global" is not valid'),
])
def test_backup_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))

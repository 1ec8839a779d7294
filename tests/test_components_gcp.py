"""GCP components, each in a tiny program run by the offline engine. Bad arguments must fail
with a ConfigError naming the input, before any resource is registered: checked in process
(args, providers and components constructed under Pulumi's unit-test mocks), and under the
engine for a few, to prove nothing was registered."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_gcp as gcp
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
from components.base import DrSettings
from components.gcp.bucket import BucketArgs, ReplicatedBucket, replication_rpo
from components.gcp.common import label
from components.gcp.database import (
    DATABASE_FLAGS,
    DatabaseArgs,
    ReplicatedDatabase,
    database_flags,
    default_backup_location,
)
from components.gcp.entry import EntryArgs, FailoverEntry, RegionalBackend, capacity_scalers
from components.gcp.network import FlowLogs, Network, NetworkArgs, NetworkRefs
from components.gcp.standby import StandbyArgs, StandbyTier
from components.sizing import Capacity
from drkit_core.graph import Resource, StackRun
from drkit_core.intent import Tier

PREAMBLE = """\
import pulumi
import pulumi_gcp as gcp
from components.base import DrSettings, load_intent
from components.sizing import Capacity
from components.gcp.bucket import BucketArgs, ReplicatedBucket
from components.gcp.database import DatabaseArgs, ReplicatedDatabase
from components.gcp.entry import EntryArgs, FailoverEntry, RegionalBackend
from components.gcp.network import FlowLogs, Network, NetworkArgs, NetworkRefs
from components.gcp.standby import StandbyArgs, StandbyTier
from drkit_core.errors import ConfigError
from drkit_core.intent import DrIntent

intent = load_intent()
settings = DrSettings(intent)
primary = gcp.Provider("primary", project="shop-dr", region=intent.regions.primary)
secondary = gcp.Provider("secondary", project="shop-dr", region=intent.regions.secondary)
home = pulumi.ResourceOptions(provider=secondary if intent.role == "secondary" else primary)
VPC = "projects/shop-dr/global/networks/shop-net"
refs = NetworkRefs(network=VPC, backend_tag="shop-backend",
                   subnetwork="projects/shop-dr/regions/europe-west1/subnetworks/shop-net")
GROUP = "https://www.googleapis.com/compute/v1/projects/shop-dr/regions/{}/instanceGroups/web"
backends = dict(active=RegionalBackend("europe-west1", GROUP.format("europe-west1")),
                standby=RegionalBackend("europe-west4", GROUP.format("europe-west4")))

"""

PROVIDER = "pulumi:providers:gcp"


def intent_config(role: str = "primary", tier: str = "warm-standby", rpo: str = "15m",
                  **extra: Any) -> dict[str, Any]:
    regions = extra.pop("regions", {"primary": "europe-west1", "secondary": "europe-west4"})
    return {"drkit:app": "shop", "drkit:role": role, "drkit:tier": tier, "drkit:rpo": rpo,
            "drkit:rto": "1h", "drkit:residency": extra.pop("residency", "eu"),
            "drkit:regions": regions,
            "drkit:stacks": {"primary": "primary", "secondary": "secondary"},
            "gcp:project": "shop-dr",  # what invokes (getProject) answer offline
            **{f"drkit:{k}": v for k, v in extra.items()}}


HARNESS = Harness(PREAMBLE, PROVIDER, intent_config)
run = HARNESS.run
rejected = HARNESS.rejected
explicit_providers_only = HARNESS.explicit_providers_only

VPC = "projects/shop-dr/global/networks/shop-net"
REFS = NetworkRefs(network=VPC, backend_tag="shop-backend",
                   subnetwork="projects/shop-dr/regions/europe-west1/subnetworks/shop-net")
GROUP = "https://www.googleapis.com/compute/v1/projects/shop-dr/regions/{}/instanceGroups/web"
BACKENDS = dict(active=RegionalBackend("europe-west1", GROUP.format("europe-west1")),
                standby=RegionalBackend("europe-west4", GROUP.format("europe-west4")))


@dataclass(frozen=True)
class Stack:
    """What an in-process test builds with: a stack's settings and the two regions' providers."""

    primary: gcp.Provider
    secondary: gcp.Provider

    def settings(self, role: str = "primary", **config: Any) -> DrSettings:
        return dr_settings(intent_config(role=role, **config))

    def home(self, role: str = "primary") -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            provider=self.secondary if role == "secondary" else self.primary)


Build = Callable[[Stack], object]


@pytest.fixture
def stack() -> Iterator[Stack]:
    with unit_runtime():
        yield Stack(gcp.Provider("primary", project="shop-dr", region="europe-west1"),
                    gcp.Provider("secondary", project="shop-dr", region="europe-west4"))










def by_name(result: StackRun, token: str) -> dict[str, Resource]:
    return {r.name: r for r in result.of_type(token)}


# -- rules in plain functions -------------------------------------------------------------


@pytest.mark.parametrize(("rpo_minutes", "expected"), [
    (1, "ASYNC_TURBO"), (15, "ASYNC_TURBO"), (16, "DEFAULT"), (240, "DEFAULT")])
def test_turbo_replication_when_the_rpo_needs_it(rpo_minutes: int, expected: str) -> None:
    assert replication_rpo(rpo_minutes * 60) == expected


@pytest.mark.parametrize(("tier", "scalers"), [
    (Tier.WARM_STANDBY, (1.0, 0.0)), (Tier.PILOT_LIGHT, (1.0, 0.0)),
    (Tier.BACKUP_RESTORE, (1.0, 0.0)), (Tier.ACTIVE_ACTIVE, (1.0, 1.0))])
def test_the_active_backend_always_serves(tier: Tier, scalers: tuple[float, float]) -> None:
    assert capacity_scalers(tier) == scalers
    assert max(scalers) > 0  # GCP rejects a backend service without capacity


def test_backups_go_to_the_multi_region_inside_the_residency() -> None:
    assert default_backup_location("europe-west1", "europe-west4", frozenset({"eu"})) == "eu"
    assert default_backup_location("europe-west3", "europe-west10", frozenset({"de"})) == \
        "europe-west10"
    assert default_backup_location("europe-west2", "europe-west1", frozenset({"uk", "eu"})) \
        == "europe-west1"


def test_labels_are_valid_gcp_labels() -> None:
    assert label("drkit:app") == "drkit-app" and label("Team Name") == "team-name"


# -- network ------------------------------------------------------------------------------


def test_primary_network_owns_the_vpc_firewall_and_private_services(
        write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(), opts=home)\n")
    explicit_providers_only(result)
    vpc = only(result, "gcp:compute/network:Network")
    assert vpc.inputs["autoCreateSubnetworks"] is False
    subnet = only(result, "gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet | {"region": "europe-west1", "ipCidrRange": "10.10.0.0/20",
                     "network": vpc.id, "privateIpGoogleAccess": True} == subnet
    firewall = only(result, "gcp:compute/firewall:Firewall").inputs
    assert sorted(firewall["sourceRanges"]) == ["130.211.0.0/22", "35.191.0.0/16"]
    assert firewall["allows"] == [{"protocol": "tcp", "ports": ["8080"]}]
    assert firewall["targetTags"] == ["shop-backend"]
    services = only(result, "gcp:compute/globalAddress:GlobalAddress").inputs
    assert services | {"purpose": "VPC_PEERING", "address": "10.20.0.0",
                       "prefixLength": 20} == services
    connection = only(result, "gcp:servicenetworking/connection:Connection").inputs
    assert connection["reservedPeeringRanges"] == ["shop-net-services"]
    nat = only(result, "gcp:compute/routerNat:RouterNat").inputs
    assert nat["subnetworks"][0]["name"] == only(
        result, "gcp:compute/subnetwork:Subnetwork").id
    assert nat["region"] == "europe-west1"


def test_secondary_network_adds_its_subnet_to_the_primary_vpc(
        write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(network=VPC), "
                                "opts=home)\n", role="secondary")
    explicit_providers_only(result)
    assert {r.type for r in result.resources if r.custom} == {
        PROVIDER, "gcp:compute/subnetwork:Subnetwork", "gcp:compute/router:Router",
        "gcp:compute/routerNat:RouterNat"}
    subnet = only(result, "gcp:compute/subnetwork:Subnetwork")
    assert (subnet.inputs["network"], subnet.inputs["ipCidrRange"], subnet.region) == (
        "projects/shop-dr/global/networks/shop-net", "10.10.16.0/20", "europe-west4")
    assert subnet.inputs["logConfig"] == FLOW_LOGS


FLOW_LOGS = {"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 0.5,
             "metadata": "INCLUDE_ALL_METADATA"}


def test_subnet_records_flow_logs_by_default(write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(), opts=home)\n")
    assert only(result, "gcp:compute/subnetwork:Subnetwork").inputs["logConfig"] == FLOW_LOGS


def test_flow_logs_can_be_sampled_and_aggregated_less(write_program: WriteProgram) -> None:
    result = run(write_program, "Network('shop-net', settings, NetworkArgs(flow_logs=FlowLogs("
                                "aggregation_interval='INTERVAL_5_MIN', flow_sampling=0.1, "
                                "metadata='EXCLUDE_ALL_METADATA')), opts=home)\n")
    assert only(result, "gcp:compute/subnetwork:Subnetwork").inputs["logConfig"] == {
        "aggregationInterval": "INTERVAL_5_MIN", "flowSampling": 0.1,
        "metadata": "EXCLUDE_ALL_METADATA"}


@pytest.mark.parametrize(("build", "named"), [
    (lambda s: NetworkArgs(cidr_block="8.8.0.0/16"), 'NetworkArgs.cidr_block: "8.8.0.0/16"'),
    (lambda s: NetworkArgs(services_cidr="10.10.64.0/20"),
     "allowed: a range outside cidr_block (10.10.0.0/16)"),
    (lambda s: NetworkArgs(serving_ports=()), "NetworkArgs.serving_ports: []"),
    (lambda s: NetworkArgs(flow_logs=None), "NetworkArgs.flow_logs: null is not valid"),
    (lambda s: FlowLogs(flow_sampling=0), "FlowLogs.flow_sampling: 0 is not valid"),
    (lambda s: FlowLogs(flow_sampling=1.5), "FlowLogs.flow_sampling: 1.5 is not valid"),
    (lambda s: FlowLogs(aggregation_interval="INTERVAL_2_SEC"),
     'FlowLogs.aggregation_interval: "INTERVAL_2_SEC" is not valid'),
    (lambda s: FlowLogs(metadata="CUSTOM_METADATA"), 'FlowLogs.metadata: "CUSTOM_METADATA"'),
    (lambda s: Network("n", s.settings("secondary"), NetworkArgs(), opts=s.home("secondary")),
     "NetworkArgs.network: null is not valid; required in the secondary stack"),
    (lambda s: Network("n", s.settings(), NetworkArgs(network=VPC), opts=s.home()),
     'NetworkArgs.network: "<set>"'),
    (lambda s: Network("n", s.settings(), NetworkArgs()),
     "Network: opts.provider: null is not valid"),
    (lambda s: Network("n", s.settings("global"), NetworkArgs(), opts=s.home()),
     'drkit:role: "global" is not valid; Network belongs in the primary or the secondary '
     "stack"),
])
def test_network_rejects_bad_args(stack: Stack, build: Build, named: str) -> None:
    assert named in rejection(lambda: build(stack))


def test_bad_args_fail_before_anything_is_registered(write_program: WriteProgram) -> None:
    """Under the engine, a component's own check and the provider check both fail before it
    registers anything (``rejected`` asserts that only the program's providers exist)."""
    assert "Network: opts.provider: null is not valid" in rejected(
        write_program, "Network('n', settings, NetworkArgs())")
    assert "stores data in europe-west1, europe-west2, outside drkit:residency (eu)" in rejected(
        write_program, "ReplicatedBucket('shop-data', settings, BucketArgs(location='EUR5'), "
                       "opts=home)")


# -- database -----------------------------------------------------------------------------

SQL = "gcp:sql/databaseInstance:DatabaseInstance"
DB_PROGRAM = ("ReplicatedDatabase('shop-db', settings, DatabaseArgs(network=refs{extra}), "
              "opts=home)\n")


def test_primary_database_is_regional_backed_up_and_private(write_program: WriteProgram) -> None:
    result = run(write_program, DB_PROGRAM.format(extra=""))
    explicit_providers_only(result)
    db = only(result, SQL)
    assert db.inputs | {"name": "shop-db-europe-west1", "region": "europe-west1",
                        "databaseVersion": "POSTGRES_18", "deletionProtection": False,
                        "instanceType": "CLOUD_SQL_INSTANCE"} == db.inputs
    assert "masterInstanceName" not in db.inputs and "rootPassword" not in db.inputs
    settings = db.inputs["settings"]
    assert settings | {"availabilityType": "REGIONAL", "deletionProtectionEnabled": True,
                       "retainBackupsOnDelete": True, "diskAutoresize": True,
                       "finalBackupConfig": {"enabled": True, "retentionDays": 30}} == settings
    assert settings["backupConfiguration"] == {
        "enabled": True, "pointInTimeRecoveryEnabled": True, "startTime": "02:00",
        "transactionLogRetentionDays": 7, "location": "eu",
        "backupRetentionSettings": {"retainedBackups": 14, "retentionUnit": "COUNT"}}
    assert settings["ipConfiguration"] == {
        "ipv4Enabled": False, "privateNetwork": "projects/shop-dr/global/networks/shop-net",
        "sslMode": "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}
    assert db.protect
    # Databases and users live in PostgreSQL and replicate: no resource moves between
    # instances when the writer does.
    assert result.of_type("gcp:sql/database:Database") == []


def flags(db: Resource) -> dict[str, str]:
    return {flag["name"]: flag["value"] for flag in db.inputs["settings"]["databaseFlags"]}


CHECKOV_FLAGS = {
    "log_checkpoints": {"on"}, "log_connections": {"on"}, "log_disconnections": {"on"},
    "log_lock_waits": {"on"}, "log_duration": {"on"}, "log_hostname": {"on"},
    "log_min_error_statement": {"debug5", "debug4", "debug3", "debug2", "debug1", "info",
                                "notice", "warning", "error"},
    "cloudsql.enable_pgaudit": {"on"}, "log_statement": {"ddl", "mod", "all"},
}
"""What checkov's CKV_GCP_51-54, CKV2_GCP_13, CKV_GCP_108-111 accept, flag by flag."""


@pytest.mark.parametrize("role", ["primary", "secondary"])
def test_database_logs_and_audits_by_default(write_program: WriteProgram, role: str) -> None:
    """The replica (secondary) gets the primary's flags."""
    extra = ", master_instance_name='shop-db-europe-west1'" if role == "secondary" else ""
    db = only(run(write_program, DB_PROGRAM.format(extra=extra), role=role), SQL)
    assert flags(db) == dict(DATABASE_FLAGS)
    assert [f["name"] for f in db.inputs["settings"]["databaseFlags"]] == sorted(DATABASE_FLAGS)
    assert all(flags(db)[name] in accepted for name, accepted in CHECKOV_FLAGS.items())
    assert flags(db)["pgaudit.log"] == "ddl,role"
    assert flags(db)["cloudsql.iam_authentication"] == "on"
    assert flags(db)["log_min_messages"] in {"warning", "error"}
    assert db.inputs["settings"]["ipConfiguration"]["sslMode"] == \
        "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert db.inputs["databaseVersion"] == "POSTGRES_18"


def test_database_flags_merge_over_the_defaults(write_program: WriteProgram) -> None:
    db = only(run(write_program, DB_PROGRAM.format(
        extra=", database_flags={'log_statement': 'mod', 'max_connections': '400'}, "
              "ssl_mode='ENCRYPTED_ONLY', database_version='POSTGRES_17'")), SQL)
    assert flags(db) == {**DATABASE_FLAGS, "log_statement": "mod", "max_connections": "400"}
    assert db.inputs["settings"]["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"
    assert db.inputs["databaseVersion"] == "POSTGRES_17"


def test_flag_order_does_not_depend_on_the_mapping() -> None:
    assert list(database_flags({"z_flag": "1", "a_flag": "2"})) == sorted(
        {*DATABASE_FLAGS, "z_flag", "a_flag"})


def test_customer_managed_key_is_passed_on(write_program: WriteProgram) -> None:
    key = "projects/shop-dr/locations/europe-west1/keyRings/shop/cryptoKeys/db"
    result = run(write_program, DB_PROGRAM.format(extra=f", kms_key_name={key!r}"))
    assert only(result, SQL).inputs["encryptionKeyName"] == key


@pytest.mark.parametrize(("tier", "availability"), [
    ("warm-standby", "REGIONAL"), ("active-active", "REGIONAL"), ("pilot-light", "ZONAL")])
def test_passive_database_is_a_cross_region_replica(
        write_program: WriteProgram, tier: str, availability: str) -> None:
    result = run(write_program, DB_PROGRAM.format(extra=", master_instance_name="
                                                        "'shop-db-europe-west1'"),
                 role="secondary", tier=tier)
    db = only(result, SQL)
    assert db.inputs["masterInstanceName"] == "shop-db-europe-west1"
    assert (db.inputs["region"], db.region) == ("europe-west4", "europe-west4")
    assert db.inputs["instanceType"] == "READ_REPLICA_INSTANCE"
    assert db.inputs["settings"]["availabilityType"] == availability
    assert "backupConfiguration" not in db.inputs["settings"]  # replicas take no backups
    assert "replicaConfiguration" not in db.inputs  # failover_target: MySQL only
    assert db.inputs["settings"]["deletionProtectionEnabled"] is True and db.protect
    assert result.of_type("gcp:sql/database:Database") == []


@pytest.mark.parametrize("tier", ["warm-standby", "pilot-light"])
def test_the_active_region_takes_a_backed_up_regional_primary(write_program: WriteProgram,
                                                               tier: str) -> None:
    """drkit:active: secondary promotes the secondary's replica (same name), REGIONAL even for
    a pilot light, with backups and PITR."""
    result = run(write_program, DB_PROGRAM.format(extra=""), role="secondary", tier=tier,
                 active="secondary")
    db = only(result, SQL).inputs
    assert "masterInstanceName" not in db and db["instanceType"] == "CLOUD_SQL_INSTANCE"
    assert db["name"] == "shop-db-europe-west4"
    assert db["settings"]["availabilityType"] == "REGIONAL"
    assert db["settings"]["backupConfiguration"]["pointInTimeRecoveryEnabled"] is True
    assert db["settings"]["backupConfiguration"]["location"] == "eu"


def test_an_old_primary_is_rebuilt_as_a_replica_under_its_name() -> None:
    """Cloud SQL frees a deleted instance's name at once: the passive declaration replaces an
    old primary deleting it first, under the same name; the active one never replaces."""
    def requests(role: str, active: str) -> Any:
        found: dict[str, Any] = {}
        with unit_runtime(requests=found):
            stack = Stack(gcp.Provider("primary", project="shop-dr", region="europe-west1"),
                          gcp.Provider("secondary", project="shop-dr", region="europe-west4"))
            ReplicatedDatabase("shop-db", stack.settings(role, active=active), DatabaseArgs(
                network=REFS, master_instance_name=None if role == active else "shop-db-x"),
                opts=stack.home(role))
            settle()
        return found["shop-db-db"]

    passive = requests("primary", "secondary")
    assert list(passive.replaceOnChanges) == ["masterInstanceName"]
    assert passive.deleteBeforeReplace and passive.protect
    active = requests("secondary", "secondary")
    assert list(active.replaceOnChanges) == [] and not active.deleteBeforeReplace


def test_database_protection_follows_the_intent(write_program: WriteProgram) -> None:
    result = run(write_program, DB_PROGRAM.format(extra=""), protect=False)
    assert not only(result, SQL).protect
    # The API-side guard stays (every surface); the provider-side flag is Pulumi's protect's.
    assert only(result, SQL).inputs["settings"]["deletionProtectionEnabled"] is True


def replicated_database(stack: Stack, config: dict[str, str],
                        extra: dict[str, Any]) -> ReplicatedDatabase:
    """``ReplicatedDatabase`` with ``extra`` args, in a stack of ``config`` (role, tier)."""
    return ReplicatedDatabase("shop-db", stack.settings(**config),
                              DatabaseArgs(network=REFS, **extra),
                              opts=stack.home(config.get("role", "primary")))


@pytest.mark.parametrize(("extra", "config", "named"), [
    ({"retained_backups": 3}, {}, "DatabaseArgs.retained_backups: 3 is not valid"),
    ({"transaction_log_retention_days": 14}, {},
     "DatabaseArgs.transaction_log_retention_days: 14 is not valid; allowed: 1 to 7"),
    ({"tier": "db-f1-micro"}, {}, 'DatabaseArgs.tier: "db-f1-micro"'),
    ({"database_version": "MYSQL_8_0"}, {}, 'DatabaseArgs.database_version: "MYSQL_8_0"'),
    ({"database_version": "POSTGRES_"}, {}, 'DatabaseArgs.database_version: "POSTGRES_"'),
    ({"ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"}, {},
     'DatabaseArgs.ssl_mode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" is not valid'),
    ({"database_flags": {"Log Statement": "ddl"}}, {},
     "DatabaseArgs.database_flags['Log Statement']: \"ddl\" is not valid"),
    ({"database_flags": {"log_statement": ""}}, {},
     "DatabaseArgs.database_flags['log_statement']: \"\" is not valid"),
    ({"database_flags": [("log_statement", "ddl")]}, {}, "DatabaseArgs.database_flags: ["),
    ({"backup_start_time": "25:00"}, {}, 'DatabaseArgs.backup_start_time: "25:00"'),
    ({"backup_location": "us"}, {}, 'DatabaseArgs.backup_location: "us" is not valid'),
    ({"backup_location": "europe-west1"}, {}, "other than the instance's own region"),
    ({}, {"role": "secondary"}, "DatabaseArgs.master_instance_name: null is not valid"),
    ({}, {"role": "primary", "active": "secondary"},
     "DatabaseArgs.master_instance_name: null is not valid; required in the passive region"),
    ({"master_instance_name": "x"}, {}, 'DatabaseArgs.master_instance_name: "<set>"'),
    ({"final_backup_days": 400}, {}, "DatabaseArgs.final_backup_days: 400 is not valid"),
    ({"master_instance_name": "x"}, {"role": "secondary", "tier": "backup-restore"},
     'drkit:tier: "backup-restore"'),
    ({"edition": "ENTERPRISE_PLUS", "tier": "db-custom-2-7680"}, {},
     'DatabaseArgs.tier: "db-custom-2-7680" is not valid; allowed for ENTERPRISE_PLUS'),
    ({"disk_size_gb": 600}, {},
     "DatabaseArgs.disk_size_gb: 600 is not valid; allowed: 10 to disk_autoresize_limit_gb"),
])
def test_database_rejects_bad_args(stack: Stack, extra: dict[str, Any], config: dict[str, str],
                                   named: str) -> None:
    assert named in rejection(lambda: replicated_database(stack, config, extra))


# -- bucket -------------------------------------------------------------------------------

GCS = "gcp:storage/bucket:Bucket"
BUCKET_PROGRAM = "ReplicatedBucket('shop-data', settings, BucketArgs({args}), opts=home)\n"


def test_bucket_is_a_versioned_private_dual_region_of_the_app_regions(
        write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM.format(args=""))
    explicit_providers_only(result)
    bucket = only(result, GCS)
    assert bucket.inputs | {
        "name": "shop-data-shop-dr", "location": "EU", "rpo": "ASYNC_TURBO",
        "customPlacementConfig": {"dataLocations": ["EUROPE-WEST1", "EUROPE-WEST4"]},
        "versioning": {"enabled": True}, "uniformBucketLevelAccess": True,
        "publicAccessPrevention": "enforced", "forceDestroy": False,
        "softDeletePolicy": {"retentionDurationSeconds": 14 * 86400}} == bucket.inputs
    rules = {r["action"]["type"]: r["condition"] for r in bucket.inputs["lifecycleRules"]}
    assert rules["Delete"] == {"daysSinceNoncurrentTime": 90, "withState": "ARCHIVED"}
    assert rules["AbortIncompleteMultipartUpload"] == {"age": 7}
    assert bucket.protect and "encryption" not in bucket.inputs


def test_bucket_in_a_predefined_dual_region_with_default_replication(
        write_program: WriteProgram) -> None:
    result = run(write_program, BUCKET_PROGRAM.format(args="location='eur4'"), rpo="1h")
    bucket = only(result, GCS).inputs
    assert (bucket["location"], bucket["rpo"]) == ("EUR4", "DEFAULT")
    assert "customPlacementConfig" not in bucket


def test_bucket_with_a_customer_managed_key_lets_gcs_use_it(write_program: WriteProgram) -> None:
    key = "projects/shop-dr/locations/europe/keyRings/shop/cryptoKeys/data"
    result = run(write_program, BUCKET_PROGRAM.format(args=f"kms_key_name={key!r}"))
    bucket = only(result, GCS)
    assert bucket.inputs["encryption"] == {"defaultKmsKeyName": key}
    grant = only(result, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    assert grant.inputs["cryptoKeyId"] == key
    assert grant.inputs["member"].startswith("serviceAccount:")
    assert grant.urn in bucket.dependencies


@pytest.mark.parametrize(("args", "config", "named"), [
    ({"location": "EUR5"}, {}, "stores data in europe-west1, europe-west2, outside "
                               "drkit:residency (eu)"),
    ({"location": "EU"}, {}, "allowed: a predefined dual-region"),
    ({"location": "us-central1"}, {}, "allowed: a predefined dual-region"),
    ({"data_locations": ("europe-west1", "us-central1")}, {},
     "us-central1 lies outside drkit:residency (eu)"),
    ({"data_locations": ("europe-west1", "europe-west1")}, {}, "two different GCP regions"),
    ({}, {"residency": "any", "regions": {"primary": "europe-west1", "secondary": "us-east1"}},
     "a configurable dual-region needs two regions of one continent"),
    ({"soft_delete_days": 1}, {}, "BucketArgs.soft_delete_days: 1 is not valid"),
    ({"location": "EUR4", "data_locations": ("europe-west1", "europe-west4")}, {},
     "at most one of them"),
])
def test_bucket_rejects_placements_outside_the_rules(stack: Stack, args: dict[str, Any],
                                                     config: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: ReplicatedBucket(
        "shop-data", stack.settings(**config), BucketArgs(**args), opts=stack.home()))


def test_bucket_belongs_in_the_primary_stack(stack: Stack) -> None:
    assert "ReplicatedBucket belongs in the primary stack" in rejection(
        lambda: ReplicatedBucket("shop-data", stack.settings("secondary"), BucketArgs(),
                                 opts=stack.home("secondary")))


# -- standby tier -------------------------------------------------------------------------

MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
AUTOSCALER = "gcp:compute/regionAutoscaler:RegionAutoscaler"
TIER_PROGRAM = ("StandbyTier('shop-web', settings, StandbyArgs(network=refs, "
                "full_capacity=Capacity(2, 4, 8){extra}), opts=home)\n")


@pytest.mark.parametrize(("role", "tier", "active", "sizes"), [
    ("primary", "warm-standby", "primary", (2, 8)),
    ("secondary", "warm-standby", "primary", (1, 8)),
    ("secondary", "pilot-light", "primary", (0, 8)),
    ("secondary", "active-active", "primary", (2, 8)),
    ("secondary", "pilot-light", "secondary", (2, 8)),
    ("primary", "warm-standby", "secondary", (1, 8))])
def test_autoscaler_minimum_follows_the_active_region_and_tier(
        write_program: WriteProgram, role: str, tier: str, active: str,
        sizes: tuple[int, int]) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""), role=role, tier=tier,
                 active=active)
    explicit_providers_only(result)
    autoscaler = only(result, AUTOSCALER)
    policy = autoscaler.inputs["autoscalingPolicy"]
    assert (policy["minReplicas"], policy["maxReplicas"]) == sizes
    assert autoscaler.inputs["target"] == only(result, MIG).id
    assert "targetSize" not in only(result, MIG).inputs  # the autoscaler owns the size


def test_group_is_regional_autohealing_and_spread_over_zones(write_program: WriteProgram) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""))
    group = only(result, MIG)
    health = only(result, "gcp:compute/healthCheck:HealthCheck")
    assert group.inputs["region"] == group.region == "europe-west1"
    assert group.inputs["autoHealingPolicies"] == {"healthCheck": health.id,
                                                   "initialDelaySec": 300}
    assert health.inputs["httpHealthCheck"] == {"port": 8080, "requestPath": "/healthz"}
    assert group.inputs["namedPorts"] == [{"name": "http", "port": 8080}]
    assert group.inputs["distributionPolicyZones"] == [
        "europe-west1-a", "europe-west1-b", "europe-west1-c"]
    assert group.inputs["updatePolicy"]["maxSurgeFixed"] == 3


def test_instances_are_shielded_private_and_least_privileged(write_program: WriteProgram) -> None:
    result = run(write_program, TIER_PROGRAM.format(extra=""))
    template = only(result, "gcp:compute/instanceTemplate:InstanceTemplate").inputs
    assert template["shieldedInstanceConfig"] == {
        "enableSecureBoot": True, "enableVtpm": True, "enableIntegrityMonitoring": True}
    (nic,) = template["networkInterfaces"]
    assert "accessConfigs" not in nic and nic["subnetwork"].endswith("/subnetworks/shop-net")
    assert template["tags"] == ["shop-backend"]
    account = only(result, "gcp:serviceaccount/account:Account")
    assert account.inputs["accountId"] == "shop-web-primary"
    assert template["serviceAccount"]["email"] == account.outputs["email"]
    roles = {m.inputs["role"] for m in result.of_type("gcp:projects/iAMMember:IAMMember")}
    assert roles == {"roles/logging.logWriter", "roles/monitoring.metricWriter",
                     "roles/cloudsql.client", "roles/cloudsql.instanceUser"}
    assert result.of_type("gcp:storage/bucketIAMMember:BucketIAMMember") == []


def test_instances_use_the_apps_bucket_and_find_the_writer(write_program: WriteProgram) -> None:
    """The old tier's service account could write logs and metrics only: the app could reach
    neither its database nor its bucket."""
    result = run(write_program, TIER_PROGRAM.format(
        extra=", bucket_name='shop-data-shop-dr', database_connection='shop-dr:eu:shop-db'"))
    account = only(result, "gcp:serviceaccount/account:Account")
    member = only(result, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs
    assert member == {"bucket": "shop-data-shop-dr", "role": "roles/storage.objectUser",
                      "member": account.outputs["member"]}
    template = only(result, "gcp:compute/instanceTemplate:InstanceTemplate").inputs
    assert template["metadata"]["drkit-db-connection"] == "shop-dr:eu:shop-db"


def test_instances_run_an_app_that_answers_the_health_check(write_program: WriteProgram,
                                                           tmp_path: Path) -> None:
    """The old tier had no startup script: nothing answered the health check, so autohealing
    replaced instances forever and the load balancer saw no healthy backend."""
    template = only(run(write_program, TIER_PROGRAM.format(extra="")),
                    "gcp:compute/instanceTemplate:InstanceTemplate").inputs
    script = template["metadataStartupScript"]
    assert "APP_PORT=8080" in script and "HEALTH_PATH=/healthz" in script
    assert app_source() in script
    assert answers(tmp_path, {"HEALTH_PATH": "/healthz"}, ("/healthz", "/")) == {
        "/healthz": 200, "/": 200}
    custom = only(run(write_program, TIER_PROGRAM.format(extra=", startup_script='run-app'")),
                  "gcp:compute/instanceTemplate:InstanceTemplate").inputs
    assert custom["metadataStartupScript"] == "run-app"


@pytest.mark.parametrize(("extra", "named"), [
    ({"health_check_path": "healthz"}, 'StandbyArgs.health_check_path: "healthz"'),
    ({"full_capacity": Capacity(3, 2, 4)}, "StandbyArgs.full_capacity: [3, 2, 4]"),
    ({"zone_count": 1}, "StandbyArgs.zone_count: 1 is not valid"),
    ({"image": "debian-12"}, 'StandbyArgs.image: "debian-12"'),
])
def test_standby_tier_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: StandbyArgs(network=REFS, **extra))


def test_standby_tier_name_must_fit_the_service_account(stack: Stack) -> None:
    assert 'StandbyTier name: "a-very-long-tier-name-x"' in rejection(lambda: StandbyTier(
        "a-very-long-tier-name-x", stack.settings(), StandbyArgs(network=REFS),
        opts=stack.home()))


# -- failover entry -----------------------------------------------------------------------

BACKEND = "gcp:compute/backendService:BackendService"
ENTRY_PROGRAM = "FailoverEntry('shop-lb', settings, EntryArgs(**backends{extra}), opts=home)\n"


@pytest.mark.parametrize(("tier", "scalers"), [
    ("warm-standby", [1.0, 0.0]), ("pilot-light", [1.0, 0.0]),
    ("active-active", [1.0, 1.0])])
def test_backend_service_spans_both_regions_with_a_health_check(
        write_program: WriteProgram, tier: str, scalers: list[float]) -> None:
    result = run(write_program, ENTRY_PROGRAM.format(extra=""), role="global", tier=tier)
    explicit_providers_only(result)
    service = only(result, BACKEND).inputs
    health = only(result, "gcp:compute/healthCheck:HealthCheck")
    assert service | {"loadBalancingScheme": "EXTERNAL_MANAGED", "protocol": "HTTP",
                      "portName": "http", "healthChecks": health.id} == service
    assert [b["group"].split("/regions/")[1].split("/")[0] for b in service["backends"]] == [
        "europe-west1", "europe-west4"]
    assert [b["capacityScaler"] for b in service["backends"]] == scalers
    assert health.inputs["httpHealthCheck"] == {"portSpecification": "USE_SERVING_PORT",
                                                "requestPath": "/healthz"}


@pytest.mark.parametrize("tier", ["warm-standby", "active-active"])
def test_a_standby_not_rebuilt_yet_is_drained(write_program: WriteProgram, tier: str) -> None:
    """After a failover, until the old region is rebuilt as a replica: its group (back, with a
    diverged primary) gets no traffic, in active-active too; it stays a backend, as GCP drains
    a group only when the service has another."""
    program = ENTRY_PROGRAM.format(extra=", standby_rebuilt=False")
    service = only(run(write_program, program, role="global", tier=tier), BACKEND).inputs
    assert [(b["description"], b["capacityScaler"]) for b in service["backends"]] == [
        ("europe-west1", 1.0), ("europe-west4", 0.0)]
    assert capacity_scalers(Tier(tier), standby_rebuilt=False) == (1.0, 0.0)


def test_entry_without_a_domain_serves_http(write_program: WriteProgram) -> None:
    result = run(write_program, ENTRY_PROGRAM.format(extra=""), role="global")
    (rule,) = result.of_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")
    address = only(result, "gcp:compute/globalAddress:GlobalAddress")
    assert rule.inputs | {"loadBalancingScheme": "EXTERNAL_MANAGED", "portRange": "80",
                          "ipAddress": address.id} == rule.inputs
    assert result.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate") == []


def test_entry_with_a_domain_serves_https_and_redirects_http(write_program: WriteProgram) -> None:
    result = run(write_program, ENTRY_PROGRAM.format(extra=", domain='shop.example.com'"),
                 role="global")
    rules = by_name(result, "gcp:compute/globalForwardingRule:GlobalForwardingRule")
    assert {n: r.inputs["portRange"] for n, r in rules.items()} == {
        "shop-lb-https": "443", "shop-lb-http": "80"}
    cert = only(result, "gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert cert.inputs["managed"] == {"domains": ["shop.example.com"]}
    https = only(result, "gcp:compute/targetHttpsProxy:TargetHttpsProxy").inputs
    assert https["sslCertificates"] == [cert.id]
    policy = only(result, "gcp:compute/sSLPolicy:SSLPolicy").inputs
    assert policy["minTlsVersion"] == "TLS_1_2"
    maps = by_name(result, "gcp:compute/uRLMap:URLMap")
    assert maps["shop-lb-redirect"].inputs["defaultUrlRedirect"]["httpsRedirect"] is True
    assert only(result, "gcp:compute/targetHttpProxy:TargetHttpProxy").inputs["urlMap"] == \
        maps["shop-lb-redirect"].id


@pytest.mark.parametrize(("extra", "named"), [
    ({"domain": "Shop.Example.com"}, 'EntryArgs.domain: "Shop.Example.com"'),
    ({"health_check_path": "x"}, 'EntryArgs.health_check_path: "x"'),
    ({"unhealthy_threshold": 0}, "EntryArgs.unhealthy_threshold: 0"),
])
def test_entry_rejects_bad_args(extra: dict[str, Any], named: str) -> None:
    assert named in rejection(lambda: EntryArgs(**BACKENDS, **extra))


def test_entry_needs_two_regions() -> None:
    assert 'EntryArgs.standby.region: "europe-west1"' in rejection(lambda: EntryArgs(
        active=BACKENDS["active"], standby=RegionalBackend("europe-west1", "g")))


def test_entry_belongs_in_the_global_stack(stack: Stack) -> None:
    assert 'drkit:role: "primary" is not valid; FailoverEntry belongs in the global stack' in \
        rejection(lambda: FailoverEntry("shop-lb", stack.settings(), EntryArgs(**BACKENDS),
                                        opts=stack.home()))

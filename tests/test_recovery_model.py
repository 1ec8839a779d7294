"""The recovery model on hand-built resource views: protections, steps, critical path,
readiness. Figures are the shipped ones, so the expected numbers are computed from them."""

from __future__ import annotations

from datetime import date

import pytest

from drkit_core.errors import ConfigError
from drkit_core.intent import Intent, Regions, Role, Tier
from drkit_core.recovery import AppInput, Scenario, StackInput, View, assess, shipped
from drkit_core.recovery.backups import interval
from drkit_core.recovery.steps import Step, critical_path

FIGURES = shipped()
TODAY = date(2026, 12, 1)


def sec(key: str) -> int:
    value = FIGURES.seconds(key)
    assert value is not None
    return value


def view(type_: str, name: str, region: str = "us-east-1", /, **props: object) -> View:
    return View(type=type_, name=name, urn=f"urn:pulumi:dev::p::{type_}::{name}",
                props=props, region=region)


def app(*resources: View, stacks: list[StackInput] | None = None, **intent: object):
    found = stacks or [StackInput("dev", None, list(resources))]
    return assess(AppInput("app", "p", Intent(**intent), found), FIGURES, TODAY)  # type: ignore[arg-type]


RDS = "aws:rds/instance:Instance"
TABLE = "aws:dynamodb/table:Table"


def test_parallel_steps_overlap_and_the_longest_chain_is_the_rto() -> None:
    steps = [Step("detect", 60, True, (), "", ""), Step("promote", 600, False, ("detect",), "", ""),
             Step("scale", 300, False, ("detect",), "", ""),
             Step("verify", 60, False, ("promote", "scale"), "", ""),
             Step("adopt", 999, False, ("verify",), "", "", counts=False)]
    path = critical_path(steps)
    assert (path.seconds, path.steps) == (720, ("detect", "promote", "verify"))


def test_a_step_of_unknown_length_makes_the_rto_unknown() -> None:
    steps = [Step("detect", 60, True, (), "", ""),
             Step("restore", None, False, ("detect",), "", "")]
    assert critical_path(steps).seconds is None


def test_a_cycle_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="cycle"):
        critical_path([Step("a", 1, True, ("b",), "", ""), Step("b", 1, True, ("a",), "", "")])


@pytest.mark.parametrize(("schedule", "seconds"), [
    ("cron(0 0/1 * * ? *)", 3600), ("cron(0 3 * * ? *)", 86400), ("cron(0 0/4 * * ? *)", 14400),
    ("cron(0/15 * * * ? *)", 900), ("cron(0 1,13 * * ? *)", 43200), ("rate(12 hours)", 43200),
    ("cron(0 5 ? * SUN *)", 7 * 86400), ("whenever", None)])
def test_backup_schedules_become_the_longest_gap(schedule: str, seconds: int | None) -> None:
    assert interval(schedule) == seconds


def test_a_replicated_table_without_backups_is_unbounded_for_corruption_and_level_0() -> None:
    table = view(TABLE, "orders", replicas=[{"regionName": "us-west-2"}])
    found = app(table)
    corruption = found[Scenario.DATA_CORRUPTION].estimate
    assert corruption.rpo_seconds is None and corruption.rto_seconds is None
    assert "replicas copy the bad write" in corruption.data[0].mechanism
    assert found[Scenario.REGION_LOSS].estimate.rpo_seconds == sec("dynamodb.global_lag")
    assert found.readiness.level == 0
    assert "orders" in found.readiness.next[0]


def test_no_protection_is_unbounded_never_zero() -> None:
    db = view(RDS, "db", backupRetentionPeriod=0)
    found = app(db)
    for scenario in Scenario:
        assert found[scenario].estimate.rpo_seconds is None, scenario
    assert found[Scenario.REGION_LOSS].estimate.rto_seconds is None


def test_nothing_declared_is_level_0() -> None:
    assert app().readiness.level == 0


def test_rds_defaults_to_one_day_of_backups_and_multi_az_survives_a_zone() -> None:
    found = app(view(RDS, "db", multiAz=True))
    assert found[Scenario.ZONE_LOSS].estimate.rpo_seconds == 0
    assert found[Scenario.DATA_CORRUPTION].estimate.rpo_seconds == sec("rds.pitr")
    assert found.readiness.level == 1  # backed up, but nothing outside the region


def _backed_up_db() -> list[View]:
    return [view(RDS, "db", identifier="db", multiAz=True, backupRetentionPeriod=7),
            view("aws:backup/plan:Plan", "plan", id="plan-1", rules=[{
                "ruleName": "hourly", "schedule": "cron(0 0/1 * * ? *)",
                "targetVaultName": "vault",
                "copyActions": [{"destinationVaultArn":
                                 "arn:aws:backup:us-west-2:1:backup-vault:copy"}]}]),
            view("aws:backup/selection:Selection", "selection", planId="plan-1",
                 resources=["arn:aws:rds:us-east-1:1:db:db"])]


def test_backup_copies_in_another_region_are_restored_after_a_region_loss() -> None:
    found = app(*_backed_up_db())
    region = found[Scenario.REGION_LOSS].estimate
    assert region.rpo_seconds == 3600 + sec("aws_backup.copy")
    assert "AWS Backup copies" in region.data[0].mechanism
    restore = region.step("restore")
    assert restore is not None and restore.seconds == sec("operator.step") + sec("rds.restore")
    assert found.readiness.level == 2


def test_a_5_minute_rpo_over_s3_replication_with_rtc_misses() -> None:
    bucket = view("aws:s3/bucket:Bucket", "source", bucket="source")
    replica = view("aws:s3/bucket:Bucket", "replica", "us-west-2", bucket="replica")
    config = view("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replication",
                  bucket="source", rules=[{"status": "Enabled", "destination": {
                      "bucket": "arn:aws:s3:::replica",
                      "replicationTime": {"status": "Enabled", "time": {"minutes": 15}}}}])
    found = app(bucket, replica, config, rpo_seconds=300)
    region = found[Scenario.REGION_LOSS]
    assert region.estimate.rpo_seconds == sec("s3.replication_rtc") == 900
    assert region.meets_rpo is False
    assert "Replication Time Control" in region.estimate.data[0].mechanism
    assert [d.dataset.source.name for d in region.estimate.data] == ["source"]


def test_s3_replication_without_rtc_has_no_bound() -> None:
    bucket = view("aws:s3/bucket:Bucket", "source", bucket="source")
    replica = view("aws:s3/bucket:Bucket", "replica", "us-west-2", bucket="replica")
    config = view("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replication",
                  bucket="source", rules=[{"destination": {"bucket": "arn:aws:s3:::replica"}}])
    assert app(bucket, replica, config)[Scenario.REGION_LOSS].estimate.rpo_seconds is None


def _two_regions(*extra: View) -> list[StackInput]:
    primary = [view(RDS, "db", identifier="db", multiAz=True, backupRetentionPeriod=7,
                    arn="arn:aws:rds:us-east-1:1:db:db"),
               view("aws:autoscaling/group:Group", "web", minSize=2,
                    vpcZoneIdentifiers=["a", "b", "c"])]
    secondary = [view(RDS, "db-replica", "us-west-2", identifier="db-replica",
                      replicateSourceDb="arn:aws:rds:us-east-1:1:db:db"),
                 view("aws:autoscaling/group:Group", "web", "us-west-2", minSize=2,
                      vpcZoneIdentifiers=["a", "b", "c"])]
    entry = [view("aws:route53/healthCheck:HealthCheck", "check", id="hc-1",
                  requestInterval=10, failureThreshold=3),
             view("aws:route53/record:Record", "primary", type="A", name="app.example.com",
                  healthCheckId="hc-1", failoverRoutingPolicies=[{"type": "PRIMARY"}],
                  aliases=[{"name": "lb", "evaluateTargetHealth": True}]), *extra]
    return [StackInput("primary", Role.PRIMARY, primary),
            StackInput("secondary", Role.SECONDARY, secondary),
            StackInput("global", Role.GLOBAL, entry)]


INTENT = dict(regions=Regions("us-east-1", "us-west-2"), rpo_seconds=900, rto_seconds=3600,
              tier=Tier.WARM_STANDBY)


def test_a_manual_failover_waits_for_a_person_and_the_code_change() -> None:
    found = app(stacks=_two_regions(), **INTENT)
    region = found[Scenario.REGION_LOSS].estimate
    assert region.rpo_seconds == sec("rds.replica_lag")
    assert region.critical_path == ("detect", "decide", "adopt", "promote", "verify")
    assert region.rto_seconds == (30 + sec("operator.response") + sec("operator.step") * 3
                                  + sec("rds.replica_promotion"))
    switch = region.step("switch-traffic")
    assert switch is not None and switch.automatic and switch.after == ("detect",)
    assert region.step("scale") is None  # the standby already runs full capacity
    assert found.readiness.level == 2


def test_an_arc_plan_with_alarms_automates_recovery_and_a_drill_reaches_level_4() -> None:
    arc = view("aws:arcregionswitch/plan:Plan", "switch", workflows=[{"steps": [
        {"executionBlockType": "ManualApproval"},
        {"executionBlockType": "Parallel", "parallelConfigs": [{"steps": [
            {"executionBlockType": "RdsPromoteReadReplica"},
            {"executionBlockType": "EC2AutoScaling"}]}]}]}])
    lag = view("aws:cloudwatch/metricAlarm:MetricAlarm", "lag", metricName="ReplicaLag",
               namespace="AWS/RDS")
    stacks = _two_regions(arc, lag)
    found = app(stacks=stacks, **INTENT)
    region = found[Scenario.REGION_LOSS].estimate
    promote = region.step("promote")
    assert promote is not None and promote.automatic and promote.after == ("decide",)
    adopt = region.step("adopt")
    assert adopt is not None and not adopt.counts and adopt.after == ("verify",)
    assert region.rto_seconds == (30 + sec("operator.response") + sec("rds.replica_promotion")
                                  + sec("operator.step"))
    assert found.readiness.level == 3
    assert "drill" in found.readiness.next[0]
    drilled = app(stacks=stacks, last_drill=date(2026, 10, 1), **INTENT)
    assert drilled.readiness.level == 4
    stale = app(stacks=stacks, last_drill=date(2026, 1, 1), **INTENT)
    assert stale.readiness.level == 3 and "older than 90 days" in stale.readiness.next[0]


def test_gcp_capacity_in_both_regions_moves_traffic_by_itself() -> None:
    group = "https://www.googleapis.com/compute/v1/projects/p/regions/{}/instanceGroups/web"
    service = view("gcp:compute/backendService:BackendService", "backend",
                   healthChecks=["hc"], backends=[
                       {"group": group.format("europe-west1"), "capacityScaler": 1},
                       {"group": group.format("europe-west4"), "capacityScaler": 0}])
    check = view("gcp:compute/healthCheck:HealthCheck", "hc", name="hc", checkIntervalSec=10,
                 unhealthyThreshold=3)
    intent = dict(regions=Regions("europe-west1", "europe-west4"))
    drained = app(service, check, **intent)[Scenario.REGION_LOSS].estimate.step("switch-traffic")
    assert drained is not None and not drained.automatic
    both = View(**{**service.__dict__, "props": {**service.props, "backends": [
        {"group": group.format("europe-west1")}, {"group": group.format("europe-west4")}]}})
    serving = app(both, check, **intent)[Scenario.REGION_LOSS].estimate.step("switch-traffic")
    assert serving is not None and serving.automatic


def test_cloud_sql_backups_outside_the_region_and_gcs_turbo_replication() -> None:
    sql = view("gcp:sql/databaseInstance:DatabaseInstance", "db", "europe-west1", name="db",
               settings={"availabilityType": "REGIONAL", "backupConfiguration": {
                   "enabled": True, "pointInTimeRecoveryEnabled": True, "location": "eu"}})
    bucket = view("gcp:storage/bucket:Bucket", "data", "EU", location="EU", rpo="ASYNC_TURBO",
                  customPlacementConfig={"dataLocations": ["EUROPE-WEST1", "EUROPE-WEST4"]},
                  versioning={"enabled": True})
    found = app(sql, bucket, regions=Regions("europe-west1", "europe-west4"))
    region = {d.dataset.source.name: d for d in found[Scenario.REGION_LOSS].estimate.data}
    assert region["db"].rpo_seconds == 86400 and "in eu" in region["db"].mechanism
    assert region["data"].rpo_seconds == sec("gcs.turbo_replication")
    corruption = {d.dataset.source.name: d.rpo_seconds
                  for d in found[Scenario.DATA_CORRUPTION].estimate.data}
    assert corruption == {"db": sec("cloudsql.pitr"), "data": 0}
    assert found[Scenario.ZONE_LOSS].estimate.rpo_seconds == 0


def test_unknown_values_count_as_absent() -> None:
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    found = app(view(TABLE, "orders", pointInTimeRecovery={"enabled": unknown}))
    assert found[Scenario.DATA_CORRUPTION].estimate.rpo_seconds is None


def test_the_last_drill_is_a_declared_date() -> None:
    assert Intent.from_config({"lastDrill": "2026-11-20"}).last_drill == date(2026, 11, 20)
    assert Intent.from_config({"lastDrill": date(2026, 11, 20)}).last_drill == date(2026, 11, 20)
    with pytest.raises(ConfigError, match='drkit:lastDrill: "last week" is not valid; allowed: '
                                          "a date YYYY-MM-DD"):
        Intent.from_config({"lastDrill": "last week"})

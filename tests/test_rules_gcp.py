"""GCP rules on views built directly: one happy path, one changed field per failure."""

from __future__ import annotations

from typing import Any

import pytest

from drkit_core.intent import Intent, Role, Tier
from policies.testing import evaluate, messages, view

SQL = "gcp:sql/databaseInstance:DatabaseInstance"
GCS = "gcp:storage/bucket:Bucket"
BACKEND = "gcp:compute/backendService:BackendService"
MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
ZONAL_MIG = "gcp:compute/instanceGroupManager:InstanceGroupManager"


def sql(**settings: Any) -> Any:
    good = {"availabilityType": "REGIONAL",
            "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True}}
    return view(SQL, "pass", "europe-west1", databaseVersion="POSTGRES_16",
                settings={**good, **settings})


def test_a_safe_cloud_sql_primary_passes() -> None:
    assert evaluate("DR-GCP-001", sql()) == []
    assert evaluate("DR-GCP-002", sql()) == []


@pytest.mark.parametrize(("rule", "settings", "expected"), [
    ("DR-GCP-001", {"availabilityType": "ZONAL"}, "REGIONAL"),
    ("DR-GCP-002", {"backupConfiguration": {"enabled": False}}, "no automated backups"),
    ("DR-GCP-002", {"backupConfiguration": {"enabled": True}}, "point in time"),
])
def test_each_unsafe_cloud_sql_setting_fails(rule: str, settings: dict[str, Any],
                                             expected: str) -> None:
    (message,) = messages(evaluate(rule, sql(**settings)))
    assert expected in message


def test_mysql_binary_logs_and_replicas() -> None:
    binlog = sql(backupConfiguration={"enabled": True, "binaryLogEnabled": True})
    assert evaluate("DR-GCP-002", binlog) == []
    replica = view(SQL, masterInstanceName="shop-db", settings={"availabilityType": "ZONAL"})
    assert evaluate("DR-GCP-001", replica) == []


def test_gcs_buckets_are_versioned_and_geo_redundant() -> None:
    assert evaluate("DR-GCP-003", view(GCS, versioning={"enabled": True})) == []
    assert messages(evaluate("DR-GCP-003", view(GCS, versioning={"enabled": False})))
    for location in ("EU", "EUR4", "eu"):
        assert evaluate("DR-GCP-004", view(GCS, location=location)) == [], location
    custom = view(GCS, location="EU", customPlacementConfig={
        "dataLocations": ["EUROPE-WEST1", "EUROPE-WEST4"]})
    assert evaluate("DR-GCP-004", custom) == []
    (single,) = messages(evaluate("DR-GCP-004", view(GCS, location="EUROPE-WEST1")))
    assert "single region EUROPE-WEST1" in single


def backend(*groups: str, checks: str | None = "hc") -> Any:
    return view(BACKEND, "web", healthChecks=checks, backends=[{"group": g} for g in groups])


GROUP = "https://www.googleapis.com/compute/v1/projects/p/{}/instanceGroups/web"


def test_backend_services_are_health_checked_and_multi_region() -> None:
    two = backend(GROUP.format("regions/europe-west1"), GROUP.format("zones/europe-west4-b"))
    assert evaluate("DR-GCP-005", two) == []
    assert evaluate("DR-GCP-006", [two]) == []
    assert messages(evaluate("DR-GCP-005", backend(checks=None)))
    (one,) = evaluate("DR-GCP-006", [backend(GROUP.format("regions/europe-west1"))])
    assert "1 region(s) (europe-west1)" in one.message and not one.unknown


def test_backends_resolve_to_recorded_groups_by_dependency() -> None:
    groups = [view(MIG, f"mig-{r}", r) for r in ("europe-west1", "europe-west4")]
    service = view(BACKEND, "web", healthChecks="hc",
                   deps={"backends": ["urn:test::mig-europe-west1"]},
                   backends=[{"group": "mock-1"}])
    (found,) = evaluate("DR-GCP-006", [*groups, service])
    assert "1 region(s)" in found.message


def test_instance_groups_are_regional_and_autohealing() -> None:
    healing = {"autoHealingPolicies": {"healthCheck": "hc", "initialDelaySec": 300}}
    assert evaluate("DR-GCP-007", view(MIG, **healing)) == []
    assert messages(evaluate("DR-GCP-007", view(MIG)))
    (zonal,) = messages(evaluate("DR-GCP-007", view(ZONAL_MIG, **healing)))
    assert "zonal" in zonal


# -- false negatives of the old rule set ------------------------------------------------------

AUTOSCALER = "gcp:compute/regionAutoscaler:RegionAutoscaler"


@pytest.mark.parametrize(("bucket", "rpo", "fails"), [
    ({"rpo": "DEFAULT", "location": "EUR4"}, 900, True),
    ({"location": "EUR4"}, 600, True),
    ({"rpo": "ASYNC_TURBO", "location": "EUR4"}, 900, False),
    ({"rpo": "DEFAULT", "location": "EUR4"}, 3600, False),
    ({"rpo": "DEFAULT", "location": "EU"}, 900, True),
    ({"location": "EUROPE-WEST1"}, 900, False),  # replicates nothing: DR-GCP-004's finding
])
def test_a_short_rpo_needs_turbo_replication(bucket: dict[str, Any], rpo: int,
                                             fails: bool) -> None:
    found = messages(evaluate("DR-GCP-008", view(GCS, **bucket), intent=Intent(rpo_seconds=rpo)))
    assert bool(found) is fails
    assert messages(evaluate("DR-GCP-008", view(GCS, location="EUR4"), config={"rpo": "15m"}))


@pytest.mark.parametrize(("intent", "minimum", "fails"), [
    (Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY), 0, True),
    (Intent(role=Role.SECONDARY, tier=Tier.WARM_STANDBY), 1, False),
    (Intent(role=Role.SECONDARY, tier=Tier.PILOT_LIGHT), 0, False),
    (Intent(role=Role.PRIMARY, tier=Tier.WARM_STANDBY), 1, True),
    (Intent(role=Role.SECONDARY, tier=Tier.PILOT_LIGHT, active=Role.SECONDARY), 0, True),
])
def test_a_warm_standby_autoscaler_keeps_instances(intent: Intent, minimum: int,
                                                   fails: bool) -> None:
    autoscaler = view(AUTOSCALER, autoscalingPolicy={"minReplicas": minimum, "maxReplicas": 6})
    assert bool(messages(evaluate("DR-GCP-009", autoscaler, intent=intent))) is fails


def test_cloud_sql_keeps_its_own_deletion_protection() -> None:
    (message,) = messages(evaluate("DR-GCP-010", sql()))
    assert "deletion_protection_enabled" in message and "deletion-protection" in message
    assert evaluate("DR-GCP-010", sql(deletionProtectionEnabled=True)) == []

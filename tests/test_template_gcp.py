"""The GCP templates (gcp-warm-standby, gcp-active-active), run offline stack by stack, against
inventories of what the DR design promises (tests/inventory/gcp/<template>/<stack>.yaml):
resource counts by type, and the inputs of the resources that carry the promise. Values that
point at another resource are written as ``${Type:name.attr}`` (or
``${StackReference:stack.output}``), so the inventory checks the wiring, not the offline
engine's made-up ids. Then ``drkit check`` on the templates and on broken GCP programs.

Regenerate after an intended change, then review the diff:
    DRKIT_REGEN=1 pytest tests/test_template_gcp.py
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from inventories import assert_matches, inventory

from drkit.check import check, run_stacks
from drkit.engine.runner import Engine
from drkit_core.errors import ConfigError
from drkit_core.findings import Enforcement, Finding
from drkit_core.graph import StackRun
from drkit_core.project import Project

ROOT = Path(__file__).parent.parent
TEMPLATES = ("gcp-warm-standby", "gcp-active-active")
INVENTORY = Path(__file__).parent / "inventory" / "gcp"
BROKEN = Path(__file__).parent / "fixtures" / "broken-gcp"
STACKS = ("primary", "secondary", "global")
REGENERATE = "DRKIT_REGEN=1 pytest tests/test_template_gcp.py"

SQL = "gcp:sql/databaseInstance:DatabaseInstance"
BACKEND = "gcp:compute/backendService:BackendService"
AUTOSCALER = "gcp:compute/regionAutoscaler:RegionAutoscaler"

PROMISES: dict[str, tuple[str, ...]] = {
    SQL: ("name", "region", "databaseVersion", "instanceType", "masterInstanceName",
          "deletionProtection", "encryptionKeyName", "settings"),
    "gcp:storage/bucket:Bucket": (
        "location", "customPlacementConfig", "rpo", "versioning", "softDeletePolicy",
        "uniformBucketLevelAccess", "publicAccessPrevention", "lifecycleRules", "encryption"),
    "gcp:compute/network:Network": ("autoCreateSubnetworks",),
    "gcp:compute/subnetwork:Subnetwork": ("network", "region", "ipCidrRange", "logConfig"),
    "gcp:compute/firewall:Firewall": ("network", "direction", "sourceRanges", "targetTags",
                                      "allows"),
    "gcp:servicenetworking/connection:Connection": ("network", "service",
                                                    "reservedPeeringRanges"),
    "gcp:compute/routerNat:RouterNat": ("region", "sourceSubnetworkIpRangesToNat",
                                        "subnetworks"),
    "gcp:compute/instanceTemplate:InstanceTemplate": (
        "tags", "networkInterfaces", "shieldedInstanceConfig", "serviceAccount", "metadata"),
    "gcp:storage/bucketIAMMember:BucketIAMMember": ("bucket", "role"),
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (
        "region", "versions", "autoHealingPolicies", "namedPorts", "distributionPolicyZones"),
    AUTOSCALER: ("region", "target", "autoscalingPolicy"),
    "gcp:compute/healthCheck:HealthCheck": ("httpHealthCheck", "checkIntervalSec",
                                            "unhealthyThreshold"),
    BACKEND: ("loadBalancingScheme", "protocol", "portName", "healthChecks", "backends"),
    "gcp:compute/uRLMap:URLMap": ("defaultService", "defaultUrlRedirect"),
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": ("urlMap", "sslCertificates",
                                                      "sslPolicy"),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": (
        "loadBalancingScheme", "target", "ipAddress", "portRange"),
}
"""Per type, the inputs the DR design promises; other inputs (provider defaults) are not frozen."""

STATEFUL = (SQL, "gcp:storage/bucket:Bucket")
SYMBOL_OUTPUTS = ("id", "selfLink", "selfLinkUnique", "email")


def run_all(project_dir: Path) -> dict[str, StackRun]:
    engine = Engine(Project.load(project_dir))
    return {stack: engine.run(stack) for stack in STACKS}


@pytest.fixture(scope="module", params=TEMPLATES)
def template(request: pytest.FixtureRequest) -> tuple[str, dict[str, StackRun]]:
    return request.param, run_all(ROOT / "stacks" / request.param)


@pytest.fixture(scope="module")
def warm() -> dict[str, StackRun]:
    return run_all(ROOT / "stacks" / "gcp-warm-standby")


# -- inventories --------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_its_inventory(template: tuple[str, dict[str, StackRun]],
                                     stack: str) -> None:
    name, runs = template
    actual = inventory(runs[stack], PROMISES, SYMBOL_OUTPUTS)
    assert_matches(INVENTORY / name / f"{stack}.yaml", actual,
                   f"the {name} template's {stack} stack", REGENERATE)


# -- the DR promises, stated directly -----------------------------------------------------


def test_primary_database_is_regional_with_backups_pitr_and_protection(
        template: tuple[str, dict[str, StackRun]]) -> None:
    (db,) = template[1]["primary"].of_type(SQL)
    settings = db.inputs["settings"]
    assert settings["availabilityType"] == "REGIONAL"
    backups = settings["backupConfiguration"]
    assert backups["enabled"] and backups["pointInTimeRecoveryEnabled"]
    assert backups["backupRetentionSettings"]["retainedBackups"] >= 7
    # Cloud SQL's own deletion protection (every surface); Pulumi's protect, not the
    # provider's flag, guards it in Pulumi (components/gcp/database.py).
    assert settings["deletionProtectionEnabled"] and db.protect
    assert settings["finalBackupConfig"]["enabled"] is True
    assert settings["ipConfiguration"]["ipv4Enabled"] is False and db.protect


def test_secondary_replicates_the_primary_database(
        template: tuple[str, dict[str, StackRun]]) -> None:
    runs = template[1]
    (primary,) = runs["primary"].of_type(SQL)
    (replica,) = runs["secondary"].of_type(SQL)
    assert replica.inputs["masterInstanceName"] == runs["primary"].outputs["dbInstanceName"]
    assert replica.inputs["masterInstanceName"] == primary.inputs["name"]
    assert (primary.region, replica.region) == ("europe-west1", "europe-west4")
    assert replica.inputs["settings"]["ipConfiguration"]["privateNetwork"] == \
        runs["primary"].outputs["network"]


def test_bucket_is_a_versioned_turbo_dual_region(
        template: tuple[str, dict[str, StackRun]]) -> None:
    (bucket,) = template[1]["primary"].of_type("gcp:storage/bucket:Bucket")
    assert bucket.inputs["customPlacementConfig"]["dataLocations"] == [
        "EUROPE-WEST1", "EUROPE-WEST4"]
    assert bucket.inputs["rpo"] == "ASYNC_TURBO" and bucket.inputs["versioning"]["enabled"]


@pytest.mark.parametrize(("name", "secondary_min", "scalers"), [
    ("gcp-warm-standby", 1, [1.0, 0.0]), ("gcp-active-active", 2, [1.0, 1.0])])
def test_global_backend_serves_both_regions_groups_by_tier(
        name: str, secondary_min: int, scalers: list[float]) -> None:
    runs = run_all(ROOT / "stacks" / name)
    (service,) = runs["global"].of_type(BACKEND)
    assert [b["group"] for b in service.inputs["backends"]] == [
        runs["primary"].outputs["instanceGroup"], runs["secondary"].outputs["instanceGroup"]]
    # Both regions' apps write to the one primary (through the Auth Proxy / a connector).
    for stack in ("primary", "secondary"):
        (template,) = runs[stack].of_type("gcp:compute/instanceTemplate:InstanceTemplate")
        assert template.inputs["metadata"]["drkit-db-connection"] == \
            runs["primary"].outputs["dbConnectionName"]
    assert [b["capacityScaler"] for b in service.inputs["backends"]] == scalers
    assert service.inputs["healthChecks"]
    minimums = {stack: runs[stack].of_type(AUTOSCALER)[0].inputs["autoscalingPolicy"]
                ["minReplicas"] for stack in ("primary", "secondary")}
    assert minimums == {"primary": 2, "secondary": secondary_min}


@pytest.mark.parametrize("stack", STACKS)
def test_no_resource_uses_a_default_provider(template: tuple[str, dict[str, StackRun]],
                                             stack: str) -> None:
    defaulted = [f"{r.type} {r.name}" for r in template[1][stack].resources
                 if r.custom and r.provider is None
                 and not r.is_provider and r.type != "pulumi:pulumi:StackReference"]
    assert defaulted == []


def test_stateful_resources_are_protected_by_default(
        template: tuple[str, dict[str, StackRun]]) -> None:
    stateful = [r for run in template[1].values() for r in run.resources if r.type in STATEFUL]
    assert {r.type for r in stateful} == set(STATEFUL)
    assert [r.name for r in stateful if not r.protect] == []


# -- changed copies of the template -------------------------------------------------------


def changed_copy(tmp_path: Path, name: str, **changes: dict[str, Any]) -> Path:
    """A copy of template ``name`` with config values changed per stack (``primary={...}``)."""
    copy = tmp_path / name
    shutil.copytree(ROOT / "stacks" / name, copy,
                    ignore=shutil.ignore_patterns("venv", "__pycache__"))
    for stack, values in changes.items():
        path = copy / f"Pulumi.{stack}.yaml"
        data = yaml.safe_load(path.read_text())
        data["config"].update(values)
        path.write_text(yaml.safe_dump(data))
    return copy


def test_protection_can_be_turned_off(tmp_path: Path) -> None:
    off = {"drkit:protect": False}
    runs = run_all(changed_copy(tmp_path, "gcp-warm-standby", primary=off, secondary=off,
                                **{"global": off}))
    assert [r.name for run in runs.values() for r in run.resources
            if r.type in STATEFUL and r.protect] == []


def test_failing_over_promotes_scales_and_moves_traffic(tmp_path: Path) -> None:
    switch = {"drkit:active": "secondary"}
    runs = run_all(changed_copy(tmp_path, "gcp-warm-standby", primary=switch,
                                secondary=switch, **{"global": switch}))
    (db,) = runs["secondary"].of_type(SQL)
    assert "masterInstanceName" not in db.inputs
    assert db.inputs["instanceType"] == "CLOUD_SQL_INSTANCE"
    assert db.inputs["settings"]["backupConfiguration"]["pointInTimeRecoveryEnabled"] is True
    (autoscaler,) = runs["secondary"].of_type(AUTOSCALER)
    assert autoscaler.inputs["autoscalingPolicy"]["minReplicas"] == 2
    (service,) = runs["global"].of_type(BACKEND)
    capacity = {b["group"]: b["capacityScaler"] for b in service.inputs["backends"]}
    assert capacity == {runs["secondary"].outputs["instanceGroup"]: 1.0,
                        runs["primary"].outputs["instanceGroup"]: 0.0}
    # The old primary region is rebuilt as a replica of the new primary.
    (replica,) = runs["primary"].of_type(SQL)
    assert replica.inputs["masterInstanceName"] == db.inputs["name"]


@pytest.mark.parametrize(("stack", "values", "message"), [
    ("primary", {"drkit:rpo": "soon"}, 'drkit:rpo: "soon" is not valid'),
    ("primary", {"gcp-warm-standby:minSise": 3}, "gcp-warm-standby:minSise: unknown key"),
    ("primary", {"gcp-warm-standby:bucketLocation": "EUR5"},
     'BucketArgs.location: "EUR5" is not valid; it stores data in europe-west1, '
     "europe-west2, outside drkit:residency (eu)"),
])
def test_a_config_mistake_fails_before_any_resource(tmp_path: Path, stack: str,
                                                    values: dict[str, Any],
                                                    message: str) -> None:
    copy = changed_copy(tmp_path, "gcp-warm-standby", **{stack: values})
    with pytest.raises(ConfigError, match=re.escape(message)):
        Engine(Project.load(copy)).run(stack)


# -- drkit check --------------------------------------------------------------------------


def mandatory(findings: list[Finding]) -> list[str]:
    return sorted(f"{f.rule} {f.stack} {f.name}" for f in findings
                  if f.enforcement is Enforcement.MANDATORY and not f.unknown)


def findings_of(project_dir: Path) -> list[Finding]:
    from drkit.checkers.rules import DrkitRules
    from policies.registry import RULES
    from policies.settings import resolve

    report = check(run_stacks([project_dir]), [DrkitRules(resolve(RULES, None))])
    return list(report.findings)


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_pass_the_gcp_and_residency_rules(name: str) -> None:
    findings = findings_of(ROOT / "stacks" / name)
    assert [f for f in mandatory(findings) if not f.startswith("DR-AWS-")] == []


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_pass_drkit_check(name: str) -> None:
    assert mandatory(findings_of(ROOT / "stacks" / name)) == []


@pytest.mark.parametrize(("fixture", "rules"), [
    ("zonal-sql", {"DR-GCP-001"}),
    ("bucket-outside-residency", {"DR-GCP-004", "DR-RES-001"}),
    ("backend-without-health-check", {"DR-GCP-005"}),
])
def test_broken_gcp_programs_fail_with_the_expected_rules(fixture: str, rules: set[str]) -> None:
    findings = findings_of(BROKEN / fixture)
    assert {f.split()[0] for f in mandatory(findings)} == rules

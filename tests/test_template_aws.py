"""The aws-warm-standby template, run offline stack by stack, against inventories of what the DR
design promises (tests/inventory/aws/<stack>.yaml): resource counts by type, and the inputs of
the resources that carry the promise. Values that point at another resource are written as
``${Type:name.attr}`` (or ``${StackReference:stack.output}``), so the inventory checks the
wiring, not the offline engine's made-up ids.

Regenerate after an intended change, then review the diff:
    DRKIT_REGEN=1 pytest tests/test_template_aws.py
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from inventories import assert_matches, inventory

from drkit.engine.runner import Engine
from drkit_core.errors import ConfigError
from drkit_core.graph import StackRun
from drkit_core.project import Project

ROOT = Path(__file__).parent.parent
TEMPLATE = ROOT / "stacks" / "aws-warm-standby"
INVENTORY = Path(__file__).parent / "inventory" / "aws"
STACKS = ("primary", "secondary", "global")
REGENERATE = "DRKIT_REGEN=1 pytest tests/test_template_aws.py"

PROMISES: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": (
        "multiAz", "storageEncrypted", "kmsKeyId", "deletionProtection",
        "backupRetentionPeriod", "backupWindow", "maintenanceWindow", "replicateSourceDb",
        "skipFinalSnapshot", "finalSnapshotIdentifier", "identifier", "password",
        "iamDatabaseAuthenticationEnabled", "parameterGroupName", "monitoringInterval",
        "monitoringRoleArn", "performanceInsightsEnabled", "performanceInsightsKmsKeyId",
        "performanceInsightsRetentionPeriod"),
    "aws:rds/parameterGroup:ParameterGroup": ("name", "family", "parameters"),
    "aws:kms/key:Key": ("enableKeyRotation",),
    "aws:s3/bucketVersioning:BucketVersioning": ("bucket", "versioningConfiguration"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ("bucket", "rules"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"),
    "aws:autoscaling/group:Group": ("minSize", "desiredCapacity", "maxSize", "healthCheckType",
                                    "targetGroupArns"),
    "aws:lb/targetGroup:TargetGroup": ("healthCheck",),
    "aws:lb/loadBalancer:LoadBalancer": ("enableDeletionProtection",),
    "aws:ec2/flowLog:FlowLog": ("vpcId", "trafficType", "logDestinationType", "logDestination"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "kmsKeyId", "retentionInDays"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("vpcId", "ingress", "egress"),
    "aws:backup/plan:Plan": ("rules",),
    "aws:backup/selection:Selection": ("resources",),
    "aws:backup/vault:Vault": ("kmsKeyArn",),
    "aws:route53/healthCheck:HealthCheck": ("type", "fqdn", "port", "resourcePath",
                                            "requestInterval", "failureThreshold"),
    "aws:kms/alias:Alias": ("name", "targetKeyId"),
    "aws:secretsmanager/secret:Secret": ("kmsKeyId",),
    "aws:iam/instanceProfile:InstanceProfile": ("role",),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:route53/record:Record": ("type", "name", "aliases", "failoverRoutingPolicies",
                                  "latencyRoutingPolicies", "healthCheckId", "setIdentifier"),
}
"""Per type, the inputs the DR design promises; other inputs (provider defaults) are not frozen."""

SYMBOL_OUTPUTS = ("id", "arn")

STATEFUL = ("aws:rds/instance:Instance", "aws:s3/bucket:Bucket", "aws:kms/key:Key",
            "aws:backup/vault:Vault", "aws:cloudwatch/logGroup:LogGroup")


def run_all(project_dir: Path) -> dict[str, StackRun]:
    engine = Engine(Project.load(project_dir))
    return {stack: engine.run(stack) for stack in STACKS}


@pytest.fixture(scope="module")
def runs() -> dict[str, StackRun]:
    return run_all(TEMPLATE)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_its_inventory(runs: dict[str, StackRun], stack: str) -> None:
    actual = inventory(runs[stack], PROMISES, SYMBOL_OUTPUTS)
    assert_matches(INVENTORY / f"{stack}.yaml", actual,
                   f"the aws-warm-standby template's {stack} stack", REGENERATE)


def test_secondary_replicates_the_primary_database(runs: dict[str, StackRun]) -> None:
    (primary,) = runs["primary"].of_type("aws:rds/instance:Instance")
    (replica,) = runs["secondary"].of_type("aws:rds/instance:Instance")
    assert replica.inputs["replicateSourceDb"] == runs["primary"].outputs["dbArn"]
    assert (primary.region, replica.region) == ("eu-west-1", "eu-central-1")
    for db in (primary, replica):
        assert db.inputs["storageEncrypted"] and db.inputs["deletionProtection"]
        assert db.inputs["multiAz"]
    assert primary.inputs["backupRetentionPeriod"] >= 7
    assert "backupRetentionPeriod" not in replica.inputs  # RDS: replicas have no backups


def test_global_stack_fails_over_between_the_regions_load_balancers(
        runs: dict[str, StackRun]) -> None:
    records = {r.inputs["failoverRoutingPolicies"][0]["type"]: r.inputs
               for r in runs["global"].of_type("aws:route53/record:Record")}
    for role, kind in (("primary", "PRIMARY"), ("secondary", "SECONDARY")):
        assert records[kind]["aliases"][0]["name"] == runs[role].outputs["albDnsName"]
        assert records[kind]["aliases"][0]["zoneId"] == runs[role].outputs["albZoneId"]
        assert records[kind]["healthCheckId"]


def test_the_regions_networks_do_not_overlap(runs: dict[str, StackRun]) -> None:
    """Both VPCs used 10.0.0.0/16: the regions could never be peered or routed together."""
    ranges = [only_vpc(runs[s]).inputs["cidrBlock"] for s in ("primary", "secondary")]
    assert ranges == ["10.0.0.0/16", "10.1.0.0/16"]


def test_the_global_stack_has_no_provider_in_an_app_region(runs: dict[str, StackRun]) -> None:
    """The old global stack's provider was in eu-west-1: during its outage, credential
    validation failed and the failover's DNS change could not be applied."""
    (provider,) = runs["global"].of_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-west-3"


def test_route53_probes_https_when_the_regions_have_certificates(tmp_path: Path) -> None:
    """With a certificate the HTTP listener redirects, and Route53 counts a 3xx as healthy:
    the old global stack kept probing HTTP port 80 unless told otherwise."""
    copy = _copy(tmp_path)
    for stack, region in (("primary", "eu-west-1"), ("secondary", "eu-central-1")):
        _set(copy, stack, {"aws-warm-standby:certificateArn":
                           f"arn:aws:acm:{region}:123456789012:certificate/x"})
    checks = run_all(copy)["global"].of_type("aws:route53/healthCheck:HealthCheck")
    assert {(c.inputs["type"], c.inputs["port"]) for c in checks} == {("HTTPS", 443)}
    assert {c.inputs["resourcePath"] for c in checks} == {"/healthz/serving"}


def only_vpc(run: StackRun) -> Any:
    (vpc,) = run.of_type("aws:ec2/vpc:Vpc")
    return vpc


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "aws-warm-standby"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("venv", "__pycache__",
                                                                   "runbooks"))
    return copy


def _set(project: Path, stack: str, values: dict[str, Any]) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"].update(values)
    path.write_text(yaml.safe_dump(data))


def test_every_key_has_a_policy_for_its_own_region(runs: dict[str, StackRun]) -> None:
    """Cross-region keys (the replica's, the copy vault's) are used by the services of their
    own region: a policy naming the other region would lock those services out."""
    keys = [k for run in runs.values() for k in run.of_type("aws:kms/key:Key")]
    assert len(keys) == 8
    for key in keys:
        statements = json.loads(key.inputs["policy"])["Statement"]
        assert statements[0]["Sid"] == "AccountAdministersTheKey", key.name
        regions = {s["Condition"]["StringEquals"]["kms:ViaService"].split(".")[1]
                   for s in statements[1:] if "StringEquals" in s.get("Condition", {})}
        regions |= {s["Principal"]["Service"].split(".")[1]
                    for s in statements[1:] if "Service" in s["Principal"]}
        assert regions == {key.region}, key.name


def test_both_databases_log_queries_and_are_monitored(runs: dict[str, StackRun]) -> None:
    for stack in ("primary", "secondary"):
        (db,) = runs[stack].of_type("aws:rds/instance:Instance")
        (group,) = runs[stack].of_type("aws:rds/parameterGroup:ParameterGroup")
        assert group.region == db.region and group.inputs["family"] == "postgres16"
        assert db.inputs["parameterGroupName"] == group.id
        assert db.inputs["monitoringInterval"] == 60 and db.inputs["performanceInsightsEnabled"]
        assert db.inputs["iamDatabaseAuthenticationEnabled"] is True


@pytest.mark.parametrize("stack", STACKS)
def test_no_resource_uses_a_default_provider(runs: dict[str, StackRun], stack: str) -> None:
    defaulted = [f"{r.type} {r.name}" for r in runs[stack].resources
                 if r.custom and r.provider is None
                 and not r.is_provider and r.type != "pulumi:pulumi:StackReference"]
    assert defaulted == []


def test_stateful_resources_are_protected_by_default(runs: dict[str, StackRun]) -> None:
    stateful = [r for run in runs.values() for r in run.resources if r.type in STATEFUL]
    assert {r.type for r in stateful} == set(STATEFUL)
    assert [r.name for r in stateful if not r.protect] == []


def test_protection_can_be_turned_off(tmp_path: Path) -> None:
    copy = tmp_path / "aws-warm-standby"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    for stack in STACKS:
        path = copy / f"Pulumi.{stack}.yaml"
        data = yaml.safe_load(path.read_text())
        data["config"]["drkit:protect"] = False
        path.write_text(yaml.safe_dump(data))
    runs = run_all(copy)
    assert [r.name for run in runs.values() for r in run.resources
            if r.type in STATEFUL and r.protect] == []


@pytest.mark.parametrize(("values", "message"), [
    ({"drkit:rpo": "soon"}, 'drkit:rpo: "soon" is not valid'),
    ({"aws-warm-standby:azCount": 9}, "aws-warm-standby:azCount: 9 is not valid; allowed: 2 to 6"),
    ({"aws-warm-standby:minSise": 3}, "aws-warm-standby:minSise: unknown key"),
    ({"aws-warm-standby:globalRegion": "eu-west-3"},
     'aws-warm-standby:globalRegion: "eu-west-3" is not valid; allowed: only in the global'),
])
def test_a_config_mistake_fails_before_any_resource(tmp_path: Path, values: dict[str, Any],
                                                    message: str) -> None:
    copy = tmp_path / "aws-warm-standby"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    path = copy / "Pulumi.primary.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"].update(values)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=re.escape(message)):
        Engine(Project.load(copy)).run("primary")

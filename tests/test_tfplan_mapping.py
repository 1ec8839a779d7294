"""The vendored Pulumi -> Terraform mappings (drkit_core/data/tf_aws.json, tf_gcp.json): fresh, and
right where checkov looks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from drkit.export import generate
from drkit_core.tfschema import catalog

REGENERATE = "python -m drkit.export.generate"


def test_aws_mapping_matches_the_curated_types_and_the_sdk() -> None:
    """The shapes come from the installed pulumi-aws: another version than the one the file was
    generated from is named in the failure (regenerate, or install the version it names)."""
    vendored = json.loads(generate.AWS_JSON.read_text())["source"]
    regenerated = generate.aws_mapping()
    assert generate.AWS_JSON.read_text() == generate.dump(regenerated), (
        f"stale: run {REGENERATE}" if vendored == regenerated["source"] else
        f"generated from {vendored!r}, this environment has {regenerated['source']!r}: run "
        f"{REGENERATE}, or install the pulumi-aws version the file names")


def test_gcp_mapping_matches_the_bridge_metadata() -> None:
    if not generate.GCP_METADATA.exists():
        # CI always has ../shared beside the clone: there a missing reference is a failure.
        # Elsewhere (a fork without the reference data) the vendored file cannot be re-derived.
        assert not os.environ.get("CI"), f"{generate.GCP_METADATA} missing in CI"
        pytest.skip(f"{generate.GCP_METADATA} not present outside CI: cannot re-derive")
    expected = generate.dump(generate.gcp_mapping(generate.GCP_METADATA))
    assert generate.GCP_JSON.read_text() == expected, f"stale: run {REGENERATE}"


def test_the_random_mapping_names_tokens_pulumi_random_registers() -> None:
    """tf_random.json is curated by hand: each token must be one the installed SDK registers
    (its ``_utilities.register`` table in the package's ``__init__.py``)."""
    from importlib import resources

    import pulumi_random

    registered = Path(str(pulumi_random.__file__)).read_text()
    mapping = json.loads(resources.files("drkit_core").joinpath(
        "data", "tf_random.json").read_text())
    for tf_type, spec in mapping["types"].items():
        assert catalog().for_token(spec["tokens"][0]).tf_type == tf_type
        for token in spec["tokens"]:
            assert f'"{token}"' in registered, token


def test_every_type_drkit_components_use_is_mapped() -> None:
    used = [
        "aws:s3/bucket:Bucket", "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:rds/instance:Instance", "aws:rds/subnetGroup:SubnetGroup",
        "aws:kms/key:Key", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policy:Policy",
        "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group",
        "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener", "aws:route53/record:Record",
        "aws:route53/healthCheck:HealthCheck", "aws:acm/certificate:Certificate",
        "aws:backup/vault:Vault", "aws:backup/plan:Plan", "aws:backup/selection:Selection",
        "gcp:sql/databaseInstance:DatabaseInstance", "gcp:storage/bucket:Bucket",
        "gcp:compute/instance:Instance", "gcp:compute/globalAddress:GlobalAddress",
        "aws:kms/alias:Alias", "aws:secretsmanager/secret:Secret",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:iam/instanceProfile:InstanceProfile",
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "random:index/randomPassword:RandomPassword", "random:index/randomId:RandomId",
    ]
    assert [token for token in used if catalog().for_token(token) is None] == []


@pytest.mark.parametrize(("token", "tf_type"), [
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
    ("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning"),
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",
     "aws_s3_bucket_replication_configuration"),
    ("aws:ec2/vpc:Vpc", "aws_vpc"),
    ("aws:rds/cluster:Cluster", "aws_rds_cluster"),
    ("gcp:sql/databaseInstance:DatabaseInstance", "google_sql_database_instance"),
    ("gcp:storage/bucket:Bucket", "google_storage_bucket"),
])
def test_tokens_map_to_terraform_types(token: str, tf_type: str) -> None:
    assert catalog().tokens[token] == tf_type


@pytest.mark.parametrize(("tf_type", "path", "expected"), [
    # Block names checkov's checks read (checked against checkov 3.3.30's check sources).
    ("aws_s3_bucket", "replication_configuration.rules", ("rules", "replicationConfiguration.rules",
                                                          False)),
    ("aws_launch_template", "block_device_mappings", ("block_device_mappings",
                                                      "blockDeviceMappings", False)),
    ("aws_launch_template", "network_interfaces", ("network_interfaces", "networkInterfaces",
                                                   False)),
    ("aws_launch_template", "metadata_options", ("metadata_options", "metadataOptions", True)),
    ("aws_backup_plan", "rule.copy_action", ("copy_action", "rules.copyActions", False)),
    ("aws_route53_record", "failover_routing_policy", ("failover_routing_policy",
                                                       "failoverRoutingPolicies", False)),
    ("aws_route53_record", "alias", ("alias", "aliases", False)),
    ("aws_lb_target_group", "health_check", ("health_check", "healthCheck", True)),
    ("aws_dynamodb_table", "point_in_time_recovery", ("point_in_time_recovery",
                                                      "pointInTimeRecovery", True)),
    ("aws_s3_bucket_versioning", "versioning_configuration", ("versioning_configuration",
                                                              "versioningConfiguration", True)),
    ("google_sql_database_instance", "settings.backup_configuration", (
        "backup_configuration", "settings.backupConfiguration", True)),
    ("google_storage_bucket", "lifecycle_rule", ("lifecycle_rule", "lifecycleRules", False)),
    ("google_compute_instance", "network_interface.access_config", (
        "access_config", "networkInterfaces.accessConfigs", False)),
])
def test_block_names_and_shapes(tf_type: str, path: str, expected: tuple[str, str, bool]) -> None:
    mapping = catalog().for_terraform(tf_type)
    assert mapping is not None
    block, pulumi_path = mapping.root, []
    for part in path.split("."):
        block = block.blocks[part]
        pulumi_path.append(block.pulumi)
    assert (block.tf, ".".join(pulumi_path), block.one) == expected


def test_curated_list_names_are_used() -> None:
    curated = yaml.safe_load(generate.AWS_TYPES.read_text())
    data = json.loads(generate.AWS_JSON.read_text())["types"]
    for where, tf_name in curated["list_names"].items():
        tf_type = where.split(".", 1)[0]
        assert f'"{tf_name}"' in json.dumps(data[tf_type]), where

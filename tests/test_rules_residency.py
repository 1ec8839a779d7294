"""Data residency: messages name the resource, its region and the allowed jurisdictions."""

from __future__ import annotations

from typing import Any

from drkit_core.intent import Intent, Regions, Role
from policies.testing import evaluate, messages, view

EU = Intent(residency=frozenset({"eu"}), regions=Regions("eu-west-1", "eu-central-1"))
RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def test_resources_inside_the_residency_pass() -> None:
    assert evaluate("DR-RES-001", view(RDS, "shop-db", "eu-central-1"), intent=EU) == []


def test_a_resource_outside_the_residency_is_named_with_region_and_jurisdictions() -> None:
    (message,) = messages(evaluate("DR-RES-001", view(RDS, "shop-db", "us-east-1"), intent=EU))
    assert message == ('aws:rds/instance:Instance "shop-db" is in us-east-1 (us), outside the '
                       "allowed jurisdictions (eu)")


def test_residency_comes_from_config_without_drkit_and_any_disables_it() -> None:
    us = view(RDS, "shop-db", "us-east-1")
    assert evaluate("DR-RES-001", us) == []
    assert messages(evaluate("DR-RES-001", us, config={"jurisdictions": ["eu", "uk"]}))
    assert evaluate("DR-RES-001", us, intent=Intent(residency=frozenset({"any"}))) == []


def test_global_services_are_skipped_by_type() -> None:
    for token in ("aws:iam/role:Role", "aws:route53/record:Record",
                  "aws:cloudfront/distribution:Distribution", "gcp:compute/network:Network",
                  "gcp:storage/bucketIAMMember:BucketIAMMember", "pulumi:providers:aws"):
        assert evaluate("DR-RES-001", view(token, "pass", "us-east-1"), intent=EU) == [], token
    resolver = view("aws:route53/resolverEndpoint:ResolverEndpoint", "pass", "us-east-1")
    assert messages(evaluate("DR-RES-001", resolver, intent=EU))


def test_gcs_multi_regions_are_judged_by_their_members() -> None:
    gcs = "gcp:storage/bucket:Bucket"
    assert evaluate("DR-RES-001", view(gcs, "pass", "EU"), intent=EU) == []
    (message,) = messages(evaluate("DR-RES-001", view(gcs, "pass", "EUR5"), intent=EU))
    assert "EUR5" in message and "(eu)" in message


def test_gcs_custom_dual_regions_are_judged_by_their_data_locations() -> None:
    gcs = "gcp:storage/bucket:Bucket"
    germany = Intent(residency=frozenset({"de"}))
    german = view(gcs, "pass", "EU",
                  customPlacementConfig={"dataLocations": ["EUROPE-WEST3", "EUROPE-WEST10"]})
    assert evaluate("DR-RES-001", german, intent=germany) == []
    assert messages(evaluate("DR-RES-001", view(gcs, "pass", "EU"), intent=germany))
    mixed = view(gcs, "fail", "EU",
                 customPlacementConfig={"dataLocations": ["EUROPE-WEST3", "EUROPE-WEST1"]})
    (message,) = messages(evaluate("DR-RES-001", mixed, intent=germany))
    assert "europe-west1" in message and "(de)" in message


def test_a_resource_without_a_known_region_is_unknown() -> None:
    (found,) = evaluate("DR-RES-001", view(RDS, "pass", None), intent=EU)
    assert found.unknown


def replicated(replica_region: str) -> list[Any]:
    return [view(BUCKET, "data", "eu-west-1", bucket="data", arn="arn:aws:s3:::data"),
            view(BUCKET, "copy", replica_region, bucket="copy", arn="arn:aws:s3:::copy"),
            view(REPLICATION, "data", bucket="data", rules=[
                {"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::copy"}}])]


def test_replicas_and_copies_stay_inside_the_residency() -> None:
    assert evaluate("DR-RES-002", replicated("eu-central-1"), intent=EU) == []
    (found,) = evaluate("DR-RES-002", replicated("us-east-1"), intent=EU)
    assert found.urn == "urn:test::data" and 'aws:s3/bucket:Bucket "copy"' in found.message
    assert "us-east-1 (us)" in found.message and "(eu)" in found.message


def test_rds_sources_and_backup_copies_are_read_from_arns() -> None:
    replica = view(RDS, "replica", "eu-central-1",
                   replicateSourceDb="arn:aws:rds:us-east-1:123456789012:db:shop")
    (rds,) = messages(evaluate("DR-RES-002", [replica], intent=EU))
    assert "us-east-1 (us)" in rds
    plan = view("aws:backup/plan:Plan", "plan", rules=[{"copyActions": [
        {"destinationVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:x"}]}])
    (copy,) = messages(evaluate("DR-RES-002", [plan], intent=EU))
    assert "us-west-2 (us)" in copy


def test_cloud_sql_masters_resolve_inside_the_stack() -> None:
    master = view(SQL, "db", "us-central1", name="shop-db")
    replica = view(SQL, "replica", "europe-west1", masterInstanceName="shop-db")
    (found,) = messages(evaluate("DR-RES-002", [master, replica],
                                 intent=Intent(residency=frozenset({"eu"}))))
    assert "us-central1 (us)" in found
    (unknown,) = evaluate("DR-RES-002", [replica], intent=Intent(residency=frozenset({"eu"})))
    assert unknown.unknown


def test_the_secondary_stack_stays_out_of_the_primary_region() -> None:
    secondary = Intent(role=Role.SECONDARY, regions=Regions("eu-west-1", "eu-central-1"))
    ok = view(RDS, "replica", "eu-central-1",
              replicateSourceDb="arn:aws:rds:eu-west-1:123456789012:db:shop")
    assert evaluate("DR-RES-003", [ok], intent=secondary) == []
    misplaced = view(RDS, "replica", "eu-west-1",
                     replicateSourceDb="arn:aws:rds:eu-west-1:123456789012:db:shop")
    found = messages(evaluate("DR-RES-003", [misplaced], intent=secondary))
    assert any("primary region eu-west-1" in m for m in found)
    assert any("replica's own region" in m for m in found)


def test_a_same_region_replica_fails_without_drkit_too() -> None:
    local = view(RDS, "replica", "eu-west-1", replicateSourceDb="shop-db")
    (message,) = messages(evaluate("DR-RES-003", [local]))
    assert "own region eu-west-1" in message

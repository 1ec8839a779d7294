"""Cloud API constraint rules (DR-API-*) on views built directly: for each rule a setting the
cloud accepts and one it refuses (or one that silently skips data), and the documentation page
every message cites."""

from __future__ import annotations

from typing import Any

import pytest

from policies.registry import RULES
from policies.testing import evaluate, messages, view

RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
GCS = "gcp:storage/bucket:Bucket"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1"
KEY = "arn:aws:kms:eu-central-1:123456789012:alias/copy"


def test_every_api_rule_cites_its_documentation_and_is_mandatory() -> None:
    api = [rule for rule in RULES if rule.id.startswith("DR-API-")]
    assert len(api) == 10
    for rule in api:
        assert rule.docs is not None and rule.docs.url.startswith("https://"), rule.id
        assert rule.enforcement is None, rule.id  # the pack's default: mandatory


# -- RDS --------------------------------------------------------------------------------------

def source(**changes: Any) -> Any:
    return view(RDS, "source", **{"identifier": "shop-db-eu-west-1", "arn": SOURCE_ARN,
                                  "engine": "postgres", "backupRetentionPeriod": 14, **changes})


def replica(**changes: Any) -> Any:
    return view(RDS, "replica", "eu-central-1", **{"replicateSourceDb": SOURCE_ARN,
                                                   "skipFinalSnapshot": True, **changes})


def test_a_replica_of_a_source_with_a_managed_password_fails() -> None:
    (message,) = messages(evaluate("DR-API-001", [source(manageMasterUserPassword=True),
                                                  replica()]))
    assert message.startswith('aws:rds/instance:Instance "source" lets Secrets Manager manage')
    assert 'the read replica aws:rds/instance:Instance "replica"' in message
    assert "rds-secrets-manager.html" in message
    assert evaluate("DR-API-001", [source(), replica()]) == []
    # Without a replica, a managed password is fine; SQL Server allows both.
    assert evaluate("DR-API-001", [source(manageMasterUserPassword=True)]) == []
    assert evaluate("DR-API-001", [source(manageMasterUserPassword=True,
                                          engine="sqlserver-ee"), replica()]) == []


@pytest.mark.parametrize("changes", [{"skipFinalSnapshot": False},
                                     {"finalSnapshotIdentifier": "replica-final"},
                                     {"skipFinalSnapshot": None}])
def test_a_replica_asking_for_a_final_snapshot_fails(changes: dict[str, Any]) -> None:
    (message,) = messages(evaluate("DR-API-002", replica(**changes)))
    assert "FinalDBSnapshotIdentifier cannot be specified when deleting a read replica" in message
    assert "API_DeleteDBInstance.html" in message


def test_a_replica_without_final_snapshot_and_a_writer_with_one_pass() -> None:
    assert evaluate("DR-API-002", replica()) == []
    assert evaluate("DR-API-002", source(skipFinalSnapshot=False,
                                         finalSnapshotIdentifier="x")) == []


def test_a_replica_source_needs_automated_backups() -> None:
    (message,) = messages(evaluate("DR-API-003", [source(backupRetentionPeriod=0), replica()]))
    assert "keeps no automated backups" in message and "USER_ReadRepl.html" in message
    assert evaluate("DR-API-003", [source(), replica()]) == []
    assert evaluate("DR-API-003", [source(backupRetentionPeriod=0)]) == []


def backup(continuous: bool, keep: int, db: Any) -> list[Any]:
    rule = {"ruleName": "r", "enableContinuousBackup": continuous, "lifecycle": {
        "deleteAfter": keep}}
    plan = view(PLAN, "plan", id="plan-1", rules=[rule])
    selection = view(SELECTION, "selection", planId="plan-1", resources=[SOURCE_ARN])
    return [plan, selection, db]


def test_continuous_backup_of_an_instance_that_pins_another_retention_fails() -> None:
    (found,) = evaluate("DR-API-004", backup(True, 35, source(backupRetentionPeriod=14)))
    assert found.urn == "urn:test::source" and "drifts" in found.message
    assert "AutomatedBackups.AWSBackup.html" in found.message
    assert evaluate("DR-API-004", backup(True, 14, source(backupRetentionPeriod=14))) == []
    assert evaluate("DR-API-004", backup(False, 35, source(backupRetentionPeriod=14))) == []


# -- S3 -----------------------------------------------------------------------------------------

DATA_ARN = "arn:aws:s3:::data"
COPY_ARN = "arn:aws:s3:::copy"


def buckets(versioned: tuple[bool, bool] = (True, True), kms: bool = False,
            rule: dict[str, Any] | None = None) -> list[Any]:
    found = [view(BUCKET, "data", bucket="data", arn=DATA_ARN),
             view(BUCKET, "copy", "eu-central-1", bucket="copy", arn=COPY_ARN)]
    for name, on in zip(("data", "copy"), versioned, strict=True):
        if on:
            found.append(view(VERSIONING, f"{name}-v", bucket=name,
                              versioningConfiguration={"status": "Enabled"}))
    if kms:
        found.append(view(SSE, "data-sse", bucket="data", rules=[{
            "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]))
    found.append(view(REPLICATION, "data-replication", bucket="data", rules=[rule or {
        "id": "all", "status": "Enabled", "destination": {"bucket": COPY_ARN}}]))
    return found


@pytest.mark.parametrize(("versioned", "which"), [((True, False), "the destination"),
                                                   ((False, True), "the source")])
def test_replication_to_or_from_an_unversioned_bucket_fails(versioned: tuple[bool, bool],
                                                            which: str) -> None:
    (message,) = messages(evaluate("DR-API-005", buckets(versioned)))
    assert f"({which} is not)" in message and "replication-requirements.html" in message
    assert evaluate("DR-API-005", buckets()) == []


KMS_RULE = {"id": "all", "status": "Enabled",
            "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
            "destination": {"bucket": COPY_ARN,
                            "encryptionConfiguration": {"replicaKmsKeyId": KEY}}}


def test_sse_kms_objects_left_out_of_replication_fail() -> None:
    (message,) = messages(evaluate("DR-API-006", buckets(kms=True)))
    assert "S3 skips every SSE-KMS object" in message
    assert "replication-config-for-kms-objects.html" in message
    assert evaluate("DR-API-006", buckets(kms=True, rule=KMS_RULE)) == []
    assert evaluate("DR-API-006", buckets()) == []  # SSE-S3 objects replicate as they are


def test_selecting_sse_kms_objects_needs_a_replica_key() -> None:
    rule = {**KMS_RULE, "destination": {"bucket": COPY_ARN}}
    (message,) = messages(evaluate("DR-API-006", buckets(kms=True, rule=rule)))
    assert "names no destination.encryptionConfiguration.replicaKmsKeyId" in message


def test_rtc_without_metrics_fails() -> None:
    rtc = {"status": "Enabled", "time": {"minutes": 15}}
    bad = view(REPLICATION, rules=[{"id": "all", "destination": {"replicationTime": rtc}}])
    (message,) = messages(evaluate("DR-API-007", bad))
    assert "without replication metrics" in message and "API_ReplicationTime.html" in message
    good = view(REPLICATION, rules=[{"id": "all", "destination": {
        "replicationTime": rtc, "metrics": {"status": "Enabled"}}}])
    assert evaluate("DR-API-007", good) == []


def test_a_backup_plan_without_a_selection_fails() -> None:
    plan = view(PLAN, "plan", id="plan-1", rules=[{"ruleName": "r", "copyActions": [
        {"destinationVaultArn": "arn:aws:backup:eu-central-1:123456789012:backup-vault:v"}]}])
    (message,) = messages(evaluate("DR-API-008", [plan]))
    assert "copies recovery points to another region but has no aws.backup.Selection" in message
    assert "assigning-resources.html" in message
    selection = view(SELECTION, "selection", planId="plan-1", resources=[DATA_ARN])
    assert evaluate("DR-API-008", [plan, selection]) == []


# -- GCP ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("bucket", "fails"), [
    ({"location": "EU"}, True), ({"location": "EUROPE-WEST1"}, True),
    ({"location": "EUR4"}, False),
    ({"location": "EU", "customPlacementConfig": {"dataLocations": ["EUROPE-WEST1",
                                                                   "EUROPE-WEST4"]}}, False)])
def test_turbo_replication_only_on_dual_regions(bucket: dict[str, Any], fails: bool) -> None:
    found = messages(evaluate("DR-API-009", view(GCS, rpo="ASYNC_TURBO", **bucket)))
    assert bool(found) is fails
    assert not found or "availability-durability#turbo-replication" in found[0]


@pytest.mark.parametrize(("edition", "fails"), [("ENTERPRISE", True), (None, True),
                                                ("ENTERPRISE_PLUS", False)])
def test_advanced_disaster_recovery_needs_enterprise_plus(edition: str | None,
                                                          fails: bool) -> None:
    settings = {"edition": edition} if edition else {}
    primary = view(SQL, replicationCluster={"failoverDrReplicaName": "shop-db-dr"},
                   settings=settings)
    found = messages(evaluate("DR-API-010", primary))
    assert bool(found) is fails
    assert not found or "use-advanced-disaster-recovery" in found[0]
    assert evaluate("DR-API-010", view(SQL, settings={"edition": "ENTERPRISE"})) == []

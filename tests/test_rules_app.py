"""App rules: the primary's data stores have replicas in the secondary, pointing back."""

from __future__ import annotations

from typing import Any

from drkit_core.intent import Intent, Role, Tier
from policies.testing import evaluate, view

RDS = "aws:rds/instance:Instance"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
ARN = "arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1"
WARM = Intent(app="shop", tier=Tier.WARM_STANDBY)


def stacks(replica_source: str | None = ARN, **extra: Any) -> dict[str, list[Any]]:
    primary = [view(RDS, "db", identifier="shop-db-eu-west-1", arn=ARN)]
    secondary = [view(RDS, "db", "eu-central-1", identifier="shop-db-eu-central-1",
                      replicateSourceDb=replica_source)]
    return {"primary": primary, "secondary": secondary, **extra}


def test_a_replicated_app_passes() -> None:
    assert evaluate("DR-APP-001", stacks=stacks(), intent=WARM) == []
    assert evaluate("DR-APP-002", stacks=stacks(), intent=WARM) == []


def test_a_primary_database_without_replica_fails() -> None:
    (found,) = evaluate("DR-APP-001", stacks=stacks(replica_source=None), intent=WARM)
    assert found.stack == "primary" and "no replica in the secondary stack" in found.message
    cold = Intent(app="shop", tier=Tier.BACKUP_RESTORE)
    assert evaluate("DR-APP-001", stacks=stacks(replica_source=None), intent=cold) == []


def test_a_replica_of_something_else_fails() -> None:
    other = "arn:aws:rds:eu-west-1:123456789012:db:legacy"
    (found,) = evaluate("DR-APP-002", stacks=stacks(replica_source=other), intent=WARM)
    assert found.stack == "secondary" and "legacy" in found.message


def test_cloud_sql_replicas_match_by_instance_name() -> None:
    pair = {"primary": [view(SQL, "db", "europe-west1", name="shop-db")],
            "secondary": [view(SQL, "db", "europe-west4", name="shop-db-replica",
                               masterInstanceName="drkit-offline:shop-db")]}
    assert evaluate("DR-APP-001", stacks=pair, intent=WARM) == []
    assert evaluate("DR-APP-002", stacks=pair, intent=WARM) == []


def test_after_a_failover_the_secondary_holds_the_writer_and_the_primary_its_replica() -> None:
    """With drkit:active: secondary the old rules demanded a replica of the primary in the
    secondary (which is now the writer) and blocked the failover."""
    arn = "arn:aws:rds:eu-central-1:123456789012:db:shop-db-eu-central-1"
    failed_over = Intent(app="shop", tier=Tier.WARM_STANDBY, active=Role.SECONDARY)
    rebuilt = {"primary": [view(RDS, "db", identifier="shop-db-eu-west-1",
                                replicateSourceDb=arn)],
               "secondary": [view(RDS, "db", "eu-central-1", identifier="shop-db-eu-central-1",
                                  arn=arn)]}
    assert evaluate("DR-APP-001", stacks=rebuilt, intent=failed_over) == []
    assert evaluate("DR-APP-002", stacks=rebuilt, intent=failed_over) == []
    alone = {"primary": [], "secondary": rebuilt["secondary"]}
    (missing,) = evaluate("DR-APP-001", stacks=alone, intent=failed_over)
    assert missing.stack == "secondary" and "(the active region)" in missing.message
    foreign = {**rebuilt, "primary": [view(RDS, "db", replicateSourceDb=ARN)]}
    (wrong,) = evaluate("DR-APP-002", stacks=foreign, intent=failed_over)
    assert wrong.stack == "primary"

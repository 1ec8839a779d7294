"""GCP API constraints: settings every offline check accepts but Google Cloud refuses at the
first real ``pulumi up``. Each rule cites its documentation page in its messages and is
mandatory by default (see policies/rules/api_aws.py)."""

from __future__ import annotations

from collections.abc import Iterator

from drkit_core import regions
from drkit_core.findings import Severity
from policies.model import Context, Doc, ResourceView, Rule
from policies.rules.refs import CLOUD_SQL

GCS_BUCKET = "gcp:storage/bucket:Bucket"

TURBO = Doc("Cloud Storage documentation, Data availability and durability (turbo replication)",
            "https://cloud.google.com/storage/docs/availability-durability#turbo-replication")
ADVANCED_DR = Doc("Cloud SQL for PostgreSQL documentation, Use advanced disaster recovery (DR)",
                  "https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery")


def dual_region(view: ResourceView) -> bool:
    """A configurable dual-region (two ``dataLocations``) or a predefined one (EUR4...)."""
    if len(view.items("customPlacementConfig.dataLocations")) == 2:
        return True
    location = view.get("location")
    found = regions.lookup(str(location), "gcp") if location else None
    return found is not None and found.kind == "dual-region"


def turbo_dual_region(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.get("rpo") == "ASYNC_TURBO" and not dual_region(view):
        yield (f"{view.label} asks for turbo replication (rpo ASYNC_TURBO) in "
               f"{view.get('location')}, which is no dual-region: Cloud Storage offers turbo "
               "replication on dual-region buckets only; use a dual-region (two "
               f"custom_placement_config.data_locations, or EUR4, NAM4...) {TURBO.cite()}")


def advanced_dr_edition(view: ResourceView, ctx: Context) -> Iterator[str]:
    cluster = view.get("replicationCluster")
    if not cluster:
        return
    edition = view.get("settings.edition") or "ENTERPRISE"
    if edition != "ENTERPRISE_PLUS":
        yield (f"{view.label} sets replicationCluster (advanced disaster recovery: a DR replica, "
               f"replica failover, switchover) on the {edition} edition: Cloud SQL supports "
               "advanced DR on Enterprise Plus instances only; set settings.edition "
               "ENTERPRISE_PLUS on the primary and its DR replica, or fail over by promoting "
               f"the replica {ADVANCED_DR.cite()}")


RULES = (
    Rule("DR-API-009", "gcs-turbo-dual-region",
         "Ensure GCS turbo replication is asked of dual-region buckets only", Severity.HIGH,
         (GCS_BUCKET,),
         "Place the bucket in a dual-region (custom_placement_config with two regions, or a "
         "predefined one such as EUR4) or set rpo DEFAULT.", turbo_dual_region, docs=TURBO),
    Rule("DR-API-010", "cloudsql-advanced-dr-edition",
         "Ensure Cloud SQL advanced disaster recovery runs on the Enterprise Plus edition",
         Severity.HIGH, (CLOUD_SQL,),
         "Set settings.edition='ENTERPRISE_PLUS' (with a db-perf-optimized-* tier), or drop "
         "replication_cluster and promote the cross-region replica to fail over.",
         advanced_dr_edition, docs=ADVANCED_DR),
)

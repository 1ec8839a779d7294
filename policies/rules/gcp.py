"""GCP redundancy: Cloud SQL HA and recovery, geo-redundant versioned GCS, multi-region
health-checked backend services, regional self-healing instance groups."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drkit_core import regions
from drkit_core.findings import Severity
from drkit_core.intent import Role, Tier
from drkit_core.wire import is_true
from policies.model import Context, Doc, ResourceView, Rule, Scope, Unknown, Violation
from policies.rules.api_gcp import TURBO, dual_region
from policies.rules.aws_traffic import required_min
from policies.rules.refs import CLOUD_SQL, resolve

GCS_BUCKET = "gcp:storage/bucket:Bucket"
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
REGION_BACKEND_SERVICE = "gcp:compute/regionBackendService:RegionBackendService"
REGIONAL_MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
ZONAL_MIG = "gcp:compute/instanceGroupManager:InstanceGroupManager"
BACKEND_GROUPS = (REGIONAL_MIG, ZONAL_MIG,
                  "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
                  "gcp:compute/networkEndpointGroup:NetworkEndpointGroup",
                  "gcp:compute/instanceGroup:InstanceGroup")
AUTOSCALERS = ("gcp:compute/regionAutoscaler:RegionAutoscaler",
               "gcp:compute/autoscaler:Autoscaler")
_PLACE_IN_URL = re.compile(r"/(?:regions|zones)/([a-z0-9-]+)/")
TURBO_RPO_SECONDS = 15 * 60
"""Turbo replication's bound: 100% of new objects in both regions within 15 minutes."""
DELETION_PROTECTION = Doc("Cloud SQL for PostgreSQL documentation, Prevent deletion of an "
                          "instance",
                          "https://cloud.google.com/sql/docs/postgres/deletion-protection")


def cloudsql_regional(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.get("masterInstanceName"):
        return  # read replicas cannot be REGIONAL themselves; the primary must be
    if view.get("settings.availabilityType") != "REGIONAL":
        yield (f"{view.label} runs in one zone: set settings.availabilityType: REGIONAL for a "
               "standby in another zone")


def cloudsql_recovery(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.get("masterInstanceName"):
        return
    if not is_true(view.get("settings.backupConfiguration.enabled")):
        yield f"{view.label} takes no automated backups: set settings.backupConfiguration.enabled"
        return
    pitr = view.get("settings.backupConfiguration.pointInTimeRecoveryEnabled")
    binlog = view.get("settings.backupConfiguration.binaryLogEnabled")
    if not (is_true(pitr) or is_true(binlog)):
        yield (f"{view.label} cannot be restored to a point in time: set settings."
               "backupConfiguration.pointInTimeRecoveryEnabled (binaryLogEnabled for MySQL)")


def gcs_versioning(view: ResourceView, ctx: Context) -> Iterator[str]:
    if not is_true(view.get("versioning.enabled")):
        yield f"{view.label} is not versioned: set versioning.enabled: true"


def single_region(view: ResourceView) -> bool:
    """The bucket is stored in one region (not dual-region, not multi-region)."""
    location = view.get("location")
    if len(view.items("customPlacementConfig.dataLocations")) >= 2:
        return False
    found = regions.lookup(str(location), "gcp") if location else None
    return found is None or found.kind == "region"


def gcs_geo_redundant(view: ResourceView, ctx: Context) -> Iterator[str]:
    if single_region(view):
        yield (f"{view.label} is stored in the single region {view.get('location')}: use a "
               "dual-region or multi-region location (e.g. EU, EUR4) so it survives the loss "
               "of a region")


def gcs_turbo(view: ResourceView, ctx: Context) -> Iterator[str]:
    rpo = ctx.intent.rpo_seconds
    if rpo is None or rpo > TURBO_RPO_SECONDS or view.get("rpo") == "ASYNC_TURBO":
        return
    if single_region(view):
        return  # nothing replicates at all: DR-GCP-004's finding
    where = "dual-region" if dual_region(view) else "bucket (turbo needs a dual-region one)"
    yield (f"{view.label} replicates with default replication (most objects within an hour, "
           f"all within 12), but the RPO is {rpo // 60} minutes: set rpo ASYNC_TURBO on this "
           f"{where}, which copies every new object to both regions within 15 minutes "
           f"{TURBO.cite()}")


def cloudsql_deletion_protection(view: ResourceView, ctx: Context) -> Iterator[str]:
    if not is_true(view.get("settings.deletionProtectionEnabled")):
        yield (f"{view.label} can be deleted by one API call, from any tool: set "
               "settings.deletion_protection_enabled (Cloud SQL's own guard; the provider's "
               "deletion_protection only guards against Pulumi, as protect does) "
               f"{DELETION_PROTECTION.cite()}")


def autoscaler_min_capacity(view: ResourceView, ctx: Context) -> Iterator[str]:
    needed, reason = required_min(ctx)
    size = view.get("autoscalingPolicy.minReplicas")
    if needed and (size is None or int(size) < needed):
        yield (f"{view.label} keeps minReplicas {size if size is not None else 0}: {reason}, "
               f"so keep at least {needed} instances (an empty group gives the autoscaler no "
               "signal to scale out from)")


def backend_health_check(view: ResourceView, ctx: Context) -> Iterator[str]:
    if not view.items("healthChecks"):
        yield f"{view.label} has no health check: set healthChecks"


def _group_region(ctx: Context, service: ResourceView, group: object) -> str | None:
    if isinstance(group, str):
        match = _PLACE_IN_URL.search(group)
        if match:
            place = regions.lookup(match[1], "gcp")
            return place.name if place else match[1]
    found = resolve(ctx, service, "backends", group, BACKEND_GROUPS)
    return found.region if found else None


def backend_multi_region(ctx: Context) -> Iterator[Violation]:
    minimum = int(ctx.config["minRegions"])
    for service in (r for r in ctx.resources if r.type == BACKEND_SERVICE):
        try:
            groups = [b.get("group") for b in service.items("backends") if isinstance(b, dict)]
            places = [_group_region(ctx, service, g) for g in groups]
        except Unknown as unknown:
            yield Violation(str(unknown), service.urn, unknown=True)
            continue
        known = {p for p in places if p}
        if len(known) >= minimum:
            continue
        if len(known) + places.count(None) >= minimum:
            yield Violation(f"{service.label} has backends this stack does not declare: their "
                            "regions cannot be checked", service.urn, unknown=True)
            continue
        shown = ", ".join(sorted(known)) or "none"
        yield Violation(f"{service.label} has backends in {len(known)} region(s) ({shown}): "
                        f"serve from at least {minimum} regions", service.urn)


def mig_autohealing(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.type == ZONAL_MIG:
        yield (f"{view.label} is zonal: use a RegionInstanceGroupManager so the group survives "
               "the loss of a zone")
        return
    if not view.get("autoHealingPolicies.healthCheck"):
        yield (f"{view.label} does not replace unhealthy instances: set autoHealingPolicies "
               "with a health check")


RULES = (
    Rule("DR-GCP-001", "cloudsql-regional-ha", "Ensure Cloud SQL primaries are regional (HA)",
         Severity.HIGH, (CLOUD_SQL,), "Set settings.availability_type='REGIONAL'.",
         cloudsql_regional),
    Rule("DR-GCP-002", "cloudsql-backups-pitr",
         "Ensure Cloud SQL takes backups with point-in-time recovery", Severity.HIGH,
         (CLOUD_SQL,), "Set settings.backup_configuration={'enabled': True, "
         "'point_in_time_recovery_enabled': True} (binary_log_enabled for MySQL).",
         cloudsql_recovery),
    Rule("DR-GCP-003", "gcs-versioning", "Ensure GCS buckets are versioned", Severity.HIGH,
         (GCS_BUCKET,), "Set versioning={'enabled': True}.", gcs_versioning),
    Rule("DR-GCP-004", "gcs-geo-redundant",
         "Ensure GCS buckets are dual-region or multi-region", Severity.HIGH, (GCS_BUCKET,),
         "Set location to a multi-region (EU, US) or dual-region (EUR4, NAM4), or "
         "custom_placement_config with two regions.", gcs_geo_redundant),
    Rule("DR-GCP-005", "backend-service-health-check",
         "Ensure backend services have a health check", Severity.HIGH,
         (BACKEND_SERVICE, REGION_BACKEND_SERVICE),
         "Set health_checks to a compute health check.", backend_health_check),
    Rule("DR-GCP-006", "backend-service-multi-region",
         "Ensure global backend services serve from several regions", Severity.HIGH,
         (BACKEND_SERVICE, *BACKEND_GROUPS),
         "Add backends (instance groups or NEGs) of at least two regions.",
         backend_multi_region, scope=Scope.STACK,
         config={"minRegions": {"type": "integer", "minimum": 2, "default": 2,
                                "description": "Fewest regions with backends"}}),
    Rule("DR-GCP-008", "gcs-turbo-replication",
         "Ensure GCS buckets use turbo replication when the RPO is 15 minutes or less",
         Severity.HIGH, (GCS_BUCKET,),
         "Set rpo='ASYNC_TURBO' on a dual-region bucket.", gcs_turbo,
         config={"rpo": {"type": "string", "description": "RPO (e.g. 15m) when the stack has "
                         "no drkit:rpo"}}, docs=TURBO),
    Rule("DR-GCP-009", "mig-autoscaler-min-capacity",
         "Ensure instance group autoscalers keep the minimum capacity their role and tier need",
         Severity.HIGH, AUTOSCALERS,
         "Raise autoscaling_policy.min_replicas: the active region (drkit:active) and "
         "active-active regions keep minPrimary (2), a warm standby minWarmStandby (1); "
         "pilot-light and backup-restore passive regions may keep 0.",
         autoscaler_min_capacity,
         config={"minPrimary": {"type": "integer", "minimum": 1, "default": 2,
                                "description": "Fewest instances of the active region or an "
                                               "active-active region"},
                 "minWarmStandby": {"type": "integer", "minimum": 0, "default": 1,
                                    "description": "Fewest instances of a warm standby"},
                 "role": {"type": "string", "enum": [r.value for r in Role],
                          "description": "Role when the stack has no drkit:role (default "
                                         "primary)"},
                 "tier": {"type": "string", "enum": [t.value for t in Tier],
                          "description": "Tier when the stack has no drkit:tier"}}),
    Rule("DR-GCP-010", "cloudsql-deletion-protection",
         "Ensure Cloud SQL instances have Cloud SQL's deletion protection", Severity.MEDIUM,
         (CLOUD_SQL,), "Set settings.deletion_protection_enabled=True.",
         cloudsql_deletion_protection, docs=DELETION_PROTECTION),
    Rule("DR-GCP-007", "mig-regional-autohealing",
         "Ensure managed instance groups are regional and autohealing", Severity.MEDIUM,
         (REGIONAL_MIG, ZONAL_MIG),
         "Use compute.RegionInstanceGroupManager with auto_healing_policies={'health_check': "
         "..., 'initial_delay_sec': 300}.", mig_autohealing),
)

"""GCP redundancy: Cloud SQL HA and recovery, geo-redundant versioned GCS, multi-region
health-checked backend services, regional self-healing instance groups."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drkit_core import regions
from drkit_core.findings import Severity
from drkit_core.wire import is_true
from policies.model import Context, ResourceView, Rule, Scope, Unknown, Violation
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
_PLACE_IN_URL = re.compile(r"/(?:regions|zones)/([a-z0-9-]+)/")


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


def gcs_geo_redundant(view: ResourceView, ctx: Context) -> Iterator[str]:
    location = view.get("location")
    placed = view.items("customPlacementConfig.dataLocations")
    if len(placed) >= 2:
        return
    found = regions.lookup(str(location), "gcp") if location else None
    if found is not None and found.kind != "region":
        return
    yield (f"{view.label} is stored in the single region {location}: use a dual-region or "
           "multi-region location (e.g. EU, EUR4) so it survives the loss of a region")


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
    Rule("DR-GCP-007", "mig-regional-autohealing",
         "Ensure managed instance groups are regional and autohealing", Severity.MEDIUM,
         (REGIONAL_MIG, ZONAL_MIG),
         "Use compute.RegionInstanceGroupManager with auto_healing_policies={'health_check': "
         "..., 'initial_delay_sec': 300}.", mig_autohealing),
)

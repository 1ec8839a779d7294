"""GCP data stores and what protects them: Cloud SQL and Cloud Storage."""

from __future__ import annotations

from collections.abc import Sequence

from drkit_core import regions
from drkit_core.recovery.figures import Figures
from drkit_core.recovery.protection import DataStore, Kind, Protection
from drkit_core.recovery.view import Viewable, block, get, items, known, number
from drkit_core.wire import is_true

CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"
GCS_BUCKET = "gcp:storage/bucket:Bucket"


def _backup_place(view: Viewable) -> str:
    """Where Cloud SQL keeps backups: the location set, else the multi-region around the
    instance (Cloud SQL's default), which is never the instance's region alone."""
    location = get(view, "settings.backupConfiguration.location")
    if isinstance(location, str) and location:
        return location
    found = regions.lookup(view.region or "", "gcp")
    return f"the multi-region around {found.name}" if found else "a multi-region"


def cloud_sql(view: Viewable, stack: str, resources: Sequence[Viewable],
              figures: Figures) -> DataStore:
    master = get(view, "masterInstanceName")
    store = DataStore(view, stack, "cloudsql", view.region, replicates=master or None,
                      needs_promotion=bool(master))
    if get(view, "settings.availabilityType") == "REGIONAL":
        store.zone_redundant = "Cloud SQL HA (REGIONAL) synchronous standby"
    backups = block(get(view, "settings.backupConfiguration"))
    if not master and is_true(backups.get("enabled")):
        kept = number(block(backups.get("backupRetentionSettings")).get("retainedBackups")) or 7
        place = _backup_place(view)
        store.protections.append(Protection(
            Kind.BACKUP_COPY, f"Cloud SQL daily backups of {view.name} in {place} "
            f"({kept} kept)", 86400, "one automated backup a day",
            region=place if place != view.region else None))
        if is_true(backups.get("pointInTimeRecoveryEnabled")) or is_true(
                backups.get("binaryLogEnabled")):
            days = number(backups.get("transactionLogRetentionDays")) or 7
            store.protections.append(Protection(
                Kind.PITR, f"Cloud SQL point-in-time recovery ({days} days) of {view.name}",
                figures.seconds("cloudsql.pitr"), figures["cloudsql.pitr"].cited))
    return store


def _data_locations(view: Viewable) -> list[str]:
    """The regions a bucket's data lives in (two for a dual-region, members of a
    multi-region); one for a regional bucket."""
    placed = [str(p).lower() for p in items(view, "customPlacementConfig.dataLocations")]
    if placed:
        return placed
    location = str(known(view.props.get("location")) or "")
    found = regions.lookup(location, "gcp")
    if found is None:
        return [location.lower()] if location else []
    return list(found.members) or [found.name]


def gcs_bucket(view: Viewable, stack: str, resources: Sequence[Viewable],
               figures: Figures) -> DataStore:
    places = _data_locations(view)
    # A dual- or multi-region bucket lives in several regions: no single region takes it down.
    store = DataStore(view, stack, "gcs", None if len(places) > 1 else (
                          places[0] if places else view.region),
                      zone_redundant="Cloud Storage keeps objects in several zones")
    if len(places) > 1:
        turbo = get(view, "rpo") == "ASYNC_TURBO"
        key = "gcs.turbo_replication" if turbo else "gcs.default_replication"
        what = "turbo replication" if turbo else "default replication"
        for place in places:
            store.protections.append(Protection(
                Kind.REPLICATED_STORAGE, f"Cloud Storage {what} of {view.name} to {place}",
                figures.seconds(key), figures[key].cited, region=place))
    if is_true(get(view, "versioning.enabled")):
        days = [number(block(rule.get("condition")).get("daysSinceNoncurrentTime"))
                for rule in items(view, "lifecycleRules") if isinstance(rule, dict)]
        kept = min((d for d in days if d), default=None)
        note = f" (noncurrent versions kept {kept} days)" if kept else ""
        store.protections.append(Protection(
            Kind.VERSIONS, f"Cloud Storage object versions of {view.name}{note}", 0,
            "every overwritten or deleted object keeps a noncurrent version"))
    return store


BUILDERS = {CLOUD_SQL: cloud_sql, GCS_BUCKET: gcs_bucket}

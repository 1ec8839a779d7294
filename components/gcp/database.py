"""Replicated database: Cloud SQL for PostgreSQL, regional (HA) in the primary region, with a
cross-region read replica in the secondary region that can be promoted to take over.

The primary stack creates the primary instance: ``availability_type="REGIONAL"`` (a standby in
another zone, synchronous), automated daily backups kept in a location that survives the loss
of the region, point-in-time recovery from the transaction logs, deletion protection in both
Pulumi and the Cloud SQL API, private IP only (private service access on the app's VPC), TLS
with a trusted client certificate required, and the logging and audit flags of
:data:`DATABASE_FLAGS` (the replica gets the same). The secondary stack creates the replica
from the primary's *name* (read through a StackReference; Cloud SQL replicas name their master,
unlike RDS's ARN), on the same VPC.

Choices to know about:

- The replica's availability, by tier (:data:`REPLICA_AVAILABILITY`): REGIONAL for warm
  standby and active-active, so the promoted replica is HA from its first minute; ZONAL for
  pilot light (half the cost), made REGIONAL after promotion.
- ``replica_configuration.failover_target`` is left unset: it designates a legacy MySQL
  failover replica in the *same* region and Cloud SQL rejects it for PostgreSQL. Cross-region
  DR for PostgreSQL is promotion of the replica.
- Read replicas take no backups (Cloud SQL does not allow it); a promoted replica does.
- ``ssl_mode`` defaults to ``TRUSTED_CLIENT_CERTIFICATE_REQUIRED``: clients connect through
  the Cloud SQL Auth Proxy or a Cloud SQL connector, which present a short-lived certificate
  tied to an IAM identity (IAM database authentication needs them anyway); a direct client needs
  a client certificate issued by the instance. ``ENCRYPTED_ONLY`` still requires TLS but checks
  no client certificate.
- The default flags log every connection and statement duration (Cloud Logging volume grows
  with traffic; use a connection pool) and audit DDL and role changes with pgAudit. Run
  ``CREATE EXTENSION pgaudit;`` in each database to audit it.
- A customer-managed key (``kms_key_name``) must live in the instance's own region, so each
  stack names its own key.

Failover without fighting the state: set ``promote=True`` in the secondary (the template's
``failover`` setting) and run ``pulumi up`` there. That drops ``master_instance_name`` and sets
``instance_type="CLOUD_SQL_INSTANCE"``, which the provider performs as a promotion, and gives
the instance the primary's settings (REGIONAL, backups, PITR), so the next ``pulumi up`` does
not undo the failover.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.base import ConfigError, DrSettings, invalid, raise_problems
from components.gcp.common import home_provider, labels
from components.gcp.network import NetworkRefs
from drkit_core import regions
from drkit_core.intent import DrIntent, Role, Tier

REPLICA_AVAILABILITY = {
    Tier.PILOT_LIGHT: "ZONAL",
    Tier.WARM_STANDBY: "REGIONAL",
    Tier.ACTIVE_ACTIVE: "REGIONAL",
}
"""The secondary replica's availability type, by tier. Backup-restore runs no replica."""

LOG_RETENTION_DAYS = {"ENTERPRISE": 7, "ENTERPRISE_PLUS": 35}
"""Longest transaction-log retention (the point-in-time recovery window) per edition."""

TIER_PREFIX = {"ENTERPRISE": "db-custom-", "ENTERPRISE_PLUS": "db-perf-optimized-"}
"""Machine tiers each edition accepts (shared-core tiers carry no SLA: not for DR)."""

SSL_MODES = ("TRUSTED_CLIENT_CERTIFICATE_REQUIRED", "ENCRYPTED_ONLY")
"""TLS modes allowed: both refuse unencrypted connections; the first also requires a client
certificate (the Auth Proxy's and connectors' own, or one issued by the instance)."""

DATABASE_FLAGS: Mapping[str, str] = MappingProxyType({
    "cloudsql.iam_authentication": "on",
    "cloudsql.enable_pgaudit": "on",
    "pgaudit.log": "ddl,role",
    "log_checkpoints": "on",
    "log_connections": "on",
    "log_disconnections": "on",
    "log_duration": "on",
    "log_hostname": "on",
    "log_lock_waits": "on",
    "log_min_error_statement": "error",
    "log_min_messages": "warning",
    "log_statement": "ddl",
})
"""PostgreSQL flags of the primary and its replica: IAM database authentication, and the logs
an incident review or a failover post-mortem needs (CIS GCP 6.2; checkov CKV_GCP_51-54,
CKV_GCP_108-111, CKV2_GCP_13). Who connected and from where, how long statements ran,
checkpoints and lock waits, failing statements (``error`` and worse), schema changes
(``log_statement=ddl``; ``mod`` or ``all`` would log data-changing statements, values
included) and, through pgAudit, DDL and role/privilege changes as Cloud Audit Logs."""

_INSTANCE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,96}[a-z0-9]$")
_START_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_VERSION = re.compile(r"^POSTGRES_\d+$")
_FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


@dataclass(frozen=True)
class DatabaseArgs:
    """Inputs of :class:`ReplicatedDatabase`."""

    network: NetworkRefs
    """Private IP on this VPC; the instance waits for its private service access."""
    master_instance_name: pulumi.Input[str] | None = None
    """Secondary role only: name of the primary instance to replicate."""
    tier: str = "db-custom-2-7680"
    """Machine tier: one that carries production load, as the replica must once promoted."""
    edition: str = "ENTERPRISE"
    """ENTERPRISE or ENTERPRISE_PLUS (longer PITR window, db-perf-optimized-* tiers)."""
    database_version: str = "POSTGRES_18"
    """PostgreSQL major version: the latest Cloud SQL offers (checkov CKV_GCP_79). Changing it
    later is an in-place major version upgrade: rehearse it on a clone, and keep the replica on
    the primary's version."""
    disk_size_gb: int = 50
    disk_autoresize_limit_gb: int = 500
    """Storage grows automatically up to here, so a full disk does not become the disaster."""
    retained_backups: int = 14
    """Automated daily backups to keep: 7 to 365."""
    transaction_log_retention_days: int = 7
    """Point-in-time recovery window: 1-7 days (ENTERPRISE), 1-35 (ENTERPRISE_PLUS)."""
    backup_start_time: str = "02:00"
    """UTC start of the daily backup window (HH:MM)."""
    backup_location: str | None = None
    """Where backups are stored. Default: the multi-region around the instance's region when
    it lies inside drkit:residency (``eu``), else the other DR region. Never the instance's own
    region alone: those backups would go down with it."""
    db_name: str = "app"
    """A database created in the primary (replicas inherit it)."""
    kms_key_name: pulumi.Input[str] | None = None
    """Customer-managed key in this stack's region (Cloud SQL's service agent must be allowed
    to use it); Google-managed encryption when None."""
    replica_availability: str | None = None
    """Override :data:`REPLICA_AVAILABILITY` (ZONAL or REGIONAL) for the secondary's replica."""
    promote: bool = False
    """Secondary only: promote the replica to a standalone primary (failover)."""
    ssl_mode: str = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    """TLS for every connection, with a client certificate (see :data:`SSL_MODES`)."""
    database_flags: Mapping[str, str] | None = None
    """Flags merged over :data:`DATABASE_FLAGS` (a name given here replaces its default, e.g.
    ``{"log_statement": "mod"}``); None keeps the defaults. The replica gets the same."""

    def __post_init__(self) -> None:
        problems = []
        if self.edition not in TIER_PREFIX:
            problems.append(invalid("DatabaseArgs.edition", self.edition,
                                    "allowed: ENTERPRISE, ENTERPRISE_PLUS"))
        elif not self.tier.startswith(TIER_PREFIX[self.edition]):
            problems.append(invalid("DatabaseArgs.tier", self.tier, f"allowed for {self.edition}:"
                                    f" a dedicated-core tier {TIER_PREFIX[self.edition]}*"))
        else:
            longest = LOG_RETENTION_DAYS[self.edition]
            if not 1 <= self.transaction_log_retention_days <= longest:
                problems.append(invalid("DatabaseArgs.transaction_log_retention_days",
                                        self.transaction_log_retention_days,
                                        f"allowed: 1 to {longest} for {self.edition}"))
        if not _VERSION.match(self.database_version):
            problems.append(invalid("DatabaseArgs.database_version", self.database_version,
                                    "allowed: a PostgreSQL version such as POSTGRES_18"))
        if self.ssl_mode not in SSL_MODES:
            problems.append(invalid("DatabaseArgs.ssl_mode", self.ssl_mode,
                                    f"allowed: {', '.join(SSL_MODES)}"))
        problems += _flag_problems(self.database_flags)
        if not 7 <= self.retained_backups <= 365:
            problems.append(invalid("DatabaseArgs.retained_backups", self.retained_backups,
                                    "allowed: 7 to 365 (a week of daily backups at least)"))
        if not _START_TIME.match(self.backup_start_time):
            problems.append(invalid("DatabaseArgs.backup_start_time", self.backup_start_time,
                                    "allowed: HH:MM in UTC, e.g. 02:00"))
        if not 10 <= self.disk_size_gb <= self.disk_autoresize_limit_gb:
            problems.append(invalid(
                "DatabaseArgs.disk_size_gb", self.disk_size_gb,
                f"allowed: 10 to disk_autoresize_limit_gb ({self.disk_autoresize_limit_gb})"))
        if self.replica_availability not in (None, "ZONAL", "REGIONAL"):
            problems.append(invalid("DatabaseArgs.replica_availability",
                                    self.replica_availability, "allowed: ZONAL, REGIONAL"))
        raise_problems(problems)


def _flag_problems(flags: Mapping[str, str] | None) -> list[str]:
    if flags is None:
        return []
    if not isinstance(flags, Mapping):
        return [invalid("DatabaseArgs.database_flags", flags, "allowed: a mapping of flag "
                        "names to values, or None")]
    return [invalid(f"DatabaseArgs.database_flags[{name!r}]", value, "allowed: a Cloud SQL "
                    "flag name (lower-case, e.g. log_statement or pgaudit.log) with a "
                    "non-empty string value")
            for name, value in flags.items()
            if not (isinstance(name, str) and _FLAG_NAME.match(name)
                    and isinstance(value, str) and value)]


def database_flags(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """:data:`DATABASE_FLAGS` with ``overrides`` merged over them, sorted by name (a stable
    order, so a reordered mapping is not a diff)."""
    merged = {**DATABASE_FLAGS, **(overrides or {})}
    return dict(sorted(merged.items()))


class ReplicatedDatabase(pulumi.ComponentResource):
    """The primary instance (primary role) or its cross-region replica (secondary role)."""

    def __init__(self, name: str, settings: DrSettings, args: DatabaseArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        home_provider("ReplicatedDatabase", opts)
        intent = settings.intent
        region, backup_location = _check(name, intent, args)
        super().__init__("drkit:gcp:ReplicatedDatabase", name, None, opts)
        replica = intent.role is Role.SECONDARY and not args.promote
        common: dict[str, Any] = dict(
            name=f"{name}-{region}", region=region, database_version=args.database_version,
            deletion_protection=True, encryption_key_name=args.kms_key_name)
        if replica:
            availability = args.replica_availability or REPLICA_AVAILABILITY[intent.tier]
            self.instance = gcp.sql.DatabaseInstance(
                f"{name}-db", master_instance_name=args.master_instance_name,
                instance_type="READ_REPLICA_INSTANCE",
                settings=_settings(settings, args, availability, backups=None),
                opts=settings.stateful(self, depends_on=list(args.network.ready)), **common)
        else:
            backups = gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
                enabled=True, start_time=args.backup_start_time, location=backup_location,
                point_in_time_recovery_enabled=True,
                transaction_log_retention_days=args.transaction_log_retention_days,
                backup_retention_settings=gcp.sql.
                DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                    retained_backups=args.retained_backups, retention_unit="COUNT"))
            self.instance = gcp.sql.DatabaseInstance(
                f"{name}-db", instance_type="CLOUD_SQL_INSTANCE",
                settings=_settings(settings, args, "REGIONAL", backups),
                opts=settings.stateful(self, depends_on=list(args.network.ready)), **common)
        if intent.role is Role.PRIMARY:
            gcp.sql.Database(f"{name}-{args.db_name}", name=args.db_name,
                             instance=self.instance.name, opts=settings.stateful(self))

        self.instance_name = self.instance.name
        self.connection_name = self.instance.connection_name
        self.private_ip = self.instance.private_ip_address
        self.register_outputs({"instance_name": self.instance_name,
                               "connection_name": self.connection_name,
                               "private_ip": self.private_ip})


def _settings(settings: DrSettings, args: DatabaseArgs, availability: str,
              backups: gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs | None
              ) -> gcp.sql.DatabaseInstanceSettingsArgs:
    sql = gcp.sql
    return sql.DatabaseInstanceSettingsArgs(
        tier=args.tier, edition=args.edition, availability_type=availability,
        deletion_protection_enabled=True,
        retain_backups_on_delete=True if backups is not None else None,
        disk_type="PD_SSD", disk_size=args.disk_size_gb, disk_autoresize=True,
        disk_autoresize_limit=args.disk_autoresize_limit_gb,
        backup_configuration=backups,
        ip_configuration=sql.DatabaseInstanceSettingsIpConfigurationArgs(
            ipv4_enabled=False, private_network=args.network.network,
            ssl_mode=args.ssl_mode),
        database_flags=[sql.DatabaseInstanceSettingsDatabaseFlagArgs(name=name, value=value)
                        for name, value in database_flags(args.database_flags).items()],
        maintenance_window=sql.DatabaseInstanceSettingsMaintenanceWindowArgs(
            day=7, hour=3, update_track="stable"),
        insights_config=sql.DatabaseInstanceSettingsInsightsConfigArgs(
            query_insights_enabled=True),
        user_labels=labels(settings))


def default_backup_location(region: str, other_region: str,
                            residency: frozenset[str]) -> str:
    """The GCS multi-region around ``region`` when it lies inside the residency (backups there
    survive the loss of the region), else the other DR region."""
    for name in ("EU", "US", "ASIA"):
        location = regions.lookup(name, "gcp")
        if location and region in location.members and regions.within(name, residency):
            return name.lower()
    return other_region


def _check(name: str, intent: DrIntent, args: DatabaseArgs) -> tuple[str, str]:
    """Validate what depends on the stack's role; returns (region, backup location)."""
    problems = []
    region = intent.region
    if region is None:
        raise ConfigError(["ReplicatedDatabase: drkit:role: \"global\" is not valid; a database "
                           "lives in the primary or the secondary stack"])
    if not _INSTANCE_NAME.match(f"{name}-{region}"):
        problems.append(invalid("ReplicatedDatabase name", name, "allowed: lower-case letters, "
                                "digits and dashes, starting with a letter (it names the "
                                "instance with its region, 98 characters at most)"))
    if intent.role is Role.PRIMARY:
        if args.master_instance_name is not None:
            problems.append(invalid("DatabaseArgs.master_instance_name", "<set>", "allowed: "
                                    "only in the secondary stack (the primary is the master)"))
        if args.promote:
            problems.append(invalid("DatabaseArgs.promote", True,
                                    "allowed: only in the secondary stack"))
    else:
        if intent.tier is Tier.BACKUP_RESTORE:
            problems.append(invalid("drkit:tier", intent.tier.value, "a backup-restore "
                                    "secondary runs no replica; restore a backup of the "
                                    "primary into the secondary region instead"))
        if args.master_instance_name is None and not args.promote:
            problems.append(invalid("DatabaseArgs.master_instance_name", None, "required in "
                                    "the secondary stack: the primary instance's name"))
    location = args.backup_location or default_backup_location(
        region, intent.peer_region, intent.residency)
    inside = regions.within(location, intent.residency)
    if not inside:
        problems.append(invalid("DatabaseArgs.backup_location", location, "allowed: a "
                                "Cloud SQL backup location (region or multi-region) inside "
                                f"drkit:residency ({', '.join(sorted(intent.residency))})"))
    elif location.lower() == region:
        problems.append(invalid("DatabaseArgs.backup_location", location, "allowed: a "
                                "location other than the instance's own region, whose loss "
                                "would take the backups with it"))
    raise_problems(problems)
    return region, location

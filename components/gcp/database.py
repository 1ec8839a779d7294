"""Replicated database: Cloud SQL for PostgreSQL in each region; the writable primary where
``drkit:active`` says, a cross-region read replica of it in the other region.

The component is the same in both regional stacks; what it declares follows the switch:

- active region: the primary. ``availability_type="REGIONAL"`` (a standby in another zone,
  synchronous) whatever the tier, automated daily backups kept in a location that survives the
  loss of the region, point-in-time recovery from the transaction logs, backups retained and a
  final backup taken if the instance is ever deleted, private IP only (private service access
  on the app's VPC), TLS with a trusted client certificate required, and the logging and audit
  flags of :data:`DATABASE_FLAGS` (the replica gets the same).
- passive region: a read replica of the active primary (``master_instance_name`` = its name,
  read from the active stack; Cloud SQL replicas name their master, unlike RDS's ARN), on the
  same VPC.

Switching ``drkit:active`` to this region promotes the replica in place: dropping
``master_instance_name`` and setting ``instance_type="CLOUD_SQL_INSTANCE"`` is a promotion for
the provider, which promotes before it turns on backups and PITR, in one update; a promoted
replica keeps its name. The reverse, making an old primary a replica of the new one once its
region is back, is a replacement (``master_instance_name`` forces it): the passive declaration
carries ``delete_before_replace`` so the new replica takes the same name, which Cloud SQL frees
as soon as the old instance is deleted ("The deleted instance name can be reused immediately",
Cloud SQL docs, "Delete instances"). The old primary's backups are retained and a final backup
is taken when it is deleted.

Deletion protection, in two places. ``settings.deletion_protection_enabled`` is Cloud SQL's own
(it stops deletion from every surface: API, gcloud, console, Pulumi): on, on every instance.
Pulumi's ``protect`` (:meth:`DrComponent.stateful`) stops Pulumi from deleting or replacing it.
The provider's own ``deletion_protection`` flag is left off: Pulumi deletes an instance with the
flag as its state holds it, so on the diverged primary it would block the rebuild with no way
to lift it short of editing the state by hand; ``protect`` does the same job and
``pulumi state unprotect`` lifts it, deliberately (the template READMEs give the steps).

Choices to know about:

- The replica's availability, by tier (:data:`REPLICA_AVAILABILITY`): REGIONAL for warm
  standby and active-active, so the promoted replica is HA from its first minute; ZONAL for
  pilot light (half the cost), made REGIONAL in the update that promotes it.
- ``replica_configuration.failover_target`` is left unset: it designates a legacy MySQL
  failover replica in the *same* region and Cloud SQL rejects it for PostgreSQL. Cross-region
  DR for PostgreSQL is promotion of the replica here; Cloud SQL's "advanced disaster recovery"
  (``replication_cluster``, a write endpoint and zero-loss switchover) needs the Enterprise Plus
  edition.
- Read replicas take no backups (Cloud SQL does not allow it); a promoted replica does.
- ``ssl_mode`` defaults to ``TRUSTED_CLIENT_CERTIFICATE_REQUIRED``: clients connect through
  the Cloud SQL Auth Proxy or a Cloud SQL connector, which present a short-lived certificate
  tied to an IAM identity (IAM database authentication needs them anyway); a direct client needs
  a client certificate issued by the instance. ``ENCRYPTED_ONLY`` still requires TLS but checks
  no client certificate.
- Databases and users live inside PostgreSQL and replicate with it; they are not declared here
  (a resource for them would have to move from instance to instance at each switch). Create
  them once in the first primary: ``gcloud sql databases create app --instance=...`` and the
  app's IAM user (``gcloud sql users create SA_EMAIL --type=cloud_iam_service_account``, the
  email without ``.gserviceaccount.com`` for PostgreSQL).
- The default flags log every connection and statement duration (Cloud Logging volume grows
  with traffic; use a connection pool) and audit DDL and role changes with pgAudit. Run
  ``CREATE EXTENSION pgaudit;`` in each database to audit it.
- A customer-managed key (``kms_key_name``) must live in the instance's own region, so each
  stack names its own key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.args import Args, arg, between, instance_of, matches, one_of, satisfies
from components.base import DrSettings
from components.gcp.common import GcpComponent
from components.gcp.network import NetworkRefs
from drkit_core import regions
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Tier

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
MAX_DISK_GB = 65536
"""The largest Cloud SQL disk (64 TB)."""


class DatabaseArgs(Args):
    """Inputs of :class:`ReplicatedDatabase`."""

    network: NetworkRefs = arg(
        doc="Private IP on this VPC; the instance waits for its private service access.",
        allowed=instance_of(NetworkRefs, "a NetworkRefs (a Network's refs)"))
    master_instance_name: pulumi.Input[str] | None = arg(
        default=None,
        doc="Passive region only: name of the active region's primary, which this region "
            "replicates.")
    tier: str = arg(
        default="db-custom-2-7680",
        doc="Machine tier: one that carries production load, as the replica must once "
            "promoted.",
        allowed=matches("db-(custom|perf-optimized)-", "a dedicated-core tier: db-custom-* "
                        "(ENTERPRISE) or db-perf-optimized-* (ENTERPRISE_PLUS)"))
    edition: str = arg(
        default="ENTERPRISE",
        doc="Cloud SQL edition: ENTERPRISE_PLUS has a longer PITR window and "
            "db-perf-optimized-* tiers.",
        allowed=one_of(*TIER_PREFIX))
    database_version: str = arg(
        default="POSTGRES_18",
        doc="PostgreSQL major version: the latest Cloud SQL offers (checkov CKV_GCP_79). "
            "Changing it later is an in-place major version upgrade: rehearse it on a clone, "
            "and keep the replica on the primary's version.",
        allowed=matches(_VERSION, "a PostgreSQL version such as POSTGRES_18"))
    disk_size_gb: int = arg(
        default=50, doc="Storage at creation (SSD); it grows automatically.",
        allowed=between(10, MAX_DISK_GB))
    disk_autoresize_limit_gb: int = arg(
        default=500,
        doc="Storage grows automatically up to here, so a full disk does not become the "
            "disaster.",
        allowed=between(10, MAX_DISK_GB))
    retained_backups: int = arg(
        default=14, doc="Automated daily backups to keep.",
        allowed=between(7, 365, why="a week of daily backups at least"))
    transaction_log_retention_days: int = arg(
        default=7,
        doc="Point-in-time recovery window: up to 7 days (ENTERPRISE) or 35 "
            "(ENTERPRISE_PLUS).",
        allowed=between(1, max(LOG_RETENTION_DAYS.values())))
    backup_start_time: str = arg(
        default="02:00", doc="UTC start of the daily backup window.",
        allowed=matches(_START_TIME, "HH:MM in UTC, e.g. 02:00"))
    backup_location: str | None = arg(
        default=None,
        doc="Where backups are stored. Default: the multi-region around the instance's "
            "region when it lies inside drkit:residency (``eu``), else the other DR region. "
            "Never the instance's own region alone: those backups would go down with it.")
    kms_key_name: pulumi.Input[str] | None = arg(
        default=None,
        doc="Customer-managed key in this stack's region (Cloud SQL's service agent must be "
            "allowed to use it); Google-managed encryption when None.")
    replica_availability: str | None = arg(
        default=None,
        doc="Override :data:`REPLICA_AVAILABILITY` for the secondary's replica.",
        allowed=one_of("ZONAL", "REGIONAL"))
    final_backup_days: int = arg(
        default=30,
        doc="Keep the final backup Cloud SQL takes when a primary is deleted (the diverged old "
            "primary of a rebuild) this long.",
        allowed=between(1, 365))
    ssl_mode: str = arg(
        default="TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
        doc="TLS for every connection, with a client certificate (see :data:`SSL_MODES`).",
        allowed=one_of(*SSL_MODES))
    database_flags: Mapping[str, str] | None = arg(
        default=None,
        doc="Flags merged over :data:`DATABASE_FLAGS` (a name given here replaces its "
            "default, e.g. ``{\"log_statement\": \"mod\"}``); None keeps the defaults. The "
            "replica gets the same.",
        allowed=satisfies(lambda v: isinstance(v, Mapping),
                          "a mapping of flag names to values, or None"))

    def check(self) -> list[str]:
        problems = []
        if not self.tier.startswith(TIER_PREFIX[self.edition]):
            problems.append(invalid(self.where("tier"), self.tier, f"allowed for "
                                    f"{self.edition}: a dedicated-core tier "
                                    f"{TIER_PREFIX[self.edition]}*"))
        longest = LOG_RETENTION_DAYS[self.edition]
        if self.transaction_log_retention_days > longest:
            problems.append(invalid(self.where("transaction_log_retention_days"),
                                    self.transaction_log_retention_days,
                                    f"allowed: 1 to {longest} for {self.edition}"))
        if self.disk_size_gb > self.disk_autoresize_limit_gb:
            problems.append(invalid(
                self.where("disk_size_gb"), self.disk_size_gb,
                f"allowed: 10 to disk_autoresize_limit_gb ({self.disk_autoresize_limit_gb})"))
        return problems + [
            invalid(f"{self.where('database_flags')}[{name!r}]", value, "allowed: a Cloud SQL "
                    "flag name (lower-case, e.g. log_statement or pgaudit.log) with a "
                    "non-empty string value")
            for name, value in (self.database_flags or {}).items()
            if not (isinstance(name, str) and _FLAG_NAME.match(name)
                    and isinstance(value, str) and value)]


def database_flags(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """:data:`DATABASE_FLAGS` with ``overrides`` merged over them, sorted by name (a stable
    order, so a reordered mapping is not a diff)."""
    merged = {**DATABASE_FLAGS, **(overrides or {})}
    return dict(sorted(merged.items()))


class ReplicatedDatabase(GcpComponent):
    """This region's database: the primary while the region is active, else a read replica of
    the active region's primary."""

    def __init__(self, name: str, settings: DrSettings, args: DatabaseArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = self.intent
        region = intent.regions.of(intent.role)
        self.active = intent.is_active
        common: dict[str, Any] = dict(
            name=f"{name}-{region}", region=region, database_version=args.database_version,
            # Pulumi's protect and Cloud SQL's own flag guard it (see the module docstring).
            deletion_protection=False, encryption_key_name=args.kms_key_name)
        if not self.active:
            availability = args.replica_availability or REPLICA_AVAILABILITY[intent.tier]
            self.instance = gcp.sql.DatabaseInstance(
                f"{name}-db", master_instance_name=args.master_instance_name,
                instance_type="READ_REPLICA_INSTANCE",
                settings=self._instance_settings(args, availability, backups=None),
                # An old primary becomes a replica by replacement, under the same name.
                opts=self.stateful(depends_on=list(args.network.ready),
                                   delete_before_replace=True,
                                   replace_on_changes=["masterInstanceName"]),
                **common)
        else:
            backups = gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
                enabled=True, start_time=args.backup_start_time,
                location=backup_location(intent, args),
                point_in_time_recovery_enabled=True,
                transaction_log_retention_days=args.transaction_log_retention_days,
                backup_retention_settings=gcp.sql.
                DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                    retained_backups=args.retained_backups, retention_unit="COUNT"))
            self.instance = gcp.sql.DatabaseInstance(
                f"{name}-db", instance_type="CLOUD_SQL_INSTANCE",
                settings=self._instance_settings(args, "REGIONAL", backups),
                opts=self.stateful(depends_on=list(args.network.ready)), **common)

        self.instance_name = self.instance.name
        self.connection_name = self.instance.connection_name
        self.private_ip = self.instance.private_ip_address
        self.register_outputs({"instance_name": self.instance_name,
                               "connection_name": self.connection_name,
                               "private_ip": self.private_ip, "primary": self.active})

    def check(self, name: str, intent: DrIntent, args: DatabaseArgs) -> list[str]:
        """The name fits the instance's; the inputs suit the region's place (active or not);
        the backups stay inside the residency and outside the instance's region."""
        problems = []
        region = intent.regions.of(intent.role)
        if not _INSTANCE_NAME.match(f"{name}-{region}"):
            problems.append(invalid("ReplicatedDatabase name", name, "allowed: lower-case "
                                    "letters, digits and dashes, starting with a letter (it "
                                    "names the instance with its region, 98 characters at "
                                    "most)"))
        if intent.is_active:
            if args.master_instance_name is not None:
                problems.append(invalid("DatabaseArgs.master_instance_name", "<set>", "allowed: "
                                        "only in the passive region (drkit:active names this "
                                        "region: it holds the primary)"))
        else:
            if intent.tier is Tier.BACKUP_RESTORE:
                problems.append(invalid("drkit:tier", intent.tier.value, "a backup-restore "
                                        "app runs no replica in its passive region; restore a "
                                        "backup of the primary into that region instead"))
            if args.master_instance_name is None:
                problems.append(invalid("DatabaseArgs.master_instance_name", None, "required "
                                        "in the passive region (drkit:active names the other "
                                        "one): the active primary's name"))
        location = backup_location(intent, args)
        if not regions.within(location, intent.residency):
            problems.append(invalid("DatabaseArgs.backup_location", location, "allowed: a "
                                    "Cloud SQL backup location (region or multi-region) inside "
                                    f"drkit:residency ({', '.join(sorted(intent.residency))})"))
        elif location.lower() == region:
            problems.append(invalid("DatabaseArgs.backup_location", location, "allowed: a "
                                    "location other than the instance's own region, whose "
                                    "loss would take the backups with it"))
        return problems

    def _instance_settings(
            self, args: DatabaseArgs, availability: str,
            backups: gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs | None,
    ) -> gcp.sql.DatabaseInstanceSettingsArgs:
        sql = gcp.sql
        return sql.DatabaseInstanceSettingsArgs(
            tier=args.tier, edition=args.edition, availability_type=availability,
            deletion_protection_enabled=True,
            retain_backups_on_delete=True if backups is not None else None,
            final_backup_config=sql.DatabaseInstanceSettingsFinalBackupConfigArgs(
                enabled=True, retention_days=args.final_backup_days)
            if backups is not None else None,
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
            user_labels=self.labels)


def backup_location(intent: DrIntent, args: DatabaseArgs) -> str:
    """Where the instance's backups go: ``args.backup_location``, else
    :func:`default_backup_location`."""
    return args.backup_location or default_backup_location(
        intent.regions.of(intent.role), intent.peer_region, intent.residency)


def default_backup_location(region: str, other_region: str,
                            residency: frozenset[str]) -> str:
    """The GCS multi-region around ``region`` when it lies inside the residency (backups there
    survive the loss of the region), else the other DR region."""
    for name in ("EU", "US", "ASIA"):
        location = regions.lookup(name, "gcp")
        if location and region in location.members and regions.within(name, residency):
            return name.lower()
    return other_region

"""Replicated database: RDS PostgreSQL in each region; the writer where ``drkit:active`` says,
a cross-region read replica of it in the other region.

The component is the same in both regional stacks; what it declares follows the switch:

- active region: the writer. Multi-AZ whatever the tier, automated backups (a replica's source
  needs them) in a pinned window, deletion protection, a final snapshot on deletion under a
  name no earlier snapshot took (a fresh random suffix each time the region becomes active),
  automated backups kept after deletion, and this stack's own master password.
- passive region: a read replica of the active region's writer (``replicate_source_db`` = its
  ARN, read from the active stack). No backups (RDS creates replicas with backups off) and no
  final snapshot: RDS refuses ``FinalDBSnapshotIdentifier`` when deleting a replica
  (terraform-provider-aws#4276).

Switching ``drkit:active`` to this region promotes the replica in place: the AWS provider turns
a removed ``replicate_source_db`` into PromoteReadReplica, passing the backup retention and
window in the same call, then applies the writer's other settings (multi-AZ, password)
(terraform-provider-aws ``resourceInstanceUpdate``, v5 and later). The reverse, making a
writer a replica again once its region is back, cannot be done in place ("cannot elect new
source database for replication"): the passive declaration carries
``replace_on_changes=["replicateSourceDb"]`` and ``delete_before_replace`` (the identifier is
freed when the old instance is deleted), so the diverged writer is deleted, with its final
snapshot, and rebuilt as a replica. ``protect`` and RDS deletion protection keep that a
deliberate step: ``pulumi state unprotect`` the instance and turn off its deletion protection
first (the template READMEs give the commands).

The master password is generated per stack (pulumi-random, kept in the Pulumi state as a
secret) and written, with the endpoint, to a Secrets Manager secret of the stack's own region,
so each region can read it while the other is down. RDS-managed passwords are not an option:
RDS cannot create a read replica of a source whose master password Secrets Manager manages
(RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager", limitations). A
replica inherits its source's password, so a passive stack writes the active one's (read from
its outputs) to its secret; a promoted writer takes its own stack's password in the update that
promotes it.

Both regions' instances are observable the same way, so the replica is ready to be looked at
the day it takes over: enhanced monitoring, Performance Insights (encrypted with the
instance's key), IAM authentication, and a parameter group of its own region that forces TLS
and logs schema changes and slow queries.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.args import Args, arg, between, instance_of, matches, one_of, satisfies
from components.aws.common import Account, AwsComponent, KeyService
from components.aws.network import NetworkRefs
from components.base import DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Tier

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,45}[a-z0-9]$")
_ENGINE_VERSION = re.compile(r"^(\d+)(\.\d+)?$")
_DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEKLY_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-"
                            r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIN_MAJOR_VERSION = 11
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
LOG_STATEMENT = ("none", "ddl", "mod", "all")
PI_RETENTION_DAYS = (7, *range(31, 714, 31), 731)
"""What Performance Insights accepts: 7 days (free tier), whole months of 31 days, 2 years."""
MONITORING_POLICY = "service-role/AmazonRDSEnhancedMonitoringRole"
"""The AWS managed policy of the enhanced monitoring role."""
MAX_STORAGE_GB = 65536
"""The largest gp3 volume RDS offers (64 TiB)."""
PASSWORD_SPECIAL = "!#$%&*()-_=+[]{}<>:?"
"""Symbols in generated master passwords: RDS allows any printable ASCII but ``/``, ``"``,
``@`` and space (RDS API reference, CreateDBInstance, MasterUserPassword)."""
POSTGRES_PORT = 5432


def _supported_version(text: str) -> bool:
    version = _ENGINE_VERSION.match(text)
    return version is not None and int(version.group(1)) >= MIN_MAJOR_VERSION


def _minutes(day: int, hour: str, minute: str) -> int:
    return day * 1440 + int(hour) * 60 + int(minute)


def daily_window(text: str) -> tuple[int, int]:
    """``hh:mm-hh:mm`` (UTC) as minutes of the day, end after start (it may wrap midnight)."""
    found = _DAILY_WINDOW.match(text)
    if found is None:
        raise ValueError(text)
    start, end = _minutes(0, *found.group(1, 2)), _minutes(0, *found.group(3, 4))
    return start, end if end > start else end + 1440


def weekly_window(text: str) -> tuple[int, int]:
    """``ddd:hh:mm-ddd:hh:mm`` (UTC) as minutes of the week, end after start."""
    found = _WEEKLY_WINDOW.match(text.lower())
    if found is None:
        raise ValueError(text)
    start = _minutes(_DAYS.index(found[1]), found[2], found[3])
    end = _minutes(_DAYS.index(found[4]), found[5], found[6])
    return start, end if end > start else end + 7 * 1440


def _overlaps(daily: tuple[int, int], weekly: tuple[int, int]) -> bool:
    """Whether a daily window (minutes of the day) meets a weekly one (minutes of the week)."""
    week = 7 * 1440
    for day in range(-1, 8):
        start, end = day * 1440 + daily[0], day * 1440 + daily[1]
        if any(start < weekly[1] + shift and weekly[0] + shift < end
               for shift in (-week, 0, week)):
            return True
    return False


class DatabaseArgs(Args):
    """Inputs of :class:`ReplicatedDatabase`."""

    network: NetworkRefs = arg(
        doc="Where the database lives: its private subnets, and the VPC range allowed to "
            "connect.",
        allowed=instance_of(NetworkRefs, "a NetworkRefs (a Network's refs)"))
    source_db_arn: pulumi.Input[str] | None = arg(
        default=None,
        doc="Passive region only: ARN of the active region's writer, which this region "
            "replicates (a cross-region replica needs the ARN, not the identifier).")
    source_password: pulumi.Input[str] | None = arg(
        default=None,
        doc="Passive region only: the active writer's master password (a replica has its "
            "source's), written to this region's secret; None keeps this stack's own there.")
    random_provider: random.Provider | None = arg(
        default=None,
        doc="Explicit pulumi-random provider of the password and the final snapshot's suffix "
            "(needed when the stack disables default providers).",
        allowed=instance_of(random.Provider, "a pulumi_random.Provider"))
    instance_class: str = arg(
        default="db.m6g.large",
        doc="A size that can carry production load: the replica must, once promoted.",
        allowed=matches(r"db\.", "an RDS instance class such as db.m6g.large"))
    engine_version: str = arg(
        default="16",
        doc="PostgreSQL version (auto minor upgrades); a replica follows its source's.",
        allowed=satisfies(_supported_version, f"a PostgreSQL major version from "
                                              f"{MIN_MAJOR_VERSION}, such as 16 or 16.4"))
    allocated_storage_gb: int = arg(
        default=50, doc="Storage at creation (gp3); autoscaling grows it.",
        allowed=between(20, MAX_STORAGE_GB))
    max_allocated_storage_gb: int = arg(
        default=500, doc="Storage autoscaling ceiling, so a full disk does not become the "
                         "disaster.",
        allowed=between(20, MAX_STORAGE_GB))
    backup_retention_days: int = arg(
        default=14, doc="Automated backups of the writer: the point-in-time recovery window.",
        allowed=between(7, 35, why="a week of point-in-time recovery at least"))
    backup_window: str = arg(
        default="01:00-01:30",
        doc="UTC window of the writer's daily backup (also given to the promotion), pinned so "
            "it never meets the maintenance window.",
        allowed=satisfies(lambda v: daily_window(v)[1] - daily_window(v)[0] >= 30,
                          "hh:mm-hh:mm in UTC, 30 minutes at least"))
    maintenance_window: str = arg(
        default="sun:02:00-sun:02:30",
        doc="UTC weekly maintenance window of both regions' instances.",
        allowed=satisfies(lambda v: weekly_window(v)[1] - weekly_window(v)[0] >= 30,
                          "ddd:hh:mm-ddd:hh:mm in UTC, 30 minutes at least"))
    db_name: str = arg(
        default="app", doc="A database created in the writer (its replicas have it too).",
        allowed=matches(r"[a-zA-Z][a-zA-Z0-9_]{0,62}$",
                        "a letter, then up to 62 letters, digits and underscores"))
    username: str = arg(
        default="app_admin",
        doc="Master user; its password is generated per stack and kept in the region's "
            "Secrets Manager secret.",
        allowed=matches(r"[a-zA-Z][a-zA-Z0-9_]{0,62}$",
                        "a letter, then up to 62 letters, digits and underscores"))
    app_user: str = arg(
        default="app",
        doc="Database user the app connects as with IAM authentication (``rds-db:connect``): "
            "create it once in the writer with ``CREATE USER app; GRANT rds_iam TO app;``.",
        allowed=matches(r"[a-zA-Z][a-zA-Z0-9_]{0,62}$",
                        "a letter, then up to 62 letters, digits and underscores"))
    replica_multi_az: bool = arg(
        default=True,
        doc="Multi-AZ replica in the passive region, so it is highly available the minute it "
            "is promoted. False halves its cost (a pilot light may choose it), but checkov's "
            "CKV_AWS_157, mandatory in drkit check, then fails on it.")
    monitoring_interval: int = arg(
        default=60,
        doc="Seconds between enhanced monitoring's OS metrics: a full disk or busy host "
            "shows in a minute.",
        allowed=one_of(*MONITORING_INTERVALS))
    performance_insights_retention_days: int = arg(
        default=7, doc="Performance Insights history (encrypted with the database's key).",
        allowed=one_of(*PI_RETENTION_DAYS,
                       text="7 (free), a multiple of 31 up to 713, or 731"))
    log_statement: str = arg(
        default="ddl",
        doc="Statements logged: ``ddl`` logs every schema change (who dropped what, when) but "
            "no query data.",
        allowed=one_of(*LOG_STATEMENT))
    log_min_duration_ms: int = arg(
        default=1000,
        doc="``log_min_duration_statement``: log statements slower than this (ms).",
        allowed=between(-1, why="-1 is off, 0 logs every statement"))

    def check(self) -> list[str]:
        problems = []
        if self.allocated_storage_gb > self.max_allocated_storage_gb:
            problems.append(invalid(self.where("allocated_storage_gb"),
                                    self.allocated_storage_gb,
                                    f"allowed: 20 to max_allocated_storage_gb "
                                    f"({self.max_allocated_storage_gb})"))
        if _overlaps(daily_window(self.backup_window), weekly_window(self.maintenance_window)):
            problems.append(invalid(self.where("maintenance_window"), self.maintenance_window,
                                    f"allowed: a window that does not overlap backup_window "
                                    f"({self.backup_window}); RDS refuses overlapping ones"))
        return problems


class ReplicatedDatabase(AwsComponent):
    """This region's database: the writer while the region is active, else a read replica of
    the active region's writer."""

    def __init__(self, name: str, settings: DrSettings, args: DatabaseArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = settings.intent
        region = intent.regions.of(intent.role)
        self.region = region
        self.active = intent.is_active
        self.account = Account(self.provider)
        child = self.child()
        tags = self.tags
        identifier = f"{name}-{region}"
        self.app_user = args.app_user
        random_opts = self.child(provider=args.random_provider) if args.random_provider \
            else child

        # The master password's secret is encrypted under the same key as the database.
        services: list[KeyService] = ["rds", "secretsmanager"]
        self.key = self.customer_key(f"{name}-key", f"{name} database ({region})",
                                     services=services)
        self.parameters = aws.rds.ParameterGroup(
            f"{name}-params", name=f"{identifier}-{family(args.engine_version)}",
            family=family(args.engine_version),
            description=f"{identifier}: TLS only; query logging for audit and slow queries",
            parameters=[
                # The default from PostgreSQL 15 on RDS; explicit, so no version turns it off.
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_statement",
                                                    value=args.log_statement),
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement",
                                                    value=str(args.log_min_duration_ms))],
            tags=tags, opts=child)
        monitoring, attached = self._monitoring_role(name, identifier, tags)
        subnets = aws.rds.SubnetGroup(f"{name}-subnets", name=identifier,
                                      subnet_ids=args.network.private_subnet_ids, tags=tags,
                                      opts=child)
        firewall = aws.ec2.SecurityGroup(
            f"{name}-sg", description=f"PostgreSQL clients of {identifier}",
            vpc_id=args.network.vpc_id, tags={**tags, "Name": identifier},
            ingress=[aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=POSTGRES_PORT, to_port=POSTGRES_PORT,
                cidr_blocks=[args.network.cidr_block], description="PostgreSQL from the VPC")],
            opts=child)
        # This stack's own master password: the writer's while the region is active.
        self.password = random.RandomPassword(
            f"{name}-password", length=32, special=True, override_special=PASSWORD_SPECIAL,
            opts=random_opts)
        common: dict[str, Any] = dict(
            identifier=identifier,
            instance_class=args.instance_class,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[firewall.id],
            storage_encrypted=True,
            kms_key_id=self.key.arn,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_type="gp3",
            maintenance_window=args.maintenance_window,
            deletion_protection=True,
            copy_tags_to_snapshot=True,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            parameter_group_name=self.parameters.name,
            iam_database_authentication_enabled=True,
            monitoring_interval=args.monitoring_interval,
            monitoring_role_arn=monitoring.arn,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=self.key.arn,
            performance_insights_retention_period=args.performance_insights_retention_days,
            tags=tags,
        )
        if self.active:
            # A new suffix each time the region becomes active: the final snapshot of every
            # writer this region ever deletes gets a name of its own.
            suffix = random.RandomId(f"{name}-final-snapshot", byte_length=4, opts=random_opts)
            self.instance = aws.rds.Instance(
                f"{name}-db", engine="postgres", engine_version=args.engine_version,
                allocated_storage=args.allocated_storage_gb, multi_az=True,
                db_name=args.db_name, username=args.username, password=self.password.result,
                backup_retention_period=args.backup_retention_days,
                backup_window=args.backup_window,
                delete_automated_backups=False, skip_final_snapshot=False,
                final_snapshot_identifier=pulumi.Output.concat(identifier, "-final-",
                                                               suffix.hex),
                opts=self.stateful(depends_on=[attached]), **common)
            secret_password: pulumi.Input[str] = self.password.result
        else:
            self.instance = aws.rds.Instance(
                f"{name}-db", replicate_source_db=args.source_db_arn,
                multi_az=args.replica_multi_az, skip_final_snapshot=True,
                # A writer cannot become a replica in place: replaced (its final snapshot
                # taken), under the same identifier, once `protect` is lifted.
                opts=self.stateful(depends_on=[attached], replace_on_changes=["replicateSourceDb"],
                                   delete_before_replace=True),
                **common)
            secret_password = args.source_password or self.password.result
        self.secret = aws.secretsmanager.Secret(
            f"{name}-credentials", description=f"Master credentials of {identifier}",
            kms_key_id=self.key.arn, recovery_window_in_days=7, tags=tags, opts=child)
        aws.secretsmanager.SecretVersion(
            f"{name}-credentials", secret_id=self.secret.id,
            secret_string=pulumi.Output.json_dumps({
                "engine": "postgres", "host": self.instance.address, "port": POSTGRES_PORT,
                "dbname": args.db_name, "username": args.username,
                "password": secret_password}),
            opts=child)

        self.arn = self.instance.arn
        self.endpoint = self.instance.address
        self.identifier = self.instance.identifier
        self.resource_id = self.instance.resource_id
        self.register_outputs({"arn": self.arn, "endpoint": self.endpoint,
                               "identifier": self.identifier, "kms_key_arn": self.key.arn,
                               "secret_arn": self.secret.arn, "writer": self.active})

    def client_statements(self) -> list[dict[str, Any]]:
        """IAM statements an app instance of this region needs, and no more: connect as
        :attr:`app_user` with IAM authentication, read the master secret (decrypting it through
        Secrets Manager only), and describe this instance (is it the writer?)."""
        connect = pulumi.Output.all(self.account.partition, self.account.id,
                                    self.resource_id).apply(
            lambda v: f"arn:{v[0]}:rds-db:{self.region}:{v[1]}:dbuser:{v[2]}/{self.app_user}")
        return [
            {"Sid": "ConnectWithIam", "Effect": "Allow", "Action": ["rds-db:connect"],
             "Resource": [connect]},
            {"Sid": "DescribeTheDatabase", "Effect": "Allow",
             "Action": ["rds:DescribeDBInstances"], "Resource": [self.arn]},
            {"Sid": "ReadTheDatabaseSecret", "Effect": "Allow",
             "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
             "Resource": [self.secret.arn]},
            {"Sid": "DecryptTheDatabaseSecret", "Effect": "Allow", "Action": ["kms:Decrypt"],
             "Resource": [self.key.arn],
             "Condition": {"StringEquals": {
                 "kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}}},
        ]

    def check(self, name: str, intent: DrIntent, args: DatabaseArgs) -> list[str]:
        """The name fits the identifier; the inputs suit the region's place (active or not)."""
        problems = []
        if not _IDENTIFIER.match(f"{name}-{intent.region}"):
            problems.append(invalid("ReplicatedDatabase name", name, "allowed: lower-case "
                                    "letters, digits and dashes, starting with a letter (it "
                                    "names the instance with its region, 63 characters at "
                                    "most)"))
        if intent.is_active:
            for field in ("source_db_arn", "source_password"):
                if getattr(args, field) is not None:
                    problems.append(invalid(f"DatabaseArgs.{field}", "<set>", "allowed: only in "
                                            "the passive region (drkit:active names this "
                                            "region: it holds the writer)"))
            return problems
        if intent.tier is Tier.BACKUP_RESTORE:
            problems.append(invalid("drkit:tier", intent.tier.value, "a backup-restore app "
                                    "runs no replica in its passive region; restore from the "
                                    "backup copies in that region's vault instead"))
        if args.source_db_arn is None:
            problems.append(invalid("DatabaseArgs.source_db_arn", None, "required in the "
                                    "passive region (drkit:active names the other one): the "
                                    "active writer's ARN"))
        return problems

    def _monitoring_role(self, name: str, identifier: str,
                         tags: dict[str, str]) -> tuple[aws.iam.Role, pulumi.Resource]:
        """The role RDS assumes to publish enhanced monitoring metrics (AWS managed policy)."""
        child = self.child()
        role = aws.iam.Role(
            f"{name}-monitoring", description=f"RDS enhanced monitoring of {identifier}",
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "monitoring.rds.amazonaws.com"}}]}),
            tags=tags, opts=child)
        # RDS checks the role's permissions when monitoring is turned on: attach first.
        attached = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring", role=role.name,
            policy_arn=f"arn:aws:iam::aws:policy/{MONITORING_POLICY}", opts=child)
        return role, attached


def family(engine_version: str) -> str:
    """The parameter group family of a PostgreSQL version: ``16.4`` -> ``postgres16``."""
    return f"postgres{engine_version.split('.')[0]}"

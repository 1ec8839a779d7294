"""Replicated database: RDS PostgreSQL, multi-AZ in the primary region, with a cross-region
read replica in the secondary region that can be promoted to take over.

The primary stack creates the primary instance; the secondary stack creates the replica from
the primary's ARN (read through a StackReference), encrypted with a key of its own region.

Failover without fighting the state: set ``promote=True`` on the secondary's args (the
template's ``aws-warm-standby:promoteDatabase``) and run ``pulumi up`` there. That drops
``replicate_source_db``, which the AWS provider performs as a promotion, so the code says what
the cloud holds and the next ``pulumi up`` does not undo the failover.

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

from components.args import Args, arg, between, instance_of, matches, one_of, satisfies
from components.aws.common import AwsComponent, KeyService
from components.aws.network import NetworkRefs
from components.base import DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role, Tier

REPLICA_MULTI_AZ = {
    Tier.PILOT_LIGHT: False,
    Tier.WARM_STANDBY: True,
    Tier.ACTIVE_ACTIVE: True,
}
"""Whether the secondary's replica is multi-AZ, by tier. Pilot light keeps the data live at
the lowest cost: a single-AZ replica, made multi-AZ after promotion (an online change).
Backup-restore runs no replica at all: it restores from the copies in the secondary vault."""

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,45}[a-z0-9]$")
_ENGINE_VERSION = re.compile(r"^(\d+)(\.\d+)?$")
MIN_MAJOR_VERSION = 11
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
LOG_STATEMENT = ("none", "ddl", "mod", "all")
PI_RETENTION_DAYS = (7, *range(31, 714, 31), 731)
"""What Performance Insights accepts: 7 days (free tier), whole months of 31 days, 2 years."""
MONITORING_POLICY = "service-role/AmazonRDSEnhancedMonitoringRole"
"""The AWS managed policy of the enhanced monitoring role."""
MAX_STORAGE_GB = 65536
"""The largest gp3 volume RDS offers (64 TiB)."""


def _supported_version(text: str) -> bool:
    version = _ENGINE_VERSION.match(text)
    return version is not None and int(version.group(1)) >= MIN_MAJOR_VERSION


class DatabaseArgs(Args):
    """Inputs of :class:`ReplicatedDatabase`."""

    network: NetworkRefs = arg(
        doc="Where the database lives: its private subnets, and the VPC range allowed to "
            "connect.",
        allowed=instance_of(NetworkRefs, "a NetworkRefs (a Network's refs)"))
    source_db_arn: pulumi.Input[str] | None = arg(
        default=None, doc="Secondary role only: ARN of the primary instance to replicate.")
    instance_class: str = arg(
        default="db.m6g.large",
        doc="A size that can carry production load: the replica must, once promoted.",
        allowed=matches(r"db\.", "an RDS instance class such as db.m6g.large"))
    engine_version: str = arg(
        default="16",
        doc="PostgreSQL version (auto minor upgrades); the secondary gives the primary's too.",
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
        default=14, doc="Automated backups: the point-in-time recovery window.",
        allowed=between(7, 35, why="a week of point-in-time recovery at least"))
    db_name: str = arg(
        default="app", doc="A database created in the primary (the replica has it too).",
        allowed=matches(r"[a-zA-Z][a-zA-Z0-9_]{0,62}$",
                        "a letter, then up to 62 letters, digits and underscores"))
    username: str = arg(
        default="app_admin",
        doc="Master user; its password is generated and kept in Secrets Manager by RDS.",
        allowed=matches(r"[a-zA-Z][a-zA-Z0-9_]{0,62}$",
                        "a letter, then up to 62 letters, digits and underscores"))
    replica_multi_az: bool | None = arg(
        default=None, doc="Override :data:`REPLICA_MULTI_AZ` for the secondary's replica.")
    promote: bool = arg(
        default=False,
        doc="Secondary only: promote the replica to a standalone primary (failover).")
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
        if self.allocated_storage_gb > self.max_allocated_storage_gb:
            return [invalid(self.where("allocated_storage_gb"), self.allocated_storage_gb,
                            f"allowed: 20 to max_allocated_storage_gb "
                            f"({self.max_allocated_storage_gb})")]
        return []


class ReplicatedDatabase(AwsComponent):
    """The primary instance (primary role) or its cross-region replica (secondary role)."""

    def __init__(self, name: str, settings: DrSettings, args: DatabaseArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = settings.intent
        region = intent.regions.of(intent.role)
        child = self.child()
        tags = self.tags
        identifier = f"{name}-{region}"

        # The primary's master password is a Secrets Manager secret under the same key.
        services: list[KeyService] = ["rds", "secretsmanager"] \
            if intent.role is Role.PRIMARY else ["rds"]
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
                protocol="tcp", from_port=5432, to_port=5432,
                cidr_blocks=[args.network.cidr_block], description="PostgreSQL from the VPC")],
            opts=child)
        common: dict[str, Any] = dict(
            identifier=identifier,
            instance_class=args.instance_class,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[firewall.id],
            storage_encrypted=True,
            kms_key_id=self.key.arn,
            backup_retention_period=args.backup_retention_days,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{identifier}-final",
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
        if intent.role is Role.PRIMARY:
            self.instance = aws.rds.Instance(
                f"{name}-db", engine="postgres", engine_version=args.engine_version,
                allocated_storage=args.allocated_storage_gb,
                max_allocated_storage=args.max_allocated_storage_gb, storage_type="gp3",
                multi_az=True, db_name=args.db_name, username=args.username,
                manage_master_user_password=True, master_user_secret_kms_key_id=self.key.arn,
                opts=self.stateful(depends_on=[attached]), **common)
        else:
            multi_az = args.replica_multi_az
            if multi_az is None:
                multi_az = REPLICA_MULTI_AZ[intent.tier]
            self.instance = aws.rds.Instance(
                f"{name}-db", replicate_source_db=None if args.promote else args.source_db_arn,
                multi_az=multi_az, max_allocated_storage=args.max_allocated_storage_gb,
                storage_type="gp3",
                opts=self.stateful(depends_on=[attached]), **common)

        self.arn = self.instance.arn
        self.endpoint = self.instance.address
        self.identifier = self.instance.identifier
        self.register_outputs({"arn": self.arn, "endpoint": self.endpoint,
                               "identifier": self.identifier, "kms_key_arn": self.key.arn})

    def check(self, name: str, intent: DrIntent, args: DatabaseArgs) -> list[str]:
        """The name fits the identifier; the inputs suit the stack's role."""
        problems = []
        if not _IDENTIFIER.match(f"{name}-{intent.region}"):
            problems.append(invalid("ReplicatedDatabase name", name, "allowed: lower-case "
                                    "letters, digits and dashes, starting with a letter (it "
                                    "names the instance with its region, 63 characters at "
                                    "most)"))
        if intent.role is Role.PRIMARY:
            if args.source_db_arn is not None:
                problems.append(invalid("DatabaseArgs.source_db_arn", "<set>", "allowed: only "
                                        "in the secondary stack (the primary is the source)"))
            if args.promote:
                problems.append(invalid("DatabaseArgs.promote", True,
                                        "allowed: only in the secondary stack"))
            return problems
        if intent.tier is Tier.BACKUP_RESTORE:
            problems.append(invalid("drkit:tier", intent.tier.value, "a backup-restore "
                                    "secondary runs no replica; restore from the backup copies "
                                    "in the secondary vault instead"))
        if args.source_db_arn is None and not args.promote:
            problems.append(invalid("DatabaseArgs.source_db_arn", None, "required in the "
                                    "secondary stack: the primary's DB ARN (a cross-region "
                                    "replica needs the ARN, not the identifier)"))
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

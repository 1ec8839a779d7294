"""The program of the AWS template (``stacks/aws-warm-standby``, also the repository root's
project).

What a stack builds depends on ``drkit:role``; how much the secondary runs, on ``drkit:tier``.

primary   -> network, database, replicated bucket (and its replica in the secondary region),
             full compute tier, backup plan (copy vault in the secondary region)
secondary -> network, database replica, compute tier sized by drkit:tier
global    -> the app's DNS name, failing over between the two regions' load balancers

Template settings live in the project's namespace (``aws-warm-standby:minSize``...); their
defaults, descriptions and constraints are the fields of :class:`Settings`, read by the shared
loader (components/template.py). Every provider is explicit, in the region ``drkit:regions``
names.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.args import allowed_of, arg
from components.aws.backup import BackupArgs, BackupPlan
from components.aws.bucket import BucketArgs, ReplicatedBucket
from components.aws.database import DatabaseArgs, ReplicatedDatabase
from components.aws.failover import FailoverArgs, FailoverEntry, RegionalEndpoint
from components.aws.network import Network, NetworkArgs
from components.aws.standby import StandbyArgs, StandbyTier
from components.base import DrSettings, load_intent
from components.sizing import ORDERED, Capacity
from components.template import TemplateSettings, load_settings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role


class Settings(TemplateSettings):
    """The AWS template's settings: ``<project>:<camelCaseName>`` in a stack's config."""

    domain: str = arg(default="shop.example.com",
                      doc="The name clients use; a record in ``zoneName`` (global stack).")
    zone_name: str = arg(default="example.com",
                         doc="Public Route53 hosted zone holding the domain (global stack).")
    instance_type: str = arg(default="t3.medium", doc="EC2 instance type of the compute tier.",
                             allowed=allowed_of(StandbyArgs, "instance_type"))
    db_instance_class: str = arg(
        default="db.m6g.large",
        doc="RDS instance class (the replica's too: it must carry the load once promoted).",
        allowed=allowed_of(DatabaseArgs, "instance_class"))
    min_size: int = arg(
        default=2, doc="Full capacity (the primary's); the secondary runs a share of it, per "
                       "tier.",
        allowed=allowed_of(Capacity, "min"))
    desired_size: int = arg(default=3, doc="Instances to run at full capacity.",
                            allowed=allowed_of(Capacity, "desired"))
    max_size: int = arg(default=6, doc="Most instances at full capacity.",
                        allowed=allowed_of(Capacity, "max"))
    az_count: int = arg(default=3, doc="Availability zones each region's network spans.",
                        allowed=allowed_of(NetworkArgs, "az_count"))
    health_check_path: str = arg(
        default="/healthz", doc="Probed by the load balancers and by Route53.",
        allowed=allowed_of(StandbyArgs, "health_check_path"))
    health_check_protocol: str = arg(
        default="HTTP", doc="Route53's probes: HTTPS once each region's stack sets "
                            "``certificateArn``.",
        allowed=allowed_of(FailoverArgs, "protocol"))
    certificate_arn: str | None = arg(
        default=None,
        doc="Region stacks: ACM certificate of the stack's region; adds HTTPS to its load "
            "balancer.",
        allowed=allowed_of(StandbyArgs, "certificate_arn"))
    promote_database: bool = arg(
        default=False,
        doc="Secondary stack only; set true to promote the replica during a failover.")

    @property
    def full_capacity(self) -> Capacity:
        return Capacity(min=self.min_size, desired=self.desired_size, max=self.max_size)

    def check(self) -> list[str]:
        if not self.full_capacity.ordered():
            return [invalid(f"{self.where('min_size')}/desiredSize/maxSize",
                            (self.min_size, self.desired_size, self.max_size),
                            ORDERED.allowed())]
        return []


def deploy() -> None:
    """Build the running stack: validate all config first, then register resources."""
    intent = load_intent()
    template = load_settings(Settings, intent)
    settings = DrSettings(intent)
    builders = {Role.PRIMARY: _primary, Role.SECONDARY: _secondary, Role.GLOBAL: _global}
    builders[intent.role](intent, template, settings)


def _provider(region: str, settings: DrSettings) -> aws.Provider:
    return aws.Provider(f"aws-{region}", region=region,
                        default_tags=aws.ProviderDefaultTagsArgs(tags=settings.all_tags))


def _regional(intent: DrIntent, template: Settings, settings: DrSettings,
              home: aws.Provider) -> Network:
    """What both regions run: a network and the compute tier."""
    app = intent.app
    network = Network(f"{app}-network", settings, NetworkArgs(az_count=template.az_count),
                      opts=pulumi.ResourceOptions(provider=home))
    tier = StandbyTier(f"{app}-web", settings, StandbyArgs(
        network=network.refs, full_capacity=template.full_capacity,
        instance_type=template.instance_type, health_check_path=template.health_check_path,
        certificate_arn=template.certificate_arn),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("region", intent.region)
    pulumi.export("albDnsName", tier.dns_name)
    pulumi.export("albZoneId", tier.zone_id)
    pulumi.export("albArn", tier.arn)
    return network


def _database_exports(database: ReplicatedDatabase) -> None:
    pulumi.export("dbArn", database.arn)
    pulumi.export("dbEndpoint", database.endpoint)
    pulumi.export("dbIdentifier", database.identifier)


def _primary(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    home = _provider(intent.regions.primary, settings)
    peer = _provider(intent.regions.secondary, settings)
    app = intent.app
    network = _regional(intent, template, settings, home)
    database = ReplicatedDatabase(f"{app}-db", settings, DatabaseArgs(
        network=network.refs, instance_class=template.db_instance_class),
        opts=pulumi.ResourceOptions(provider=home))
    bucket = ReplicatedBucket(f"{app}-data", settings, BucketArgs(replica_provider=peer),
                              opts=pulumi.ResourceOptions(provider=home))
    BackupPlan(f"{app}-backup", settings, BackupArgs(
        replica_provider=peer, resource_arns=[database.arn, bucket.bucket_arn]),
        opts=pulumi.ResourceOptions(provider=home))
    _database_exports(database)
    pulumi.export("bucketName", bucket.bucket_name)
    pulumi.export("replicaBucketName", bucket.replica_bucket_name)


def _secondary(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    home = _provider(intent.regions.secondary, settings)
    network = _regional(intent, template, settings, home)
    source = pulumi.StackReference(str(intent.stacks.primary))
    database = ReplicatedDatabase(f"{intent.app}-db", settings, DatabaseArgs(
        network=network.refs, instance_class=template.db_instance_class,
        source_db_arn=source.require_output("dbArn"), promote=template.promote_database),
        opts=pulumi.ResourceOptions(provider=home))
    _database_exports(database)


def _global(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    # Route53 is global; the provider's region only picks the API endpoint.
    home = _provider(intent.regions.primary, settings)
    stacks = {"primary": pulumi.StackReference(str(intent.stacks.primary)),
              "secondary": pulumi.StackReference(str(intent.stacks.secondary))}

    def endpoint(role: str) -> RegionalEndpoint:
        return RegionalEndpoint(region=intent.regions.of(Role(role)),
                                dns_name=stacks[role].require_output("albDnsName"),
                                zone_id=stacks[role].require_output("albZoneId"))

    entry = FailoverEntry(f"{intent.app}-entry", settings, FailoverArgs(
        domain=template.domain, zone_name=template.zone_name, primary=endpoint("primary"),
        secondary=endpoint("secondary"), protocol=template.health_check_protocol,
        resource_path=template.health_check_path),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("fqdn", entry.fqdn)
    pulumi.export("primaryHealthCheckId", entry.health_checks["primary"].id)
    pulumi.export("secondaryHealthCheckId", entry.health_checks["secondary"].id)

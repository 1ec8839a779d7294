"""aws-warm-standby: one app in two AWS regions; what each stack builds depends on drkit:role.

primary   -> network, database, replicated bucket, full compute tier, backup plan
secondary -> network, database replica, compute tier sized by drkit:tier
global    -> the app's DNS name, failing over between the two regions' load balancers
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.aws.backup import BackupArgs, BackupPlan
from components.aws.bucket import BucketArgs, ReplicatedBucket
from components.aws.database import DatabaseArgs, ReplicatedDatabase
from components.aws.failover import FailoverArgs, FailoverEntry, RegionalEndpoint
from components.aws.network import Network, NetworkArgs
from components.aws.standby import StandbyArgs, StandbyTier
from components.base import Capacity, DrSettings, load_intent
from drkit_core.intent import Role

intent = load_intent()  # first: a config mistake fails before any resource exists
config = pulumi.Config()
settings = DrSettings(intent)
app = intent.app


def provider(region: str) -> aws.Provider:
    return aws.Provider(f"aws-{region}", region=region,
                        default_tags=aws.ProviderDefaultTagsArgs(tags=settings.all_tags))


def regional_stack(home: aws.Provider) -> tuple[Network, StandbyTier]:
    """What both regions run: a network and the compute tier."""
    network = Network(f"{app}-network", settings,
                      NetworkArgs(az_count=config.require_int("azCount")),
                      opts=pulumi.ResourceOptions(provider=home))
    tier = StandbyTier(f"{app}-web", settings, StandbyArgs(
        network=network.refs,
        full_capacity=Capacity(min=config.require_int("minSize"),
                               desired=config.require_int("desiredSize"),
                               max=config.require_int("maxSize")),
        instance_type=config.require("instanceType"),
        health_check_path=config.require("healthCheckPath"),
        certificate_arn=config.get("certificateArn")),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("region", intent.region)
    pulumi.export("albDnsName", tier.dns_name)
    pulumi.export("albZoneId", tier.zone_id)
    pulumi.export("albArn", tier.arn)
    return network, tier


def primary() -> None:
    home, peer = provider(intent.regions.primary), provider(intent.regions.secondary)
    network, _ = regional_stack(home)
    database = ReplicatedDatabase(
        f"{app}-db", settings,
        DatabaseArgs(network=network.refs, instance_class=config.require("dbInstanceClass")),
        opts=pulumi.ResourceOptions(provider=home))
    bucket = ReplicatedBucket(f"{app}-data", settings, BucketArgs(replica_provider=peer),
                              opts=pulumi.ResourceOptions(provider=home))
    BackupPlan(f"{app}-backup", settings,
               BackupArgs(replica_provider=peer,
                          resource_arns=[database.arn, bucket.bucket_arn]),
               opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("dbArn", database.arn)
    pulumi.export("dbEndpoint", database.endpoint)
    pulumi.export("dbIdentifier", database.identifier)
    pulumi.export("bucketName", bucket.bucket_name)
    pulumi.export("replicaBucketName", bucket.replica_bucket_name)


def secondary() -> None:
    home = provider(intent.regions.secondary)
    network, _ = regional_stack(home)
    source = pulumi.StackReference(str(intent.stacks.primary))
    database = ReplicatedDatabase(
        f"{app}-db", settings,
        DatabaseArgs(network=network.refs, instance_class=config.require("dbInstanceClass"),
                     source_db_arn=source.require_output("dbArn"),
                     promote=config.get_bool("promoteDatabase") or False),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("dbArn", database.arn)
    pulumi.export("dbEndpoint", database.endpoint)
    pulumi.export("dbIdentifier", database.identifier)


def entry() -> None:
    # Route53 is global; the provider's region only picks the API endpoint.
    home = provider(intent.regions.primary)
    stacks = {role: pulumi.StackReference(str(name)) for role, name in (
        ("primary", intent.stacks.primary), ("secondary", intent.stacks.secondary))}

    def endpoint(role: str, region: str) -> RegionalEndpoint:
        return RegionalEndpoint(region=region,
                                dns_name=stacks[role].require_output("albDnsName"),
                                zone_id=stacks[role].require_output("albZoneId"))

    entry = FailoverEntry(f"{app}-entry", settings, FailoverArgs(
        domain=config.require("domain"), zone_name=config.require("zoneName"),
        primary=endpoint("primary", intent.regions.primary),
        secondary=endpoint("secondary", intent.regions.secondary),
        protocol=config.require("healthCheckProtocol"),
        resource_path=config.require("healthCheckPath")),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("fqdn", entry.fqdn)
    pulumi.export("primaryHealthCheckId", entry.health_checks["primary"].id)
    pulumi.export("secondaryHealthCheckId", entry.health_checks["secondary"].id)


{Role.PRIMARY: primary, Role.SECONDARY: secondary, Role.GLOBAL: entry}[intent.role]()

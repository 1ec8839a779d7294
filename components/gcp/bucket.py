"""Replicated bucket: one Cloud Storage bucket stored in two regions (a dual-region).

Unlike S3, GCS replicates inside one bucket: a dual-region bucket keeps every object in both
regions and stays readable and writable when one of them is lost, with the same name. So the
primary stack creates a single bucket, placed either

- in a *configurable* dual-region of two regions (default: the app's primary and secondary
  regions; ``location`` is then the multi-region around them, e.g. ``EU``, and
  ``custom_placement_config.data_locations`` names the two), or
- in a *predefined* dual-region such as ``EUR4`` (europe-north1 + europe-west4).

Either way every region the data lands in must lie inside ``drkit:residency``: that is checked
here, before anything is registered. Multi-regions (``EU``) are refused: Google picks the
second region and turbo replication is not offered.

Replication speed follows the RPO: ``rpo="ASYNC_TURBO"`` (objects in both regions within 15
minutes) when the RPO is 15 minutes or less, else ``DEFAULT`` (most objects within an hour, all
within 12). Versioning plus a soft-delete window keep overwritten and deleted objects; a
lifecycle rule expires old versions. A retention policy is not used: GCS does not allow one on
a versioned bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.args import Args, arg, between, satisfies
from components.base import DrSettings
from components.gcp.common import GcpComponent, invoke_opts, project_id
from drkit_core import regions
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role

TURBO_RPO_SECONDS = 15 * 60
"""Turbo replication's promise: objects written to a dual-region reach both within 15 min."""

MULTI_REGIONS = ("EU", "US", "ASIA")
_BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
_DAY = 86400


class BucketArgs(Args):
    """Inputs of :class:`ReplicatedBucket`."""

    location: str | None = arg(
        default=None,
        doc="A predefined dual-region (EUR4, NAM4, ...); or None for a configurable one.")
    data_locations: tuple[str, str] | None = arg(
        default=None,
        doc="The two regions of a configurable dual-region; default the app's two regions.",
        allowed=satisfies(lambda v: isinstance(v, tuple | list) and len(v) == 2,
                          "two GCP regions"))
    noncurrent_version_days: int = arg(
        default=90,
        doc="Keep overwritten and deleted versions this long: the window to undo a bad write.",
        allowed=between(1, 3650, unit="days"))
    soft_delete_days: int = arg(
        default=14, doc="Deleted objects (and buckets' versions) stay restorable this long.",
        allowed=between(7, 90, unit="days", why="GCS's soft-delete range"))
    abort_multipart_days: int = arg(
        default=7,
        doc="Abort unfinished multipart uploads after this many days (they cost storage).",
        allowed=between(1, 365, unit="days"))
    kms_key_name: pulumi.Input[str] | None = arg(
        default=None,
        doc="Customer-managed key for new objects (in a key ring matching the bucket's "
            "location); the project's Cloud Storage service agent is granted its use.")

    def check(self) -> list[str]:
        if self.location is not None and self.data_locations is not None:
            return [invalid("BucketArgs.location/data_locations",
                            (self.location, self.data_locations),
                            "allowed: at most one of them")]
        return []


@dataclass(frozen=True)
class Placement:
    """Where a bucket's data lives: ``location`` plus, for a configurable dual-region, its two
    regions (upper case, as GCS reports them)."""

    location: str
    data_locations: tuple[str, ...] = ()


def replication_rpo(rpo_seconds: int) -> str:
    """``ASYNC_TURBO`` when the RPO needs it (15 minutes or less), else ``DEFAULT``."""
    return "ASYNC_TURBO" if rpo_seconds <= TURBO_RPO_SECONDS else "DEFAULT"


def placement(intent: DrIntent, args: BucketArgs) -> Placement | str:
    """The bucket's placement, checked against the catalog and ``drkit:residency``; or, when
    it breaks them, the problem."""
    allowed = ", ".join(sorted(intent.residency))
    if args.location is not None:
        found = regions.lookup(args.location, "gcp")
        if found is None or found.kind != "dual-region":
            return invalid("BucketArgs.location", args.location, "allowed: a predefined "
                           "dual-region such as EUR4 or NAM4 (for a configurable one, give "
                           "data_locations)")
        if not regions.within(found.name, intent.residency):
            return invalid("BucketArgs.location", args.location, f"it stores data in "
                           f"{', '.join(found.members)}, outside drkit:residency ({allowed})")
        return Placement(found.name)
    pair = args.data_locations or (intent.regions.primary, intent.regions.secondary)
    where = "BucketArgs.data_locations" if args.data_locations else "drkit:regions"
    members = [regions.lookup(r, "gcp") for r in pair]
    if any(m is None or m.kind != "region" for m in members) or len(set(pair)) != 2:
        return invalid(where, pair, "allowed: two different GCP regions")
    outside = [r for r in pair if not regions.within(r, intent.residency)]
    if outside:
        return invalid(where, pair, f"{', '.join(outside)} lies outside drkit:residency "
                       f"({allowed})")
    for name in MULTI_REGIONS:
        around = regions.lookup(name, "gcp")
        if around is not None and all(r.lower() in around.members for r in pair):
            return Placement(name, tuple(r.upper() for r in pair))
    return invalid(where, pair, "a configurable dual-region needs two regions of one continent "
                   f"({', '.join(MULTI_REGIONS)}); pick such a pair or a predefined "
                   "dual-region (location)")


class ReplicatedBucket(GcpComponent):
    """A versioned, private, dual-region bucket replicating at the speed the RPO needs."""

    ROLES = (Role.PRIMARY,)
    WHY_THERE = "one dual-region bucket serves both regions"

    def __init__(self, name: str, settings: DrSettings, args: BucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = self.intent
        provider = self.provider
        where = placement(intent, args)
        assert isinstance(where, Placement)  # checked before registering

        depends_on: list[pulumi.Resource] = []
        encryption = None
        if args.kms_key_name is not None:
            agent = gcp.storage.get_project_service_account_output(opts=invoke_opts(provider))
            depends_on.append(gcp.kms.CryptoKeyIAMMember(
                f"{name}-kms", crypto_key_id=args.kms_key_name,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member=agent.email_address.apply(lambda email: f"serviceAccount:{email}"),
                opts=self.child()))
            encryption = gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key_name)

        self.bucket = gcp.storage.Bucket(
            name, name=pulumi.Output.concat(name, "-", project_id(provider)),
            location=where.location,
            custom_placement_config=gcp.storage.BucketCustomPlacementConfigArgs(
                data_locations=list(where.data_locations)) if where.data_locations else None,
            rpo=replication_rpo(intent.rpo_seconds),
            storage_class="STANDARD",
            versioning=gcp.storage.BucketVersioningArgs(enabled=True),
            soft_delete_policy=gcp.storage.BucketSoftDeletePolicyArgs(
                retention_duration_seconds=args.soft_delete_days * _DAY),
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            force_destroy=False,
            encryption=encryption,
            lifecycle_rules=_lifecycle(args),
            labels=self.labels,
            opts=self.stateful(depends_on=depends_on))

        self.bucket_name = self.bucket.name
        self.url = self.bucket.url
        self.register_outputs({"bucket_name": self.bucket_name, "url": self.url,
                               "location": where.location,
                               "data_locations": list(where.data_locations)})

    def check(self, name: str, intent: DrIntent, args: BucketArgs) -> list[str]:
        """The bucket's name fits; its placement is a dual-region inside the residency."""
        problems = []
        if not _BUCKET_PREFIX.match(name):
            problems.append(invalid("ReplicatedBucket name", name, "allowed: 2-32 lower-case "
                                    "letters, digits and dashes (the bucket is "
                                    "<name>-<project>, 63 characters at most)"))
        where = placement(intent, args)
        return [*problems, where] if isinstance(where, str) else problems


def _lifecycle(args: BucketArgs) -> list[gcp.storage.BucketLifecycleRuleArgs]:
    rule, condition, action = (gcp.storage.BucketLifecycleRuleArgs,
                               gcp.storage.BucketLifecycleRuleConditionArgs,
                               gcp.storage.BucketLifecycleRuleActionArgs)
    return [
        rule(action=action(type="Delete"),
             condition=condition(days_since_noncurrent_time=args.noncurrent_version_days,
                                 with_state="ARCHIVED")),
        rule(action=action(type="AbortIncompleteMultipartUpload"),
             condition=condition(age=args.abort_multipart_days)),
    ]

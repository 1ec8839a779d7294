"""Data residency: where each resource and each copy of its data lies, and that the secondary
region really is another region.

Allowed jurisdictions come from the stack's ``drkit:residency``, else from the rule's config
(``any``, the default, disables the check). Global services hold no regional data and are
skipped by type.
"""

from __future__ import annotations

from collections.abc import Iterator

from drkit_core import regions
from drkit_core.findings import Severity
from policies.model import Context, ResourceView, Rule, Scope, Unknown, Violation, check_known
from policies.rules.refs import (
    CLOUD_SQL,
    RDS_INSTANCE,
    S3_BUCKETS,
    arn_region,
    location_text,
    replica_key_region,
    rule_destination,
)
from policies.rules.refs import resolve as resolve_ref

GLOBAL_PREFIXES = (
    "aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:organizations/", "aws:globalaccelerator/",
    "aws:shield/", "aws:budgets/", "aws:costexplorer/", "aws:route53domains/", "aws:waf/",
    "aws:account/", "gcp:projects/", "gcp:organizations/", "gcp:serviceaccount/", "gcp:iam/",
    "gcp:dns/", "gcp:folder/", "gcp:billing/", "gcp:resourcemanager/",
)
"""Services without a data region (IAM, DNS, CDN, accounts...)."""

GLOBAL_TYPES = frozenset(f"gcp:compute/{name[0].lower()}{name[1:]}:{name}" for name in (
    "Network", "Firewall", "Route", "GlobalAddress", "GlobalForwardingRule", "BackendService",
    "BackendBucket", "HealthCheck", "HttpHealthCheck", "HttpsHealthCheck", "URLMap",
    "TargetHttpProxy", "TargetHttpsProxy", "TargetSSLProxy", "TargetTCPProxy", "SSLCertificate",
    "ManagedSslCertificate", "SSLPolicy", "SecurityPolicy", "InstanceTemplate", "Image",
    "GlobalNetworkEndpointGroup", "ProjectMetadata", "ProjectMetadataItem"))
"""GCP compute resources that are global (their token is ``gcp:compute/<camel>:<Name>``)."""

_REGIONAL_ROUTE53 = "aws:route53/resolver"
BACKUP_PLAN = "aws:backup/plan:Plan"
GCS_BUCKET = "gcp:storage/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def is_global(token: str, extra: tuple[str, ...] | list[str] = ()) -> bool:
    """True for global services and for anything that is not an AWS or GCP resource."""
    if not token.startswith(("aws:", "gcp:")) or token in extra:
        return True
    if token.startswith(_REGIONAL_ROUTE53):
        return False
    resource = token.rsplit(":", 1)[-1]
    return token.startswith(GLOBAL_PREFIXES) or token in GLOBAL_TYPES or "IAM" in resource


def _allowed(ctx: Context) -> frozenset[str] | None:
    allowed = ctx.intent.residency  # completed from the rule's jurisdictions
    return None if not allowed or regions.ANY in allowed else allowed


def _outside(what: str, place: str, allowed: frozenset[str]) -> str | None:
    inside = regions.within(place, allowed)
    if inside:
        return None
    if inside is None:
        return f"{what} is in {place}, a location drkit does not know: name a known region"
    return (f"{what} is in {location_text(place)}, outside the allowed jurisdictions "
            f"({', '.join(sorted(allowed))})")


def residency_location(view: ResourceView, ctx: Context) -> Iterator[str]:
    allowed = _allowed(ctx)
    if allowed is None or is_global(view.type, ctx.config["globalTypes"]):
        return
    for place in _data_places(view):
        message = _outside(view.label, place, allowed)
        if message:
            yield message


def _data_places(view: ResourceView) -> list[str]:
    """Where the resource keeps its data: a GCS custom dual-region's ``dataLocations``
    (its ``location`` is only the multi-region they belong to), else its region."""
    if view.type == GCS_BUCKET:
        custom = view.get("customPlacementConfig")
        places = custom.get("dataLocations") if isinstance(custom, dict) else None
        if isinstance(places, list) and places:
            return [str(check_known(p, f"{view.label} dataLocations")).lower() for p in places]
    if not view.region:
        raise Unknown(f"{view.label} region")
    return [str(check_known(view.region, f"{view.label} region"))]


def _partners(ctx: Context, view: ResourceView) -> Iterator[tuple[str, str | None]]:
    """(description, region) of each place ``view`` copies data to or from."""
    if view.type == RDS_INSTANCE and view.get("replicateSourceDb"):
        source = view.get("replicateSourceDb")
        yield f"the replication source {source} of {view.label}", arn_region(source) or view.region
    if view.type == BACKUP_PLAN:
        for rule in view.items("rules"):
            for copy in (rule.get("copyActions") or []) if isinstance(rule, dict) else []:
                arn = check_known(copy.get("destinationVaultArn"),
                                  f"{view.label} copyActions.destinationVaultArn")
                yield f"the copy vault {arn} of {view.label}", arn_region(arn)
    if view.type in (*S3_BUCKETS, REPLICATION):
        yield from _s3_destinations(ctx, view)
    if view.type == CLOUD_SQL and view.get("masterInstanceName"):
        master_name = view.get("masterInstanceName")
        master = resolve_ref(ctx, view, "masterInstanceName", master_name, (CLOUD_SQL,))
        if master is not None:
            yield f"the master {master.label} of {view.label}", master.region
        elif ctx.intent.regions is None:
            yield f"the master {master_name} of {view.label}", None


def _s3_destinations(ctx: Context, view: ResourceView) -> Iterator[tuple[str, str | None]]:
    path = "rules" if view.type == REPLICATION else "replicationConfiguration.rules"
    input_name = path.split(".")[0]
    for rule in view.items(path):
        bucket = rule_destination(rule).get("bucket")
        target = resolve_ref(ctx, view, input_name, bucket, S3_BUCKETS)
        shown = target.label if target else f"bucket {bucket}"
        yield (f"the replica {shown} of {view.label}",
               target.region if target else replica_key_region(rule))


def residency_replication(ctx: Context) -> Iterator[Violation]:
    allowed = _allowed(ctx)
    if allowed is None:
        return
    for view in ctx.resources:
        try:
            for what, place in _partners(ctx, view):
                if place is None:
                    yield Violation(f"{what} lies outside this stack: its region cannot be "
                                    "checked", view.urn, unknown=True)
                    continue
                message = _outside(what, place, allowed)
                if message:
                    yield Violation(message, view.urn)
        except Unknown as unknown:
            yield Violation(str(unknown), view.urn, unknown=True)


def secondary_region(ctx: Context) -> Iterator[Violation]:
    intent = ctx.intent
    if intent.role == "secondary" and intent.regions:
        primary = intent.regions.primary
        for view in ctx.resources:
            if view.region == primary and not is_global(view.type, ctx.config["globalTypes"]):
                yield Violation(f"{view.label} of the secondary stack is in the primary region "
                                f"{primary}: a regional disaster would take out both copies",
                                view.urn)
    for view in (r for r in ctx.resources if r.type in (RDS_INSTANCE, CLOUD_SQL)):
        try:
            pairs = list(_partners(ctx, view))
        except Unknown as unknown:
            yield Violation(str(unknown), view.urn, unknown=True)
            continue
        for what, place in pairs:
            if place is not None and place == view.region:
                yield Violation(f"{what} is in the replica's own region {place}: replicate "
                                "across regions", view.urn)


_CONFIG = {
    "jurisdictions": {"type": "array", "items": {"type": "string"}, "default": ["any"],
                      "description": "Allowed jurisdictions (eu, us, uk, de...) when the stack "
                                     "has no drkit:residency; any disables the check"},
    "globalTypes": {"type": "array", "items": {"type": "string"}, "default": [],
                    "description": "More resource types without a data region"},
}

RULES = (
    Rule("DR-RES-001", "residency-location",
         "Ensure every regional resource lies inside the allowed jurisdictions",
         Severity.CRITICAL, ("*",),
         "Create the resource with a provider (or region/location) of an allowed "
         "jurisdiction, or widen drkit:residency.", residency_location, config=_CONFIG),
    Rule("DR-RES-002", "residency-replication",
         "Ensure every replica and backup copy lies inside the allowed jurisdictions",
         Severity.CRITICAL,
         (RDS_INSTANCE, BACKUP_PLAN, *S3_BUCKETS, REPLICATION, CLOUD_SQL),
         "Replicate and copy only to regions of the allowed jurisdictions.",
         residency_replication, scope=Scope.STACK, config=_CONFIG),
    Rule("DR-RES-003", "secondary-region-differs",
         "Ensure the secondary region and every replica differ from the primary region",
         Severity.CRITICAL, ("*",),
         "Give the secondary stack's providers the secondary region, and create replicas in "
         "another region than their source.", secondary_region, scope=Scope.STACK,
         config={"globalTypes": _CONFIG["globalTypes"]}),
)

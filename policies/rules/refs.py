"""Following references between resources of one stack, and reading regions out of ARNs.

Offline and under CrossGuard an input that pointed at another resource holds its id, name or
ARN; the input's property dependencies name the resources it was computed from. A reference is
resolved by value first, then by dependency when exactly one candidate of the wanted type is
among the dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from drkit_core import regions
from policies.model import Context, ResourceView, check_known

S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
RDS_INSTANCE = "aws:rds/instance:Instance"
CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"

_NAME_INPUTS = ("bucket", "identifier", "name")


def arn_region(arn: Any) -> str | None:
    """``eu-west-1`` from ``arn:aws:rds:eu-west-1:123456789012:db:x``; None when not regional."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 3 else None


def rule_destination(rule: Any) -> dict[str, Any]:
    """The ``destination`` block of an S3 replication rule (Pulumi sends one-item lists)."""
    destination = rule.get("destination") if isinstance(rule, dict) else None
    if isinstance(destination, list):
        destination = destination[0] if destination else None
    return destination if isinstance(destination, dict) else {}


def replica_key_region(rule: Any) -> str | None:
    """The region of an S3 replication rule's destination as its replica KMS key names it: S3
    requires that key in the destination bucket's region (S3 User Guide, "Replicating
    encrypted objects"), and an S3 ARN names no region."""
    encryption = rule_destination(rule).get("encryptionConfiguration")
    if isinstance(encryption, list):
        encryption = encryption[0] if encryption else None
    key = encryption.get("replicaKmsKeyId") if isinstance(encryption, dict) else None
    return arn_region(key)


def of_types(resources: Iterable[ResourceView], types: Sequence[str]) -> list[ResourceView]:
    return [r for r in resources if r.type in types]


def identities(view: ResourceView) -> set[str]:
    """Strings another resource may hold to point at ``view``: ARN, id, names, S3 ARN."""
    found: set[str] = set()
    for key in ("arn", "id", "selfLink", "connectionName", *_NAME_INPUTS):
        value = view.props.get(key)
        if isinstance(value, str) and value:
            found.add(value)
    bucket = view.props.get("bucket")
    if view.type in S3_BUCKETS and isinstance(bucket, str) and bucket:
        found.add(f"arn:aws:s3:::{bucket}")
    return found


def resolve(ctx: Context, source: ResourceView, input_name: str, value: Any,
            types: Sequence[str]) -> ResourceView | None:
    """The resource of one of ``types`` that ``value`` (held in ``source``'s ``input_name``)
    points at, among the stack's resources; None when it is not in the stack."""
    check_known(value, f"{source.label} {input_name}")
    index = _index(ctx, tuple(types))
    if isinstance(value, str) and value:
        found = index.get(value)
        if found is None and ":db:" in value:  # an RDS ARN names the instance's identifier
            found = index.get(":db:" + value.rsplit(":db:", 1)[1])
        if found is not None:
            return found
    by_urn = ctx.cache.get("by_urn")
    if by_urn is None:
        by_urn = ctx.cache["by_urn"] = {r.urn: r for r in ctx.resources}
    linked = {by_urn[u].urn: by_urn[u] for u in source.property_dependencies.get(input_name, ())
              if u in by_urn and by_urn[u].type in types}
    return next(iter(linked.values())) if len(linked) == 1 else None


def _index(ctx: Context, types: tuple[str, ...]) -> dict[str, ResourceView]:
    """Identity -> resource over the stack's resources of ``types``, built once per check."""
    key = ("identities", types)
    if key not in ctx.cache:
        index: dict[str, ResourceView] = {}
        for candidate in of_types(ctx.resources, types):
            for identity in identities(candidate):
                index.setdefault(identity, candidate)
            identifier = candidate.props.get("identifier")
            if candidate.type == RDS_INSTANCE and isinstance(identifier, str) and identifier:
                index.setdefault(f":db:{identifier}", candidate)
        ctx.cache[key] = index
    return cast(dict[str, ResourceView], ctx.cache[key])


def location_text(name: str) -> str:
    """``us-east-1 (us)``: a location with its jurisdictions, for messages."""
    location = regions.lookup(name)
    if location is None:
        return f"{name} (unknown location)"
    held = ", ".join(sorted(location.jurisdictions)) or "no single jurisdiction"
    return f"{name} ({held})"

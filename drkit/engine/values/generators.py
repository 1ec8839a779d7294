"""Value generators: what each computed property of a resource looks like.

A generator takes the :class:`Subject` and returns one property's value. :func:`plan` picks one
generator per property of an SDK class, once per token: by the type and property
(:data:`SPECIAL`), by the property's name (:data:`BY_NAME`), by the end of its name
(:data:`BY_SUFFIX`), else by its type alone.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from drkit.engine.values.data import tables
from drkit.engine.values.sdk import Spec, properties
from drkit.engine.values.subject import ZONES_PER_REGION, Subject, id_for, lb_kind, upper_alnum
from drkit_core import regions

Gen = Callable[[Subject], Any]

TIMESTAMP = "2025-01-01T00:00:00Z"
_MAX_DEPTH = 4


def pem(kind: str) -> Gen:
    def pem(s: Subject) -> str:
        body = base64.b64encode(bytes.fromhex(s.digest * 3)).decode()
        return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"
    return pem


def _endpoint(s: Subject) -> str:
    if s.pkg == "gcp":
        return s.ip
    host = _host(s)
    return f"{host}:{s.port}" if s.module in ("rds", "docdb", "neptune") else host


def _host(s: Subject) -> str:
    service = tables().host_services.get(s.module, s.module)
    return f"{s.name}.{s.account_hex}.{s.region}.{service}.amazonaws.com"


def _address(s: Subject) -> str:
    return s.ip if s.pkg == "gcp" else _host(s)


def _dns_name(s: Subject) -> str:
    if s.module not in ("lb", "alb", "elb"):
        return f"{s.name}.{s.region}.{s.module}.amazonaws.com"
    prefix = "internal-" if s.inputs.get("internal") is True else ""
    if lb_kind(s) == "app":
        digits = int(s.digest[:12], 16) % 10**10
        return f"{prefix}{s.name}-{digits}.{s.region}.elb.amazonaws.com"
    return f"{prefix}{s.name}-{s.digest[:16]}.elb.{s.region}.amazonaws.com"


def _arn_suffix(s: Subject) -> str:
    resource = s.arn.split(":", 5)[-1]
    return resource.removeprefix("loadbalancer/")


def _url(s: Subject) -> str:
    if s.module == "sqs":
        return f"https://sqs.{s.region}.amazonaws.com/{s.ctx.account_id}/{s.name}"
    if s.module == "storage":
        return f"gs://{s.name}"
    if s.module in ("cloudrun", "cloudrunv2", "cloudfunctionsv2"):
        return f"https://{s.name}-{s.digest[:10]}-{s.region[:2]}.a.run.app"
    if s.pkg == "gcp":
        return s.self_link
    return f"https://{s.name}.{s.module}.{s.region}.amazonaws.com"


def unique_id(s: Subject) -> str:
    if s.mod == "iam/role":
        return "AROA" + upper_alnum(s.digest, 17)
    if s.mod == "iam/user":
        return "AIDA" + upper_alnum(s.digest, 17)
    return str(100000000000000000000 + int(s.digest[:20], 16) % 10**20)


def _status(s: Subject) -> str:
    return "READY" if s.pkg == "gcp" else "available"


def _tags(key: str) -> Gen:
    def tags(s: Subject) -> dict[str, Any]:
        value = s.inputs.get(key)
        return dict(value) if isinstance(value, Mapping) else {}
    return tags


def name_servers(s: Subject) -> list[str]:
    d = s.digest
    servers = []
    for i, tld in enumerate(("com", "net", "org", "co.uk")):
        number, group = int(d[i * 4:i * 4 + 4], 16) % 2048, int(d[20 + i * 2:22 + i * 2], 16) % 64
        servers.append(f"ns-{number}.awsdns-{group:02d}.{tld}")
    return servers


def _validation_options(s: Subject) -> list[dict[str, str]]:
    """One DNS validation record per distinct domain, as ACM returns them."""
    sans = s.inputs.get("subjectAlternativeNames")
    domains = [s.text("domainName"), *(sans if isinstance(sans, list) else [])]
    options = []
    for domain in dict.fromkeys(d for d in domains if isinstance(d, str) and d):
        h = s.hexes(domain)
        base = domain.removeprefix("*.")
        options.append({
            "domainName": domain,
            "resourceRecordName": f"_{h[:32]}.{base}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{h[32:64]}.{h[:10]}.acm-validations.aws.",
        })
    return options


def _sql_ip_addresses(s: Subject) -> list[dict[str, str]]:
    return [{"ipAddress": s.ip, "type": "PRIMARY", "timeToRetire": ""}]


def _region_value(s: Subject) -> str:
    return s.region


def _timestamp(s: Subject) -> str:
    return TIMESTAMP


SPECIAL: dict[tuple[str, str], Gen] = {
    ("acm/certificate", "domainValidationOptions"): _validation_options,
    ("acm/certificate", "status"): lambda s: "ISSUED",
    ("rds/cluster", "endpoint"):
        lambda s: f"{s.name}.cluster-{s.account_hex}.{s.region}.rds.amazonaws.com",
    ("rds/cluster", "readerEndpoint"):
        lambda s: f"{s.name}.cluster-ro-{s.account_hex}.{s.region}.rds.amazonaws.com",
    ("rds/instance", "resourceId"): lambda s: "db-" + upper_alnum(s.digest, 26),
    ("rds/cluster", "clusterResourceId"): lambda s: "cluster-" + upper_alnum(s.digest, 26),
    ("cloudfront/distribution", "domainName"):
        lambda s: f"d{upper_alnum(s.digest, 13).lower()}.cloudfront.net",
    ("cloudfront/distribution", "hostedZoneId"): lambda s: tables().cloudfront_zone_id,
    ("sql/databaseInstance", "ipAddresses"): _sql_ip_addresses,
    ("sql/databaseInstance", "state"): lambda s: "RUNNABLE",
    ("route53/record", "fqdn"): lambda s: s.text("name").rstrip("."),
    ("kms/key", "keyId"): lambda s: s.uuid,
    ("serviceaccount/account", "name"): lambda s: f"projects/{s.project}/serviceAccounts/"
                                                  f"{s.email}",
    ("organizations/project", "number"): lambda s: s.project_number,
    # The group a manager manages: backend services reference it by this URL.
    ("compute/regionInstanceGroupManager", "instanceGroup"):
        lambda s: f"https://www.googleapis.com/compute/v1/projects/{s.project}/regions/"
                  f"{s.region}/instanceGroups/{s.name}",
    ("compute/instanceGroupManager", "instanceGroup"):
        lambda s: f"https://www.googleapis.com/compute/v1/projects/{s.project}/zones/"
                  f"{s.text('zone') or regions.zone_name(s.region, 'gcp')}/instanceGroups/"
                  f"{s.name}",
}
"""Token-specific values: (type, property) -> generator."""

BY_NAME: dict[str, tuple[str, Gen]] = {
    "id": ("str", lambda s: id_for(s) or s.text(s.shape.name_key) or (
        s.region if s.pkg == "aws" else f"projects/{s.project}")),
    "arn": ("str", lambda s: s.arn),
    "arnSuffix": ("str", _arn_suffix),
    "endpoint": ("str", _endpoint),
    "address": ("str", _address),
    "dnsName": ("str", _dns_name),
    "zoneId": ("str", lambda s: s.zone_id),
    "hostedZoneId": ("str", lambda s: s.zone_id),
    "bucketDomainName": ("str", lambda s: f"{s.name}.s3.amazonaws.com"),
    "bucketRegionalDomainName": ("str", lambda s: f"{s.name}.s3.{s.region}.amazonaws.com"),
    "websiteEndpoint": ("str", lambda s: f"{s.name}.s3-website-{s.region}.amazonaws.com"),
    "websiteDomain": ("str", lambda s: f"s3-website-{s.region}.amazonaws.com"),
    "selfLink": ("str", lambda s: s.self_link),
    "selfLinkWithId": ("str", lambda s: s.self_link),
    "connectionName": ("str", lambda s: f"{s.project}:{s.region}:{s.name}"),
    "ipAddress": ("str", lambda s: s.ip),
    "publicIp": ("str", lambda s: s.ip),
    "publicIpAddress": ("str", lambda s: s.ip),
    "firstIpAddress": ("str", lambda s: s.ip),
    "natIp": ("str", lambda s: s.ip),
    "privateIp": ("str", lambda s: s.private_ip),
    "privateIpAddress": ("str", lambda s: s.private_ip),
    "networkIp": ("str", lambda s: s.private_ip),
    "gatewayAddress": ("str", lambda s: s.private_ip),
    "url": ("str", _url),
    "uri": ("str", _url),
    "fingerprint": ("str", lambda s: s.hexes("fingerprint")[:16]),
    "etag": ("str", lambda s: s.hexes("etag")[:32]),
    "uniqueId": ("str", unique_id),
    "keyId": ("str", lambda s: s.uuid),
    "ownerId": ("str", lambda s: s.ctx.account_id),
    "accountId": ("str", lambda s: s.name if s.pkg == "gcp" else s.ctx.account_id),
    "region": ("str", _region_value),
    "location": ("str", lambda s: s.text("location") or s.region),
    # AWS zone names whatever the package: only AWS types have these properties as zones.
    "availabilityZone": ("str", lambda s: regions.zone_name(s.region, "aws")),
    "zone": ("str", lambda s: regions.zone_name(s.region, "gcp" if s.pkg == "gcp" else "aws")),
    "project": ("str", lambda s: s.project),
    "number": ("str", lambda s: s.project_number),
    "email": ("str", lambda s: s.email),
    "member": ("str", lambda s: f"serviceAccount:{s.email}"),
    "version": ("str", lambda s: "1"),
    "status": ("str", _status),
    "state": ("str", _status),
    "name": ("str", lambda s: s.name),
    "identifier": ("str", lambda s: s.name),
    "bucket": ("str", lambda s: s.name),
    "clusterIdentifier": ("str", lambda s: s.name),
    **{key: ("str", _timestamp) for key in (
        "creationTimestamp", "createTime", "updateTime", "createDate", "creationDate",
        "createdAt", "createdDate", "lastModifiedDate")},
    "certificate": ("str", pem("CERTIFICATE")),
    "certificateBody": ("str", pem("CERTIFICATE")),
    "certificateChain": ("str", pem("CERTIFICATE")),
    "cert": ("str", pem("CERTIFICATE")),
    "privateKey": ("str", pem("PRIVATE KEY")),
    "tagsAll": ("map", _tags("tags")),
    "effectiveLabels": ("map", _tags("labels")),
    "pulumiLabels": ("map", _tags("labels")),
    "terraformLabels": ("map", _tags("labels")),
    "availabilityZones": ("list", lambda s: regions.zone_names(s.region, "aws", ZONES_PER_REGION)),
    "nameServers": ("list", name_servers),
    "port": ("int", lambda s: s.port),
    "latestVersion": ("int", lambda s: 1),
}
"""Values by property name, for any type: (the kind of value it must be, generator)."""


def _other_arn(wire: str) -> Gen:
    """An ARN for a related thing (``kmsKeyArn``, ``roleArn``), never the resource's own."""
    kind = wire.removesuffix("Arn").removesuffix("arn").lower() or "resource"
    return lambda s: (f"arn:{s.partition}:{s.module}:{s.region}:{s.ctx.account_id}:"
                      f"{kind}/{s.name}")


def _prefixed_id(prefix: str) -> Callable[[str], Gen]:
    return lambda wire: lambda s: f"{prefix}-0{s.hexes(wire)[:16]}"


def _fixed(generate: Gen) -> Callable[[str], Gen]:
    return lambda wire: generate


BY_SUFFIX: tuple[tuple[str, str, Callable[[str], Gen]], ...] = (
    ("arn", "aws", _other_arn),
    ("certificatepem", "", _fixed(pem("CERTIFICATE"))),
    ("privatekeypem", "", _fixed(pem("PRIVATE KEY"))),
    ("publickeypem", "", _fixed(pem("PUBLIC KEY"))),
    ("pem", "", _fixed(pem("CERTIFICATE"))),
    ("cacertificate", "",
     _fixed(lambda s: base64.b64encode(pem("CERTIFICATE")(s).encode()).decode())),
    ("timestamp", "", _fixed(_timestamp)),
    ("time", "", _fixed(_timestamp)),
    ("fingerprint", "", _fixed(lambda s: s.hexes("fingerprint")[:16])),
    ("ipv6cidrblock", "aws", _fixed(lambda s: "2600:1f18:1234:5600::/56")),
    ("cidrblock", "aws", _fixed(lambda s: "10.0.0.0/16")),
    ("ipaddress", "", _fixed(lambda s: s.ip)),
    ("routetableid", "aws", _prefixed_id("rtb")),
    ("securitygroupid", "aws", _prefixed_id("sg")),
    ("networkaclid", "aws", _prefixed_id("acl")),
    ("dhcpoptionsid", "aws", _prefixed_id("dopt")),
    ("subnetid", "aws", _prefixed_id("subnet")),
    ("vpcid", "aws", _prefixed_id("vpc")),
    ("networkinterfaceid", "aws", _prefixed_id("eni")),
    ("allocationid", "aws", _prefixed_id("eipalloc")),
    ("imageid", "aws", _prefixed_id("ami")),
    ("instanceid", "aws", _prefixed_id("i")),
)
"""By the (case-insensitive) end of the property name, tried in order when the name has no
entry: (suffix, the only package it applies to or "", maker of the generator from the name)."""

_OWN_NAMES = frozenset({"name", "identifier", "bucket", "clusterIdentifier", "arn", "id"})
"""Names that mean "this resource's own name": only true of top-level properties."""

_CONSTANTS = {"int": 1, "float": 1.0, "bool": False}


def _fallback_string(wire: str) -> Gen:
    """Unique per resource and property, and says where it came from when it shows up."""
    return lambda s: f"{s.name}-{wire}"


def _constant(kind: str, value: Any = None) -> Gen:
    """A fixed value; lists and maps are made afresh so that no two states share one."""
    if kind == "list":
        return lambda s: []
    if kind == "map":
        return lambda s: {}
    return lambda s: value


def _object(pkg: str, mod: str, cls: type, depth: int) -> Gen:
    """A nested output object, filled field by field; depth-limited as some types recurse."""
    if depth >= _MAX_DEPTH:
        return _constant("map")

    def nested(s: Subject) -> dict[str, Any]:
        return {wire: generate(s) for wire, generate in plan(pkg, mod, cls, depth + 1)}
    return nested


def _choose(pkg: str, mod: str, wire: str, spec: Spec, depth: int) -> Gen:
    """The generator for one property: by type and name, by name, by suffix, then by type."""
    special = SPECIAL.get((mod, wire))
    if special is not None:
        return special
    kind = spec.kind
    by_name = BY_NAME.get(wire)
    if by_name is not None and by_name[0] == ("str" if kind == "any" else kind) and not (
            depth and wire in _OWN_NAMES):
        return by_name[1]
    if kind == "str" or kind == "any":
        lower = wire.lower()
        for suffix, only, make in BY_SUFFIX:
            if lower.endswith(suffix) and only in ("", pkg):
                return make(wire)
        return _fallback_string(wire)
    if kind == "const":
        return _constant(kind, spec.value)
    if kind == "object" and spec.cls is not None:
        return _object(pkg, mod, spec.cls, depth)
    if kind in ("list", "map"):
        return _constant(kind)
    return _constant(kind, _CONSTANTS.get(kind, ""))


@functools.cache
def plan(pkg: str, mod: str, cls: type, depth: int) -> tuple[tuple[str, Gen], ...]:
    """(wire name, generator) for each property of ``cls``, chosen once per token.

    A resource's ``id`` and ``urn`` are not state (the mock returns the id separately); an
    invoke result's or a nested object's ``id`` is an ordinary property."""
    skip = ("id", "urn") if issubclass(cls, pulumi.Resource) else ()
    return tuple((wire, _choose(pkg, mod, wire, spec, depth))
                 for wire, spec in properties(cls) if wire not in skip)

"""The thing being valued: one resource or data-source call, and the names derived from it.

A :class:`Subject` computes each derived value (name, region, partition, ARN, ids...) once, on
demand, from a sha256 of the resource's URN (or of an invoke's token and args), so two runs of
one program get the same values in any process. The id and ARN templates of ``drkit/data`` are
filled from it through :data:`FIELDS`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from drkit.engine.values.data import Shape, tables
from drkit_core import regions


@dataclass(frozen=True)
class Context:
    """Where a resource or call lives; the account and project go into ARNs and self links."""

    region: str | None
    account_id: str = "123456789012"
    gcp_project: str = "drkit-offline"


FALLBACK_REGION = {"aws": "us-east-1", "gcp": "us-central1"}
"""The region of a resource when neither it nor its provider says (a real provider would fail)."""

ZONES_PER_REGION = 3
"""Zones a region has offline (a, b, c): what lists of zones and data sources return."""

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def upper_alnum(hexdigits: str, length: int) -> str:
    """Upper-case letters and digits, the alphabet of Route53 zone ids and IAM unique ids
    (one character per byte of the hash: at most 32)."""
    return "".join(_UPPER_ALNUM[byte % 36] for byte in bytes.fromhex(hexdigits[:2 * length]))


def uuid_of(hexdigits: str) -> str:
    h = hexdigits
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def last_segment(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def gcp_project_number(project: str) -> str:
    """A GCP project's 12-digit number, derived from its id."""
    return str(100000000000 + int(sha(project)[:12], 16) % 900000000000)


class Subject:
    """One resource (or invoke) being valued; derived values are computed once, on demand."""

    def __init__(self, token: str, name: str, urn: str, inputs: Mapping[str, Any], pid: str,
                 ctx: Context) -> None:
        self.token = token
        self.pkg, middle, self.typ = [*token.split(":"), "", ""][:3]
        self.module = middle.split("/", 1)[0]
        if self.typ.startswith("get") and self.typ[3:4].isupper():
            # A data source reads a resource: aws:iam/getRole:getRole values like iam/role.
            self.typ = self.typ[3:]
            middle = f"{self.module}/{self.typ[:1].lower()}{self.typ[1:]}"
        self.mod = middle
        self.resource_name = name
        self.urn = urn
        self.inputs = inputs
        self.pid = pid
        self.ctx = ctx

    def text(self, key: str) -> str:
        """A string input, or "" when absent or not a string."""
        value = self.inputs.get(key)
        return value if isinstance(value, str) else ""

    def items(self, key: str) -> list[Any]:
        """A list input, or [] when absent or not a list."""
        value = self.inputs.get(key)
        return list(value) if isinstance(value, list | tuple) else []

    def hexes(self, salt: str) -> str:
        """64 more hex digits, independent of :attr:`digest`, for a second value of one kind."""
        return sha(f"{self.urn}#{salt}")

    def format(self, template: str) -> str:
        return template.format_map(_Fields(self))

    @functools.cached_property
    def shape(self) -> Shape:
        return tables().shape(self.pkg, self.mod)

    @functools.cached_property
    def digest(self) -> str:
        return sha(self.urn)

    @functools.cached_property
    def uuid(self) -> str:
        return uuid_of(self.digest)

    @functools.cached_property
    def region(self) -> str:
        own = self.text("region")
        if self.pkg == "gcp" and not own:
            own = regions.zone_region(self.text("zone"), "gcp") or ""
        return own or self.ctx.region or FALLBACK_REGION.get(self.pkg, "us-east-1")

    @functools.cached_property
    def partition(self) -> str:
        return regions.aws_partition(self.region)

    @functools.cached_property
    def project(self) -> str:
        return self.text("project") or self.ctx.gcp_project

    @functools.cached_property
    def name(self) -> str:
        """The name input, else the name in a read's id, else an autoname like Pulumi's."""
        own = self.text(self.shape.name_key)
        if own:
            return own
        if self.pid and self.pkg == "gcp":
            return last_segment(self.pid)
        if self.pid and self.shape.id is None:
            return self.pid
        return f"{self.resource_name}-{self.digest[:8]}"

    @functools.cached_property
    def arn(self) -> str:
        return self.format(self.shape.arn or tables().aws_fallback_arn)

    @functools.cached_property
    def zone_id(self) -> str:
        """Route53 zone id; load balancers and buckets share one per region, as in AWS."""
        if self.module in ("lb", "alb", "elb", "s3", "cloudfront", "globalaccelerator"):
            return "Z" + upper_alnum(sha(f"{self.module}:{self.region}"), 13)
        return "Z" + upper_alnum(self.digest, 13)

    @functools.cached_property
    def account_hex(self) -> str:
        """The per account-and-region label in RDS and ElastiCache host names."""
        return sha(f"{self.ctx.account_id}:{self.region}")[:12]

    @functools.cached_property
    def ip(self) -> str:
        return f"203.0.113.{1 + int(self.digest[:4], 16) % 254}"

    @functools.cached_property
    def private_ip(self) -> str:
        d = self.digest
        return f"10.{int(d[4:6], 16) % 256}.{int(d[6:8], 16) % 256}.{1 + int(d[8:10], 16) % 254}"

    @functools.cached_property
    def project_number(self) -> str:
        return gcp_project_number(self.project)

    @functools.cached_property
    def email(self) -> str:
        return f"{self.name}@{self.project}.iam.gserviceaccount.com"

    @functools.cached_property
    def self_link(self) -> str:
        path = self.pid or id_for(self) or self.format(tables().gcp_fallback_id)
        if self.module == "sql":
            return f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{self.project}" \
                   f"/instances/{self.name}"
        if self.module == "storage":
            return f"https://www.googleapis.com/storage/v1/b/{self.name}"
        return f"https://www.googleapis.com/{self.module}/v1/{path}"

    @functools.cached_property
    def port(self) -> int:
        engine = (self.text("engine") or self.text("databaseVersion") or self.module).lower()
        for word, port in tables().db_ports:
            if word in engine:
                return port
        return 80 if self.text("protocol").upper() in ("HTTP", "TCP") else 443


def id_for(s: Subject) -> str:
    """The id when its shape is known for the type (or the type a data source reads), else ""."""
    template = s.shape.id
    return s.format(template) if template is not None else ""


def lb_kind(s: Subject) -> str:
    """``app``, ``net`` or ``gwy``: a load balancer's type as its ARN spells it."""
    kind = s.text("loadBalancerType") or "application"
    return tables().lb_arn_kinds.get(kind, "app")


def _lb_path(s: Subject) -> str:
    """``app/{lb-name}/{hex}`` of the listener's load balancer, read from its ARN input."""
    parent = s.text("loadBalancerArn") or s.text("listenerArn")
    for marker in (":loadbalancer/", ":listener/"):
        if marker in parent:
            return parent.split(marker, 1)[1]
    return f"app/{s.name}/{s.hexes('lb')[:16]}"


FIELDS: dict[str, Callable[[Subject], str]] = {
    "partition": lambda s: s.partition,
    "region": lambda s: s.region,
    "account": lambda s: s.ctx.account_id,
    "project": lambda s: s.project,
    "name": lambda s: s.name,
    "id": lambda s: s.pid or s.name,
    "arn": lambda s: s.arn,
    "uuid": lambda s: s.uuid,
    "hex16": lambda s: s.digest[:16],
    "hex16b": lambda s: s.digest[16:32],
    "alnum6": lambda s: upper_alnum(s.digest, 6),
    "zoneId": lambda s: s.text("zoneId") or s.zone_id,
    "distId": lambda s: "E" + upper_alnum(s.digest, 13),
    "lbKind": lb_kind,
    "lbPath": _lb_path,
    "module": lambda s: s.module,
    "kind": lambda s: s.typ[:1].lower() + s.typ[1:] + "s" if s.pkg == "gcp" else s.typ.lower(),
    "bareName": lambda s: s.name.lstrip("/"),
    "topicName": lambda s: last_segment(s.text("topic")) or s.name,
    "location": lambda s: s.text("location") or s.region,
    "zone": lambda s: s.text("zone") or regions.zone_name(s.region, "gcp"),
    "email": lambda s: s.email,
}
"""Template fields computed from the subject; any other field is the input of that name."""


class _Fields(dict[str, str]):
    """``str.format_map`` mapping: computed fields, then string inputs, then ""."""

    def __init__(self, subject: Subject) -> None:
        super().__init__()
        self.subject = subject

    def __missing__(self, key: str) -> str:
        compute = FIELDS.get(key)
        return compute(self.subject) if compute else self.subject.text(key)

"""The engine's tables, read once per process from the YAML files in ``drkit/data``.

Each file's header says what it holds and where its values come from: ``aws_types.yaml`` and
``gcp_types.yaml`` (per resource type: the id, ARN and name input), ``aws_constants.yaml`` and
``gcp_constants.yaml`` (published accounts, zones, ranges, image projects), ``db_ports.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from drkit_core.errors import invalid

DATA_DIR: Traversable = resources.files("drkit").joinpath("data")
"""Where the files are read from (a test may point it elsewhere, then clear :func:`tables`)."""

SHAPE_KEYS = ("id", "arn", "name_key")


@dataclass(frozen=True)
class Shape:
    """How one resource type's physical id, ARN and name look; None means the default."""

    id: str | None = None
    arn: str | None = None
    name_key: str = "name"


NO_SHAPE = Shape()


@dataclass(frozen=True)
class Partition:
    """An AWS partition's DNS names, as the ``aws_partition`` data source returns them."""

    dns_suffix: str
    reverse_dns_prefix: str


@dataclass(frozen=True)
class Tables:
    """Every table of ``drkit/data``, typed."""

    shapes: Mapping[str, Mapping[str, Shape]]
    """Package (``aws``, ``gcp``) -> ``module/type`` -> shape."""
    aws_fallback_arn: str
    gcp_fallback_id: str
    elb_accounts: Mapping[str, str]
    amazon_ami_owner: str
    cloudfront_zone_id: str
    host_services: Mapping[str, str]
    lb_arn_kinds: Mapping[str, str]
    partitions: Mapping[str, Partition]
    netblocks: Mapping[str, tuple[str, ...]]
    image_projects: tuple[tuple[str, str], ...]
    """(word, project), tried in order."""
    db_ports: tuple[tuple[str, int], ...]
    """(word, port), tried in order."""

    def shape(self, pkg: str, mod: str) -> Shape:
        return self.shapes.get(pkg, {}).get(mod, NO_SHAPE)


@functools.cache
def tables() -> Tables:
    """The tables, parsed on first use and kept: nothing is read per resource."""
    aws_types, gcp_types = _read("aws_types.yaml"), _read("gcp_types.yaml")
    aws, gcp = _read("aws_constants.yaml"), _read("gcp_constants.yaml")
    return Tables(
        shapes={"aws": _shapes("aws_types.yaml", aws_types["types"]),
                "gcp": _shapes("gcp_types.yaml", gcp_types["types"])},
        aws_fallback_arn=aws_types["fallback_arn"],
        gcp_fallback_id=gcp_types["fallback_id"],
        elb_accounts=dict(aws["elb_log_delivery_accounts"]),
        amazon_ami_owner=aws["amazon_ami_owner"],
        cloudfront_zone_id=aws["cloudfront_hosted_zone_id"],
        host_services=dict(aws["host_service_labels"]),
        lb_arn_kinds=dict(aws["load_balancer_arn_kinds"]),
        partitions={name: Partition(**entry) for name, entry in aws["partitions"].items()},
        netblocks={kind: tuple(blocks) for kind, blocks in gcp["netblocks"].items()},
        image_projects=tuple(gcp["image_projects"].items()),
        db_ports=tuple(_read("db_ports.yaml").items()),
    )


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load(DATA_DIR.joinpath(name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(invalid(f"drkit/data/{name}", data, "a mapping"))
    return data


def _shapes(name: str, entries: Mapping[str, Any]) -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    for mod, entry in entries.items():
        where = f"drkit/data/{name}: types.{mod}"
        if not isinstance(entry, dict) or not entry:
            raise ValueError(invalid(where, entry, f"a mapping of {', '.join(SHAPE_KEYS)}"))
        for key, value in entry.items():
            if key not in SHAPE_KEYS:
                raise ValueError(invalid(f"{where}.{key}", value,
                                         f"allowed keys: {', '.join(SHAPE_KEYS)}"))
            if not isinstance(value, str) or not value:
                raise ValueError(invalid(f"{where}.{key}", value, "a non-empty string"))
        shapes[mod] = Shape(**entry)
    return shapes

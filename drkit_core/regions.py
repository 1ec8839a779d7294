"""Catalog of AWS and GCP regions and GCS multi/dual-region locations, with their jurisdictions.

The data lives in ``drkit_core/data/regions.yaml``; this module loads it once and answers questions
such as "which cloud is ``europe-west1-b`` in?" or "does ``EUR5`` keep data inside the EU?".

Jurisdiction rule (the only place it is defined): a region belongs to the lower-case code of its
country (``uk`` for GB) plus ``eu`` when the country is an EU member state. A GCS multi-region or
dual-region belongs to the *intersection* of its member regions' jurisdictions (``EU`` -> ``eu``,
``US`` -> ``us``, ``EUR5`` = Belgium + London -> none, ``ASIA`` -> none). ``any`` is a pseudo
jurisdiction, never attached to a location, meaning "no restriction".

Unknown names never raise: lookups return ``None`` and callers word the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, cast

import yaml

Cloud = Literal["aws", "gcp"]
Kind = Literal["region", "multi-region", "dual-region"]

ANY = "any"
"""Pseudo jurisdiction meaning "no restriction"."""

_COUNTRY_JURISDICTION = {"GB": "uk"}  # ISO codes whose jurisdiction name differs from lower(code)
_AWS_AZ = re.compile(r"^(?P<region>.+-\d+)[a-z]$")  # eu-west-1a
_GCP_ZONE = re.compile(r"^(?P<region>.+\d+)-[a-z]$")  # europe-west1-b
_ZONE_SHAPES: Mapping[Cloud, re.Pattern[str]] = {"aws": _AWS_AZ, "gcp": _GCP_ZONE}
# AWS availability-zone ids shorten the region: eu-central-1 -> euc1 (euc1-az1), each direction
# word to these letters (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
_AZ_ID_DIRECTIONS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
                     "central": "c", "north": "n", "south": "s", "east": "e", "west": "w"}
# The AWS partitions other than `aws`, by region-name prefix (the `regionRegex` of the AWS SDKs'
# partitions.json).
_AWS_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"))


@dataclass(frozen=True)
class Location:
    """A place data can be stored in: a cloud region or a GCS multi/dual-region location."""

    name: str
    """Canonical name: AWS/GCP region as-is (lower case); GCS multi/dual-region upper case."""
    cloud: Cloud
    kind: Kind
    countries: frozenset[str]
    """ISO 3166-1 alpha-2 codes (upper case); for multi/dual-regions, of all member regions."""
    jurisdictions: frozenset[str]
    members: tuple[str, ...]
    """Member regions of a multi/dual-region; ``()`` for a region."""
    city: str | None
    description: str | None = None
    """An AWS region's name as the AWS SDKs spell it (``Europe (Ireland)``); None elsewhere."""


@dataclass(frozen=True)
class _Catalog:
    regions: Mapping[Cloud, Mapping[str, Location]]
    gcs_locations: Mapping[str, Location]  # multi- and dual-regions, keyed by upper-case name


def jurisdictions_of_country(country: str, eu_members: Iterable[str]) -> frozenset[str]:
    """Jurisdictions of a region in ``country`` (ISO alpha-2): its own code, plus ``eu``."""
    country = country.upper()
    own = _COUNTRY_JURISDICTION.get(country, country.lower())
    return frozenset({own, "eu"}) if country in set(eu_members) else frozenset({own})


def _load_raw() -> dict[str, Any]:
    path = resources.files("drkit_core").joinpath("data", "regions.yaml")
    text = path.read_text(encoding="utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


@lru_cache(maxsize=1)
def _catalog() -> _Catalog:
    raw = _load_raw()
    eu_members = frozenset(str(c) for c in raw["eu_members"])
    regions: dict[Cloud, dict[str, Location]] = {}
    clouds: tuple[Cloud, ...] = ("aws", "gcp")
    for cloud in clouds:
        regions[cloud] = {
            name: Location(
                name=name,
                cloud=cloud,
                kind="region",
                countries=frozenset({entry["country"]}),
                jurisdictions=jurisdictions_of_country(entry["country"], eu_members),
                members=(),
                city=entry.get("city"),
                description=entry.get("description"),
            )
            for name, entry in raw[cloud].items()
        }
    gcs: dict[str, Location] = {}
    sections: tuple[tuple[str, Kind], ...] = (
        ("gcs_multi_regions", "multi-region"),
        ("gcs_dual_regions", "dual-region"),
    )
    for section, kind in sections:
        for name, entry in (raw.get(section) or {}).items():
            members = [regions["gcp"][m] for m in entry["members"]]
            gcs[name.upper()] = Location(
                name=name.upper(),
                cloud="gcp",
                kind=kind,
                countries=frozenset().union(*(m.countries for m in members)),
                jurisdictions=frozenset.intersection(*(m.jurisdictions for m in members)),
                members=tuple(m.name for m in members),
                city=None,
            )
    return _Catalog(regions=regions, gcs_locations=gcs)


def _lookup_in(name: str, cloud: Cloud) -> Location | None:
    cat = _catalog()
    regions = cat.regions[cloud]
    lowered = name.lower()
    if lowered in regions:
        return regions[lowered]
    zone = _ZONE_SHAPES[cloud].match(lowered)
    if zone and zone["region"] in regions:
        return regions[zone["region"]]
    if cloud == "gcp":
        return cat.gcs_locations.get(name.upper())
    return None


def lookup(name: str, cloud: Cloud | None = None) -> Location | None:
    """Find a location by name, case-insensitively.

    Accepts region names (``eu-west-1``, ``europe-west1``), AWS availability zones
    (``eu-west-1a``), GCP zones (``europe-west1-b``) and GCS locations (``EU``, ``eur4``, or a
    single region such as ``EUROPE-WEST1``). A zone resolves to its region. Restrict the search to
    one cloud with ``cloud``. Returns ``None`` for unknown names.
    """
    name = name.strip()
    if not name:
        return None
    clouds: tuple[Cloud, ...] = (cloud,) if cloud else ("aws", "gcp")
    for c in clouds:
        loc = _lookup_in(name, c)
        if loc is not None:
            return loc
    return None


def region_names(cloud: Cloud) -> list[str]:
    """Sorted names of the regions (not multi/dual-regions) of ``cloud``."""
    return sorted(_catalog().regions[cloud])


def known_jurisdictions() -> frozenset[str]:
    """Every jurisdiction some location belongs to, plus ``any``."""
    cat = _catalog()
    locations = [*cat.gcs_locations.values()]
    for regions in cat.regions.values():
        locations.extend(regions.values())
    return frozenset({ANY}).union(*(loc.jurisdictions for loc in locations))


def within(name: str, allowed: Iterable[str]) -> bool | None:
    """Whether all data stored at ``name`` stays inside the ``allowed`` jurisdictions.

    A region is within when one of its jurisdictions is allowed; a multi/dual-region when each of
    its members is (so ``EU`` is within ``{"eu"}``, ``EUR5`` is not, but is within
    ``{"eu", "uk"}``). ``any`` allows everything. Jurisdiction names are case-insensitive.
    Returns ``None`` when ``name`` is unknown.
    """
    loc = lookup(name)
    if loc is None:
        return None
    allowed_set = {a.strip().lower() for a in allowed}
    if ANY in allowed_set:
        return True
    if loc.jurisdictions & allowed_set:
        return True
    if not loc.members:
        return False
    gcp = _catalog().regions["gcp"]
    return all(gcp[m].jurisdictions & allowed_set for m in loc.members)


def cloud_of(name: str) -> Cloud | None:
    """The cloud a region, zone or GCS location belongs to; ``None`` when unknown."""
    loc = lookup(name)
    return loc.cloud if loc else None


def own_region(inputs: Mapping[str, Any]) -> str | None:
    """Where a resource's own inputs place it: AWS v7 ``region``, GCP ``region`` or
    ``location``, else its ``zone``; a zone counts as its region (``europe-west1-b`` ->
    ``europe-west1``). None when the inputs do not say (the provider's region applies then)."""
    for key in ("region", "location", "zone"):
        value = inputs.get(key)
        if isinstance(value, str) and value:
            return _zone_to_region(value)
    return None


def resource_region(inputs: Mapping[str, Any],
                    provider_region: str | None = None) -> str | None:
    """A resource's region: its own (:func:`own_region`), else its provider's."""
    own = own_region(inputs)
    if own:
        return own
    return provider_region if isinstance(provider_region, str) and provider_region else None


def _zone_to_region(place: str) -> str:
    location = lookup(place)
    if location is not None and location.kind == "region" and location.name != place.lower():
        return location.name
    return place


# -- zone and partition naming: rules on the names, true of regions not in the catalog too ------


def zone_name(region: str, cloud: Cloud, index: int = 0) -> str:
    """The ``index``-th zone of a region (from 0, letters from ``a``): ``eu-west-1a`` on AWS,
    ``europe-west1-a`` on GCP."""
    letter = chr(ord("a") + index)
    return f"{region}{letter}" if cloud == "aws" else f"{region}-{letter}"


def zone_names(region: str, cloud: Cloud, count: int) -> list[str]:
    """The first ``count`` zones of a region, as :func:`zone_name` names them."""
    return [zone_name(region, cloud, index) for index in range(count)]


def zone_region(zone: str, cloud: Cloud) -> str | None:
    """The region a zone name is in (``europe-west1-b`` -> ``europe-west1``), by its shape alone;
    None when ``zone`` is not shaped like a zone of ``cloud``."""
    match = _ZONE_SHAPES[cloud].match(zone)
    return match["region"] if match else None


def aws_zone_id(region: str, index: int = 0) -> str:
    """The id of an AWS region's ``index``-th availability zone (``euc1-az1`` in eu-central-1)."""
    parts = region.split("-")
    if len(parts) < 3:
        short = region.replace("-", "")
    else:
        letters = "".join(_AZ_ID_DIRECTIONS.get(word, word[:1]) for word in parts[1:-1])
        short = f"{parts[0]}{letters}{parts[-1]}"
    return f"{short}-az{index + 1}"


def aws_partition(region: str) -> str:
    """The AWS partition a region is in: ``aws-cn``, ``aws-us-gov`` or ``aws``."""
    return next((name for prefix, name in _AWS_PARTITIONS if region.startswith(prefix)), "aws")

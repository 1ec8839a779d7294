"""Tests for the region catalog: drkit_core/data/regions.yaml and drkit_core/regions.py."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
import yaml

from drkit_core import regions
from drkit_core.regions import Location, cloud_of, known_jurisdictions, lookup, region_names, within

AWS_NAME = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
GCP_NAME = re.compile(r"^[a-z]+-[a-z]+\d+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
REGION_FIELDS = {"country", "city", "description"}
GCS_FIELDS = {"members"}
TOP_LEVEL = {"aws", "gcp", "gcs_multi_regions", "gcs_dual_regions", "eu_members"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (plain PyYAML keeps the last one)."""


def _construct_unique(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    path = resources.files("drkit_core").joinpath("data", "regions.yaml")
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_UniqueKeyLoader)  # SafeLoader subclass
    assert isinstance(data, dict)
    return data


# --- well-formedness of the data file -----------------------------------------------------------


def test_top_level_sections(raw: dict[str, Any]) -> None:
    assert set(raw) == TOP_LEVEL


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_region_entries(raw: dict[str, Any], cloud: str) -> None:
    pattern = AWS_NAME if cloud == "aws" else GCP_NAME
    assert raw[cloud], f"no {cloud} regions"
    for name, entry in raw[cloud].items():
        assert isinstance(name, str) and pattern.match(name), f"{cloud}: bad name {name!r}"
        assert isinstance(entry, dict), name
        assert set(entry) <= REGION_FIELDS, f"{name}: unknown fields {set(entry) - REGION_FIELDS}"
        assert isinstance(entry["country"], str) and COUNTRY.match(entry["country"]), name
        assert isinstance(entry.get("city"), str) and entry["city"], f"{name}: city"


def test_no_name_shared_across_sections(raw: dict[str, Any]) -> None:
    sections = ["aws", "gcp", "gcs_multi_regions", "gcs_dual_regions"]
    seen: dict[str, str] = {}
    for section in sections:
        for name in raw[section]:
            key = name.lower()
            assert key not in seen, f"{name} in both {seen[key]} and {section}"
            seen[key] = section


@pytest.mark.parametrize("section", ["gcs_multi_regions", "gcs_dual_regions"])
def test_gcs_locations(raw: dict[str, Any], section: str) -> None:
    for name, entry in raw[section].items():
        assert name == name.upper(), name
        assert set(entry) <= GCS_FIELDS, f"{name}: unknown fields {set(entry) - GCS_FIELDS}"
        members = entry["members"]
        assert len(members) == len(set(members)), f"{name}: duplicate members"
        for member in members:
            assert member in raw["gcp"], f"{name}: member {member} is not a GCP region"
        if section == "gcs_dual_regions":
            assert len(members) == 2, name


def test_multi_regions_cover_their_area(raw: dict[str, Any]) -> None:
    """EU/US members are exactly the GCP regions in EU member states / the United States."""
    eu = set(raw["eu_members"])
    multi = {name: set(entry["members"]) for name, entry in raw["gcs_multi_regions"].items()}
    gcp = raw["gcp"]
    assert multi["EU"] == {n for n, e in gcp.items() if e["country"] in eu}
    assert multi["US"] == {n for n, e in gcp.items() if e["country"] == "US"}
    assert multi["ASIA"] == {n for n in gcp if n.startswith("asia-")}


def test_eu_members(raw: dict[str, Any]) -> None:
    members = raw["eu_members"]
    assert len(members) == len(set(members)) == 27
    assert all(isinstance(c, str) and COUNTRY.match(c) for c in members)
    assert "GB" not in members and "CH" not in members


# --- catalog ------------------------------------------------------------------------------------


def test_region_names_sorted_and_complete(raw: dict[str, Any]) -> None:
    for cloud in ("aws", "gcp"):
        names = region_names(cloud)
        assert names == sorted(raw[cloud])
    assert {"ap-southeast-7", "mx-central-1", "us-gov-west-1", "cn-northwest-1"} <= set(
        region_names("aws")
    )
    assert {"africa-south1", "europe-north2", "northamerica-south1", "europe-west12"} <= set(
        region_names("gcp")
    )
    assert "EU" not in region_names("gcp")


@pytest.mark.parametrize(
    ("name", "country", "jurisdictions"),
    [
        ("eu-west-1", "IE", {"ie", "eu"}),
        ("eu-west-2", "GB", {"uk"}),
        ("eu-central-2", "CH", {"ch"}),
        ("eu-central-1", "DE", {"de", "eu"}),
        ("us-east-1", "US", {"us"}),
        ("us-gov-west-1", "US", {"us"}),
        ("cn-north-1", "CN", {"cn"}),
        ("europe-west2", "GB", {"uk"}),
        ("europe-west6", "CH", {"ch"}),
        ("europe-west4", "NL", {"nl", "eu"}),
        ("europe-west1", "BE", {"be", "eu"}),
        ("me-west1", "IL", {"il"}),
    ],
)
def test_region_facts(name: str, country: str, jurisdictions: set[str]) -> None:
    loc = lookup(name)
    assert loc is not None
    assert loc.kind == "region"
    assert loc.countries == {country}
    assert loc.jurisdictions == jurisdictions
    assert loc.members == ()
    assert loc.city


@pytest.mark.parametrize(
    ("name", "kind", "jurisdictions", "countries"),
    [
        ("EU", "multi-region", {"eu"}, None),
        ("US", "multi-region", {"us"}, {"US"}),
        ("ASIA", "multi-region", set(), None),
        ("EUR4", "dual-region", {"eu"}, {"FI", "NL"}),
        ("EUR5", "dual-region", set(), {"BE", "GB"}),
        ("EUR7", "dual-region", set(), {"GB", "DE"}),
        ("EUR8", "dual-region", set(), {"DE", "CH"}),
        ("NAM4", "dual-region", {"us"}, {"US"}),
        ("ASIA1", "dual-region", {"jp"}, {"JP"}),
    ],
)
def test_gcs_location_facts(
    name: str, kind: str, jurisdictions: set[str], countries: set[str] | None
) -> None:
    loc = lookup(name)
    assert loc is not None
    assert (loc.name, loc.cloud, loc.kind, loc.city) == (name, "gcp", kind, None)
    assert loc.jurisdictions == jurisdictions
    if countries is not None:
        assert loc.countries == countries
    assert loc.members


def test_eu_multi_region_excludes_non_eu() -> None:
    loc = lookup("EU")
    assert loc is not None
    assert "europe-west2" not in loc.members and "europe-west6" not in loc.members
    assert not loc.countries & {"GB", "CH"}


def test_location_is_frozen() -> None:
    loc = lookup("eu-west-1")
    assert isinstance(loc, Location)
    with pytest.raises(AttributeError):
        loc.name = "x"  # type: ignore[misc]


# --- lookup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eu-west-1a", "eu-west-1"),
        ("us-east-1f", "us-east-1"),
        ("us-gov-west-1b", "us-gov-west-1"),
        ("ap-southeast-7c", "ap-southeast-7"),
        ("europe-west1-b", "europe-west1"),
        ("us-central1-f", "us-central1"),
        ("europe-west12-a", "europe-west12"),
        ("EUROPE-WEST1", "europe-west1"),
        ("Europe-West1-B", "europe-west1"),
        ("EU-WEST-1", "eu-west-1"),
        (" eu-west-1 ", "eu-west-1"),
        ("eu", "EU"),
        ("Eu", "EU"),
        ("eur4", "EUR4"),
        ("nam4", "NAM4"),
        ("asia", "ASIA"),
    ],
)
def test_lookup_aliases(name: str, expected: str) -> None:
    loc = lookup(name)
    assert loc is not None and loc.name == expected


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "mars-north-1",
        "eu-west-9",
        "eu-west-1-a",
        "europe-west1b",
        "eu-west-1aa",
        "europe-west99-a",
        "EUR99",
        "global",
    ],
)
def test_lookup_unknown(name: str) -> None:
    assert lookup(name) is None
    assert cloud_of(name) is None
    assert within(name, ["eu"]) is None


def test_lookup_restricted_to_cloud() -> None:
    assert lookup("eu-west-1", "gcp") is None
    assert lookup("europe-west1", "aws") is None
    assert lookup("EU", "aws") is None
    eu = lookup("EU", "gcp")
    assert eu is not None and eu.kind == "multi-region"
    loc = lookup("eu-west-1a", "aws")
    assert loc is not None and loc.name == "eu-west-1"


def test_cloud_of() -> None:
    assert cloud_of("eu-west-1") == "aws"
    assert cloud_of("eu-west-1a") == "aws"
    assert cloud_of("us-east1") == "gcp"
    assert cloud_of("us-east1-b") == "gcp"
    assert cloud_of("eur4") == "gcp"
    assert cloud_of("US") == "gcp"


def test_every_region_resolves_to_itself() -> None:
    for cloud in ("aws", "gcp"):
        for name in region_names(cloud):
            loc = lookup(name)
            assert loc is not None and (loc.name, loc.cloud) == (name, cloud)


# --- jurisdictions ------------------------------------------------------------------------------


def test_known_jurisdictions() -> None:
    known = known_jurisdictions()
    assert {"any", "eu", "us", "uk", "ch", "de", "ie", "cn", "jp"} <= known
    assert "gb" not in known
    assert all(j == j.lower() for j in known)


def test_jurisdictions_of_country() -> None:
    eu = ["DE", "FR"]
    assert regions.jurisdictions_of_country("DE", eu) == {"de", "eu"}
    assert regions.jurisdictions_of_country("gb", eu) == {"uk"}
    assert regions.jurisdictions_of_country("US", eu) == {"us"}


@pytest.mark.parametrize(
    ("name", "allowed", "expected"),
    [
        ("eu-west-1", ["eu"], True),
        ("eu-west-1", ["ie"], True),
        ("eu-west-1", ["de"], False),
        ("eu-west-2", ["eu"], False),
        ("eu-west-2", ["uk"], True),
        ("eu-central-2", ["eu"], False),
        ("europe-west6-a", ["eu"], False),
        ("europe-west4-b", ["EU"], True),
        ("us-east-1", ["eu"], False),
        ("us-east-1", ["us"], True),
        ("us-east-1", [], False),
        ("us-east-1", ["any"], True),
        ("cn-north-1", ["any"], True),
        ("EU", ["eu"], True),
        ("EU", ["us"], False),
        ("US", ["us"], True),
        ("ASIA", ["jp"], False),
        ("ASIA", ["any"], True),
        ("EUR4", ["eu"], True),
        ("EUR5", ["eu"], False),
        ("EUR5", ["be"], False),
        ("EUR5", ["eu", "uk"], True),
        ("EUR8", ["eu", "ch"], True),
        ("EUR8", ["de"], False),
        ("NAM4", ["us"], True),
        ("ASIA1", ["jp"], True),
    ],
)
def test_within(name: str, allowed: list[str], expected: bool) -> None:
    assert within(name, allowed) is expected


def test_within_accepts_any_iterable() -> None:
    assert within("EU", (j for j in ["eu"])) is True
    assert within("EU", frozenset({"eu"})) is True


# --- AWS region descriptions, zone and partition naming -----------------------------------------


def test_aws_regions_have_their_sdk_description(raw: dict[str, Any]) -> None:
    for name, entry in raw["aws"].items():
        assert isinstance(entry.get("description"), str) and entry["description"], name
    assert all("description" not in entry for entry in raw["gcp"].values())
    ireland, madrid = lookup("eu-west-1"), lookup("europe-southwest1")
    assert ireland is not None and ireland.description == "Europe (Ireland)"
    assert madrid is not None and madrid.description is None


@pytest.mark.parametrize(
    ("region", "cloud", "names"),
    [
        ("eu-west-1", "aws", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("europe-west1", "gcp", ["europe-west1-a", "europe-west1-b", "europe-west1-c"]),
        ("mars-north-1", "aws", ["mars-north-1a", "mars-north-1b"]),
    ],
)
def test_zone_names(region: str, cloud: regions.Cloud, names: list[str]) -> None:
    assert regions.zone_names(region, cloud, len(names)) == names
    assert regions.zone_name(region, cloud) == names[0]
    assert all(regions.zone_region(zone, cloud) == region for zone in names)


def test_zone_region_needs_a_zone_shaped_name() -> None:
    assert regions.zone_region("europe-west1", "gcp") is None
    assert regions.zone_region("", "gcp") is None
    assert regions.zone_region("eu-west-1", "aws") is None
    assert regions.zone_region("europe-west1-b", "aws") is None


@pytest.mark.parametrize(
    ("region", "zone_id"),
    [
        ("eu-central-1", "euc1-az1"),
        ("us-east-1", "use1-az1"),
        ("ap-northeast-1", "apne1-az1"),
        ("ap-southeast-2", "apse2-az1"),
        ("us-gov-west-1", "usgw1-az1"),
        ("cn-northwest-1", "cnnw1-az1"),
        ("il-central-1", "ilc1-az1"),
    ],
)
def test_aws_zone_ids(region: str, zone_id: str) -> None:
    assert regions.aws_zone_id(region) == zone_id
    assert regions.aws_zone_id(region, 2) == zone_id.replace("-az1", "-az3")


def test_aws_partitions() -> None:
    assert regions.aws_partition("cn-north-1") == "aws-cn"
    assert regions.aws_partition("us-gov-east-1") == "aws-us-gov"
    assert regions.aws_partition("us-east-1") == "aws"
    assert {regions.aws_partition(name) for name in region_names("aws")} == {
        "aws", "aws-cn", "aws-us-gov"}

"""The tables of drkit/data the offline engine reads: every entry names a real SDK type, every
template field resolves, the values are what the templates say, and edits to a file show up."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drkit.engine import values
from drkit.engine.values import data, sdk, subject
from drkit_core import regions

EU_WEST = values.Context(region="eu-west-1")


def create(token: str, name: str, inputs: dict[str, Any],
           ctx: values.Context = EU_WEST) -> tuple[str, dict[str, Any]]:
    """What the mock does on a registration: the id, then the state."""
    urn = f"urn:pulumi:dev::shop::{token}::{name}"
    pid = values.physical_id(token, name, urn, inputs, ctx)
    return pid, values.resource_state(token, name, urn, inputs, pid, ctx)


FIXED_FIELDS = {"partition": "aws", "region": "eu-west-1", "account": "123456789012",
                "project": "drkit-offline"}


def type_tokens(pkg: str) -> dict[str, str]:
    """``module/type`` -> token, for every resource type of an installed SDK."""
    return {token.split(":")[1]: token for token in sdk.resource_modules(pkg)}


def template_fields(template: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def template_pattern(template: str, known: dict[str, str]) -> str:
    """A regex of what ``template`` becomes: known fields as given, computed ones anything."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field:
            parts.append(re.escape(known[field]) if field in known else ".+?")
    return "".join(parts)


@pytest.mark.parametrize("pkg", ["aws", "gcp"])
def test_every_table_type_is_an_sdk_type_and_its_fields_resolve(pkg: str) -> None:
    """Keys name types of the installed SDK; a field is computed or an input of its type."""
    tokens = type_tokens(pkg)
    for mod, shape in data.tables().shapes[pkg].items():
        assert mod in tokens, f"drkit/data/{pkg}_types.yaml: {mod} is no {pkg} type"
        cls = sdk.resource_class(tokens[mod])
        assert cls is not None, mod
        wires = {wire for wire, _ in sdk.properties(cls)}
        for template in (shape.id, shape.arn):
            for field in template_fields(template or ""):
                assert field in subject.FIELDS or field in wires, f"{mod}: {{{field}}}"
        assert shape.name_key in wires | {"name"}, f"{mod}: name_key {shape.name_key}"


@pytest.mark.parametrize("pkg", ["aws", "gcp"])
def test_id_and_arn_templates_of_the_data_files_are_the_values(pkg: str) -> None:
    tokens = type_tokens(pkg)
    ctx = values.Context(region="eu-west-1")
    checked = 0
    for mod, shape in data.tables().shapes[pkg].items():
        inputs = {field: f"in-{field}" for template in (shape.id, shape.arn)
                  for field in template_fields(template or "") if field not in subject.FIELDS}
        inputs[shape.name_key] = "own-name"
        known = {**FIXED_FIELDS, **inputs, "name": "own-name"}
        pid, state = create(tokens[mod], "app", inputs, ctx)
        if shape.id is not None:
            assert re.fullmatch(template_pattern(shape.id, known), pid), (mod, pid)
            checked += 1
        if shape.arn is not None and "arn" in state:
            assert re.fullmatch(template_pattern(shape.arn, known), state["arn"]), (mod, state)
            checked += 1
    assert checked > 50


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of drkit/data the tables are read from, for the length of one test."""
    for source in data.DATA_DIR.iterdir():
        if source.name.endswith(".yaml"):
            (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"))
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    data.tables.cache_clear()
    yield tmp_path
    data.tables.cache_clear()


def test_values_come_from_the_data_files(data_dir: Path) -> None:
    types = data_dir / "aws_types.yaml"
    old = '"arn:{partition}:s3:::{name}"'
    assert types.read_text().count(old) == 2  # s3/bucket and s3/bucketV2
    types.write_text(types.read_text().replace(old, '"arn:{partition}:s3:::edited/{name}"'))
    ports = data_dir / "db_ports.yaml"
    ports.write_text(ports.read_text().replace("postgres: 5432", "postgres: 6432"))
    _, bucket = create("aws:s3/bucket:Bucket", "logs", {"bucket": "acme-logs"})
    assert bucket["arn"] == "arn:aws:s3:::edited/acme-logs"
    _, db = create("aws:rds/instance:Instance", "db", {"engine": "postgres"})
    assert db["port"] == 6432 and db["endpoint"].endswith(":6432")


def test_a_bad_data_file_entry_is_named(data_dir: Path) -> None:
    types = data_dir / "gcp_types.yaml"
    types.write_text(types.read_text().replace("    name_key: secretId",
                                               "    name_key: secretId\n    arm: x"))
    with pytest.raises(ValueError, match=r"drkit/data/gcp_types\.yaml: types\."
                                         r"secretmanager/secret\.arm: \"x\" is not valid; "
                                         r"allowed keys: id, arn, name_key"):
        data.tables()


def test_regions_come_from_the_region_catalog() -> None:
    spain = regions.lookup("eu-south-2")
    assert spain is not None and spain.description
    result = values.invoke_result("aws:index/getRegion:getRegion", {},
                                  values.Context("eu-south-2"))
    assert result["description"] == spain.description == "Europe (Spain)"
    assert values.invoke_result("aws:index/getRegion:getRegion", {"region": "xx-moon-1"},
                                EU_WEST)["description"] == "xx-moon-1"
    for pkg, region in subject.FALLBACK_REGION.items():
        location = regions.lookup(region)
        assert location is not None and location.cloud == pkg
    china = create("aws:s3/bucket:Bucket", "logs", {"bucket": "b"},
                   values.Context("cn-north-1"))[1]
    assert china["arn"] == "arn:aws-cn:s3:::b"


def test_one_gcp_project_number() -> None:
    gcp = values.Context(region="europe-west1", gcp_project="acme-prod")
    number = values.invoke_result("gcp:organizations/getProject:getProject", {}, gcp)["number"]
    listed = values.invoke_result("gcp:projects/getProject:getProject", {}, gcp)["projects"]
    compute = values.invoke_result(
        "gcp:compute/getDefaultServiceAccount:getDefaultServiceAccount", {}, gcp)["email"]
    project = create("gcp:organizations/project:Project", "p", {"projectId": "x",
                     "project": "acme-prod"}, gcp)[1]
    assert re.fullmatch(r"\d{12}", number)
    assert listed[0]["number"] == number == subject.gcp_project_number("acme-prod")
    assert compute == f"{number}-compute@developer.gserviceaccount.com"
    assert project["number"] == number

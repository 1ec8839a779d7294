"""Template settings: one typed loader for both clouds (components/template.py), run in process
with a stack's config; and each template's README lists the settings its program reads."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from component_programs import rejection, unit_runtime

from components.aws import template as aws_template
from components.base import ConfigError
from components.gcp import template as gcp_template
from components.template import TemplateSettings, load_settings
from drkit_core.intent import DrIntent
from drkit_core.naming import camel

ROOT = Path(__file__).parent.parent
INTENT = {"app": "shop", "tier": "warm-standby", "rpo": "15m", "rto": "1h", "residency": "eu",
          "stacks": {"primary": "primary", "secondary": "secondary"}}
REGIONS = {"aws-warm-standby": {"primary": "eu-west-1", "secondary": "eu-central-1"},
           "gcp-warm-standby": {"primary": "europe-west1", "secondary": "europe-west4"}}
TEMPLATES = {"aws-warm-standby": aws_template, "gcp-warm-standby": gcp_template,
             "gcp-active-active": gcp_template}


def load(project: str, config: dict[str, str], role: str = "primary") -> Any:
    """The template's settings in a stack of ``role`` whose config is ``config`` (keys without
    the project's prefix, values as text, as the language host gives them)."""
    intent = DrIntent.from_config({**INTENT, "role": role, "regions": REGIONS[project]})
    with unit_runtime(project, {f"{project}:{key}": value for key, value in config.items()}):
        return load_settings(TEMPLATES[project].Settings, intent)


def test_defaults_when_nothing_is_set() -> None:
    assert load("aws-warm-standby", {}) == aws_template.Settings()
    assert load("gcp-warm-standby", {}) == gcp_template.Settings()


def test_values_are_read_as_their_fields_types() -> None:
    settings = load("aws-warm-standby", {
        "minSize": "1", "cidrBlock": "10.2.0.0/16", "zoneName": "example.org",
        "certificateArn": "arn:aws:acm:eu-central-1:123456789012:certificate/abc"},
        role="secondary")
    assert (settings.min_size, settings.cidr_block, settings.zone_name) == (
        1, "10.2.0.0/16", "example.org")
    assert settings.certificate_arn.startswith("arn:aws:acm:")
    assert load("aws-warm-standby", {"globalRegion": "eu-west-3"},
                role="global").global_region == "eu-west-3"
    assert load("gcp-warm-standby", {"startupScript": "run-app"},
                role="secondary").startup_script == "run-app"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load("aws-warm-standby", {"minSise": "3", "azCount": "9", "maxSize": "many",
                                  "servingPath": "serving", "globalRegion": "mars-1"})
    assert sorted(caught.value.problems) == sorted([
        "aws-warm-standby:minSise: unknown key; allowed keys: azCount, certificateArn, "
        "cidrBlock, dbInstanceClass, desiredSize, domain, globalRegion, healthCheckPath, "
        "instanceType, maxSize, minSize, servingPath, userData, zoneName",
        'aws-warm-standby:maxSize: "many" is not valid; allowed: an integer',
        'aws-warm-standby:servingPath: "serving" is not valid; allowed: a path starting with '
        "/, such as /healthz/serving",
        "aws-warm-standby:azCount: 9 is not valid; allowed: 2 to 6 (a DR region needs at "
        "least 2 zones)",
        'aws-warm-standby:globalRegion: "mars-1" is not valid; allowed: an AWS region',
    ])


@pytest.mark.parametrize(("role", "values", "message"), [
    ("global", {}, "aws-warm-standby:globalRegion: missing; the global stack's provider needs "
                   "a region other than eu-west-1 and eu-central-1"),
    ("global", {"globalRegion": "eu-west-1"},
     'aws-warm-standby:globalRegion: "eu-west-1" is not valid; allowed: a region other than '
     "the app's"),
    ("global", {"globalRegion": "us-east-1"},
     'aws-warm-standby:globalRegion: "us-east-1" is not valid; allowed: a region inside '
     "drkit:residency (eu)"),
    ("primary", {"globalRegion": "eu-west-3"}, "allowed: only in the global stack"),
])
def test_the_global_region_is_neither_app_region(role: str, values: dict[str, str],
                                                 message: str) -> None:
    """The old global stack's provider was in the primary region: during its outage the
    failover's DNS change could not be applied (the provider validates credentials there)."""
    assert message in rejection(lambda: load("aws-warm-standby", values, role=role))


def test_settings_that_feed_a_component_take_its_constraint() -> None:
    assert 'gcp-warm-standby:cidrBlock: "8.8.0.0/16" is not valid; allowed: a private IPv4 ' \
           "network from /16 to /22" in rejection(
               lambda: load("gcp-warm-standby", {"cidrBlock": "8.8.0.0/16"}))
    assert 'aws-warm-standby:dbInstanceClass: "m6g.large" is not valid' in rejection(
        lambda: load("aws-warm-standby", {"dbInstanceClass": "m6g.large"}))


def test_capacity_must_be_in_order() -> None:
    assert "aws-warm-standby:minSize/desiredSize/maxSize: [4, 3, 6] is not valid; allowed: " \
           "0 <= min <= desired <= max and max >= 1" in rejection(
               lambda: load("aws-warm-standby", {"minSize": "4"}))


@pytest.mark.parametrize(("values", "message"), [
    ({"minSize": "two"}, 'gcp-warm-standby:minSize: "two"'),
    ({"failover": "true"}, "gcp-warm-standby:failover: unknown key"),
])
def test_a_gcp_setting_mistake_is_rejected(values: dict[str, str], message: str) -> None:
    assert message in rejection(lambda: load("gcp-warm-standby", values))


@pytest.mark.parametrize("module", [aws_template, gcp_template])
def test_every_setting_is_described(module: ModuleType) -> None:
    settings: type[TemplateSettings] = module.Settings
    assert [f.name for f in settings.__dataclass_fields__.values()
            if not f.metadata.get("drkit.doc")] == []


@pytest.mark.parametrize("name", ["aws-warm-standby", "gcp-warm-standby"])
def test_readme_lists_the_templates_settings(name: str) -> None:
    """The "Template settings" table of the template's README names every setting
    (gcp-active-active's README refers to gcp-warm-standby's)."""
    text = (ROOT / "stacks" / name / "README.md").read_text()
    table = text.split("## Template settings", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    listed = {key for row in rows for key in re.findall(r"`(\w+)`", row)}
    fields = TEMPLATES[name].Settings.__dataclass_fields__
    assert listed == {camel(field) for field in fields}

"""DR intent config: every bad value is named with what is allowed, all at once."""

from __future__ import annotations

import json

import pytest

from drkit_core.durations import format_duration, parse_duration
from drkit_core.errors import ConfigError
from drkit_core.intent import DrIntent, Intent, Role, Tier

VALID = {
    "app": "shop",
    "role": "secondary",
    "tier": "warm-standby",
    "rpo": "15m",
    "rto": "1h",
    "residency": "eu",
    "regions": json.dumps({"primary": "eu-west-1", "secondary": "eu-central-1"}),
    "stacks": json.dumps({"primary": "acme/shop/primary"}),
}


def problems(**changes: object) -> list[str]:
    values = {**VALID, **changes}
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(ConfigError) as raised:
        DrIntent.from_config(values)
    return raised.value.problems


def test_valid_config_is_parsed() -> None:
    intent = DrIntent.from_config(VALID)
    assert intent.role is Role.SECONDARY
    assert intent.tier is Tier.WARM_STANDBY
    assert (intent.rpo_seconds, intent.rto_seconds) == (900, 3600)
    assert intent.residency == frozenset({"eu"})
    assert intent.cloud == "aws"
    assert intent.region == "eu-central-1"
    assert intent.peer_region == "eu-west-1"
    assert intent.stacks.primary == "acme/shop/primary"
    assert intent.protect is True


def test_objects_may_arrive_as_mappings_and_residency_as_list() -> None:
    intent = DrIntent.from_config({
        **VALID, "regions": {"primary": "europe-west1", "secondary": "europe-west4"},
        "residency": json.dumps(["eu", "uk"]), "protect": "false"})
    assert intent.cloud == "gcp"
    assert intent.residency == frozenset({"eu", "uk"})
    assert intent.protect is False


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30), ("15m", 900), ("4h", 14400), ("1d", 86400), ("1h30m", 5400)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "15", "m", "1.5h", "0s", "15 minutes", "-5m", "1m1h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"tier": "gold"}, ['drkit:tier: "gold" is not valid; allowed: backup-restore, '
                        "pilot-light, warm-standby, active-active"]),
    ({"role": "tertiary"}, ['drkit:role: "tertiary" is not valid; allowed: primary, '
                            "secondary, global"]),
    ({"rpo": "fifteen minutes"}, ['drkit:rpo: "fifteen minutes" is not valid; allowed: a '
                                  "positive duration such as 30s, 15m, 4h, 1d, 1h30m"]),
])
def test_bad_choices_name_key_value_and_allowed(changes: dict, expected: list[str]) -> None:
    assert problems(**changes) == expected


def test_unknown_region() -> None:
    (problem,) = problems(regions=json.dumps({"primary": "eu-west-9",
                                              "secondary": "eu-central-1"}))
    assert problem.startswith('drkit:regions.primary: "eu-west-9" is not valid')
    assert "AWS or GCP region" in problem


def test_unknown_jurisdiction_lists_the_known_ones() -> None:
    (problem,) = problems(residency="europe")
    assert problem.startswith('drkit:residency: "europe" is not valid; unknown jurisdiction')
    assert " eu, " in problem and "any" in problem


def test_primary_equal_to_secondary() -> None:
    (problem,) = problems(regions=json.dumps({"primary": "eu-west-1",
                                              "secondary": "eu-west-1"}))
    assert problem.startswith('drkit:regions.secondary: "eu-west-1" is not valid; it must '
                              "differ from regions.primary")


def test_region_outside_residency() -> None:
    (problem,) = problems(regions=json.dumps({"primary": "eu-west-1",
                                              "secondary": "us-east-1"}))
    assert problem == ('drkit:regions.secondary: "us-east-1" is not valid; it lies in us, '
                       "outside drkit:residency (eu)")


def test_regions_of_two_clouds() -> None:
    (problem,) = problems(regions=json.dumps({"primary": "eu-west-1",
                                              "secondary": "europe-west4"}))
    assert problem.startswith('drkit:regions.secondary: "europe-west4" is not valid; '
                              "allowed: a region of aws")


def test_secondary_needs_the_primary_stack_reference() -> None:
    (problem,) = problems(stacks=None)
    assert problem.startswith("drkit:stacks.primary: missing; a secondary stack reads")


def test_global_needs_both_stack_references() -> None:
    found = problems(role="global", stacks=json.dumps({"primary": "primary"}))
    assert len(found) == 1 and found[0].startswith("drkit:stacks.secondary: missing")


def test_every_problem_is_reported_at_once() -> None:
    found = problems(tier="gold", rto="soon", app=None, colour="blue")
    assert [p.split(":", 2)[1] for p in found] == ["colour", "app", "tier", "rto"]


def test_missing_required_keys() -> None:
    with pytest.raises(ConfigError) as raised:
        DrIntent.from_config({})
    assert {p.split(":")[1] for p in raised.value.problems} == {
        "app", "role", "tier", "rpo", "rto", "residency", "regions"}


def test_config_error_is_a_run_error_so_pulumi_prints_no_traceback() -> None:
    """Components raise a ConfigError that is also Pulumi's RunError (the core is pulumi-free)."""
    import pulumi

    from components.base import ConfigError as ComponentConfigError

    assert issubclass(ComponentConfigError, pulumi.RunError)
    assert issubclass(ComponentConfigError, ConfigError)


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("app", "shop\n", '"shop\\n"'),
    ("app", "null", None),  # YAML null reaches programs as the text "null": refused by project
    ("rpo", "\uff11\uff15m", '"\uff11\uff15m"'),  # full-width digits are not 0-9
    ("rto", "٣h", '"٣h"'),
    ("active", "both", '"both"'),
])
def test_lookalike_values_are_refused(key: str, value: str, shown: str | None) -> None:
    if shown is None:
        DrIntent.from_config({**VALID, key: value})  # a valid name; the null is caught earlier
        return
    assert any(p.startswith(f"drkit:{key}: {shown} is not valid") for p in problems(
        **{key: value}))


def test_partial_intent_takes_what_is_declared() -> None:
    """drkit check reads any program's stack: every key optional, each one still validated."""
    assert Intent.from_config({}) == Intent()
    assert not Intent.from_config({}).declared
    only = Intent.from_config({"residency": "eu"})
    assert only.residency == frozenset({"eu"}) and only.declared
    assert only.role is None and only.regions is None and only.active is Role.PRIMARY
    assert Intent.from_config({"rpo": "5m"}).rpo_seconds == 300
    with pytest.raises(ConfigError) as raised:
        Intent.from_config({"rpo": "soon", "tier": "gold"})
    assert len(raised.value.problems) == 2


def test_active_names_the_writer_region() -> None:
    failed_over = DrIntent.from_config({**VALID, "active": "secondary"})
    assert failed_over.active is Role.SECONDARY and failed_over.is_active
    assert failed_over.passive is Role.PRIMARY
    assert failed_over.stack_of(failed_over.active) is None
    assert failed_over.stack_of(Role.PRIMARY) == "acme/shop/primary"
    both = json.dumps({"primary": "acme/shop/primary", "secondary": "acme/shop/secondary"})
    steady = DrIntent.from_config({**VALID, "role": "primary", "stacks": both})
    assert steady.is_active and steady.passive is Role.SECONDARY  # steady state


def test_the_primary_needs_the_secondary_stack_reference() -> None:
    """Each region's stack reads the other's while it is the passive one."""
    (problem,) = problems(role="primary")
    assert problem.startswith("drkit:stacks.secondary: missing; a primary stack reads")

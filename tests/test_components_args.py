"""The machinery every component shares: arguments declared once with their constraints
(components/args.py), the one validator and its message format, and what every component
checks on construction (components/component.py). All in process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp
import pytest
from component_programs import dr_settings, rejection, unit_runtime

from components.args import (
    Args,
    allowed_of,
    arg,
    between,
    instance_of,
    matches,
    not_empty,
    one_of,
    satisfies,
)
from components.aws.network import Network as AwsNetwork
from components.aws.network import NetworkArgs as AwsNetworkArgs
from components.base import ConfigError
from components.gcp.network import Network as GcpNetwork
from components.gcp.network import NetworkArgs as GcpNetworkArgs
from components.sizing import Capacity


class Inner(Args):
    """A nested argument type."""

    size: int = arg(default=1, doc="A size.", allowed=between(1, 3))
    label: str = arg(default="a", doc="A label.")


class Example(Args):
    """Arguments of nothing, to exercise the validator."""

    count: int = arg(doc="A count.", allowed=between(1, 10, why="ten at most"))
    mode: str = arg(default="fast", doc="A mode.", allowed=one_of("fast", "slow"))
    path: str | None = arg(default=None, doc="A path.", allowed=matches("/", "a path from /"))
    inner: Inner = arg(default=Inner(), doc="Nested.",
                       allowed=satisfies(lambda v: v.size < 3, "a size under 3"))
    low: int = arg(default=1, doc="Low end.")
    high: int = arg(default=2, doc="High end.")

    def check(self) -> list[str]:
        return [] if self.low <= self.high else [f"{self.where('low')}: above high"]


# -- constraints ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "accepted"), [
    (1, True), (10, True), (0, False), (11, False), (5.5, False), (True, False), ("5", False),
    (None, False)])
def test_between_integers(value: Any, accepted: bool) -> None:
    assert between(1, 10).accepts(value) is accepted


def test_between_texts_and_floats() -> None:
    assert between(1, 10).text == "1 to 10"
    assert between(1, 365, unit="days").text == "1 to 365 days"
    assert between(-1).text == "-1 or more"
    assert between(None, 5).text == "at most 5"
    assert between(0.1, 0.9).accepts(0.5) and between(0.1, 0.9).accepts(0.1)
    assert not between(0.1, 0.9).accepts(0.95)


def test_other_constraints() -> None:
    assert one_of("a", "b").text == "a, b" and one_of("a").accepts("a")
    assert one_of(10, 30, text="10 or 30").text == "10 or 30" and not one_of(10, 30).accepts(15)
    assert not one_of(1, 5).accepts(True) and not one_of(10, 30).accepts(10.0)
    assert matches("/", "a path").accepts("/x") and not matches("/", "a path").accepts("x/")
    assert not matches("/", "a path").accepts(3)  # another type: refused, no TypeError
    assert not_empty("one at least").accepts([1]) and not not_empty("x").accepts([])
    assert instance_of(int, "an int").accepts(3) and not instance_of(int, "an int").accepts("3")
    assert not satisfies(lambda v: int(v) > 0, "positive").accepts("x")  # ValueError: refused


def test_allowed_text_carries_the_reason() -> None:
    assert between(1, 10, why="ten at most").allowed() == "allowed: 1 to 10 (ten at most)"
    assert one_of("a", "b").allowed() == "allowed: a, b"


def test_allowed_of_reads_a_declared_constraint() -> None:
    assert allowed_of(AwsNetworkArgs, "az_count").text == "2 to 6"
    assert allowed_of(AwsNetworkArgs, "nat_gateways").text == "per-az, single"
    with pytest.raises(KeyError):
        allowed_of(AwsNetworkArgs, "zones")


# -- the validator ------------------------------------------------------------------------


def test_every_field_problem_is_reported_at_once_in_the_one_format() -> None:
    with pytest.raises(ConfigError) as caught:
        Example(count=0, mode="medium", path="x", inner=Inner(size=3))
    assert caught.value.problems == [
        "Example.count: 0 is not valid; allowed: 1 to 10 (ten at most)",
        'Example.mode: "medium" is not valid; allowed: fast, slow',
        'Example.path: "x" is not valid; allowed: a path from /',
        'Example.inner: [3, "a"] is not valid; allowed: a size under 3',
    ]


def test_a_config_error_is_a_pulumi_run_error() -> None:
    """So a real ``pulumi up`` prints the message without a traceback."""
    error = rejection(lambda: Example(count=0))
    assert error == "invalid stack configuration: Example.count: 0 is not valid; allowed: 1 to " \
                    "10 (ten at most)"
    assert issubclass(ConfigError, pulumi.RunError)


def test_none_is_not_checked_where_it_is_the_default() -> None:
    assert Example(count=1, path=None).path is None
    assert "Example.mode: null is not valid" in rejection(
        lambda: Example(count=1, mode=None))


def test_checks_across_fields_run_once_every_field_is_valid() -> None:
    assert rejection(lambda: Example(count=1, low=3)) == \
        "invalid stack configuration: Example.low: above high"
    with pytest.raises(ConfigError) as caught:
        Example(count=0, low=3)
    assert caught.value.problems == ["Example.count: 0 is not valid; allowed: 1 to 10 (ten at "
                                     "most)"]


def test_args_are_frozen_and_nested_types_validate_themselves() -> None:
    example = Example(count=2)
    with pytest.raises(AttributeError):
        example.count = 3
    assert "Inner.size: 0 is not valid; allowed: 1 to 3" in rejection(lambda: Inner(size=0))
    assert "Capacity.max: 0 is not valid; allowed: 1 or more" in rejection(
        lambda: Capacity(0, 0, 0))


# -- what every component checks ----------------------------------------------------------

AWS_CONFIG = {"drkit:app": "shop", "drkit:tier": "warm-standby", "drkit:rpo": "15m",
              "drkit:rto": "1h", "drkit:residency": "eu",
              "drkit:regions": {"primary": "eu-west-1", "secondary": "eu-central-1"},
              "drkit:stacks": {"primary": "primary", "secondary": "secondary"}}
GCP_CONFIG = {**AWS_CONFIG,
              "drkit:regions": {"primary": "europe-west1", "secondary": "europe-west4"}}


@pytest.fixture
def runtime() -> Iterator[None]:
    with unit_runtime():
        yield


def test_every_problem_of_construction_is_reported_at_once(runtime: None) -> None:
    settings = dr_settings({**AWS_CONFIG, "drkit:role": "global"})
    with pytest.raises(ConfigError) as caught:
        AwsNetwork("shop-net", settings, AwsNetworkArgs())
    assert caught.value.problems == [
        "Network: opts.provider: null is not valid; allowed: an explicit provider, "
        "pulumi.ResourceOptions(provider=aws.Provider(..., region=...))",
        'drkit:role: "global" is not valid; Network belongs in the primary or the secondary '
        "stack",
    ]


def test_a_provider_of_the_other_cloud_is_refused(runtime: None) -> None:
    settings = dr_settings({**GCP_CONFIG, "drkit:role": "primary"})
    other = pulumi.ResourceOptions(provider=aws.Provider("aws", region="eu-west-1"))
    message = rejection(lambda: GcpNetwork("shop-net", settings, GcpNetworkArgs(), opts=other))
    assert 'Network: opts.provider: "<pulumi_aws.provider.Provider object' in message
    assert "allowed: an explicit provider, pulumi.ResourceOptions(provider=gcp.Provider(" \
           "..., project=..., region=...))" in message


def test_a_component_registers_under_its_cloud_and_class(runtime: None) -> None:
    settings = dr_settings({**GCP_CONFIG, "drkit:role": "primary"})
    provider = gcp.Provider("gcp", project="shop-dr", region="europe-west1")
    network = GcpNetwork("shop-net", settings, GcpNetworkArgs(),
                         opts=pulumi.ResourceOptions(provider=provider))
    assert network.provider is provider and network.intent is settings.intent
    assert network.kind() == "Network" and network.CLOUD == "gcp"
    assert network.stateful().protect is True and network.child().parent is network

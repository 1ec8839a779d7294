"""Every shipped template walked through the four DR states of ``drkit:active`` offline
(tests/failover_walk.py): steady; failed over while the primary region is lost (the secondary
and global stacks updated with ``active: secondary``, the primary stack untouched); the old
region back and rebuilt as a replica; switched back. In each state the running stacks pass the
pack (drkit's rules and checkov's mandatory checks), hold exactly one writable database, which
every replica follows, send traffic only where writes go, and run full capacity in the active
region; the failover touches nothing in the lost region.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from failover_walk import (
    BY_NAME,
    STATES,
    Walked,
    checkov_findings,
    managed,
    mandatory,
    mentions,
    regions_of,
    walk,
)

from drkit.cli import main
from drkit_core.findings import Finding
from drkit_core.graph import Resource, StackRun
from drkit_core.intent import Role

ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class Cloud:
    database: str
    source: str
    """The replica's input naming the database it replicates."""
    writer_output: str
    """The active stack's output a replica's source equals."""
    identity: str
    """The input naming the instance, kept when it is rebuilt."""


AWS = Cloud("aws:rds/instance:Instance", "replicateSourceDb", "dbArn", "identifier")
GCP = Cloud("gcp:sql/databaseInstance:DatabaseInstance", "masterInstanceName", "dbInstanceName",
            "name")
TEMPLATES = {"aws-warm-standby": AWS, "gcp-warm-standby": GCP, "gcp-active-active": GCP}
RECORD = "aws:route53/record:Record"
BACKEND = "gcp:compute/backendService:BackendService"


@dataclass
class App:
    template: str
    cloud: Cloud
    states: dict[str, Walked]
    scratch: Path

    @cached_property
    def checkov(self) -> dict[tuple[str, str], list[Finding]]:
        return checkov_findings(self.states, self.scratch / "plans")

    def databases(self, state: str) -> list[tuple[str, Resource]]:
        one = self.states[state]
        return [(stack, r) for stack in one.state.running
                for r in managed(one.runs[stack], self.cloud.database)]


@pytest.fixture(scope="module", params=list(TEMPLATES))
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> App:
    name = request.param
    scratch = tmp_path_factory.mktemp(name)
    return App(name, TEMPLATES[name], walk(ROOT / "stacks" / name, scratch), scratch)


STATE_NAMES = [state.name for state in STATES]


@pytest.mark.parametrize("state", STATE_NAMES)
def test_every_state_passes_the_pack(app: App, state: str) -> None:
    one = app.states[state]
    assert mandatory(one.findings) == []
    for stack in one.state.running:
        assert mandatory(app.checkov[(state, stack)]) == [], stack


@pytest.mark.parametrize("state", STATE_NAMES)
def test_one_writable_database_in_the_active_region(app: App, state: str) -> None:
    one = app.states[state]
    writers = [(stack, db) for stack, db in app.databases(state)
               if not db.inputs.get(app.cloud.source)]
    assert [(stack, db.region) for stack, db in writers] == [
        (one.state.active.value, one.region(one.state.active))]


@pytest.mark.parametrize("state", STATE_NAMES)
def test_replicas_follow_the_active_database(app: App, state: str) -> None:
    one = app.states[state]
    writer = one.runs[one.state.active.value].outputs[app.cloud.writer_output]
    replicas = [(stack, db.inputs[app.cloud.source]) for stack, db in app.databases(state)
                if db.inputs.get(app.cloud.source)]
    passive = one.passive.value
    expected = [(passive, writer)] if passive in one.state.running else []
    assert replicas == expected


def _aws_traffic(one: Walked) -> dict[str, Any]:
    records = managed(one.runs["global"], RECORD)
    found = {r.inputs["failoverRoutingPolicies"][0]["type"]: r.inputs["aliases"][0]["name"]
             for r in records if r.inputs.get("failoverRoutingPolicies")}
    checks = managed(one.runs["global"], "aws:route53/healthCheck:HealthCheck")
    # Route53 probes the path that answers only where the database takes writes.
    assert {c.inputs["resourcePath"] for c in checks} == {"/healthz/serving"}
    return found


def _gcp_traffic(one: Walked) -> list[tuple[str, float]]:
    (service,) = managed(one.runs["global"], BACKEND)
    return [(b["group"], b["capacityScaler"]) for b in service.inputs["backends"]]


@pytest.mark.parametrize("state", STATE_NAMES)
def test_traffic_goes_only_where_writes_go(app: App, state: str) -> None:
    """The active region is the primary target; the other region is a target (AWS SECONDARY
    record, active-active backend) only once rebuilt as a replica for the current switch:
    nothing fails back on its own to a diverged old primary."""
    one = app.states[state]
    active, passive = one.runs[one.state.active.value], one.runs[one.passive.value]
    rebuilt = state != "failed-over"
    if app.cloud is AWS:
        expected = {"PRIMARY": active.outputs["albDnsName"]}
        if rebuilt:
            expected["SECONDARY"] = passive.outputs["albDnsName"]
        assert _aws_traffic(one) == expected
    else:
        serves = app.template == "gcp-active-active" and rebuilt
        assert _gcp_traffic(one) == [(active.outputs["instanceGroup"], 1.0),
                                     (passive.outputs["instanceGroup"], 1.0 if serves else 0.0)]


def _capacity(run: StackRun) -> tuple[Any, ...]:
    for group in managed(run, "aws:autoscaling/group:Group"):
        return tuple(group.inputs[k] for k in ("minSize", "desiredCapacity", "maxSize"))
    (scaler,) = managed(run, "gcp:compute/regionAutoscaler:RegionAutoscaler")
    policy = scaler.inputs["autoscalingPolicy"]
    return policy["minReplicas"], policy["maxReplicas"]


@pytest.mark.parametrize("state", STATE_NAMES)
def test_the_active_region_runs_full_capacity(app: App, state: str) -> None:
    one, steady = app.states[state], app.states["steady"].runs
    assert _capacity(one.runs[one.state.active.value]) == _capacity(steady["primary"])
    if one.passive.value in one.state.running:
        assert _capacity(one.runs[one.passive.value]) == _capacity(steady["secondary"])
    if app.template != "gcp-active-active":  # where both regions serve at full capacity
        assert _capacity(steady["primary"]) > _capacity(steady["secondary"])


def test_the_failover_makes_no_call_into_the_lost_region(app: App) -> None:
    """The stacks updated during the failover have no resource or provider in the lost region,
    and what of theirs names something there (replication to the old primary's bucket, backup
    copies to its vault) is unchanged by the failover, so its update makes no call for it (S3
    PutBucketReplication, for one, checks the destination bucket). The one exception is the
    GCP load balancer's backend service, a global resource whose update is the failover: it
    keeps the lost region's group as a drained backend."""
    failed, steady = app.states["failed-over"], app.states["steady"]
    lost = failed.region(Role.PRIMARY)
    assert failed.state.running == failed.state.ups == ("secondary", "global")
    for stack in failed.state.ups:
        run = failed.runs[stack]
        assert [urn for urn, region in regions_of(run).items() if region == lost] == []
        before = steady.runs[stack].by_urn()
        naming = [r for r in run.managed if mentions(r.inputs, lost)]
        for resource in naming:
            if resource.type == BACKEND:
                assert [b["capacityScaler"] for b in resource.inputs["backends"]
                        if mentions(b, lost)] == [0.0]
                continue
            assert before[resource.urn].inputs == resource.inputs, resource.urn


@pytest.mark.parametrize("state", STATE_NAMES)
def test_each_stack_manages_only_its_own_region(app: App, state: str) -> None:
    """What lives in a region (its bucket, vault, keys) is managed by that region's stack; the
    global stack has nothing in either app region."""
    one = app.states[state]
    home = {"primary": {one.region(Role.PRIMARY)}, "secondary": {one.region(Role.SECONDARY)},
            "global": set()}
    app_regions = home["primary"] | home["secondary"]
    for stack, run in one.runs.items():
        assert set(regions_of(run).values()) & app_regions <= home[stack], stack


def test_the_old_region_is_rebuilt_as_a_replica_of_the_active_one(app: App) -> None:
    """With every stack on ``active: secondary``, the primary stack declares a replica of the
    secondary's database, under the old primary's name (a replacement), still protected: the
    rebuild is a deliberate step (README, Failover)."""
    rebuilt, steady = app.states["rebuilt"], app.states["steady"]
    ((_, old),) = [(s, db) for s, db in app.databases("steady") if s == "primary"]
    ((_, new),) = [(s, db) for s, db in app.databases("rebuilt") if s == "primary"]
    assert new.inputs[app.cloud.source] == rebuilt.runs["secondary"].outputs[
        app.cloud.writer_output]
    assert new.inputs[app.cloud.identity] == old.inputs[app.cloud.identity]
    assert old.protect and new.protect
    assert steady.runs["primary"].outputs.get("active") == "primary"
    assert rebuilt.runs["primary"].outputs.get("active") == "secondary"


def test_switching_back_restores_the_steady_state(app: App) -> None:
    back, steady = app.states["switched-back"], app.states["steady"]
    for stack, run in back.runs.items():
        assert [(r.urn, r.inputs) for r in run.resources] == [
            (r.urn, r.inputs) for r in steady.runs[stack].resources], stack


def test_drkit_check_of_the_failover_stacks_exits_0(
        app: App, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's acceptance check as a user runs it, with ``drkit:active: secondary`` in
    every stack (checkov's verdict on the same plans: test_every_state_passes_the_pack)."""
    root = app.states["rebuilt"].root
    assert main(["check", str(root), "--stack", "secondary", "--stack", "global",
                 "--no-checkov"]) == 0, capsys.readouterr().out
    capsys.readouterr()


def test_the_walk_covers_the_four_states() -> None:
    assert list(BY_NAME) == ["steady", "failed-over", "rebuilt", "switched-back"]
    assert BY_NAME["failed-over"].switch["primary"] == "primary"  # its stack is not touched
    assert all(value == "secondary" for value in BY_NAME["rebuilt"].switch.values())

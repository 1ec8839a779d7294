"""Plain Pulumi programs (no drkit components) through the recovery model, ``drkit assess``
and the recovery-target rules of ``drkit check``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from drkit.check import run_stacks
from drkit.cli import main
from drkit_core.recovery import Scenario, View, view_of
from policies.model import evaluate
from policies.registry import by_id

PROGRAMS = Path(__file__).parent / "fixtures" / "recovery"


def assess_json(program: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["assess", str(PROGRAMS / program), "--format", "json"]) == 0
    [app] = json.loads(capsys.readouterr().out)["apps"]
    return {"app": app, **{s["scenario"]: s for s in app["scenarios"]}}


def test_a_5_minute_rpo_over_s3_replication_with_rtc_fails_drkit_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(PROGRAMS / "s3-rtc"), "--no-checkov", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    findings = [v for s in report["stacks"] for v in s["violations"]
                if v["rule"] == "DR-PLAN-001"]
    assert code == 1
    [finding] = findings
    assert finding["enforcement"] == "mandatory"
    assert finding["message"].startswith("region-loss: the estimated RPO is 15m, over the "
                                         "target 5m")
    assert "Replication Time Control" in finding["message"] and finding["name"] == "source"


def test_with_protections_each_scenario_has_a_bound(capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("protected-db", capsys)
    assert found["zone-loss"]["rpo_seconds"] == 0
    assert found["region-loss"]["rpo_seconds"] == 60
    assert found["data-corruption"]["rpo_seconds"] == 300
    assert [found[s]["meets_rpo"] for s in Scenario] == [True, True, True]
    assert found["region-loss"]["critical_path"] == [
        "detect", "decide", "adopt", "promote", "switch-traffic", "verify"]
    assert found["app"]["readiness"]["level"] == 2


def test_without_protections_every_scenario_is_unbounded(
        capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("unprotected", capsys)
    for scenario in Scenario:
        assert found[scenario]["rpo_seconds"] is None, scenario
        assert found[scenario]["meets_rpo"] is False, scenario
    assert found["region-loss"]["rto_seconds"] is None
    assert found["app"]["readiness"]["level"] == 0


def test_the_only_copy_being_a_replica_is_unbounded_for_corruption_and_level_0(
        capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("replica-only", capsys)
    assert found["region-loss"]["rpo_seconds"] == 1
    assert found["data-corruption"]["rpo_seconds"] is None
    assert found["app"]["readiness"]["level"] == 0
    code = main(["check", str(PROGRAMS / "replica-only"), "--no-checkov"])
    out = capsys.readouterr().out
    assert code == 1 and "DR-PLAN-001" in out
    assert "data-corruption: the estimated RPO is unbounded" in out


@cache
def stack_views(program: str) -> list[View]:
    [stack] = run_stacks([PROGRAMS / program])
    return [view_of(r) for r in stack.run.resources if r.managed]


def test_the_stack_rules_take_targets_from_their_config_without_drkit_intent() -> None:
    views = stack_views("protected-db")
    rto = by_id()["DR-PLAN-002"]
    assert evaluate(rto, views, {}) == []
    [violation] = [v for v in evaluate(rto, views, {"rto": "30m"})
                   if v.message.startswith("region-loss")]
    assert "critical path: detect 15m (manual) -> decide 15m (manual)" in violation.message
    rpo = by_id()["DR-PLAN-001"]
    assert evaluate(rpo, views, {"rpo": "15m"}) == []
    assert [v.message.split(":")[0] for v in evaluate(rpo, views, {"rpo": "30s"})] == [
        "region-loss", "data-corruption"]


def test_measured_figures_from_the_rule_config(tmp_path: Path) -> None:
    figures = tmp_path / "figures.yaml"
    figures.write_text("figures:\n  rds.replica_lag: {seconds: 5}\n  rds.pitr: {seconds: 20}\n")
    rpo = by_id()["DR-PLAN-001"]
    assert evaluate(rpo, stack_views("protected-db"), {"rpo": "30s",
                                                       "figures": str(figures)}) == []

"""drkit check with checkov: its findings are merged into the report and every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from checkov_runs import SINGLE_AZ, CheckovRuns, assert_own_checks_ran

from drkit.cli import main
from drkit.report import render
from drkit_core.findings import Enforcement, Report


@pytest.fixture(scope="module")
def single_az_scan(checkov_runs: CheckovRuns) -> dict[str, Any]:
    return checkov_runs.result("single_az_scan")


@pytest.fixture(scope="module")
def report(single_az_scan: dict[str, Any]) -> Report:
    """One checkov scan of a single-AZ, unprotected database (with drkit's rules), rendered
    every way below; drkit's own checkov checks ran in it."""
    scanned: Report = single_az_scan["report"]
    (stack,) = scanned.stacks
    assert_own_checks_ran(stack.rules_run, {"DR-RES-003"})
    return scanned


def by_rule(report: Report) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in report.findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def test_checkov_findings_join_drkit_rules(report: Report) -> None:
    found = by_rule(report)
    assert "DR-AWS-001" in found  # drkit's rule
    (multi_az,) = found["CKV_AWS_157"]  # checkov's built-in, mandatory by default
    assert multi_az.source == "checkov" and multi_az.enforcement is Enforcement.MANDATORY
    assert multi_az.type == "aws:rds/instance:Instance" and multi_az.urn
    assert multi_az.location is not None
    assert multi_az.location[0] == "tests/fixtures/broken/single-az-db/__main__.py"
    advisory = [f for f in report.findings
                if f.source == "checkov" and f.enforcement is Enforcement.ADVISORY]
    assert advisory, "checkov's other checks are reported as advisory"
    assert report.failed


def test_every_format_carries_checkov_findings(report: Report) -> None:
    data = json.loads(render(report, "json"))
    rules = {v["rule"] for s in data["stacks"] for v in s["violations"]}
    assert {"DR-AWS-001", "CKV_AWS_157"} <= rules
    sarif = json.loads(render(report, "sarif"))
    run = sarif["runs"][0]
    assert "CKV_AWS_157" in {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "CKV_AWS_157" in {r["ruleId"] for r in run["results"]}
    junit = ET.fromstring(render(report, "junit"))
    failed = {case.get("name", "") for case in junit.iter("testcase")
              if case.find("failure") is not None}
    assert any("CKV_AWS_157" in name for name in failed)
    assert "CKV_AWS_157" in render(report, "text")


def test_checkov_options_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(SINGLE_AZ), "--format", "json", "--checkov-check",
                 "CKV_AWS_157,CKV_AWS_118", "--checkov-mandatory", "CKV_AWS_118"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err  # 2: checkov did not run (its message is on stderr)
    data = json.loads(out)
    found = {(v["rule"], v["enforcement"]) for s in data["stacks"] for v in s["violations"]
             if v["source"] == "checkov"}
    assert found == {("CKV_AWS_157", "advisory"), ("CKV_AWS_118", "mandatory")}
    assert code == 1

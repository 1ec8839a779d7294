"""The drkit command as a person or CI runs it: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from drkit.cli import main

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
TEMPLATE = Path(__file__).parent.parent / "stacks" / "gcp-warm-standby"


def test_inventory_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", str(PROGRAMS / "refs"), "--stack", "app", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stack"] == "app"
    types = [r["type"] for r in data["resources"]]
    assert types.count("aws:iam/policy:Policy") == 1
    assert "pulumi:pulumi:StackReference" in types


def test_inventory_text_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", str(PROGRAMS / "plain-gcp"), "-s", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("plain-gcp/dev: ")
    assert "db (gcp:sql/databaseInstance:DatabaseInstance)  [europe-west1]" in out
    assert "outputs:" in out


def test_inventory_to_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "base.json"
    assert main(["inventory", str(PROGRAMS / "refs"), "-s", "base", "--format", "json",
                 "-o", str(target)]) == 0
    assert json.loads(target.read_text())["resources"][0]["name"] == "data"


def test_commands_count_the_same_managed_resources(capsys: pytest.CaptureFixture[str]) -> None:
    """One definition of a managed resource (drkit_core.graph.Resource.managed): inventory's
    header, check's resource count and the tfplan export agree on a shipped template stack that
    has an explicit provider (which none of them may count)."""
    code, out, _ = run(capsys, "inventory", str(TEMPLATE), "--stack", "primary")
    assert code == 0
    header = re.match(r"\S+: \d+ resources \((\d+) managed, ", out)
    assert header, out.splitlines()[0]
    managed = int(header[1])
    assert "(pulumi:providers:gcp)" in out  # listed, not counted as managed
    code, out, _ = run(capsys, "check", str(TEMPLATE), "--stack", "primary", "--no-checkov",
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["stacks"][0]["resources"] == managed
    code, out, _ = run(capsys, "export", "tfplan", str(TEMPLATE), "--stack", "primary")
    assert code == 0
    exported = json.loads(out)["drkit"]
    assert len(exported["resources"]) + len(exported["unmapped"]) == managed


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``drkit ARGS`` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse's usage errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_program_error_exits_2_with_location_and_no_traceback() -> None:
    """The one test that starts a real ``python -m drkit``: nothing but drkit's message may
    reach stderr, up to the interpreter's exit."""
    result = subprocess.run(
        [sys.executable, "-m", "drkit", "inventory", str(PROGRAMS / "broken"), "--stack",
         "toplevel"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "drkit: error: __main__.py:10: ValueError: size 99 is too large")
    assert "Traceback" not in result.stderr


def test_config_error_exits_2_naming_the_key(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\nfrom components.base import load_intent\n"
        "intent = load_intent()\naws.s3.Bucket('b')\n")
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n  drkit:app: shop\n  drkit:role: primary\n  drkit:tier: gold\n"
        "  drkit:rpo: 15m\n  drkit:rto: 1h\n  drkit:residency: eu\n"
        "  drkit:regions: {primary: eu-west-1, secondary: eu-west-1}\n")
    code, out, err = run(capsys, "inventory", str(tmp_path), "--stack", "prod", "--format",
                         "json")
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert 'drkit:tier: "gold" is not valid' in err
    assert 'drkit:regions.secondary: "eu-west-1" is not valid' in err


def test_unknown_stack_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "inventory", str(PROGRAMS / "refs"), "--stack", "prod")
    assert code == 2
    assert "stack 'prod': no config file" in err and "base" in err
    code, _, err = run(capsys, "inventory")
    assert code == 2 and "--stack" in err  # --stack is required

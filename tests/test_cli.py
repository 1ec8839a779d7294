"""The drkit command as a person or CI runs it: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from drkit.cli import main

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


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


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drkit", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def test_program_error_exits_2_with_location_and_no_traceback() -> None:
    result = run_cli("inventory", str(PROGRAMS / "broken"), "--stack", "toplevel")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "drkit: error: __main__.py:10: ValueError: size 99 is too large")
    assert "Traceback" not in result.stderr


def test_config_error_exits_2_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\nfrom components.base import load_intent\n"
        "intent = load_intent()\naws.s3.Bucket('b')\n")
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n  drkit:app: shop\n  drkit:role: primary\n  drkit:tier: gold\n"
        "  drkit:rpo: 15m\n  drkit:rto: 1h\n  drkit:residency: eu\n"
        "  drkit:regions: {primary: eu-west-1, secondary: eu-west-1}\n")
    result = run_cli("inventory", str(tmp_path), "--stack", "prod", "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert 'drkit:tier: "gold" is not valid' in result.stderr
    assert 'drkit:regions.secondary: "eu-west-1" is not valid' in result.stderr


def test_unknown_stack_and_usage_errors() -> None:
    result = run_cli("inventory", str(PROGRAMS / "refs"), "--stack", "prod")
    assert result.returncode == 2
    assert "stack 'prod': no config file" in result.stderr and "base" in result.stderr
    assert run_cli("inventory").returncode == 2  # --stack is required

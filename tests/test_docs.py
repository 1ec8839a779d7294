"""The README's generated sections (drkit.docs): fresh, and rendered from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.docs import Component, Field, components
from drkit import docs

ROOT = Path(__file__).resolve().parent.parent


def test_every_generated_section_is_fresh() -> None:
    stale = docs.stale(docs.README.read_text())
    assert stale == [], f"README sections {stale} are stale; regenerate them: {docs.COMMAND}"


def test_check_names_the_stale_section_and_write_refreshes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    fresh = docs.README.read_text()
    body = docs.section(fresh, "policies")
    readme.write_text(docs.splice(fresh, "policies", body.replace("| DR-AWS-001 |", "| DR-X |")))
    monkeypatch.setattr(docs, "README", readme)
    assert docs.main(["--check"]) == 1
    assert capsys.readouterr().err == (
        f"README.md: the policies section is stale; run {docs.COMMAND}\n")
    assert docs.main(["--write"]) == 0
    assert readme.read_text() == fresh
    assert docs.main(["--check"]) == 0


def test_one_splice_function_writes_every_section() -> None:
    text = "intro\n<!-- a:start -->\nold\nbody\n<!-- a:end -->\nrest\n"
    assert docs.section(text, "a") == "old\nbody"
    assert docs.splice(text, "a", "new") == "intro\n<!-- a:start -->\nnew\n<!-- a:end -->\nrest\n"
    missing = re.escape("no <!-- b:start --> ... <!-- b:end --> markers")
    with pytest.raises(docs.DocsError, match=missing):
        docs.splice(text, "b", "new")


def test_components_reference_lists_every_component() -> None:
    names = {c.cls for c in components()}
    assert {"Network", "ReplicatedDatabase", "ReplicatedBucket", "StandbyTier", "FailoverEntry",
            "BackupPlan"} <= names
    assert all(c.fields and c.summary for c in components())
    rendered = docs.render("components")
    assert all(f"### `{c.module}.{c.cls}`" in rendered for c in components())


def test_components_reference_shows_each_inputs_constraint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fields = [Field("size", "int", "2", "How many | at most", "1 to 10"),
              Field("name", "str", None, "", "")]
    monkeypatch.setattr(docs, "components", lambda: [
        Component("components.aws.x", "X", "An X.", "XArgs", fields)])
    assert docs.render("components").endswith(
        "| input | type | default | allowed | meaning |\n"
        "|---|---|---|---|---|\n"
        "| `size` | `int` | `2` | 1 to 10 | How many \\| at most |\n"
        "| `name` | `str` | required |  |  |")


def test_templates_table_comes_from_each_templates_project_and_stacks() -> None:
    table = docs.render("templates")
    rows = [line for line in table.splitlines() if line.startswith("| [`stacks/")]
    dirs = sorted(p.parent.name for p in (ROOT / "stacks").glob("*/Pulumi.yaml"))
    assert [row.split("`")[1] for row in rows] == [f"stacks/{d}" for d in dirs]
    aws = rows[dirs.index("aws-warm-standby")]
    assert ("(also the repository root's project) | AWS | `warm-standby` | eu-west-1 (primary), "
            "eu-central-1 (secondary) | 15m / 1h | eu | drkit template: one app on AWS") in aws
    gcp = rows[dirs.index("gcp-active-active")]
    assert "| GCP | `active-active` | europe-west1 (primary), europe-west4 (secondary) | 15m / 1h" \
        in gcp and "root's project" not in gcp
    assert "Each template is its own Pulumi project, to fork." in table  # the hand-written prose


def _template(root: Path, tiers: dict[str, str], description: str = "d") -> Path:
    directory = root / "stacks" / "t"
    directory.mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text(f"name: t\ndescription: {description}\n"
                                           "runtime: python\n")
    (directory / "__main__.py").write_text("")
    for stack, tier in tiers.items():
        (directory / f"Pulumi.{stack}.yaml").write_text(
            f"config:\n  drkit:tier: {tier}\n  drkit:regions: {{primary: eu-west-1, "
            "secondary: eu-central-1}\n")
    return directory


def test_templates_whose_stacks_disagree_are_named(tmp_path: Path) -> None:
    _template(tmp_path, {"primary": "warm-standby", "secondary": "pilot-light"})
    with pytest.raises(docs.DocsError, match="stacks primary, secondary must declare the same"):
        docs.stack_templates(tmp_path / "stacks", tmp_path)


def test_a_template_without_description_is_named(tmp_path: Path) -> None:
    directory = _template(tmp_path, {"primary": "warm-standby"}, description="''")
    named = re.escape(f"{directory / 'Pulumi.yaml'}: no description")
    with pytest.raises(docs.DocsError, match=named):
        docs.stack_templates(tmp_path / "stacks", tmp_path)


def test_a_template_without_the_shown_intent_is_named(tmp_path: Path) -> None:
    _template(tmp_path, {"primary": "warm-standby", "secondary": "warm-standby"})
    with pytest.raises(docs.DocsError, match="must declare drkit: rpo, rto, residency"):
        docs.stack_templates(tmp_path / "stacks", tmp_path)


def test_every_component_input_is_described() -> None:
    """Every field of every <X>Args, and of the argument types they hold, says what it is."""
    found = components()
    undescribed = [f"{c.args}.{f.name}" for c in found for f in c.fields if not f.doc]
    undescribed += [f"{t.cls}.{f.name}" for c in found for t in c.nested for f in t.fields
                    if not f.doc]
    assert undescribed == []
    assert {t.cls for c in found for t in c.nested} == {
        "NetworkRefs", "Capacity", "RegionalEndpoint", "RegionalBackend", "FlowLogs"}


def test_components_reference_gives_each_inputs_constraint() -> None:
    fields = {(c.module, c.args, f.name): f for c in components() for f in c.fields}
    assert fields["components.aws.database", "DatabaseArgs",
                  "backup_retention_days"].allowed == "7 to 35"
    assert fields["components.gcp.network", "NetworkArgs",
                  "cidr_block"].allowed == "a private IPv4 network from /16 to /22"
    assert fields["components.aws.failover", "FailoverArgs",
                  "request_interval"].allowed == "10 or 30"
    assert fields["components.aws.database", "DatabaseArgs", "source_db_arn"].allowed == ""

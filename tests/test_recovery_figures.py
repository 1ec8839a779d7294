"""The published figures and users' measured overrides (``--figures``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drkit import docs
from drkit.cli import main
from drkit_core.recovery import FiguresError, load, shipped

ROOT = Path(__file__).parent.parent
PROJECT = ROOT / "tests" / "fixtures" / "recovery" / "protected-db"


def test_every_shipped_figure_cites_its_source() -> None:
    figures = shipped()
    assert len(figures) >= 25
    for figure in figures.values():
        assert figure.kind in ("published", "assumption"), figure.key
        assert figure.title and figure.url and figure.url.startswith("https://"), figure.key
        assert figure.seconds is None or figure.seconds >= 0, figure.key
    assert figures.seconds("s3.replication_rtc") == 900
    assert figures.seconds("s3.replication") is None  # no bound is published


def test_a_file_overrides_some_figures_with_measured_values(tmp_path: Path) -> None:
    path = tmp_path / "measured.yaml"
    path.write_text("figures:\n  rds.replica_promotion:\n    seconds: 240\n"
                    "  operator.response: {seconds: 300, source: {title: drill 2026-11}}\n")
    figures = load(path)
    promotion = figures["rds.replica_promotion"]
    assert (promotion.seconds, promotion.kind) == (240, "measured")
    assert promotion.title == "your figures file measured.yaml"
    assert figures["operator.response"].title == "drill 2026-11"
    assert figures.seconds("rds.pitr") == shipped().seconds("rds.pitr")


def test_measured_figures_change_the_estimate(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "measured.yaml"
    path.write_text("figures:\n  operator.response: {seconds: 60}\n")
    assert main(["assess", str(PROJECT), "--figures", str(path)]) == 0
    assert "decide 1m (manual)" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "expected"), [
    ("figures:\n  rds.replica_promotion: {seconds: ten}\n",
     'figures.rds.replica_promotion.seconds: "ten" is not valid; allowed: a whole number of '
     "seconds or null (no published bound)"),
    ("figures:\n  rds.replica_promotion: {seconds: -5}\n",
     "figures.rds.replica_promotion.seconds: -5 is not valid; allowed: 0 or more"),
    ("figures:\n  rds.promotion: {seconds: 60}\n",
     "figures.rds.promotion: unknown figure; allowed: operator.response, operator.step"),
    ("figures:\n  rds.pitr: {seconds: 60, minutes: 1}\n",
     "figures.rds.pitr.minutes: unknown key; allowed: seconds, kind, what, source"),
    ("figures:\n  rds.pitr: {kind: measured}\n", "figures.rds.pitr.seconds: missing"),
    ("figures:\n  rds.pitr: {seconds: 60, kind: guessed}\n",
     'figures.rds.pitr.kind: "guessed" is not valid; allowed: published, assumption, measured'),
    ("rds.pitr: 60\n", "rds.pitr: unknown key; allowed: figures"),
    ("- a list\n", '(top level): ["a list"] is not valid; allowed: a mapping'),
    ("figures: [oops\n", "not YAML"),
])
def test_bad_figures_files_exit_2_naming_key_value_and_what_is_allowed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(text)
    with pytest.raises(FiguresError):
        load(path)
    assert main(["assess", str(PROJECT), "--figures", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("drkit: error: invalid figures")
    assert f"{path}: " in err and expected in err, err


def test_a_missing_figures_file_exits_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", str(PROJECT), "--check", "--figures",
                 str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: cannot read" in capsys.readouterr().err


def test_the_readme_figures_table_lists_every_figure_with_its_source() -> None:
    table = docs.render("figures")
    for figure in shipped().values():
        assert f"| `{figure.key}` |" in table
        assert figure.title in table

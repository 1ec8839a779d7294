"""The real checkov runs the checkov tests read, started together and shared.

A checkov process spends ~3 s of CPU importing itself before it checks anything, so every run
the selected tests use is started when collection ends, on background threads (conftest.py):
they use the cores the test process leaves idle while the tests before them go on, and each
test waits only for the run it reads. Whatever runs a Pulumi program (the offline engine's
runtime is global to the process) is done on the main thread first, in ``prepare``; the
threads only export plans, run checkov and read its report. The executable is found on the
main thread too: tests that monkeypatch the lookup must not change it under a running job.

Each job's name is the name of the fixture that hands out its result (so conftest knows from the
selected tests' fixtures which runs to start).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drkit.check import check, run_stacks
from drkit.checkers import checkov
from drkit.checkers.checkov import process
from drkit.checkers.rules import DrkitRules
from drkit.engine.runner import run_stack
from drkit.export.tfplan import export_plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PROGRAMS = FIXTURES / "programs"
FIDELITY = FIXTURES / "checkov" / "fidelity"
SINGLE_AZ = FIXTURES / "broken" / "single-az-db"
HCL = FIXTURES / "hcl"
DRKIT_PLAN = FIXTURES / "checkov" / "plans" / "terraform-drkit-checks.json"
BROKEN_CHECK = "CloudSqlRegional.py"

Results = dict[str, dict[tuple[str, str], str]]
"""file -> (check ID, resource address) -> PASSED / FAILED."""


def assert_own_checks_ran(check_ids: Iterable[str], expected: Iterable[str]) -> None:
    """Before any finding is read: checkov ran drkit's own checks (policies/checkov), so a check
    that did not load fails here, by name, rather than as "no findings" further on."""
    ran = set(check_ids)
    missing = sorted(set(expected) - ran)
    assert not missing, (
        f"checkov did not run drkit's own checks {missing} from {checkov.external_checks_dir()}: "
        f"did they fail to load? drkit checks it ran: "
        f"{sorted(i for i in ran if i.startswith(checkov.DRKIT_CHECK_PREFIX)) or 'none'}")


def run_dir(executable: str, directory: Path, frameworks: Iterable[str]
            ) -> tuple[Results, dict[str, dict[str, Any]]]:
    """checkov over every file of ``directory``, with drkit's checks and ``eu`` residency: the
    results by file, and each framework's summary."""
    argv = [executable, "--skip-download", "--framework", *frameworks, "-o", "json",
            "--compact", "-d", str(directory),
            "--external-checks-dir", str(checkov.external_checks_dir())]
    done = subprocess.run(argv, capture_output=True, text=True, check=False,
                          env={**os.environ, "LOG_LEVEL": "ERROR", "DRKIT_RESIDENCY": "eu"})
    assert done.returncode in (0, 1), done.stderr
    assert not process.load_errors(done.stderr), done.stderr
    reports = json.loads(done.stdout)
    results: Results = {}
    summaries: dict[str, dict[str, Any]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        summaries[report["check_type"]] = report["summary"]
        for kind in ("passed_checks", "failed_checks"):
            for record in report["results"][kind]:
                file = record["file_path"].lstrip("/")
                key = (record["check_id"], record["resource"])
                results.setdefault(file, {})[key] = record["check_result"]["result"]
    return results, summaries


# -- the jobs: prepare (main thread) -> run (a background thread) ------------------------------


def _prepare_directory(scratch: Path) -> dict[str, Any]:
    """One folder for one checkov run: the exports, the fidelity export without its references,
    a plan as Terraform writes it, and the HCL twins (tests/fixtures/hcl)."""
    exports = {
        "fidelity": export_plan(run_stack(FIDELITY, "test")),
        "plain-aws": export_plan(run_stack(PROGRAMS / "plain-aws", "dev")),
        "plain-gcp": export_plan(run_stack(PROGRAMS / "plain-gcp", "dev")),
    }
    for name, export in exports.items():
        (scratch / f"{name}.json").write_text(export.to_json())
    stripped = dict(exports["fidelity"].plan)
    stripped["configuration"] = {"root_module": {"resources": []}}
    (scratch / "fidelity-noref.json").write_text(json.dumps(stripped))
    shutil.copy(DRKIT_PLAN, scratch)
    shutil.copytree(HCL, scratch, dirs_exist_ok=True)
    return {"folder": scratch, "exports": exports, "executable": checkov.find_checkov()}


def _scan_directory(prepared: dict[str, Any]) -> dict[str, Any]:
    """checkov's ``terraform_plan`` framework on the plans, ``terraform`` on the HCL."""
    results, summaries = run_dir(prepared["executable"], prepared["folder"],
                                 ("terraform_plan", "terraform"))
    return {**prepared, "results": results, "summaries": summaries}


def _prepare_fidelity(scratch: Path) -> dict[str, Any]:
    options = checkov.CheckovOptions(skip_checks=("CKV_AWS_18",), plan_dir=scratch,
                                     executable=checkov.find_checkov())
    return {"stacks": run_stacks([FIDELITY]), "checker": checkov.CheckovChecker(options),
            "plan_dir": scratch}


def _check_fidelity(prepared: dict[str, Any]) -> dict[str, Any]:
    return {**prepared, "results": prepared["checker"].check(prepared["stacks"])}


def _prepare_single_az(_scratch: Path) -> dict[str, Any]:
    executable = checkov.find_checkov()
    return {"stacks": run_stacks([SINGLE_AZ]),
            "checker": checkov.CheckovChecker(checkov.CheckovOptions(executable=executable))}


def _check_single_az(prepared: dict[str, Any]) -> dict[str, Any]:
    report = check(prepared["stacks"], [DrkitRules(), prepared["checker"]])
    return {**prepared, "report": report}


def _prepare_broken_checks(scratch: Path) -> dict[str, Any]:
    """policies/checkov with one check whose import fails, as a broken install would have it."""
    folder = scratch / "checks"
    shutil.copytree(checkov.external_checks_dir(), folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    broken = folder / BROKEN_CHECK
    broken.write_text(broken.read_text().replace("policies.checkov.adapter",
                                                 "policies.checkov.no_such_adapter"))
    return {"executable": checkov.find_checkov(), "checks_dir": folder}


def _scan_with_broken_checks(prepared: dict[str, Any]) -> checkov.CheckovError | None:
    argv = process.command(prepared["executable"], DRKIT_PLAN, prepared["checks_dir"],
                           checkov.CheckovOptions(checks=("DR-GCP-001",)))
    try:
        process.run_checkov(argv)
    except checkov.CheckovError as error:
        return error
    return None


_TYPED_INTENT = """
import os
from drkit_core.intent import Intent
from policies.checkov.adapter import intent_from_environment, run_rule
from policies.registry import by_id
from policies.testing import view
os.environ["DRKIT_RESIDENCY"] = "eu, ch"
assert intent_from_environment().residency == frozenset({"eu", "ch"})
db = view("aws:rds/instance:Instance", "db", "us-east-1")
rule = by_id()["DR-RES-001"]
assert run_rule(rule, db)  # from the environment: us-east-1 is outside eu, ch
assert run_rule(rule, db, Intent.from_config({"residency": "any"})) == []  # a typed intent
print("ok")
"""


def _prepare_typed_intent(_scratch: Path) -> Path:
    return Path(checkov.find_checkov()).parent / "python"


def _run_typed_intent(python: Path) -> subprocess.CompletedProcess[str]:
    """The adapter in checkov's own virtualenv (it imports checkov, which drkit's cannot)."""
    return subprocess.run([str(python), "-c", _TYPED_INTENT], capture_output=True, text=True,
                          check=False, cwd=ROOT)


@dataclass(frozen=True)
class Job:
    prepare: Callable[[Path], Any]
    """On the main thread, with a scratch folder of its own."""
    run: Callable[[Any], Any]
    """On a background thread, with what ``prepare`` returned."""


JOBS = {
    "single_az_scan": Job(_prepare_single_az, _check_single_az),
    "directory_scan": Job(_prepare_directory, _scan_directory),
    "fidelity_scan": Job(_prepare_fidelity, _check_fidelity),
    "broken_checks_scan": Job(_prepare_broken_checks, _scan_with_broken_checks),
    "typed_intent_run": Job(_prepare_typed_intent, _run_typed_intent),
}


class CheckovRuns:
    """The jobs started so far, and their results; :meth:`close` waits for the rest."""

    def __init__(self) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="drkit-checkov-tests-")
        self._pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1),
                                        thread_name_prefix="checkov")
        self._futures: dict[str, Future[Any]] = {}

    def start(self, names: Iterable[str]) -> None:
        """Prepare each job here, then run it on a thread (a failure is kept for its reader)."""
        for name in names:
            if name in self._futures:
                continue
            folder = Path(self._scratch.name) / name
            folder.mkdir()
            job = JOBS[name]
            try:
                prepared = job.prepare(folder)
            except Exception as error:
                failed: Future[Any] = Future()
                failed.set_exception(error)
                self._futures[name] = failed
                continue
            self._futures[name] = self._pool.submit(job.run, prepared)

    def result(self, name: str) -> Any:
        self.start([name])
        return self._futures[name].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._scratch.cleanup()

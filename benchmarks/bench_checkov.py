"""Benchmark drkit's checkov stage against checkov alone, on the same exported plans.

    python benchmarks/bench_checkov.py [PROJECT_DIR ...]     (default: the shipped templates)

For each stack: the export alone, the checkov stage as ``drkit check`` runs it (export, write,
checkov, findings) for that one stack, and checkov alone on the plan the export wrote (the
same command line). Then the stage for every stack at once (one checkov process per stack, run
in parallel) beside the sum of checkov alone. Each figure is the fastest of ``--repeat`` runs
(default 2). Stacks are run offline first (not timed). ``DRKIT_CHECKOV`` chooses checkov.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drkit.checkers import checkov  # noqa: E402 - after the path set-up, to run from a checkout
from drkit.engine.runner import Engine  # noqa: E402
from drkit.export.tfplan import export_plan  # noqa: E402
from drkit_core.graph import StackRun  # noqa: E402
from drkit_core.project import Project  # noqa: E402

DEFAULT_PROJECTS = (ROOT / "stacks" / "aws-warm-standby",)


def runs_of(projects: list[Path]) -> list[StackRun]:
    runs: list[StackRun] = []
    for directory in projects:
        project = Project.load(directory)
        engine = Engine(project)
        runs.extend(engine.run(stack) for stack in project.stacks())
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", type=Path, default=list(DEFAULT_PROJECTS))
    parser.add_argument("--repeat", type=int, default=2,
                        help="time each measurement this often and keep the fastest")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    runs = runs_of(args.projects)
    executable = checkov.find_checkov()
    checks_dir = checkov.external_checks_dir()
    options = checkov.CheckovOptions(executable=executable)
    print(f"checkov: {executable}\n")
    print(f"{'stack':<28}{'resources':>10}{'export':>10}{'stage':>10}{'checkov':>10}"
          f"{'overhead':>10}")
    alone_total = 0.0
    with tempfile.TemporaryDirectory(prefix="drkit-bench-") as scratch:
        for run in runs:
            started = time.perf_counter()
            export = export_plan(run)
            export_seconds = time.perf_counter() - started
            stage_seconds = alone = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                stage = checkov.scan([run], checkov.CheckovOptions(
                    executable=executable, plan_dir=Path(scratch)))
                stage_seconds = min(stage_seconds, time.perf_counter() - started)
                plan = next(iter(stage.stacks.values())).plan
                assert plan is not None
                _report, seconds = checkov.run_checkov(
                    checkov.command(executable, plan, checks_dir, options))
                alone = min(alone, seconds)
            alone_total += alone
            label = f"{run.project}/{run.stack}"
            print(f"{label:<28}{len(export.resources):>10}{export_seconds * 1000:>8.0f}ms"
                  f"{stage_seconds:>9.2f}s{alone:>9.2f}s{stage_seconds - alone:>+9.2f}s")
        total = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            result = checkov.scan(runs, options)
            total = min(total, time.perf_counter() - started)
    counts = result.counts()
    print(f"\nall {len(runs)} stacks, one checkov per stack in parallel: {total:.2f}s "
          f"(checkov alone, one after another: {alone_total:.2f}s)")
    print(f"resources exported {counts['exported']}, seen by checkov {counts['seen']}, "
          f"unmapped {counts['unmapped']}; checks passed {counts['passed']}, "
          f"failed {counts['failed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``drkit check`` (not a test): how long a check takes as programs grow.

    python benchmarks/bench_check.py                 # 100, 1,000 and 5,000 resources
    python benchmarks/bench_check.py 100 1000        # chosen sizes

For each size it generates a Pulumi program with a realistic mix of AWS resources (VPC, subnets
in two zones, target group, Auto Scaling group, KMS key, RDS instance, S3 bucket with
versioning and cross-region replication: ten per unit, with references between them, plus a
shared replica bucket), then times in the same process:

- baseline: the program under plain ``pulumi.runtime.set_mocks`` mocks, no drkit at all;
- drkit: the offline engine's run of the program (recording mocks, plausible values), the
  evaluation of every rule, and the rendering of the report.
"""

from __future__ import annotations

import asyncio
import runpy
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func

from drkit.check import CheckedStack, check, intent_of, repo_root
from drkit.checkers.rules import DrkitRules
from drkit.engine.runner import Engine
from drkit.report import render
from drkit_core.project import Project

UNIT = 10
PROGRAM = '''\
import pulumi
import pulumi_aws as aws

units = pulumi.Config("bench").require_int("units")
away = aws.Provider("eu-central-1", region="eu-central-1")
replica = aws.s3.Bucket("replica", bucket="bench-replica",
                        opts=pulumi.ResourceOptions(provider=away))
aws.s3.BucketVersioning("replica", bucket=replica.id,
                        versioning_configuration={"status": "Enabled"},
                        opts=pulumi.ResourceOptions(provider=away))
role = aws.iam.Role("replication", assume_role_policy="{}")
for i in range(units):
    vpc = aws.ec2.Vpc(f"vpc-{i}", cidr_block="10.0.0.0/16")
    subnets = [aws.ec2.Subnet(f"subnet-{i}-{z}", vpc_id=vpc.id, availability_zone=f"eu-west-1{z}",
                              cidr_block=f"10.0.{n}.0/24") for n, z in enumerate("ab")]
    group = aws.lb.TargetGroup(f"tg-{i}", port=80, protocol="HTTP", vpc_id=vpc.id,
                               health_check={"enabled": True, "path": "/healthz"})
    aws.autoscaling.Group(f"asg-{i}", vpc_zone_identifiers=[s.id for s in subnets],
                          min_size=2, max_size=4, desired_capacity=2, health_check_type="ELB",
                          target_group_arns=[group.arn],
                          launch_template={"id": "lt-0123456789abcdef0", "version": "$Latest"})
    key = aws.kms.Key(f"key-{i}", enable_key_rotation=True)
    aws.rds.Instance(f"db-{i}", engine="postgres", instance_class="db.m6g.large",
                     allocated_storage=50, username="app", manage_master_user_password=True,
                     multi_az=True, backup_retention_period=14, deletion_protection=True,
                     storage_encrypted=True, kms_key_id=key.arn)
    bucket = aws.s3.Bucket(f"bucket-{i}", bucket=f"bench-data-{i}")
    versioning = aws.s3.BucketVersioning(f"bucket-{i}", bucket=bucket.id,
                                         versioning_configuration={"status": "Enabled"})
    aws.s3.BucketReplicationConfig(
        f"bucket-{i}", bucket=bucket.id, role=role.arn,
        rules=[{"id": "all", "status": "Enabled", "destination": {"bucket": replica.arn}}],
        opts=pulumi.ResourceOptions(depends_on=[versioning]))
'''


class PlainMocks(pulumi.runtime.Mocks):
    """What a unit test would write: echo the inputs, make up an id and an ARN."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", {**args.inputs, "arn": f"arn:aws:bench:::{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def write_project(folder: Path, resources: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (folder / "Pulumi.bench.yaml").write_text(
        f"config:\n  aws:region: eu-west-1\n  bench:units: {resources // UNIT}\n")
    (folder / "__main__.py").write_text(PROGRAM)
    return folder


def plain_run(project: Path, resources: int) -> float:
    """The program under the SDK's own mocks, as a unit test runs it."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config({"aws:region": "eu-west-1",
                                   "bench:units": str(resources // UNIT)}, [])
    started = time.perf_counter()
    mocks.set_mocks(PlainMocks(), "bench", "bench", preview=False)
    loop.run_until_complete(run_pulumi_func(
        lambda: runpy.run_path(str(project / "__main__.py"), run_name="__main__")))
    elapsed = time.perf_counter() - started
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config({}, [])
    loop.close()
    asyncio.set_event_loop(None)
    return elapsed


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def drkit_run(project_dir: Path) -> dict[str, float]:
    project = Project.load(project_dir)
    run, program = timed(lambda: Engine(project).run("bench"))
    stack = CheckedStack(project, run, intent_of(run), repo_root(project.root))
    rules = DrkitRules()
    report, evaluation = timed(lambda: check([stack], [rules]))
    _, rendering = timed(lambda: render(report, "sarif"))
    found = len(report.findings)
    assert found == 0, f"the benchmark program should pass every rule, found {found}"
    return {"program": program, "rules": evaluation, "report": rendering,
            "resources": float(len(run.resources))}


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        warm = write_project(Path(tmp) / "warm", UNIT)
        plain_run(warm, UNIT)  # import pulumi_aws once, outside the timings
        drkit_run(warm)
        print(f"{'resources':>9} {'plain mocks':>12} {'drkit run':>10} {'rules':>8} "
              f"{'report':>8} {'drkit total':>12} {'vs plain':>9}")
        for size in sizes:
            project = write_project(Path(tmp) / str(size), size)
            baseline = plain_run(project, size)
            drkit = drkit_run(project)
            total = drkit["program"] + drkit["rules"] + drkit["report"]
            print(f"{int(drkit['resources']):>9} {baseline:>11.2f}s {drkit['program']:>9.2f}s "
                  f"{drkit['rules']:>7.2f}s {drkit['report']:>7.2f}s {total:>11.2f}s "
                  f"{total / baseline:>8.2f}x", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 5000])

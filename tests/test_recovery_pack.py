"""The recovery-target rules under the real CrossGuard pack: a stack that is an app of its own
fails the same way as in ``drkit check``; one stack of a drkit app is left to the app rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_pack import crossguard, offline, stack_config  # noqa: F401  (a fixture)

from drkit.check import run_stacks
from policies.registry import pack_rules
from policies.settings import resolve

ROOT = Path(__file__).resolve().parent.parent


def test_the_pack_fails_a_5_minute_rpo_over_s3_rtc(stack_config: Any) -> None:  # noqa: F811
    (checked,) = run_stacks([ROOT / "tests/fixtures/recovery/s3-rtc"])
    stack_config(checked.run)
    resolved = resolve(pack_rules())
    found, unknown = crossguard(checked.run, resolved)
    (source,) = [r for r in checked.run.resources if r.name == "source"
                 and r.type == "aws:s3/bucket:Bucket"]
    assert ("recovery-rpo", source.urn) in found
    assert (found, unknown) == offline(checked, resolved)


def test_one_stack_of_a_drkit_app_is_left_to_the_app_rules(stack_config: Any) -> None:  # noqa: F811
    (checked,) = run_stacks([ROOT / "stacks/aws-warm-standby"], ["primary"])
    stack_config(checked.run)
    found, _ = crossguard(checked.run, resolve(pack_rules()))
    assert not {p for p, _ in found} & {"recovery-rpo", "recovery-rto"}

"""Parity: the real CrossGuard pack, driven in-process the way the Pulumi CLI drives it, reports
the same (policy, resource) violations as ``drkit check`` for the same recorded resources.

It uses pulumi_policy's private ``_PolicyAnalyzerServicer`` (pulumi-policy is pinned ==1.21.0 in
pyproject.toml; this test is the guard): Configure with every policy's level and config (the CLI
sends them resolved, defaults filled in), Analyze per resource with its provider (the default
provider too, with the region from the stack config), AnalyzeStack with the resources' state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pulumi
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from drkit.check import CheckedStack, run_stacks
from drkit.checkers.rules import DrkitRules, views
from drkit_core.findings import Enforcement
from drkit_core.graph import Resource, StackRun
from policies.crossguard import PACK_NAME, policies
from policies.registry import pack_rules
from policies.settings import PolicySettings, resolve

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken"
PROGRAMS = ROOT / "tests" / "fixtures" / "programs"
TEMPLATE = ROOT / "stacks" / "aws-warm-standby"
_LEVELS = {Enforcement.MANDATORY: proto.MANDATORY, Enforcement.ADVISORY: proto.ADVISORY,
           Enforcement.DISABLED: proto.DISABLED}
_CANT_RUN = "can't run policy"

Pair = tuple[str, str]


def struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(dict(values), struct_pb2.Struct())


def configure(servicer: _PolicyAnalyzerServicer, resolved: Mapping[str, PolicySettings]) -> None:
    config = {name: proto.PolicyConfig(enforcementLevel=_LEVELS[s.enforcement],
                                       properties=struct(s.config))
              for name, s in resolved.items()}
    servicer.Configure(proto.ConfigureAnalyzerRequest(policyConfig=config), None)


def provider_of(run: StackRun, resource: Resource) -> proto.AnalyzerProviderResource | None:
    """The resource's provider as the CLI sends it; a default provider takes the stack config."""
    package = resource.package
    if package not in ("aws", "gcp"):
        return None
    if resource.provider:
        explicit = run.by_urn()[resource.provider]
        return proto.AnalyzerProviderResource(type=explicit.type, urn=explicit.urn,
                                              name=explicit.name,
                                              properties=struct(explicit.inputs))
    prefix = f"{package}:"
    props = {k[len(prefix):]: v for k, v in run.config.items() if k.startswith(prefix)}
    return proto.AnalyzerProviderResource(
        type=f"pulumi:providers:{package}", name="default",
        urn=f"urn:pulumi:{run.stack}::{run.project}::pulumi:providers:{package}::default",
        properties=struct(props))


def analyzed(run: StackRun) -> list[Resource]:
    """What the CLI sends the analyzer: every resource the stack registers, explicit
    providers included (no drkit rule applies to a provider)."""
    return [r for r in run.resources if r.managed or r.is_provider]


def crossguard(run: StackRun, resolved: Mapping[str, PolicySettings]
               ) -> tuple[set[Pair], set[str]]:
    """(policy, urn) violations and the policies that met an unknown value, from the pack."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", policies(),
                                       EnforcementLevel.MANDATORY)
    configure(servicer, resolved)
    found: set[Pair] = set()
    unknown: set[str] = set()

    def collect(response: Any, urn: str) -> None:
        for diagnostic in response.diagnostics:
            if diagnostic.message.startswith(_CANT_RUN):
                unknown.add(diagnostic.policyName)
            else:
                found.add((diagnostic.policyName, diagnostic.urn or urn))

    for resource in analyzed(run):
        request = proto.AnalyzeRequest(
            type=resource.type, urn=resource.urn, name=resource.name,
            properties=struct(resource.inputs), provider=provider_of(run, resource),
            options=proto.AnalyzerResourceOptions(protect=resource.protect,
                                                  parent=resource.parent or ""))
        collect(servicer.Analyze(request, None), resource.urn)
    state = {v.urn: v.props for v in views(run.resources, state=True)}
    stack = proto.AnalyzeStackRequest(resources=[proto.AnalyzerResource(
        type=r.type, urn=r.urn, name=r.name, properties=struct(state.get(r.urn, r.inputs)),
        provider=provider_of(run, r), parent=r.parent or "", dependencies=r.dependencies,
        propertyDependencies={k: proto.AnalyzerPropertyDependencies(urns=v)
                              for k, v in r.property_dependencies.items()})
        for r in analyzed(run)])
    collect(servicer.AnalyzeStack(stack, None), "")
    return found, unknown


def offline(stack: CheckedStack, resolved: Mapping[str, PolicySettings]
            ) -> tuple[set[Pair], set[str]]:
    rules = [r for r in pack_rules()]
    result = DrkitRules(resolved, rules).check([stack])[stack.key]
    found = {(f.policy, f.urn or "") for f in result.findings if not f.unknown}
    return found, {f.policy for f in result.findings if f.unknown}


@pytest.fixture
def stack_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Hands the pack the stack's config as the CLI does: PULUMI_CONFIG in the environment."""

    def use(run: StackRun) -> None:
        monkeypatch.setenv("PULUMI_CONFIG", json.dumps(run.config))
        pulumi.runtime.set_all_config({}, [])

    yield use
    pulumi.runtime.set_all_config({}, [])


def _cases() -> list[tuple[Path, str]]:
    cases = [(d, s) for d in sorted(BROKEN.iterdir()) for s in _stacks(d)]
    cases.append((PROGRAMS / "plain-aws", "dev"))
    cases.extend((TEMPLATE, s) for s in _stacks(TEMPLATE))
    return cases


def _stacks(project: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize(("project", "stack"), _cases(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_pack_and_offline_checker_agree(project: Path, stack: str, stack_config: Any,
                                        stacks_of: Callable[[Path], dict[str, CheckedStack]]
                                        ) -> None:
    checked = stacks_of(project)[stack]
    resolved = resolve(pack_rules(), {"all": "advisory", "rds-multi-az": "mandatory",
                                      "kms-key-rotation": "disabled"})
    stack_config(checked.run)
    pack_found, pack_unknown = crossguard(checked.run, resolved)
    offline_found, offline_unknown = offline(checked, resolved)
    assert pack_found == offline_found
    assert pack_unknown == offline_unknown
    assert not any(p == "kms-key-rotation" for p, _ in pack_found)


def test_parity_covers_real_violations_of_both_kinds(stack_config: Any) -> None:
    """Not a vacuous agreement: the pack reports resource and stack violations, with levels."""
    (checked,) = run_stacks([BROKEN / "replica-outside-residency"])
    stack_config(checked.run)
    found, _ = crossguard(checked.run, resolve(pack_rules()))
    policies_hit = {policy for policy, _ in found}
    assert {"residency-location", "residency-replication"} <= policies_hit


def test_unknown_values_are_unknown_in_both(stack_config: Any) -> None:
    """A value unknown during a preview: CrossGuard's "can't run policy", offline unknown."""
    (checked,) = run_stacks([BROKEN / "single-az-db"])
    (database,) = checked.run.of_type("aws:rds/instance:Instance")
    database.inputs["multiAz"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    stack_config(checked.run)
    resolved = resolve(pack_rules())
    pack = crossguard(checked.run, resolved)
    assert pack == offline(checked, resolved)
    assert pack == (set(), {"rds-multi-az"})

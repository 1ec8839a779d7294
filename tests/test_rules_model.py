"""The rule registry, the config semantics, the generated README section, and that the rules load
without pulumi (checkov adapters call them from checkov's own virtualenv)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from drkit_core.findings import Enforcement
from drkit_core.intent import Role, Tier
from policies import docs, settings
from policies.model import Scope
from policies.registry import RULES, by_id, by_name

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def test_every_rule_is_well_formed() -> None:
    assert len(by_id()) == len(RULES) and len(by_name()) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"DR-(AWS|GCP|RES|APP|PLAN)-\d{3}", rule.id), rule.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.title.startswith("Ensure ") and not rule.title.endswith("."), rule.id
        assert rule.types and rule.remediation, rule.id
        assert (rule.scope is Scope.APP) == rule.id.startswith("DR-APP-"), rule.id
        for key, spec in rule.config.items():
            assert "type" in spec and "description" in spec, (rule.id, key)


def test_every_rule_has_tests() -> None:
    text = "".join(p.read_text() for p in TESTS.glob("test_rules_*.py") if p.name != Path(
        __file__).name)
    untested = [rule.id for rule in RULES if f'"{rule.id}"' not in text]
    assert untested == []


def test_rule_config_for_intent_allows_what_drkit_intent_does() -> None:
    """Rules read one typed intent (drkit_core.intent); where their config stands in for it,
    it allows the same values."""
    enums = {"tier": [t.value for t in Tier], "role": [r.value for r in Role]}
    seen = 0
    for rule in RULES:
        for key, allowed in enums.items():
            if key in rule.config:
                seen += 1
                assert rule.config[key]["enum"] == allowed, (rule.id, key)
    assert seen >= 4


def test_config_defaults_satisfy_their_schema() -> None:
    resolved = settings.resolve(RULES, {rule.name: rule.defaults() for rule in RULES})
    assert all(s.enforcement is Enforcement.MANDATORY for s in resolved.values())


def test_pack_config_follows_the_cli_semantics() -> None:
    resolved = settings.resolve(RULES, {
        "all": "advisory",
        "rds-multi-az": "mandatory",
        "kms-key-rotation": "disabled",
        "rds-backup-retention": {"enforcementLevel": "mandatory", "minDays": 14},
        "asg-min-capacity": {"minPrimary": 3},
    })
    assert resolved["rds-multi-az"].enforcement is Enforcement.MANDATORY
    assert resolved["kms-key-rotation"].enforcement is Enforcement.DISABLED
    assert resolved["s3-versioning"].enforcement is Enforcement.ADVISORY
    assert resolved["rds-backup-retention"].config == {"minDays": 14}
    assert resolved["rds-backup-retention"].enforcement is Enforcement.MANDATORY
    assert resolved["asg-min-capacity"].enforcement is Enforcement.ADVISORY
    assert resolved["asg-min-capacity"].config == {"minPrimary": 3, "minWarmStandby": 1}


def test_every_config_problem_is_named() -> None:
    with pytest.raises(settings.PackConfigError) as raised:
        settings.resolve(RULES, {"rds-multi-azz": "advisory", "all": "loud",
                                 "rds-backup-retention": {"minDays": "7", "maxDays": 3}})
    problems = raised.value.problems
    assert any(p.startswith("rds-multi-azz: no such policy") for p in problems)
    assert any(p.startswith('all: "loud" is not an enforcement level') for p in problems)
    assert 'rds-backup-retention.minDays: "7" is not valid; expected type integer' in problems
    assert any(p.startswith("rds-backup-retention.maxDays: unknown setting") for p in problems)


def test_example_config_is_valid() -> None:
    settings.resolve(RULES, settings.load(ROOT / "policies" / "config.example.json"))


def test_readme_policy_section_is_fresh() -> None:
    readme = (ROOT / "README.md").read_text()
    assert docs.current(readme) == docs.section(), (
        "README policy section is stale; regenerate it: python -m policies.docs --write")


_NO_PULUMI = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("pulumi", "pulumi_policy", "pulumi_aws", "pulumi_gcp"):
            raise ImportError(f"{name} is not installed here")
sys.meta_path.insert(0, Block())
from policies.registry import RULES
from policies.testing import evaluate, view
assert evaluate("DR-AWS-001", view("aws:rds/instance:Instance", multiAz=False))
assert evaluate("DR-RES-001", view("aws:rds/instance:Instance", "db", "us-east-1"),
                config={"jurisdictions": ["eu"]})
print(len(RULES))
"""


def test_rules_load_and_run_without_pulumi() -> None:
    done = subprocess.run([sys.executable, "-c", _NO_PULUMI], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(RULES))

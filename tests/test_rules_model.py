"""The rule registry, the config semantics, the generated README section, and that the rules load
without pulumi (checkov adapters call them from checkov's own virtualenv)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

from drkit import docs
from drkit.cli import main
from drkit_core.findings import Enforcement
from drkit_core.intent import Role, Tier
from policies import crossguard, settings
from policies.model import Scope
from policies.registry import RULES, by_id, by_name, pack_rules

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def test_every_rule_is_well_formed() -> None:
    assert len(by_id()) == len(RULES) and len(by_name()) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"DR-(AWS|GCP|RES|APP|PLAN|API)-\d{3}", rule.id), rule.id
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
    assert any(p.startswith('all: "loud" is not valid; allowed: mandatory') for p in problems)
    assert 'rds-backup-retention.minDays: "7" is not valid; expected type integer' in problems
    assert any(p.startswith("rds-backup-retention.maxDays: unknown setting") for p in problems)


def test_example_config_is_valid() -> None:
    settings.resolve(RULES, settings.load(ROOT / "policies" / "config.example.json"))


def test_every_rule_config_schema_is_valid_json_schema() -> None:
    for rule in RULES:
        schema = settings.config_schema(rule)
        validator_for(schema).check_schema(schema)
        assert set(schema["properties"]) == {*rule.config, "enforcementLevel"}, rule.id


def test_config_schema_is_the_one_the_pack_hands_the_cli() -> None:
    """The CLI validates against the properties the pack declares, plus enforcementLevel."""
    pack = {policy.name: policy for policy in crossguard.policies()}
    for rule in pack_rules():
        declared = pack[rule.name].config_schema
        properties = declared.properties if declared is not None else {}
        assert settings.config_schema(rule)["properties"] == {
            **properties, "enforcementLevel": settings.ENFORCEMENT_LEVEL}, rule.id


@pytest.mark.parametrize(("entry", "problem"), [
    ({"residency-location": {"jurisdictions": ["eu", 5]}},
     "residency-location.jurisdictions[1]: 5 is not valid; expected type string"),
    ({"residency-replication": {"globalTypes": "aws:s3/bucket:Bucket"}},
     'residency-replication.globalTypes: "aws:s3/bucket:Bucket" is not valid; expected type '
     "array"),
    ({"rds-backup-retention": {"minDays": 36}},
     "rds-backup-retention.minDays: 36 is not valid; the maximum is 35"),
    ({"asg-multi-az": {"minZones": 1}}, "asg-multi-az.minZones: 1 is not valid; the minimum is 2"),
    ({"asg-min-capacity": {"minPrimary": True}},
     "asg-min-capacity.minPrimary: true is not valid; expected type integer"),
    ({"rds-secondary-replica": {"tier": "gold"}},
     'rds-secondary-replica.tier: "gold" is not valid; allowed: backup-restore, pilot-light, '
     "warm-standby, active-active"),
    ({"rds-multi-az": {"enforcementLevel": "loud"}},
     'rds-multi-az.enforcementLevel: "loud" is not valid; allowed: mandatory, advisory, disabled'),
    ({"rds-multi-az": 1}, "rds-multi-az: 1 is not valid; allowed: an enforcement level"),
])
def test_pack_config_is_validated_against_the_rule_schemas(entry: dict[str, object],
                                                            problem: str) -> None:
    with pytest.raises(settings.PackConfigError) as raised:
        settings.resolve(RULES, entry)
    problems = raised.value.problems
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_pack_config_reports_every_problem_at_once() -> None:
    with pytest.raises(settings.PackConfigError) as raised:
        settings.resolve(RULES, {"residency-location": {"jurisdictions": [1, "eu", ["us"]]},
                                 "asg-min-capacity": {"role": "tertiary", "minWarmStandby": -1}})
    assert raised.value.problems == [
        'asg-min-capacity.minWarmStandby: -1 is not valid; the minimum is 0',
        'asg-min-capacity.role: "tertiary" is not valid; allowed: primary, secondary, global',
        "residency-location.jurisdictions[0]: 1 is not valid; expected type string",
        'residency-location.jurisdictions[2]: ["us"] is not valid; expected type string',
    ]


def test_valid_pack_config_is_accepted_as_the_cli_reads_it() -> None:
    resolved = settings.resolve(RULES, {
        "all": {"enforcementLevel": "advisory"},
        "residency-location": {"enforcementLevel": "remediate", "jurisdictions": ["eu", "ch"]},
        "rds-backup-retention": {"minDays": 35.0},  # JSON has one number type, as in the CLI
        "asg-min-capacity": {"role": "secondary", "tier": "pilot-light"},
    })
    assert resolved["residency-location"].config == {"jurisdictions": ["eu", "ch"],
                                                     "globalTypes": []}
    assert resolved["residency-location"].enforcement is Enforcement.MANDATORY
    assert resolved["rds-multi-az"].enforcement is Enforcement.ADVISORY
    assert resolved["rds-backup-retention"].config == {"minDays": 35.0}
    assert resolved["asg-min-capacity"].config["tier"] == "pilot-light"


def test_check_rejects_a_bad_pack_config_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"residency-location": {"jurisdictions": ["eu", 5]}}))
    assert main(["check", str(ROOT / "stacks" / "aws-warm-standby"), "--no-checkov",
                 "--policy-pack-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: residency-location.jurisdictions[1]: 5 is not valid; expected type string" \
        in err


def test_readme_policy_section_is_fresh() -> None:
    readme = (ROOT / "README.md").read_text()
    assert docs.section(readme, "policies") == docs.render("policies"), (
        f"README policy section is stale; regenerate it: {docs.COMMAND}")


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

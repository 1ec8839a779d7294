"""Enforcement levels and rule config, resolved and validated the way the Pulumi CLI does.

The config file is the one ``pulumi preview --policy-pack-config FILE`` reads::

    {"all": "advisory",
     "rds-multi-az": "mandatory",
     "rds-backup-retention": {"enforcementLevel": "mandatory", "minDays": 14}}

Each policy starts from its own level (else the pack's: mandatory) and its schema defaults;
``all`` sets every level; a policy's own entry wins over ``all``, and its settings are laid
over the defaults.

Validation follows the CLI (pulumi/pulumi ``pkg/resource/analyzer/config.go``): an entry is an
enforcement level or an object; ``enforcementLevel`` is taken out of the object and must be a
level; the rest, over the defaults, is validated with JSON Schema against ``{"type": "object",
"properties": <the rule's config>}`` plus the ``enforcementLevel`` property the CLI injects
(:func:`config_schema`). No ``required``, no ``additionalProperties``: the CLI's validator
(gojsonschema, draft 4/6/7 hybrid; draft 7 here) allows any other key, and it ignores entries
for policies the pack does not have. drkit reports both (a misspelt policy or setting would
otherwise silently leave a rule at its defaults). Every problem is reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, ValidationError

from drkit_core.errors import invalid
from drkit_core.findings import Enforcement
from policies.model import Rule

PACK_DEFAULT = Enforcement.MANDATORY
_LEVELS = {"mandatory": Enforcement.MANDATORY, "advisory": Enforcement.ADVISORY,
           "disabled": Enforcement.DISABLED,
           "remediate": Enforcement.MANDATORY}  # no remediations: reported as mandatory
_LEVEL_NAMES = "mandatory, advisory, disabled"
ENFORCEMENT_LEVEL = {"type": "string", "enum": ["advisory", "mandatory", "remediate", "disabled"]}
"""The property the CLI adds to every policy's config schema (analyzer_plugin.go)."""


class PackConfigError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicySettings:
    enforcement: Enforcement
    config: dict[str, Any]


def load(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise PackConfigError([f"{path}: cannot read policy pack config: {error}"]) from None
    if not isinstance(data, dict):
        raise PackConfigError([f"{path}: expected a JSON object of policy names"])
    return data


def config_schema(rule: Rule) -> dict[str, Any]:
    """The JSON Schema the Pulumi CLI validates this policy's config against."""
    properties = {key: dict(spec) for key, spec in rule.config.items()}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {**properties, "enforcementLevel": ENFORCEMENT_LEVEL}}


def resolve(rules: Iterable[Rule], user: Mapping[str, Any] | None = None,
            default: Enforcement = PACK_DEFAULT) -> dict[str, PolicySettings]:
    """Each rule's level and config (by policy name); raises PackConfigError listing every
    problem in ``user``."""
    rules = list(rules)
    user = dict(user or {})
    problems: list[str] = []
    names = {rule.name for rule in rules}
    for key in sorted(set(user) - names - {"all"}):
        problems.append(f"{key}: no such policy; policies: {', '.join(sorted(names))}")
    everything = None
    if "all" in user:
        everything, settings = _entry("all", user["all"], problems)
        problems.extend(f"all.{key}: unknown setting; only enforcementLevel applies to all "
                        "policies" for key in settings)
    resolved = {}
    for rule in rules:
        level, settings = (_entry(rule.name, user[rule.name], problems) if rule.name in user
                           else (None, {}))
        config = {**rule.defaults(), **settings}
        problems.extend(_unknown_settings(rule, settings))
        problems.extend(_schema_problems(rule, config))
        resolved[rule.name] = PolicySettings(level or everything or rule.enforcement or default,
                                             config)
    if problems:
        raise PackConfigError(problems)
    return resolved


def _entry(key: str, value: Any, problems: list[str]) -> tuple[Enforcement | None, dict[str, Any]]:
    """An entry's enforcement level (None when it sets none) and its settings."""
    if isinstance(value, dict):
        settings = {k: v for k, v in value.items() if k != "enforcementLevel"}
        if "enforcementLevel" not in value:
            return None, settings
        return _level(f"{key}.enforcementLevel", value["enforcementLevel"], problems), settings
    if isinstance(value, str):
        return _level(key, value, problems), {}
    problems.append(invalid(key, value, f"allowed: an enforcement level ({_LEVEL_NAMES}) or an "
                                        "object of settings"))
    return None, {}


def _level(key: str, value: Any, problems: list[str]) -> Enforcement | None:
    if isinstance(value, str) and value in _LEVELS:
        return _LEVELS[value]
    problems.append(invalid(key, value, f"allowed: {_LEVEL_NAMES}"))
    return None


def _unknown_settings(rule: Rule, settings: Mapping[str, Any]) -> list[str]:
    allowed = ", ".join(sorted(rule.config)) or "none"
    return [f"{rule.name}.{key}: unknown setting; settings: {allowed}"
            for key in settings if key not in rule.config]


def _schema_problems(rule: Rule, config: Mapping[str, Any]) -> list[str]:
    """One line per invalid value; a value of the wrong type gets only its type problem (the
    schema's other keywords say nothing useful about it)."""
    errors: dict[str, list[ValidationError]] = {}
    for error in Draft7Validator(config_schema(rule)).iter_errors(dict(config)):
        errors.setdefault(_where(rule.name, error), []).append(error)
    problems: list[str] = []
    for where, found in sorted(errors.items()):
        wrong_type = [e for e in found if e.validator == "type"]
        problems.extend(_problem(where, e) for e in wrong_type or found)
    return problems


def _where(policy: str, error: ValidationError) -> str:
    """``residency-location.jurisdictions[1]``: the policy, then the setting's path."""
    path = policy
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _problem(where: str, error: ValidationError) -> str:
    expected = error.validator_value
    match error.validator:
        case "type":
            types = expected if isinstance(expected, list) else [expected]
            allowed = f"expected type {' or '.join(types)}"
        case "enum":
            allowed = f"allowed: {', '.join(str(v) for v in expected)}"
        case "minimum" | "maximum":
            allowed = f"the {error.validator} is {expected}"
        case _:
            allowed = f"the schema requires {error.validator} {json.dumps(expected)}"
    return invalid(where, error.instance, allowed)

"""Enforcement levels and rule config, resolved the way the Pulumi CLI does for a policy pack.

The config file is the one ``pulumi preview --policy-pack-config FILE`` reads::

    {"all": "advisory",
     "rds-multi-az": "mandatory",
     "rds-backup-retention": {"enforcementLevel": "mandatory", "minDays": 14}}

Each policy starts from its own level (else the pack's: mandatory) and its schema defaults;
``all`` sets every level; a policy's own entry wins over ``all``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drkit_core.findings import Enforcement
from policies.model import Rule

PACK_DEFAULT = Enforcement.MANDATORY
_LEVELS = {"mandatory": Enforcement.MANDATORY, "advisory": Enforcement.ADVISORY,
           "disabled": Enforcement.DISABLED,
           "remediate": Enforcement.MANDATORY}  # no remediations: reported as mandatory
_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "integer": int, "number": (int, float), "string": str, "boolean": bool, "array": list,
    "object": dict}


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
    everything = _level("all", user.get("all"), problems) if "all" in user else None
    resolved = {}
    for rule in rules:
        level = everything or rule.enforcement or default
        config = rule.defaults()
        entry = user.get(rule.name)
        if isinstance(entry, dict):
            if "enforcementLevel" in entry:
                level = _level(rule.name, entry["enforcementLevel"], problems) or level
            config.update(_config(rule, entry, problems))
        elif entry is not None:
            level = _level(rule.name, entry, problems) or level
        resolved[rule.name] = PolicySettings(level, config)
    if problems:
        raise PackConfigError(problems)
    return resolved


def _level(key: str, value: Any, problems: list[str]) -> Enforcement | None:
    if isinstance(value, str) and value in _LEVELS:
        return _LEVELS[value]
    problems.append(f"{key}: {json.dumps(value)} is not an enforcement level; allowed: "
                    "mandatory, advisory, disabled")
    return None


def _config(rule: Rule, entry: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    values = {k: v for k, v in entry.items() if k != "enforcementLevel"}
    for key, value in values.items():
        spec = rule.config.get(key)
        if spec is None:
            allowed = ", ".join(sorted(rule.config)) or "none"
            problems.append(f"{rule.name}.{key}: unknown setting; settings: {allowed}")
            continue
        problems.extend(f"{rule.name}.{key}: {p}" for p in _schema_problems(spec, value))
    return values


def _schema_problems(spec: Mapping[str, Any], value: Any) -> list[str]:
    expected = _JSON_TYPES.get(str(spec.get("type")))
    if expected and (not isinstance(value, expected) or
                     (isinstance(value, bool) and spec.get("type") != "boolean")):
        return [f"{json.dumps(value)} is not valid; expected type {spec['type']}"]
    if "enum" in spec and value not in spec["enum"]:
        return [f"{json.dumps(value)} is not valid; allowed: {', '.join(spec['enum'])}"]
    if "minimum" in spec and isinstance(value, int | float) and value < spec["minimum"]:
        return [f"{value} is not valid; the minimum is {spec['minimum']}"]
    if "maximum" in spec and isinstance(value, int | float) and value > spec["maximum"]:
        return [f"{value} is not valid; the maximum is {spec['maximum']}"]
    return []

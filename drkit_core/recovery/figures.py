"""The published figures behind recovery estimates, and users' measured overrides.

The shipped figures (``drkit_core/data/figures.yaml``) each carry their source; a user's file
(``--figures FILE``) replaces any of them with measured values. Both are validated against one
JSON schema (``figures.schema.json``); every problem names the key, the value and what is
allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from drkit_core.errors import DrkitError, invalid

DATA = resources.files("drkit_core") / "data"


class FiguresError(DrkitError):
    """A figures file is unreadable or invalid."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid figures:\n" + "\n".join(f"  - {p}" for p in problems)
                         if len(problems) > 1 else f"invalid figures: {problems[0]}")


@dataclass(frozen=True)
class Figure:
    key: str
    seconds: int | None
    """None: no bound is published (an estimate that needs it is unbounded)."""
    kind: str
    """published, assumption (drkit's default where nothing is published) or measured."""
    what: str
    title: str
    url: str | None

    @property
    def cited(self) -> str:
        """How estimates name where the number comes from."""
        label = {"published": "", "assumption": "assumption; ", "measured": "measured; "}
        return f"{self.key} ({label.get(self.kind, '')}{self.title})"


class Figures(Mapping[str, Figure]):
    """Every figure by key; ``figures["rds.restore"]``."""

    def __init__(self, items: Mapping[str, Figure]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> Figure:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def seconds(self, key: str) -> int | None:
        return self._items[key].seconds


def _schema() -> dict[str, Any]:
    return dict(json.loads((DATA / "figures.schema.json").read_text()))


def _allowed(error: jsonschema.ValidationError, known: list[str]) -> str:
    """What the schema allows where ``error`` happened, in words."""
    kind, spec = error.validator, error.validator_value
    if kind == "type":
        types = spec if isinstance(spec, list) else [spec]
        words = {"integer": "a whole number of seconds", "null": "null (no published bound)",
                 "object": "a mapping", "string": "a text"}
        return "allowed: " + " or ".join(words.get(str(t), str(t)) for t in types)
    if kind == "minimum":
        return f"allowed: {spec} or more"
    if kind == "enum":
        return "allowed: " + ", ".join(map(str, spec))
    if kind == "pattern":
        return "allowed: an http(s) URL"
    if kind == "minLength":
        return "allowed: a non-empty text"
    return f"allowed: {error.message}"


def _problems(data: Any, known: list[str]) -> list[str]:
    problems: list[str] = []
    validator = jsonschema.Draft202012Validator(_schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(p) for p in error.path) or "(top level)"
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            allowed = ", ".join(error.schema.get("properties", {}))
            problems.extend(f"{where + '.' if error.path else ''}{key}: unknown key; allowed: "
                            f"{allowed}" for key in extra)
        elif error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            problems.extend(f"{where}.{key}: missing" if error.path else f"{key}: missing"
                            for key in missing)
        else:
            problems.append(invalid(where, error.instance, _allowed(error, known)))
    if isinstance(data, dict) and isinstance(data.get("figures"), dict) and known:
        for key in data["figures"]:
            if key not in known:
                problems.append(f"figures.{key}: unknown figure; allowed: {', '.join(known)}")
    return problems


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as error:
        raise FiguresError([f"{path}: cannot read: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise FiguresError([f"{path}: not YAML: {error}"]) from None


def shipped() -> Figures:
    """The published figures drkit ships, each with its source."""
    data = yaml.safe_load((DATA / "figures.yaml").read_text())
    problems = _problems(data, [])
    for key, entry in data["figures"].items():
        for field in ("kind", "what", "source"):
            if field not in entry:
                problems.append(f"figures.{key}.{field}: missing (shipped figures cite a source)")
    if problems:
        raise FiguresError([f"figures.yaml: {p}" for p in problems])
    return Figures({key: Figure(key=key, seconds=entry["seconds"], kind=entry["kind"],
                                what=entry["what"], title=entry["source"]["title"],
                                url=entry["source"].get("url"))
                    for key, entry in data["figures"].items()})


def load(path: str | Path | None = None) -> Figures:
    """The shipped figures, with the values of the file at ``path`` (if any) over them."""
    figures = shipped()
    if path is None:
        return figures
    path = Path(path)
    data = _read(path)
    problems = _problems(data, list(figures))
    if problems:
        raise FiguresError([f"{path}: {p}" for p in problems])
    merged = dict(figures)
    for key, entry in data["figures"].items():
        source = entry.get("source") or {}
        merged[key] = replace(
            figures[key], seconds=entry["seconds"], kind=entry.get("kind", "measured"),
            what=entry.get("what", figures[key].what),
            title=source.get("title", f"your figures file {path.name}"), url=source.get("url"))
    return Figures(merged)

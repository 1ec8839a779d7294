"""Component arguments, declared once: each input's type, default, description and what it
allows sit together on its field, and one validator checks them all.

    class DatabaseArgs(Args):
        backup_retention_days: int = arg(
            default=14, doc="Automated backups: the point-in-time recovery window.",
            allowed=between(7, 35, why="a week of point-in-time recovery at least"))

Constructing an :class:`Args` validates it: every field against its declared constraint, then,
when they all pass, the class's own :meth:`Args.check` (rules across fields). Every problem is
reported at once in a :class:`~components.base.ConfigError`, each line in the one message format
(:func:`drkit_core.errors.invalid`). The descriptions and constraints also make the README's
component reference (components/docs.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sized
from dataclasses import dataclass
from typing import Any, dataclass_transform

from components.base import ConfigError
from drkit_core.errors import invalid

DOC, ALLOWED = "drkit.doc", "drkit.allowed"
"""Metadata keys of a field declared with :func:`arg`."""


@dataclass(frozen=True)
class Constraint:
    """What an input allows: ``text`` says it (in messages and in the README), ``why`` gives
    the reason in messages."""

    text: str
    test: Callable[[Any], bool]
    why: str = ""

    def accepts(self, value: Any) -> bool:
        try:
            return bool(self.test(value))
        except (TypeError, ValueError):  # a value of another type altogether
            return False

    def allowed(self) -> str:
        """The message's last part: ``allowed: 7 to 35 (a week at least)``."""
        return f"allowed: {self.text}" + (f" ({self.why})" if self.why else "")


def _number(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) if kind is float else isinstance(value, int)


def between(low: float | None, high: float | None = None, *, unit: str = "",
            why: str = "") -> Constraint:
    """A number from ``low`` to ``high`` (inclusive; None: unbounded). Integers only, unless a
    bound is a float."""
    kind = float if isinstance(low, float) or isinstance(high, float) else int
    if low is not None and high is not None:
        text = f"{low} to {high}"
    else:
        text = f"{low} or more" if low is not None else f"at most {high}"
    return Constraint(
        text + (f" {unit}" if unit else ""),
        lambda v: _number(v, kind) and (low is None or v >= low) and (high is None or v <= high),
        why)


def one_of(*values: Any, text: str | None = None, why: str = "") -> Constraint:
    """One of ``values``, of the same type too (``True`` is not ``1``), listed in the message
    unless ``text`` says it better."""
    return Constraint(text or ", ".join(map(str, values)),
                      lambda v: any(v == x and type(v) is type(x) for x in values), why)


def matches(pattern: str | re.Pattern[str], text: str, why: str = "") -> Constraint:
    """A string that ``pattern`` matches from its start; ``text`` says what that is."""
    compiled = re.compile(pattern)
    return Constraint(text, lambda v: isinstance(v, str) and bool(compiled.match(v)), why)


def instance_of(kind: type | tuple[type, ...], text: str, why: str = "") -> Constraint:
    """An instance of ``kind`` (a provider, a nested args type)."""
    return Constraint(text, lambda v: isinstance(v, kind), why)


def satisfies(test: Callable[[Any], bool], text: str, why: str = "") -> Constraint:
    """Anything else: ``test`` decides, ``text`` says what it accepts."""
    return Constraint(text, test, why)


def not_empty(text: str, why: str = "") -> Constraint:
    """A non-empty collection."""
    return Constraint(text, lambda v: isinstance(v, Sized) and len(v) > 0, why)


def arg(*, doc: str, default: Any = dataclasses.MISSING,
        default_factory: Any = dataclasses.MISSING, allowed: Constraint | None = None) -> Any:
    """A field of an :class:`Args` class: its description, default and constraint. Keyword
    arguments only (type checkers read ``default`` and ``default_factory`` by name)."""
    return dataclasses.field(default=default, default_factory=default_factory,
                             metadata={DOC: doc, ALLOWED: allowed})


@dataclass_transform(frozen_default=True, field_specifiers=(arg,))
class Args:
    """Base of every component's ``<X>Args`` (and nested argument types): each subclass is a
    frozen dataclass whose fields are declared with :func:`arg` and validated on construction.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError(problems)

    def problems(self) -> list[str]:
        """Every field that breaks its constraint; when none does, what :meth:`check` finds.

        A field whose default is None accepts None: it means "not set".
        """
        found = []
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            rule: Constraint | None = field.metadata.get(ALLOWED)
            value = getattr(self, field.name)
            if rule is None or (value is None and field.default is None):
                continue
            if not rule.accepts(value):
                found.append(invalid(self.where(field.name), _shown(value), rule.allowed()))
        return found or self.check()

    def check(self) -> list[str]:
        """Rules across fields, once each field is valid on its own (override; use
        :func:`drkit_core.errors.invalid` and :meth:`where`)."""
        return []

    @classmethod
    def where(cls, name: str) -> str:
        """How messages name a field: ``DatabaseArgs.backup_retention_days``."""
        return f"{cls.__name__}.{name}"


def _shown(value: Any) -> Any:
    """A value as a message quotes it: a nested argument object as its fields' values."""
    if isinstance(value, Args):
        return [getattr(value, field.name) for field in dataclasses.fields(value)]  # type: ignore[arg-type]
    return value


def allowed_of(cls: type[Args], name: str) -> Constraint | None:
    """The constraint declared on field ``name`` of ``cls`` (for a setting that feeds it)."""
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name == name:
            return field.metadata.get(ALLOWED)
    raise KeyError(f"{cls.__name__} has no field {name}")

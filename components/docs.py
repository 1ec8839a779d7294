"""The data of the README's component reference: each component and its typed args.

Each component module (components/<cloud>/*.py) is imported; a component is a
:class:`~components.component.DrComponent` defined there, its args the
:class:`~components.args.Args` class its ``__init__`` takes. Every field's description and
constraint come from its declaration (:func:`components.args.arg`). :mod:`drkit.docs` renders
it into README.md (``python -m drkit.docs --write``); ``tests/test_docs.py`` fails when it is
stale.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from components.args import ALLOWED, DOC, Args, Constraint
from components.component import DrComponent

PACKAGE = Path(__file__).parent
CLOUDS = ("aws", "gcp")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    default: str | None
    doc: str
    allowed: str = ""
    """What the input allows (its constraint: values, a range, a form); empty when anything
    of its type goes."""


@dataclass(frozen=True)
class ArgType:
    """An argument type nested in a component's args (NetworkRefs, Capacity...)."""

    cls: str
    summary: str
    fields: list[Field]


@dataclass(frozen=True)
class Component:
    module: str
    cls: str
    summary: str
    args: str
    fields: list[Field]
    nested: list[ArgType] = dataclasses.field(default_factory=list)
    """The argument types the args hold, directly or further down, in order of appearance."""


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _default(field: dataclasses.Field[Any]) -> str | None:
    if field.default is not dataclasses.MISSING:
        return repr(field.default)
    if field.default_factory is not dataclasses.MISSING:
        return repr(field.default_factory())
    return None


def fields_of(cls: type[Args]) -> list[Field]:
    """The documented fields of an args class."""
    found = []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        rule: Constraint | None = field.metadata.get(ALLOWED)
        found.append(Field(field.name, str(field.type), _default(field),
                           _first_line(field.metadata.get(DOC)),
                           rule.text if rule else ""))
    return found


def _named(annotation: str, module: str) -> list[Any]:
    """What the names in an annotation (kept as text) stand for in ``module``: the annotation
    is not evaluated, as Pulumi's ``Input`` types do not resolve outside the SDK."""
    space = vars(sys.modules[module])
    found = []
    for dotted in re.findall(r"[A-Za-z_][\w.]*", annotation):
        head, *rest = dotted.split(".")
        value = space.get(head, getattr(builtins, head, None))
        for part in rest:
            value = getattr(value, part, None)
        found.append(value)
    return found


def _is_args(value: Any) -> bool:
    return inspect.isclass(value) and issubclass(value, Args)


def nested_types(cls: type[Args]) -> list[type[Args]]:
    """The :class:`Args` types that ``cls``'s fields hold (inside ``X | None``, tuples...),
    recursively, each once, in order of appearance."""
    found: list[type[Args]] = []

    def visit(kind: type[Args]) -> None:
        for field in dataclasses.fields(kind):  # type: ignore[arg-type]
            for value in _named(str(field.type), kind.__module__):
                if _is_args(value) and value not in found:
                    found.append(value)
                    visit(value)

    visit(cls)
    return found


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"components.{cloud}.{path.stem}")
            for cloud in CLOUDS for path in sorted((PACKAGE / cloud).glob("*.py"))
            if path.stem != "__init__"]


def components() -> list[Component]:
    """Every component of components/<cloud>/, with its args."""
    found: list[Component] = []
    for module in _modules():
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, DrComponent)
                    and cls.__module__ == module.__name__ and "__init__" in vars(cls)):
                continue  # not a component, imported, or a cloud's base
            (args,) = _named(inspect.signature(cls).parameters["args"].annotation,
                             module.__name__)
            found.append(Component(
                module=module.__name__, cls=name, summary=_first_line(cls.__doc__),
                args=args.__name__, fields=fields_of(args),
                nested=[ArgType(t.__name__, _first_line(t.__doc__), fields_of(t))
                        for t in nested_types(args)]))
    return found

"""What the installed provider SDKs (pulumi_aws, pulumi_gcp) say a token outputs.

The resource class (or an invoke's result class) named by a token lists every output property
with its wire name and Python type; this module finds the class and reduces each property's type
to a :class:`Spec`. Everything is cached per class or token: an SDK module is imported, and its
type hints read, once per process.
"""

from __future__ import annotations

import enum
import functools
import importlib
import importlib.util
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class Spec:
    """A property's type, reduced to what value generation needs."""

    kind: str  # str, int, float, bool, any, list, map, object, const
    item: Spec | None = None
    cls: type | None = None
    value: Any = None


_ANY = Spec("any")
_SCALARS = {str: Spec("str"), bool: Spec("bool"), int: Spec("int"), float: Spec("float")}
_LIST_ORIGINS = (list, tuple, Sequence, typing.Sequence)
_MAP_ORIGINS = (dict, Mapping, typing.Mapping)


def spec(tp: Any) -> Spec:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is pulumi.Output or origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return spec(real[0]) if real else _ANY
    if origin in _LIST_ORIGINS:
        return Spec("list", item=spec(args[0]) if args else _ANY)
    if origin in _MAP_ORIGINS:
        return Spec("map")
    if tp in _SCALARS:
        return _SCALARS[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        first = next(iter(tp), None)
        return Spec("const", value=first.value if first is not None else "")
    if isinstance(tp, type) and getattr(tp, "_pulumi_output_type", False):
        return Spec("object", cls=tp)
    return _ANY


@functools.cache
def properties(cls: type) -> tuple[tuple[str, Spec], ...]:
    """Wire name and type of each ``@pulumi.getter`` property of an SDK class."""
    found: dict[str, Spec] = {}
    for klass in reversed(cls.__mro__):
        for attr in vars(klass).values():
            getter = getattr(attr, "fget", None)
            wire = getattr(getter, "_pulumi_name", None)
            if not isinstance(wire, str):
                continue
            try:
                hint = typing.get_type_hints(getter).get("return", Any)
            except Exception:  # an annotation that does not resolve: value it as a string
                hint = str
            found[wire] = spec(hint)
    return tuple(found.items())


@functools.cache
def resource_modules(pkg: str) -> dict[str, tuple[str, str]]:
    """token -> (module, class) from the ``_utilities.register`` table in the package's
    ``__init__.py``, read as text so that no SDK module is imported just to look it up."""
    try:
        found = importlib.util.find_spec(f"pulumi_{pkg.replace('-', '_')}")
    except (ImportError, ValueError):
        return {}
    if found is None or found.origin is None:
        return {}
    with open(found.origin, encoding="utf-8") as handle:
        source = handle.read()
    match = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    if match is None:
        return {}
    table: dict[str, tuple[str, str]] = {}
    for entry in json.loads(match.group(1)):
        for token, class_name in entry.get("classes", {}).items():
            table[token] = (entry["fqn"], class_name)
    return table


def _import_attr(module: str, attr: str) -> type | None:
    try:
        found = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None
    return found if isinstance(found, type) else None


@functools.cache
def resource_class(token: str) -> type | None:
    entry = resource_modules(token.split(":", 1)[0]).get(token)
    return _import_attr(*entry) if entry else None


@functools.cache
def function_result_class(token: str) -> type | None:
    """``aws:ec2/getAmi:getAmi`` -> ``pulumi_aws.ec2.GetAmiResult`` (``index`` is the root)."""
    parts = token.split(":")
    if len(parts) != 3 or not parts[2]:
        return None
    pkg, middle, fn = parts
    root = f"pulumi_{pkg.replace('-', '_')}"
    if importlib.util.find_spec(root) is None:
        return None
    module = middle.split("/", 1)[0]
    result = fn[0].upper() + fn[1:] + "Result"
    candidates = [root] if module == "index" else [f"{root}.{module}", f"{root}.{module.lower()}"]
    for candidate in candidates:
        found = _import_attr(candidate, result)
        if found is not None:
            return found
    return None

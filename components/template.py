"""What every template program shares: its typed settings, read from the stack's config.

A template (stacks/<name>/) runs one program, a library module per cloud
(components/aws/template.py, components/gcp/template.py), whose ``__main__.py`` only calls its
``deploy()``. Each declares its settings as a :class:`TemplateSettings`: every field is a key
``<project>:<camelCaseName>`` of the stack's config (``aws-warm-standby:minSize``), with its
default, description and constraint declared once, on the field (components/args.py).
:func:`load_settings` reads them before any resource is registered: an unknown key, a value
of the wrong type or one its constraint refuses fails the run, every problem at once.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

import pulumi

from components.args import Args
from components.base import ConfigError, config_values
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent
from drkit_core.naming import camel
from drkit_core.wire import parse_bool

S = TypeVar("S", bound="TemplateSettings")


class TemplateSettings(Args):
    """Base of a template's settings; messages name a setting by its config key."""

    @classmethod
    def where(cls, name: str) -> str:
        return f"{pulumi.get_project()}:{camel(name)}"

    def stack_problems(self, intent: DrIntent) -> list[str]:
        """Settings that do not suit this stack (its role...); none by default. Override it."""
        return []


def load_settings(cls: type[S], intent: DrIntent) -> S:
    """The running stack's settings of type ``cls``; raises a ConfigError listing every
    unknown key, unreadable value and refused value."""
    project = pulumi.get_project()
    given = config_values(project)
    fields = {camel(f.name): f for f in dataclasses.fields(cls)}
    kinds = typing.get_type_hints(cls)
    problems = [f"{project}:{key}: unknown key; allowed keys: {', '.join(sorted(fields))}"
                for key in sorted(set(given) - set(fields))]
    values: dict[str, Any] = {}
    for key, text in given.items():
        field = fields.get(key)
        if field is not None:
            value, problem = _parse(text, kinds[field.name])
            if problem:
                problems.append(invalid(cls.where(field.name), text, problem))
            else:
                values[field.name] = value
    try:
        settings = cls(**values)
    except ConfigError as error:
        raise ConfigError(problems + error.problems) from None
    problems += settings.stack_problems(intent)
    if problems:
        raise ConfigError(problems)
    return settings


def _parse(text: str, kind: Any) -> tuple[Any, str]:
    """A config value (always text, as the language host gives it) as ``kind``: ``str``,
    ``int``, ``float``, ``bool``, or one of them ``| None``. Returns (value, problem)."""
    union = typing.get_origin(kind) in (typing.Union, types.UnionType)
    options = typing.get_args(kind) if union else (kind,)
    kind = next(k for k in options if k is not type(None))
    if kind is bool:
        parsed = parse_bool(text)
        return (parsed, "") if parsed is not None else (None, "allowed: true or false")
    if kind in (int, float):
        try:
            return kind(text), ""
        except ValueError:
            return None, "allowed: an integer" if kind is int else "allowed: a number"
    return text, ""

"""The data of the README's component reference: each component and its typed args.

Each component module's ``<X>Args`` dataclass is read with :mod:`ast` (field docstrings are not
kept at run time). :mod:`drkit.docs` renders it into README.md (``python -m drkit.docs
--write``); ``tests/test_docs.py`` fails when it is stale.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).parent
CLOUDS = ("aws", "gcp")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    default: str | None
    doc: str


@dataclass(frozen=True)
class Component:
    module: str
    cls: str
    summary: str
    args: str
    fields: list[Field]


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _fields(node: ast.ClassDef) -> list[Field]:
    fields: list[Field] = []
    body = node.body
    for index, item in enumerate(body):
        if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        doc = ""
        if (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            doc = _first_line(following.value.value)
        default = ast.unparse(item.value) if item.value is not None else None
        fields.append(Field(item.target.id, ast.unparse(item.annotation), default, doc))
    return fields


def components() -> list[Component]:
    """Every ComponentResource with an ``<X>Args`` dataclass in components/<cloud>/."""
    found: list[Component] = []
    for cloud in CLOUDS:
        for path in sorted((PACKAGE / cloud).glob("*.py")):
            tree = ast.parse(path.read_text())
            classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
            for name, node in classes.items():
                is_component = any(ast.unparse(b).endswith("ComponentResource")
                                   for b in node.bases)
                args = _args_class(node, classes)
                if is_component and args is not None:
                    found.append(Component(
                        module=f"components.{cloud}.{path.stem}", cls=name,
                        summary=_first_line(ast.get_docstring(node)), args=args.name,
                        fields=_fields(args)))
    return found


def _args_class(component: ast.ClassDef,
                classes: dict[str, ast.ClassDef]) -> ast.ClassDef | None:
    """The dataclass named in the component's ``__init__`` ``args`` annotation."""
    for item in component.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            for arg in item.args.args:
                if arg.arg == "args" and arg.annotation is not None:
                    return classes.get(ast.unparse(arg.annotation).strip("'\""))
    return None

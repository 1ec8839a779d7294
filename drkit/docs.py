"""The README's generated sections, rendered by jinja2 from the code and the stack templates.

Each section lies between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in README.md and is
rendered from ``drkit/templates/docs/NAME.md.j2``:

- ``templates``: the stack templates under ``stacks/`` (each ``Pulumi.yaml``'s description and
  its stacks' ``drkit:`` intent);
- ``components``: the components' typed args (:func:`components.docs.components`);
- ``policies``: the rule registry (:data:`policies.registry.RULES`);
- ``figures``: the published recovery figures (``drkit_core/data/figures.yaml``).

    python -m drkit.docs            # print every section
    python -m drkit.docs --write    # rewrite the stale sections of README.md
    python -m drkit.docs --check    # exit 1 naming each stale section (tests/test_docs.py)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from components.docs import components
from drkit_core.durations import format_duration
from drkit_core.errors import DrkitError
from drkit_core.intent import NAMESPACE, Intent
from drkit_core.project import Project
from drkit_core.recovery import shipped
from policies.registry import RULES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
STACKS = ROOT / "stacks"
COMMAND = "python -m drkit.docs --write"


class DocsError(DrkitError):
    """README.md or a stack template cannot be documented."""


@dataclass(frozen=True)
class StackTemplate:
    """One template under ``stacks/``, as its table row shows it."""

    path: str
    """Relative to the repository root: ``stacks/aws-warm-standby``."""
    description: str
    intent: Intent
    """What every stack of the template declares (they must agree on it)."""
    root_project: bool
    """The repository root's Pulumi.yaml runs this template's program."""


def stack_templates(stacks: Path = STACKS, root: Path = ROOT) -> list[StackTemplate]:
    """Every Pulumi project under ``stacks``, by name."""
    root_main = Project.load(root).main if (root / "Pulumi.yaml").is_file() else None
    found = []
    for directory in sorted(p.parent for p in stacks.glob("*/Pulumi.yaml")):
        project = Project.load(directory)
        description = yaml.safe_load((directory / "Pulumi.yaml").read_text()).get("description")
        if not description:
            raise DocsError(f"{directory / 'Pulumi.yaml'}: no description; the README's "
                            "templates table shows it")
        found.append(StackTemplate(
            path=directory.relative_to(root).as_posix(), description=" ".join(description.split()),
            intent=_shared_intent(project), root_project=project.main == root_main))
    return found


def _shared_intent(project: Project) -> Intent:
    """The intent of the template's stacks, minus what differs by stack (the role)."""
    shown: dict[str, Intent] = {}
    for stack in project.stacks():
        intent = Intent.from_config(project.stack_config(stack).namespace(NAMESPACE))
        shown[stack] = Intent(cloud=intent.cloud, tier=intent.tier, regions=intent.regions,
                              rpo_seconds=intent.rpo_seconds, rto_seconds=intent.rto_seconds,
                              residency=intent.residency)
    if len(set(shown.values())) != 1:
        raise DocsError(f"{project.root}: the stacks {', '.join(shown) or '(none)'} must "
                        f"declare the same drkit: {', '.join(_SHOWN_KEYS)}")
    shared = next(iter(shown.values()))
    missing = [key for key, value in zip(_SHOWN_KEYS, _shown(shared), strict=True)
               if value is None]
    if missing:
        raise DocsError(f"{project.root}: its stacks must declare drkit: {', '.join(missing)} "
                        "(the README's templates table shows them)")
    return shared


_SHOWN_KEYS = ("cloud", "tier", "regions", "rpo", "rto", "residency")


def _shown(intent: Intent) -> tuple[object, ...]:
    """What the templates table shows of an intent, in :data:`_SHOWN_KEYS` order."""
    return (intent.cloud, intent.tier, intent.regions, intent.rpo_seconds, intent.rto_seconds,
            intent.residency)


def _cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _templates_context() -> dict[str, Any]:
    return {"templates": stack_templates()}


def _components_context() -> dict[str, Any]:
    found = components()
    return {"components": found, "command": COMMAND}


def _policies_context() -> dict[str, Any]:
    return {"rules": RULES, "command": COMMAND}


def _figures_context() -> dict[str, Any]:
    return {"figures": list(shipped().values())}


SECTIONS: Mapping[str, Callable[[], dict[str, Any]]] = {
    "templates": _templates_context,
    "components": _components_context,
    "policies": _policies_context,
    "figures": _figures_context,
}
"""Each generated section and what its template is rendered with, in README order."""

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("drkit", "templates/docs"), undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True, autoescape=False)  # Markdown, not HTML
_ENV.filters["cell"] = _cell
_ENV.filters["duration"] = format_duration


def render(name: str) -> str:
    """The body of README section ``name``, freshly rendered."""
    return _ENV.get_template(f"{name}.md.j2").render(SECTIONS[name]()).strip("\n")


def _body(text: str, name: str) -> re.Match[str]:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    match = re.search(f"{re.escape(start)}\n(.*?)\n{re.escape(end)}", text, re.DOTALL)
    if match is None:
        raise DocsError(f"{README.name}: no {start} ... {end} markers around the generated "
                        f"{name} section")
    return match


def section(text: str, name: str) -> str:
    """The body of section ``name`` as ``text`` (the README) has it."""
    return _body(text, name).group(1)


def splice(text: str, name: str, body: str) -> str:
    """``text`` with the body of section ``name`` replaced by ``body``: the one way every
    section is written."""
    match = _body(text, name)
    return text[:match.start(1)] + body + text[match.end(1):]


def stale(text: str) -> list[str]:
    """The sections whose body in ``text`` differs from a fresh rendering."""
    return [name for name in SECTIONS if section(text, name) != render(name)]


def updated(text: str) -> str:
    """``text`` with every section freshly rendered."""
    for name in SECTIONS:
        text = splice(text, name, render(name))
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m drkit.docs",
        description=f"Render {README.name}'s generated sections ({', '.join(SECTIONS)}).")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"rewrite {README.name}")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when a section is stale, naming it")
    args = parser.parse_args(argv)
    text = README.read_text()
    if args.check:
        outdated = stale(text)
        for name in outdated:
            print(f"{README.name}: the {name} section is stale; run {COMMAND}", file=sys.stderr)
        return 1 if outdated else 0
    if args.write:
        README.write_text(updated(text))
        return 0
    for name in SECTIONS:
        print(f"<!-- {name}:start -->\n{render(name)}\n<!-- {name}:end -->\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

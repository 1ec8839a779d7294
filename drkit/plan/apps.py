"""Grouping checked stacks into apps, and assessing each: what ``drkit assess`` and
``drkit runbook`` share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from drkit_core.graph import CheckedStack
from drkit_core.intent import REGION_ROLES, Intent, Role
from drkit_core.recovery import AppInput, Assessment, Figures, StackInput, assess, views_of


@dataclass(frozen=True)
class App:
    """An app: stacks of one project sharing ``drkit:app``; a stack without it is its own."""

    name: str
    stacks: list[CheckedStack]

    @property
    def project(self) -> str:
        return self.stacks[0].project.name

    @property
    def intent(self) -> Intent:
        """The app's intent: the primary stack's (else the first stack's), with targets taken
        from whichever stack declares them."""
        ordered = sorted(self.stacks, key=lambda s: (s.intent.role is not Role.PRIMARY,
                                                     s.intent.role not in REGION_ROLES))
        base = ordered[0].intent
        rpo = next((s.intent.rpo_seconds for s in ordered if s.intent.rpo_seconds), None)
        rto = next((s.intent.rto_seconds for s in ordered if s.intent.rto_seconds), None)
        drill = next((s.intent.last_drill for s in ordered if s.intent.last_drill), None)
        return replace(base, rpo_seconds=rpo, rto_seconds=rto, last_drill=drill)

    def input(self) -> AppInput:
        return AppInput(app=self.name, project=self.project, intent=self.intent,
                        stacks=[StackInput(s.run.stack, s.intent.role, views_of(s.run.resources))
                                for s in self.stacks])


def apps(stacks: Sequence[CheckedStack]) -> list[App]:
    """Stacks grouped by project and ``drkit:app`` (an app's StackReferences resolve in one
    project), in the order met; a stack without ``drkit:app`` is an app of its own, named
    after the stack."""
    groups: dict[tuple[str, str], list[CheckedStack]] = {}
    for stack in stacks:
        name = stack.intent.app or stack.run.stack
        key = (str(stack.project.root), name if stack.intent.app else f"stack:{name}")
        groups.setdefault(key, []).append(stack)
    return [App(key[1].removeprefix("stack:"), members) for key, members in groups.items()]


def assess_all(stacks: Sequence[CheckedStack], figures: Figures,
               today: date | None = None) -> list[tuple[App, Assessment]]:
    return [(app, assess(app.input(), figures, today)) for app in apps(stacks)]

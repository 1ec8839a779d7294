"""The recovery model (pulumi-free): what an app can lose and how long it takes to come back
after the loss of a zone, of its active region, or a bad write, from its recorded stacks.

- :mod:`.view`: the small protocol the model reads of a resource (and a view of a recorded one)
- :mod:`.figures`: published figures with their sources (``data/figures.yaml``), user overrides
- :mod:`.protection`, :mod:`.aws`, :mod:`.gcp`, :mod:`.backups`, :mod:`.datasets`: data stores,
  what protects them, and sources grouped with their replicas
- :mod:`.platform`: compute groups, the traffic entry, automation, alarms
- :mod:`.facts`: an app's input and what the model knows of it
- :mod:`.steps`, :mod:`.scenarios`: recovery steps per scenario and the critical path
- :mod:`.readiness`: level 0-4 with evidence
- :mod:`.model`: :func:`assess`, the one entry point
"""

from drkit_core.recovery.facts import AppInput, StackInput
from drkit_core.recovery.figures import Figures, FiguresError, load, shipped
from drkit_core.recovery.model import Assessment, ScenarioResult, assess, meets
from drkit_core.recovery.protection import Scenario
from drkit_core.recovery.view import View, Viewable, view_of, views_of

__all__ = ["AppInput", "Assessment", "Figures", "FiguresError", "Scenario", "ScenarioResult",
           "StackInput", "View", "Viewable", "assess", "load", "meets", "shipped", "view_of",
           "views_of"]

"""What a person does in each runbook step, and how they check it worked."""

from __future__ import annotations

from dataclasses import dataclass, field

from drkit.plan.commands import (
    Command,
    Names,
    promote,
    promoted,
    pulumi_up,
    replica_lag,
    restore,
    scale,
    serving,
    set_active,
)
from drkit_core.intent import Role
from drkit_core.recovery.facts import Facts, StackInput
from drkit_core.recovery.platform import Group
from drkit_core.recovery.protection import DataStore, Scenario
from drkit_core.recovery.scenarios import affected
from drkit_core.recovery.steps import Step
from drkit_core.recovery.view import get


@dataclass
class Actions:
    do: list[Command] = field(default_factory=list)
    check: list[Command] = field(default_factory=list)


class Playbook:
    """Commands for the steps of one app's runbooks."""

    def __init__(self, facts: Facts, names: Names) -> None:
        self.facts = facts
        self.names = names
        self.ups: dict[str, str] = {}
        """``pulumi up`` runs already listed in this runbook: stack -> step."""

    @property
    def uses_switch(self) -> bool:
        """The app's stacks say which region is active (``drkit:active``)."""
        return self.facts.switched

    def target_role(self) -> str:
        return "secondary" if self.facts.app.intent.active is Role.PRIMARY else "primary"

    def up(self, stack: str | None, step: str, what: str) -> Command:
        key = stack or "<stack>"
        if key in self.ups and self.ups[key] != step:
            return Command(f"{what}: done by the `pulumi up --stack {key}` of step "
                           f"{self.ups[key]}")
        self.ups[key] = step
        return pulumi_up(stack, what)

    def replicas_to_promote(self) -> list[DataStore]:
        return [r for d in self.facts.datasets if affected(self.facts, d) for r in d.replicas
                if r.needs_promotion and r.region != self.facts.active]

    def standby_groups(self) -> list[Group]:
        return [g for g in self.facts.groups if g.region == self.facts.standby]

    def full_capacity(self) -> int:
        return sum(g.capacity for g in self.facts.groups if g.region == self.facts.active)

    def health_path(self) -> str:
        entry = self.facts.entry
        checks = [entry.health] if entry is not None else []
        checks += [g.health for g in self.facts.groups]
        return next((h.path for h in checks if h is not None and h.path), "/")

    def address(self) -> str:
        entry = self.facts.entry
        if entry is not None and entry.kind.startswith("route53"):
            name = get(entry.views[0], "name")
            if isinstance(name, str):
                return name
        stack = self.facts.stack_of(Role.GLOBAL)
        return f"<the app's address (pulumi stack output --stack {stack or '<stack>'})>"

    def entry_check(self) -> list[Command]:
        entry = self.facts.entry
        if entry is None:
            return [Command("the app answers from outside", f"curl -fsS https://{self.address()}"
                                                           f"{self.health_path()}")]
        if entry.kind == "gcp-lb":
            name = self.names.of(entry.views[0].urn, "name", "backend service name")
            return [Command("which backends the load balancer finds healthy",
                            f"gcloud compute backend-services get-health {name} --global")]
        check = entry.health.name if entry.health else "the failover record"
        return [Command(f"the state of health check {check}",
                        f"aws route53 get-health-check-status --health-check-id <id of health "
                        f"check {check}>"),
                Command("what DNS answers for the app", f"dig +short {self.address()}")]

    def actions(self, scenario: Scenario, step: Step) -> Actions:
        method = getattr(self, f"_{scenario.name.lower()}_{step.name.replace('-', '_')}", None)
        return method(step) if method else Actions()

    # -- region loss ----------------------------------------------------------------------
    def _region_loss_detect(self, step: Step) -> Actions:
        return Actions(check=self.entry_check())

    def _region_loss_decide(self, step: Step) -> Actions:
        found = Actions(do=[Command(f"confirm {self.facts.active} is down on the provider's "
                                    "status page, not just this app")])
        found.do.extend(replica_lag(r, self.names) for r in self.replicas_to_promote())
        return found

    def _region_loss_adopt(self, step: Step) -> Actions:
        role = self.target_role()
        if not self.uses_switch:
            return Actions(do=[Command("change the program so it declares the state you are "
                                       "making: the replicas promoted (no replication source), "
                                       "the standby at full capacity, traffic to the standby")])
        found = Actions(do=[set_active(self.facts, role)], check=[
            Command(f"every stack says {role}", "\n".join(
                f"pulumi config get drkit:active --stack {s.name}"
                for s in self.facts.app.stacks))])
        found.do.append(Command("commit the change, so the code keeps the failover",
                                "git commit -am 'Fail over to " f"{self.facts.standby}'"))
        if not step.counts:
            found.do.extend(pulumi_up(s.name, f"stack {s.name} matches what the automation did")
                            for s in self._failover_order())
        return found

    def _failover_order(self) -> list[StackInput]:
        order = {Role.SECONDARY: 0, Role.GLOBAL: 1, Role.PRIMARY: 2, None: 3}
        if self.target_role() == "primary":
            order = {Role.PRIMARY: 0, Role.GLOBAL: 1, Role.SECONDARY: 2, None: 3}
        return sorted(self.facts.app.stacks, key=lambda s: order[s.role])

    def _region_loss_promote(self, step: Step) -> Actions:
        found = Actions()
        for replica in self.replicas_to_promote():
            if not step.automatic:
                found.do.append(self.up(replica.stack, "promote",
                                        f"promote the replicas of stack {replica.stack}"))
            found.do.append(promote(replica, self.names))
            found.check.append(promoted(replica, self.names))
        return found

    def _region_loss_restore(self, step: Step) -> Actions:
        found = Actions()
        for dataset in (d for d in self.facts.datasets if affected(self.facts, d)):
            if dataset.source.service == "cloudsql":
                name = self.names.store(dataset.source)
                found.do += [Command(f"backups of {dataset.source.name} (kept outside the "
                                     "region)", f"gcloud sql backups list --instance {name}"),
                             Command("restore the latest into an instance in "
                                     f"{self.facts.standby}", "gcloud sql backups restore "
                                     f"<backup id> --restore-instance <new instance> "
                                     f"--backup-instance {name}")]
            elif dataset.source.service in ("rds", "aurora", "dynamodb", "s3"):
                found.do += [Command(f"recovery points of {dataset.source.name} copied to "
                                     f"{self.facts.standby}",
                                     f"aws backup list-recovery-points-by-backup-vault "
                                     f"--backup-vault-name <copy vault> --region "
                                     f"{self.facts.standby}"),
                             Command("restore the latest one",
                                     "aws backup start-restore-job --recovery-point-arn <arn> "
                                     "--iam-role-arn <backup role> --metadata file://restore.json"
                                     f" --region {self.facts.standby}")]
        return found

    def _region_loss_scale(self, step: Step) -> Actions:
        found = Actions()
        for group in self.standby_groups():
            if not step.automatic:
                found.do.append(self.up(group.stack, "scale",
                                        f"scale stack {group.stack} to full capacity"))
            found.do.append(scale(group, self.names, self.full_capacity()))
            found.check.append(serving(group, self.names))
        return found

    def _region_loss_switch_traffic(self, step: Step) -> Actions:
        found = Actions(check=self.entry_check())
        global_stack = self.facts.stack_of(Role.GLOBAL)
        if step.automatic:
            found.do.append(Command("nothing to run: the traffic entry moves clients to "
                                    f"{self.facts.standby} once its health checks fail"))
        elif global_stack:
            found.do.append(self.up(global_stack, "switch-traffic",
                                    f"make {self.facts.standby} the primary target of the "
                                    "traffic entry (it stays there: nothing fails back)"))
        return found

    def _region_loss_verify(self, step: Step) -> Actions:
        found = self._app_answers()
        global_stack = self.facts.stack_of(Role.GLOBAL)
        if self.uses_switch and global_stack and global_stack not in self.ups:
            found.do.append(self.up(global_stack, "verify",
                                    f"keep {self.facts.standby} the primary target of the "
                                    "traffic entry in code (nothing fails back on its own)"))
        return found

    def _app_answers(self) -> Actions:
        return Actions(check=[Command("the app answers through its public address",
                                      f"curl -fsS https://{self.address()}{self.health_path()}"),
                              Command("a test write succeeds and reads back (the database is "
                                      "writable)")])

    # -- zone loss --------------------------------------------------------------------------
    def _zone_loss_detect(self, step: Step) -> Actions:
        return Actions(check=[serving(g, self.names) for g in self.facts.groups
                              if g.region == self.facts.active])

    def _zone_loss_promote(self, step: Step) -> Actions:
        found = Actions(do=[Command("nothing to run: the standby takes over by itself")])
        for dataset in (d for d in self.facts.datasets if affected(self.facts, d)):
            store = dataset.source
            name = self.names.store(store)
            if store.service == "rds" and store.zone_redundant:
                found.check.append(Command(f"the failover events of {store.name}",
                                           f"aws rds describe-events --source-identifier {name}"
                                           f" --source-type db-instance --region {store.region}"))
            elif store.service == "cloudsql" and store.zone_redundant:
                found.check.append(Command(f"the failover operation of {store.name}",
                                           f"gcloud sql operations list --instance {name} "
                                           "--filter='operationType=FAILOVER'"))
        return found

    def _zone_loss_scale(self, step: Step) -> Actions:
        groups = [g for g in self.facts.groups if g.region == self.facts.active]
        found = Actions(check=[serving(g, self.names) for g in groups])
        if step.automatic:
            found.do.append(Command("nothing to run: the groups replace the lost zone's "
                                    "instances in the other zones"))
        return found

    def _zone_loss_restore(self, step: Step) -> Actions:
        return self._data_corruption_restore(step)

    def _zone_loss_verify(self, step: Step) -> Actions:
        return self._app_answers()

    # -- data corruption ----------------------------------------------------------------------
    def _data_corruption_decide(self, step: Step) -> Actions:
        return Actions(do=[Command("find when the bad write happened (application logs, "
                                   "audit logs) and pick the restore time just before it"),
                           Command("stop the writer that caused it, so the restore is not "
                                   "overwritten")])

    def _data_corruption_adopt(self, step: Step) -> Actions:
        return Actions(do=[Command("declare the restored copies in the program (RDS "
                                   "restore_to_point_in_time, Cloud SQL clone.point_in_time, "
                                   "or import the restored copy) and point the app at them")])

    def _data_corruption_restore(self, step: Step) -> Actions:
        found = Actions()
        for dataset in self.facts.datasets:
            found.do.extend(restore(dataset.source, self.names))
        primary = self.facts.stack_of(Role.PRIMARY) or (
            self.facts.app.stacks[0].name if self.facts.app.stacks else None)
        found.do.append(pulumi_up(primary, "apply the restore declared in code and point the "
                                           "app at the restored copies"))
        return found

    def _data_corruption_verify(self, step: Step) -> Actions:
        return Actions(check=[Command("the damaged records or objects read as before the bad "
                                      "write"), *self._app_answers().check])

"""The commands a runbook step runs and the checks that it worked, per cloud service.

Names come from the programs' inputs; a value known only once deployed (an auto-generated
name, an id) is a labelled placeholder such as ``<name of ASG shop-web-asg>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drkit_core.graph import Resource
from drkit_core.recovery.facts import Facts
from drkit_core.recovery.platform import Group
from drkit_core.recovery.protection import DataStore


@dataclass(frozen=True)
class Command:
    text: str
    command: str = ""


OFFLINE_ACCOUNT = "123456789012"
"""The account id the offline engine gives AWS programs (drkit/engine/values.py): a name
holding it is known only once deployed."""


class Names:
    """Physical names of recorded resources, or labelled placeholders."""

    def __init__(self, resources: Mapping[str, Resource]) -> None:
        self.resources = resources

    def of(self, urn: str, key: str, label: str) -> str:
        resource = self.resources.get(urn)
        if resource is None:
            return f"<{label}>"
        value = resource.inputs.get(key)
        if isinstance(value, str) and value and not resource.property_dependencies.get(key):
            return value.replace(OFFLINE_ACCOUNT, "<account id>")
        return f"<{label}>"

    def store(self, store: DataStore) -> str:
        key = {"rds": "identifier", "aurora": "clusterIdentifier", "s3": "bucket",
               "dynamodb": "name"}.get(store.service, "name")
        return self.of(store.view.urn, key, f"name of {store.view.name}")

    def group(self, group: Group) -> str:
        kind = "ASG" if group.service == "asg" else "instance group"
        return self.of(group.view.urn, "name", f"name of {kind} {group.view.name}")


def pulumi_up(stack: str | None, what: str) -> Command:
    return Command(what, f"pulumi up --stack {stack or '<stack>'}")


def set_active(facts: Facts, role: str) -> Command:
    """``pulumi config set drkit:active ...`` in every stack of the app."""
    return Command(f"set drkit:active to {role} in every stack",
                   "\n".join(f"pulumi config set drkit:active {role} --stack {s.name}"
                             for s in facts.app.stacks))


def promote(store: DataStore, names: Names) -> Command:
    name = names.store(store)
    if store.service == "cloudsql":
        return Command(f"promote {store.name} (what `pulumi up` does)",
                       f"gcloud sql instances promote-replica {name}")
    if store.service == "aurora":
        return Command(f"detach {store.name} from the global database (what `pulumi up` does)",
                       f"aws rds failover-global-cluster --global-cluster-identifier "
                       f"<global cluster of {store.name}> --target-db-cluster-identifier {name} "
                       f"--allow-data-loss --region {store.region}")
    return Command(f"promote {store.name} (what `pulumi up` does)",
                   f"aws rds promote-read-replica --db-instance-identifier {name} "
                   f"--region {store.region}")


def promoted(store: DataStore, names: Names) -> Command:
    name = names.store(store)
    if store.service == "cloudsql":
        return Command(f"{store.name} is a primary: CLOUD_SQL_INSTANCE, no master",
                       f"gcloud sql instances describe {name} "
                       "--format='value(instanceType,masterInstanceName)'")
    return Command(f"{store.name} is writable: status available, no replication source",
                   f"aws rds describe-db-instances --db-instance-identifier {name} --region "
                   f"{store.region} --query 'DBInstances[0].[DBInstanceStatus,"
                   "ReadReplicaSourceDBInstanceIdentifier]'")


def lift_guards(store: DataStore, names: Names) -> list[Command]:
    """What makes replacing a diverged old primary by a replica a deliberate step: Pulumi's
    ``protect`` (a replacement is allowed once the state's flag is cleared, the program's stays
    on: pulumi/pulumi#8873) and the database's own deletion protection, which refuses the
    delete. Deleting takes the final snapshot (RDS) or final backup (Cloud SQL) the program
    declared."""
    found = [Command(f"clear Pulumi's protect of {store.name} in the state of stack "
                     f"{store.stack}",
                     f"pulumi state unprotect '{store.view.urn}' --stack {store.stack}")]
    name = names.store(store)
    if store.service == "cloudsql":
        found.append(Command(f"turn off Cloud SQL's deletion protection of {store.name}",
                             f"gcloud sql instances patch {name} --no-deletion-protection"))
    elif store.service == "rds":
        found.append(Command(f"turn off the deletion protection of {store.name}",
                             f"aws rds modify-db-instance --db-instance-identifier {name} "
                             f"--no-deletion-protection --apply-immediately --region "
                             f"{store.region}"))
    return found


def replica_lag(store: DataStore, names: Names) -> Command:
    name = names.store(store)
    if store.service == "cloudsql":
        return Command(f"how far {store.name} lags (replica lag, seconds)",
                       f"gcloud sql instances describe {name} --format='value(state,"
                       "replicaConfiguration)'")
    return Command(f"how far {store.name} lags (ReplicaLag, seconds)",
                   f"aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name "
                   f"ReplicaLag --dimensions Name=DBInstanceIdentifier,Value={name} --region "
                   f"{store.region} --statistics Maximum --period 60 --start-time "
                   "$(date -u -d '-10 min' +%FT%TZ) --end-time $(date -u +%FT%TZ)")


def scale(group: Group, names: Names, capacity: int) -> Command:
    name = names.group(group)
    if group.service == "mig":
        return Command(f"scale {group.view.name} to {capacity} (what `pulumi up` does)",
                       f"gcloud compute instance-groups managed set-autoscaling {name} "
                       f"--region {group.region} --min-num-replicas {capacity} "
                       f"--max-num-replicas {max(capacity, 1) * 2}")
    return Command(f"scale {group.view.name} to {capacity} (what `pulumi up` does)",
                   f"aws autoscaling update-auto-scaling-group --auto-scaling-group-name "
                   f"{name} --min-size {capacity} --desired-capacity {capacity} --region "
                   f"{group.region}")


def serving(group: Group, names: Names) -> Command:
    name = names.group(group)
    if group.service == "mig":
        return Command(f"instances of {group.view.name} are RUNNING and healthy",
                       f"gcloud compute instance-groups managed list-instances {name} "
                       f"--region {group.region}")
    return Command(f"instances of {group.view.name} are InService and Healthy",
                   f"aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "
                   f"{name} --region {group.region} --query 'AutoScalingGroups[0].Instances"
                   "[].[InstanceId,AvailabilityZone,LifecycleState,HealthStatus]'")


def restore(store: DataStore, names: Names) -> list[Command]:
    name = names.store(store)
    at = "<restore time, UTC, just before the bad write>"
    region = store.region or "<region>"
    if store.service == "rds":
        return [Command(f"latest restorable time of {store.name}",
                        f"aws rds describe-db-instances --db-instance-identifier {name} "
                        f"--region {region} --query 'DBInstances[0].LatestRestorableTime'"),
                Command(f"restore {store.name} into a new instance (in code: "
                        "restore_to_point_in_time on a new aws.rds.Instance)",
                        f"aws rds restore-db-instance-to-point-in-time "
                        f"--source-db-instance-identifier {name} --target-db-instance-"
                        f"identifier {name}-restored --restore-time {at} --region {region}")]
    if store.service == "aurora":
        return [Command(f"restore {store.name} into a new cluster",
                        f"aws rds restore-db-cluster-to-point-in-time --source-db-cluster-"
                        f"identifier {name} --db-cluster-identifier {name}-restored "
                        f"--restore-to-time {at} --region {region}")]
    if store.service == "dynamodb":
        return [Command(f"restore {store.name} into a new table",
                        f"aws dynamodb restore-table-to-point-in-time --source-table-name "
                        f"{name} --target-table-name {name}-restored --restore-date-time {at} "
                        f"--region {region}")]
    if store.service == "cloudsql":
        return [Command(f"clone {store.name} at the restore time (in code: a "
                        "DatabaseInstance with clone.point_in_time)",
                        f"gcloud sql instances clone {name} {name}-restored "
                        f"--point-in-time {at}")]
    if store.service == "gcs":
        return [Command(f"list the versions of the damaged objects of {store.name}",
                        f"gcloud storage ls --all-versions gs://{name}/<prefix>"),
                Command("copy each good (noncurrent) generation over the live object",
                        f"gcloud storage cp gs://{name}/<key>#<generation> gs://{name}/<key>")]
    return [Command(f"list the versions of the damaged objects of {store.name}",
                    f"aws s3api list-object-versions --bucket {name} --prefix <prefix>"),
            Command("copy each good version over the current one (S3 Batch Operations for "
                    "many objects)",
                    f"aws s3api copy-object --bucket {name} --key <key> --copy-source "
                    f"'{name}/<key>?versionId=<version id>'")]

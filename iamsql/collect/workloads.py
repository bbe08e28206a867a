"""What iamsql asks about the workloads that carry IAM roles, per account and region: EC2 instances
(``DescribeInstances``), Lambda functions (``ListFunctions``, then each function's resource policy with
``GetPolicy``), ECS task definitions (``ListTaskDefinitions`` of ACTIVE ones, then ``DescribeTaskDefinition`` with
their tags), EKS clusters (``ListClusters``, then ``DescribeCluster``), CodeBuild projects (``ListProjects``, then
``BatchGetProjects`` by 100 names), SageMaker notebook instances (``ListNotebookInstances``, then
``DescribeNotebookInstance``, which gives the role), Glue development endpoints (``GetDevEndpoints``, with the
region added as ``Region``: the output names none), CloudFormation stacks (``DescribeStacks``, with their service
roles), Step Functions state machines (``ListStateMachines``, then ``DescribeStateMachine``, which gives the role) and
Cognito identity pools (``ListIdentityPools``, then ``DescribeIdentityPool`` and ``GetIdentityPoolRoles``).

Listings are asked first in every region, then the per-resource calls, on the account's worker pool. A function
without a resource policy (``ResourceNotFoundException``) is an answer, written as such; any other failure
(AccessDenied, a service not offered in the region) is a gap and the run goes on; a refused ``GetPolicy`` names its
function, so the loaded table is partial and says whose policy is missing."""

from __future__ import annotations

from collections.abc import Callable

from iamsql.collect.account import AccountRun
from iamsql.load.formats.workloads import LAMBDA

PROJECTS_PER_CALL = 100  # the most names BatchGetProjects takes


def collect_workloads(run: AccountRun, regions: list[str]) -> None:
    def listings(region: str) -> list[Callable[[], None]]:
        run.fetch("ec2", "DescribeInstances", region=region)
        functions = (run.fetch("lambda", "ListFunctions", region=region) or {}).get("Functions") or []
        definitions = (run.fetch("ecs", "ListTaskDefinitions", region=region, status="ACTIVE") or {}
                       ).get("taskDefinitionArns") or []
        clusters = (run.fetch("eks", "ListClusters", region=region) or {}).get("clusters") or []
        projects = (run.fetch("codebuild", "ListProjects", region=region) or {}).get("projects") or []
        notebooks = (run.fetch("sagemaker", "ListNotebookInstances", region=region) or {}).get("NotebookInstances") or []
        run.fetch("glue", "GetDevEndpoints", region=region, add={"Region": region})
        run.fetch("cloudformation", "DescribeStacks", region=region)
        machines = (run.fetch("stepfunctions", "ListStateMachines", region=region) or {}).get("stateMachines") or []
        pools = (run.fetch("cognito-identity", "ListIdentityPools", region=region, MaxResults=60) or {}
                 ).get("IdentityPools") or []
        return ([_function_policy(run, region, f) for f in functions]
                + [_task_definition(run, region, arn) for arn in definitions]
                + [_cluster(run, region, name) for name in clusters]
                + [_projects(run, region, projects[i:i + PROJECTS_PER_CALL], i // PROJECTS_PER_CALL)
                   for i in range(0, len(projects), PROJECTS_PER_CALL)]
                + [_notebook(run, region, n["NotebookInstanceName"]) for n in notebooks]
                + [_state_machine(run, region, m["stateMachineArn"], m["name"]) for m in machines]
                + [call for p in pools for call in _identity_pool(run, region, p["IdentityPoolId"])])

    details = [call for calls in run.each(regions, listings) for call in calls]
    run.each(details, lambda call: call())


def _function_policy(run: AccountRun, region: str, function: dict) -> Callable[[], None]:
    name, arn = function["FunctionName"], function["FunctionArn"]
    return lambda: run.fetch("lambda", "GetPolicy", region=region, entity=name, add={"FunctionArn": arn},
                             facts={"ResourceNotFoundException"}, part={"table": LAMBDA, "resource": arn, "column": "policy"},
                             FunctionName=arn)


def _task_definition(run: AccountRun, region: str, arn: str) -> Callable[[], None]:
    return lambda: run.fetch("ecs", "DescribeTaskDefinition", region=region, entity=arn.rsplit("/", 1)[-1],
                             taskDefinition=arn, include=["TAGS"])


def _cluster(run: AccountRun, region: str, name: str) -> Callable[[], None]:
    return lambda: run.fetch("eks", "DescribeCluster", region=region, entity=name, name=name)


def _projects(run: AccountRun, region: str, names: list[str], batch: int) -> Callable[[], None]:
    return lambda: run.fetch("codebuild", "BatchGetProjects", region=region, entity=str(batch + 1), names=names)


def _notebook(run: AccountRun, region: str, name: str) -> Callable[[], None]:
    return lambda: run.fetch("sagemaker", "DescribeNotebookInstance", region=region, entity=name,
                             NotebookInstanceName=name)


def _state_machine(run: AccountRun, region: str, arn: str, name: str) -> Callable[[], None]:
    return lambda: run.fetch("stepfunctions", "DescribeStateMachine", region=region, entity=name, stateMachineArn=arn)


def _identity_pool(run: AccountRun, region: str, pool_id: str) -> list[Callable[[], None]]:
    entity = pool_id.replace(":", "_")
    return [lambda operation=operation: run.fetch("cognito-identity", operation, region=region, entity=entity,
                                                  IdentityPoolId=pool_id)
            for operation in ("DescribeIdentityPool", "GetIdentityPoolRoles")]

"""Loading the AWS CLI's outputs about workloads (tests/data/workloads: describe-instances, list-functions,
get-policy, list-task-definitions, describe-task-definition, list-clusters, describe-cluster) into the Steampipe
tables aws_ec2_instance, aws_lambda_function, aws_ecs_task_definition and aws_eks_cluster."""

import json
import shutil
from pathlib import Path

import pytest

from iamsql import load
from iamsql.errors import InputError, QueryError
from iamsql.load import formats
from iamsql.sql.query import run_query
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "workloads"
ACCOUNT = "444455556666"


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "wl.duckdb")
    yield connection
    connection.close()


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_every_output_is_recognised_by_its_content(con):
    summary = load.load_paths(con, [DATA])
    formats = {f.path.name: f.format for f in summary.files}
    assert formats == {"describe-instances.json": "ec2:describe-instances",
                       "list-functions.json": "lambda:list-functions", "get-policy.json": "lambda:get-policy",
                       "get-function.json": "lambda:get-function",
                       "list-task-definitions.json": "ecs:list-task-definitions",
                       "describe-task-definition.json": "ecs:describe-task-definition",
                       "list-clusters.json": "eks:list-clusters", "describe-cluster.json": "eks:describe-cluster"}
    assert [Path(p).name for p, _ in summary.skipped] == ["README.md"] and summary.warnings == []


def test_ec2_instances_with_their_profile_imds_and_steampipe_arn(con):
    load.load_paths(con, [DATA / "describe-instances.json"])
    found = rows(con, "select instance_id, arn, region, account_id, instance_state, iam_instance_profile_arn, "
                      "metadata_options->>'HttpTokens', title, tags->>'Name' from aws_ec2_instance order by 1")
    assert found == [
        ("i-0a1b2c3d4e5f60001", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0a1b2c3d4e5f60001", "eu-west-1", ACCOUNT,
         "running", f"arn:aws:iam::{ACCOUNT}:instance-profile/web-profile", "optional", "web-1", "web-1"),
        ("i-0a1b2c3d4e5f60002", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0a1b2c3d4e5f60002", "eu-west-1", ACCOUNT,
         "stopped", None, "required", "i-0a1b2c3d4e5f60002", None)]


def test_ec2_columns_steampipe_reads_from_describe_instances(con):
    """state_transition_time is the time in the stop reason of a stopped instance, the launch time otherwise."""
    load.load_paths(con, [DATA / "describe-instances.json"])
    found = rows(con, "select instance_id, strftime(state_transition_time, '%Y-%m-%d %H:%M:%S'), monitoring_state, "
                      "ebs_optimized, virtualization_type, cpu_options_core_count, placement_tenancy, "
                      "block_device_mappings->0->'Ebs'->>'VolumeId' from aws_ec2_instance order by 1")
    assert found == [
        ("i-0a1b2c3d4e5f60001", "2025-03-10 08:15:00", "disabled", False, "hvm", 1, "default", "vol-0a1b2c3d4e5f60001"),
        ("i-0a1b2c3d4e5f60002", "2025-04-02 17:45:10", "enabled", True, "hvm", None, "default", None)]


def test_ec2_text_columns_of_a_struct_and_a_time(con):
    """Steampipe's capacity_reservation_specification and usage_operation_update_time are text: the object as its
    JSON text, the time as Go's RFC 3339 layout writes it (UTC, whole seconds); NULL where the output has neither."""
    load.load_paths(con, [DATA / "describe-instances.json"])
    found = rows(con, "select instance_id, capacity_reservation_specification::json ->> 'CapacityReservationPreference', "
                      "usage_operation_update_time, typeof(usage_operation_update_time) "
                      "from aws_ec2_instance order by 1")
    assert found == [("i-0a1b2c3d4e5f60001", "open", "2025-03-10T08:15:00Z", "VARCHAR"),
                     ("i-0a1b2c3d4e5f60002", None, None, "VARCHAR")]


def test_lambda_columns_steampipe_reads_from_list_functions(con):
    load.load_paths(con, [DATA / "list-functions.json"])
    assert rows(con, "select dead_letter_config_target_arn, timeout, memory_size, tracing_config->>'Mode', "
                     "json_array_length(vpc_subnet_ids), code_size from aws_lambda_function") == [
        (f"arn:aws:sqs:eu-west-1:{ACCOUNT}:thumbnailer-dlq", "30", 256, "PassThrough", 2, 2048)]


def test_published_versions_listed_with_function_version_all_are_not_functions(con):
    """``list-functions --function-version ALL`` lists each published version beside the function; Steampipe's
    table, from ListFunctions without it, has one row per function, its ``$LATEST``."""
    load.load_paths(con, [DATA.parent / "saved_variants" / "list-functions-all-versions.json"])
    assert rows(con, "select name, arn, version, role, runtime from aws_lambda_function") == [
        ("nightly-export", "arn:aws:lambda:us-east-1:111122223333:function:nightly-export", "$LATEST",
         "arn:aws:iam::111122223333:role/service-role/nightly-export-role", "python3.12")]


def test_get_function_gives_the_function_its_tags_and_a_version_is_no_function(con, tmp_path):
    """Steampipe reads ``tags`` from GetFunction; its ``Configuration`` is the function's, merged with the listing's
    row. get-function-configuration's answer is that configuration alone. ``--qualifier`` of a published version
    answers about the version, which is no row of the table."""
    load.load_paths(con, [DATA / "list-functions.json", DATA / "get-function.json"])
    assert rows(con, "select name, tags->>'team', tags->>'cost-centre', memory_size from aws_lambda_function") == [
        ("thumbnailer", "media", "1234", 256)]
    assert rows(con, "select count(*) from iamsql_partial") == [(0,)]  # the listing names every function
    function = json.loads((DATA / "get-function.json").read_text())
    (tmp_path / "get-function-configuration.json").write_text(json.dumps(function["Configuration"]))
    summary = load.load_paths(con, [tmp_path / "get-function-configuration.json"])
    assert [f.format for f in summary.files] == ["lambda:get-function-configuration"]
    # it lists no other function: it updates the earlier whole listing, whose tags it does not give
    assert rows(con, "select count(*) from iamsql_partial") == [(0,)]
    assert rows(con, "select name, tags->>'team', snapshot_id from aws_lambda_function") == [
        ("thumbnailer", "media", summary.snapshots[0]["snapshot_id"])]
    version = {**function["Configuration"], "Version": "2", "FunctionArn": function["Configuration"]["FunctionArn"] + ":2"}
    (tmp_path / "version.json").write_text(json.dumps({**function, "Configuration": version}))
    with pytest.raises(InputError, match="version 2 of function thumbnailer; aws_lambda_function holds each function's"):
        load.load_paths(con, [tmp_path / "version.json"])


def test_lambda_vpc_id_as_aws_gives_it(con, tmp_path):
    """A function taken out of its VPC keeps an empty VpcConfig, VpcId "": Steampipe's vpc_id is '' then (a Go
    string pointer), NULL only for a function whose configuration has no VpcConfig."""
    listing = {"Functions": [
        {"FunctionName": "was-in-vpc", "FunctionArn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:was-in-vpc",
         "Runtime": "python3.12", "Role": f"arn:aws:iam::{ACCOUNT}:role/fn", "Handler": "app.handler",
         "LastModified": "2025-02-01T10:00:00.000+0000", "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}},
        {"FunctionName": "never-in-vpc", "FunctionArn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:never-in-vpc",
         "Runtime": "python3.12", "Role": f"arn:aws:iam::{ACCOUNT}:role/fn", "Handler": "app.handler",
         "LastModified": "2025-02-03T10:00:00.000+0000"}]}
    (tmp_path / "list-functions.json").write_text(json.dumps(listing))
    load.load_paths(con, [tmp_path / "list-functions.json"])
    assert rows(con, "select name, vpc_id, vpc_subnet_ids::varchar from aws_lambda_function order by 1") == [
        ("never-in-vpc", None, None), ("was-in-vpc", "", "[]")]
    # the compliance mod's "in a VPC" test treats both as outside one
    assert rows(con, "select name from aws_lambda_function where vpc_id is not null and vpc_id <> ''") == []


def test_go_struct_columns_hold_every_member_with_its_go_zero_value(con, tmp_path):
    """Steampipe prints the SDK for Go's structs: an enum member AWS left out is "" (a Go string), a pointer null, a
    number held by value 0; a struct AWS did not give stays NULL."""
    instances = {"Reservations": [{"OwnerId": ACCOUNT, "Instances": [
        {"InstanceId": "i-0a1b2c3d4e5f69999", "Placement": {"AvailabilityZone": "eu-west-1a"},
         "State": {"Code": 16, "Name": "running"},  # an older output: no HttpProtocolIpv6, InstanceMetadataTags
         "MetadataOptions": {"State": "applied", "HttpTokens": "required", "HttpEndpoint": "enabled"},
         "PrivateDnsNameOptions": {"HostnameType": "ip-name"},
         "MaintenanceOptions": {"AutoRecovery": "default"}}]}]}  # before reboot migration was added
    functions = {"Functions": [
        {"FunctionName": "layered", "FunctionArn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:layered",
         "Role": f"arn:aws:iam::{ACCOUNT}:role/fn", "LastModified": "2025-02-01T10:00:00.000+0000",
         "Layers": [{"Arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:deps:3"}]}]}
    (tmp_path / "describe-instances.json").write_text(json.dumps(instances))
    (tmp_path / "list-functions.json").write_text(json.dumps(functions))
    load.load_paths(con, [tmp_path])
    options, dns, enclave = rows(con, "select metadata_options, private_dns_name_options, enclave_options "
                                      "from aws_ec2_instance")[0]
    assert json.loads(options) == {"HttpEndpoint": "enabled", "HttpProtocolIpv6": "", "HttpPutResponseHopLimit": None,
                                   "HttpTokens": "required", "InstanceMetadataTags": "", "State": "applied"}
    assert json.loads(dns) == {"EnableResourceNameDnsAAAARecord": None, "EnableResourceNameDnsARecord": None,
                               "HostnameType": "ip-name"}
    assert enclave is None
    [(maintenance,)] = rows(con, "select maintenance_options from aws_ec2_instance")
    assert json.loads(maintenance) == {"AutoRecovery": "default", "RebootMigration": ""}
    assert rows(con, "select metadata_options ->> 'InstanceMetadataTags' = '' from aws_ec2_instance") == [(True,)]
    layers, tracing = rows(con, "select layers, tracing_config from aws_lambda_function")[0]
    assert json.loads(layers) == [{"Arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:layer:deps:3", "CodeSize": 0,
                                   "SigningJobArn": None, "SigningProfileVersionArn": None}]
    assert tracing is None


def test_ecs_and_eks_json_members_are_named_as_in_the_go_sdk(con, tmp_path):
    """Steampipe's JSON columns are the Go SDK's structs: members start with a capital letter at every level, but the
    keys of maps (docker labels, log driver options) are data and stay as they are."""
    task = json.loads((DATA / "describe-task-definition.json").read_text())
    task["taskDefinition"]["containerDefinitions"][0].update({
        "dockerLabels": {"com.example.team": "orders"},
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/orders"}}})
    (tmp_path / "describe-task-definition.json").write_text(json.dumps(task))
    load.load_paths(con, [tmp_path / "describe-task-definition.json", DATA / "describe-cluster.json"])
    [(definitions, tags)] = rows(con, "select container_definitions, tags_src from aws_ecs_task_definition")
    container = json.loads(definitions)[0]
    assert container["Name"] == "orders" and container["Essential"] is True
    assert container["DockerLabels"] == {"com.example.team": "orders"}
    assert container["LogConfiguration"] == {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/orders"}}
    assert json.loads(tags) == [{"Key": "team", "Value": "orders"}]
    assert rows(con, "select logging->'ClusterLogging'->0->>'Enabled', resources_vpc_config->>'EndpointPublicAccess' "
                     "from aws_eks_cluster") == [("true", "true")]


def test_lambda_function_with_its_role_and_resource_policy(con):
    load.load_paths(con, [DATA / "list-functions.json", DATA / "get-policy.json"])
    [(name, role, region, principal, action)] = rows(
        con, "select name, role, region, policy_std->'Statement'->0->'Principal'->'Service'->>0, "
             "policy_std->'Statement'->0->'Action'->>0 from aws_lambda_function")
    assert (name, region) == ("thumbnailer", "eu-west-1")
    assert role == f"arn:aws:iam::{ACCOUNT}:role/service-role/thumbnailer-role"
    assert (principal, action) == ("s3.amazonaws.com", "lambda:invokefunction")


def test_get_policy_is_placed_by_an_added_function_arn_or_not_at_all(con, tmp_path):
    policy = json.loads((DATA / "get-policy.json").read_text())
    text = json.loads(policy["Policy"])
    for statement in text["Statement"]:
        statement["Resource"] = "*"
    other = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:thumbnailer"
    (tmp_path / "named").mkdir()
    (tmp_path / "unnamed").mkdir()
    shutil.copy(DATA / "list-functions.json", tmp_path / "named")
    (tmp_path / "named" / "thumbnailer.json").write_text(json.dumps({"FunctionArn": other, **policy,
                                                                      "Policy": json.dumps(text)}))
    load.load_paths(con, [tmp_path / "named"])
    assert rows(con, "select policy is not null from aws_lambda_function") == [(True,)]
    shutil.copy(DATA / "list-functions.json", tmp_path / "unnamed")
    (tmp_path / "unnamed" / "get-policy.json").write_text(json.dumps({**policy, "Policy": json.dumps(text)}))
    summary = load.load_paths(con, [tmp_path / "unnamed"])
    assert any("names no function" in w for w in summary.warnings)
    assert rows(con, "select policy from aws_lambda_function") == [(None,)]


def test_a_function_policy_with_a_byte_order_mark_is_read(con, tmp_path):
    policy = json.loads((DATA / "get-policy.json").read_text())
    (tmp_path / "get-policy.json").write_text(json.dumps({**policy, "Policy": "\ufeff" + policy["Policy"]}))
    summary = load.load_paths(con, [DATA / "list-functions.json", tmp_path / "get-policy.json"])
    assert not summary.warnings
    [(stored,)] = rows(con, "select policy from aws_lambda_function")
    assert json.loads(stored) == json.loads(policy["Policy"])


def test_a_function_without_a_policy_is_a_recognised_answer(con, tmp_path):
    arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:thumbnailer"
    folder = tmp_path / "outputs"
    folder.mkdir()
    shutil.copy(DATA / "list-functions.json", folder)
    (folder / "thumbnailer.json").write_text(json.dumps({"FunctionArn": arn, "Error": {
        "Code": "ResourceNotFoundException", "Message": "The resource you requested does not exist."}}))
    summary = load.load_paths(con, [folder])
    assert summary.skipped == []
    assert rows(con, "select name, policy from aws_lambda_function") == [("thumbnailer", None)]


def test_ecs_task_definition_roles_numbers_and_lower_case_tags(con):
    load.load_paths(con, [DATA / "list-task-definitions.json", DATA / "describe-task-definition.json"])
    assert rows(con, "select family, revision, task_role_arn, execution_role_arn, cpu, memory, tags->>'team', "
                     "region, title from aws_ecs_task_definition") == [
        ("orders", 3, f"arn:aws:iam::{ACCOUNT}:role/orders-task", f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
         256, 512, "orders", "eu-west-1", "orders:3")]


def test_eks_cluster_role_and_oidc_issuer(con):
    load.load_paths(con, [DATA / "list-clusters.json", DATA / "describe-cluster.json"])
    assert rows(con, "select name, role_arn, identity->'Oidc'->>'Issuer', access_config->>'AuthenticationMode', "
                     "region from aws_eks_cluster") == [
        ("platform", f"arn:aws:iam::{ACCOUNT}:role/eks-cluster-role",
         "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123456789ABCDEF", "API_AND_CONFIG_MAP", "eu-west-1")]


def test_ecs_task_definition_columns_steampipe_reads_from_describe_task_definition(con, tmp_path):
    """Every member of the task definition Steampipe has a column for is loaded, as the Go SDK names its members."""
    task = json.loads((DATA / "describe-task-definition.json").read_text())
    task["taskDefinition"].update({
        "ipcMode": "task", "pidMode": "task",
        "proxyConfiguration": {"type": "APPMESH", "containerName": "envoy",
                               "properties": [{"name": "ProxyIngressPort", "value": "15000"}]},
        "inferenceAccelerators": [{"deviceName": "device1", "deviceType": "eia2.medium"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone in [eu-west-1a]"}],
        "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.task-iam-role"}]})
    (tmp_path / "describe-task-definition.json").write_text(json.dumps(task))
    load.load_paths(con, [tmp_path / "describe-task-definition.json"])
    [row] = rows(con, "select ipc_mode, pid_mode, proxy_configuration, inference_accelerators, placement_constraints, "
                      "requires_attributes from aws_ecs_task_definition")
    assert row[:2] == ("task", "task")
    assert [json.loads(v) for v in row[2:]] == [
        {"Type": "APPMESH", "ContainerName": "envoy", "Properties": [{"Name": "ProxyIngressPort", "Value": "15000"}]},
        [{"DeviceName": "device1", "DeviceType": "eia2.medium"}],
        [{"Type": "memberOf", "Expression": "attribute:ecs.availability-zone in [eu-west-1a]"}],
        [{"Name": "com.amazonaws.ecs.capability.task-iam-role"}]]


def test_ecs_task_definition_members_aws_left_out_are_null(con):
    load.load_paths(con, [DATA / "describe-task-definition.json"])
    assert rows(con, "select ipc_mode, pid_mode, proxy_configuration, inference_accelerators, "
                     "placement_constraints::varchar from aws_ecs_task_definition") == [(None, None, None, None, "[]")]


def test_eks_cluster_columns_steampipe_reads_from_describe_cluster(con, tmp_path):
    """A local cluster on an Outpost (its id and outpostConfig) and a registered one (its connectorConfig), each
    with the certificate authority and request token describe-cluster gives."""
    cluster = json.loads((DATA / "describe-cluster.json").read_text())["cluster"]
    local = {**cluster, "name": "edge", "arn": f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/edge",
             "id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "clientRequestToken": "token-edge-1",
             "outpostConfig": {"outpostArns": [f"arn:aws:outposts:eu-west-1:{ACCOUNT}:outpost/op-0123456789abcdef0"],
                               "controlPlaneInstanceType": "m5d.large",
                               "controlPlanePlacement": {"groupName": "eks-edge"}}}
    registered = {"name": "onprem", "arn": f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/onprem",
                  "createdAt": "2024-12-01T09:00:00.000000+00:00", "status": "PENDING", "tags": {},
                  "connectorConfig": {"activationId": "d7c2f1a0-EXAMPLE", "activationExpiry": "2024-12-04T09:00:00+00:00",
                                      "provider": "OTHER", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eks-connector"}}
    for c in (local, registered):
        (tmp_path / f"{c['name']}.json").write_text(json.dumps({"cluster": c}))
    load.load_paths(con, [tmp_path / "edge.json", tmp_path / "onprem.json"])
    assert rows(con, "select name, id, client_request_token, certificate_authority->>'Data', "
                     "outpost_config->'ControlPlanePlacement'->>'GroupName', connector_config->>'RoleArn' "
                     "from aws_eks_cluster order by name") == [
        ("edge", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "token-edge-1", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
         "eks-edge", None),
        ("onprem", None, None, None, None, f"arn:aws:iam::{ACCOUNT}:role/eks-connector")]


def test_an_empty_listing_covers_its_table(con, tmp_path):
    (tmp_path / "list-functions.json").write_text('{"Functions": []}')
    load.load_paths(con, [tmp_path / "list-functions.json"], account_id=ACCOUNT, as_of="2025-01-01")
    assert rows(con, "select table_name, account_id from iamsql_latest") == [("aws_lambda_function", ACCOUNT)]


# ---- resources that run code with a role: CodeBuild projects, SageMaker notebook instances, Glue endpoints -------
CODE = Path(__file__).parent / "data" / "code_resources"


def test_code_resource_outputs_are_recognised_by_their_content(con):
    summary = load.load_paths(con, [CODE])
    assert {f.path.name: f.format for f in summary.files} == {
        "list-projects.json": "codebuild:list-projects", "batch-get-projects.json": "codebuild:batch-get-projects",
        "list-notebook-instances.json": "sagemaker:list-notebook-instances",
        "describe-notebook-instance.json": "sagemaker:describe-notebook-instance",
        "get-dev-endpoints.json": "glue:get-dev-endpoints", "describe-stacks.json": "cloudformation:describe-stacks",
        "list-state-machines.json": "stepfunctions:list-state-machines",
        "describe-state-machine.json": "stepfunctions:describe-state-machine"}
    assert summary.warnings == []
    assert sorted(rows(con, "select table_name from iamsql_latest where table_name not like 'aws_iam%'")) == [
        ("aws_cloudformation_stack",), ("aws_codebuild_project",), ("aws_glue_dev_endpoint",),
        ("aws_sagemaker_notebook_instance",), ("aws_sfn_state_machine",)]


def test_codebuild_project_with_its_service_role_and_go_named_members(con):
    load.load_paths(con, [CODE / "list-projects.json", CODE / "batch-get-projects.json"])
    assert rows(con, "select name, arn, region, account_id, service_role, timeout_in_minutes, "
                     "strftime(created, '%Y-%m-%d %H:%M:%S'), environment->>'ComputeType', source->>'Buildspec', "
                     "tags->>'team', tags_src->0->>'Key', title from aws_codebuild_project") == [
        ("release", f"arn:aws:codebuild:eu-west-1:{ACCOUNT}:project/release", "eu-west-1", ACCOUNT,
         f"arn:aws:iam::{ACCOUNT}:role/service-role/codebuild-release-role", 60, "2025-02-03 10:20:30",
         "BUILD_GENERAL1_SMALL", "buildspec.yml", "platform", "team", "release")]


def test_notebook_instance_listing_and_description_merge_into_one_row_with_its_role(con):
    load.load_paths(con, [CODE / "list-notebook-instances.json", CODE / "describe-notebook-instance.json"])
    assert rows(con, "select name, arn, region, role_arn, notebook_instance_status, root_access, "
                     "direct_internet_access, volume_size_in_gb, security_groups->>0 "
                     "from aws_sagemaker_notebook_instance") == [
        ("research", f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:notebook-instance/research", "eu-west-1",
         f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-research", "InService", "Enabled",
         "Disabled", 5, "sg-0a1b2c3d4e5f60001")]


def test_a_listed_notebook_instance_without_its_description_has_no_role(con):
    load.load_paths(con, [CODE / "list-notebook-instances.json"])
    assert rows(con, "select name, role_arn from aws_sagemaker_notebook_instance") == [("research", None)]


def test_glue_dev_endpoint_gets_steampipes_arn_from_its_zone_and_its_roles_account(con):
    load.load_paths(con, [CODE / "get-dev-endpoints.json"])
    assert rows(con, "select endpoint_name, arn, region, account_id, role_arn, status, number_of_workers, "
                     "json_array_length(public_keys), akas->>0 from aws_glue_dev_endpoint") == [
        ("etl", f"arn:aws:glue:eu-west-1:{ACCOUNT}:devEndpoint/etl", "eu-west-1", ACCOUNT,
         f"arn:aws:iam::{ACCOUNT}:role/AWSGlueServiceRole-etl", "READY", 2, 1,
         f"arn:aws:glue:eu-west-1:{ACCOUNT}:devEndpoint/etl")]


def test_codebuild_projects_without_their_arn_are_refused(con, tmp_path):
    """Projects without `arn` (cut by --query) had no key of their own: two of them merged into one row, the other
    lost, with no region or account."""
    cut = {"projects": [{"name": name, "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/{name}"} for name in ("a", "b")]}
    (tmp_path / "cut.json").write_text(json.dumps(cut))
    with pytest.raises(InputError, match=r"batch-get-projects output without the arn of 'a', 'b'; save the command's"):
        load.load_paths(con, [tmp_path / "cut.json"], account_id=ACCOUNT, as_of="2025-03-01")
    assert con.execute("select count(*) from aws_codebuild_project").fetchone() == (0,)


def test_glue_dev_endpoints_take_an_added_region_and_need_one(con, tmp_path):
    outputs = json.loads((CODE / "get-dev-endpoints.json").read_text())
    del outputs["DevEndpoints"][0]["AvailabilityZone"]  # an endpoint in a VPC subnet may not say
    (tmp_path / "no-region.json").write_text(json.dumps(outputs))
    with pytest.raises(InputError, match="names no region for an endpoint without an Availability Zone"):
        load.load_paths(con, [tmp_path / "no-region.json"], account_id=ACCOUNT, as_of="2025-03-01")
    (tmp_path / "with-region.json").write_text(json.dumps({"Region": "eu-central-1", **outputs}))
    load.load_paths(con, [tmp_path / "with-region.json"])
    assert rows(con, "select arn, region from aws_glue_dev_endpoint") == [
        (f"arn:aws:glue:eu-central-1:{ACCOUNT}:devEndpoint/etl", "eu-central-1")]


def test_glue_dev_endpoints_take_the_region_their_folders_name(con, tmp_path):
    """As the other regional outputs: without an added Region, the region of collect's layout
    (<account>/<region>/glue/get-dev-endpoints.json) is the one the output was asked in."""
    outputs = json.loads((CODE / "get-dev-endpoints.json").read_text())
    del outputs["DevEndpoints"][0]["AvailabilityZone"]
    folder = tmp_path / ACCOUNT / "ap-south-1" / "glue"
    folder.mkdir(parents=True)
    (folder / "get-dev-endpoints.json").write_text(json.dumps(outputs))
    load.load_paths(con, [tmp_path])
    assert rows(con, "select arn, region from aws_glue_dev_endpoint") == [
        (f"arn:aws:glue:ap-south-1:{ACCOUNT}:devEndpoint/etl", "ap-south-1")]


# ---- CloudFormation stacks ----------------------------------------------------------------------------------------


def test_cloudformation_stacks_with_their_service_role_as_steampipe_gives_them(con):
    load.load_paths(con, [CODE / "describe-stacks.json"])
    release = f"arn:aws:cloudformation:eu-west-1:{ACCOUNT}:stack/release-pipeline/6b1c0f20-e3a1-11ef-9a51-0a1b2c3d4e5f"
    network = f"arn:aws:cloudformation:eu-west-1:{ACCOUNT}:stack/network/0c2d4e60-e3a1-11ef-8f2e-060a1b2c3d4e"
    assert rows(con, "select id, name, status, region, account_id, partition, role_arn, "
                     "strftime(creation_time, '%Y-%m-%d %H:%M:%S'), strftime(last_updated_time, '%Y-%m-%d'), "
                     "enable_termination_protection, stack_drift_status, parameters->0->>'ParameterValue', "
                     "outputs->0->>'OutputKey', capabilities->>0, notification_arns->>0, tags->>'team', "
                     "tags_src->>'team', title, akas->>0 from aws_cloudformation_stack order by name") == [
        (network, "network", "CREATE_COMPLETE", "eu-west-1", ACCOUNT, "aws", None, "2025-01-15 09:00:00", None,
         False, "IN_SYNC", None, None, None, None, None, None, "network", network),
        (release, "release-pipeline", "UPDATE_COMPLETE", "eu-west-1", ACCOUNT, "aws",
         f"arn:aws:iam::{ACCOUNT}:role/cloudformation-release", "2025-02-03 10:20:30", "2025-02-10", True,
         "NOT_CHECKED", "production", "PipelineName", "CAPABILITY_NAMED_IAM",
         f"arn:aws:sns:eu-west-1:{ACCOUNT}:stack-events", "platform", "platform", "release-pipeline", release)]


def test_an_empty_stack_listing_covers_the_table(con, tmp_path):
    (tmp_path / "describe-stacks.json").write_text(json.dumps({"Stacks": []}))
    load.load_paths(con, [tmp_path / "describe-stacks.json"], account_id=ACCOUNT, as_of="2025-03-01")
    assert rows(con, "select table_name, account_id from iamsql_latest") == [("aws_cloudformation_stack", ACCOUNT)]
    assert rows(con, "select count(*) from aws_cloudformation_stack") == [(0,)]


def test_stacks_without_their_id_are_refused(con, tmp_path):
    cut = {"Stacks": [{"StackName": "app", "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/deploy"}]}
    (tmp_path / "cut.json").write_text(json.dumps(cut))
    with pytest.raises(InputError, match=r"describe-stacks output without the StackId of 'app'; save the command's"):
        load.load_paths(con, [tmp_path / "cut.json"], account_id=ACCOUNT, as_of="2025-03-01")
    assert con.execute("select count(*) from aws_cloudformation_stack").fetchone() == (0,)


def test_a_steampipe_column_iamsql_does_not_load_says_where_steampipe_reads_it(con):
    load.load_paths(con, [CODE / "describe-stacks.json"])
    with pytest.raises(QueryError, match=r"iamsql does not load it into aws_cloudformation_stack \(Steampipe reads it "
                                        r"with cloudformation get-template\)"):
        run_query(con, "select template_body from aws_cloudformation_stack")


# ---- Step Functions state machines --------------------------------------------------------------------------------
MACHINE = f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:order-flow"


def test_state_machine_listing_and_description_merge_into_one_row_with_its_role(con):
    load.load_paths(con, [CODE / "list-state-machines.json", CODE / "describe-state-machine.json"])
    assert rows(con, "select name, arn, region, account_id, status, type, role_arn, "
                     "strftime(creation_date, '%Y-%m-%d %H:%M:%S'), definition::json->>'StartAt', "
                     "logging_configuration->>'Level', tracing_configuration->>'Enabled', title, akas->>0 "
                     "from aws_sfn_state_machine") == [
        ("order-flow", MACHINE, "eu-west-1", ACCOUNT, "ACTIVE", "STANDARD",
         f"arn:aws:iam::{ACCOUNT}:role/service-role/StepFunctions-order-flow-role", "2025-02-04 11:22:33", "Done",
         "OFF", "false", "order-flow", MACHINE)]


def test_a_listed_state_machine_without_its_description_has_no_role(con):
    load.load_paths(con, [CODE / "list-state-machines.json"])
    assert rows(con, "select name, role_arn, type from aws_sfn_state_machine") == [("order-flow", None, "STANDARD")]


def test_the_state_machine_an_execution_ran_is_not_the_state_machine():
    """describe-state-machine-for-execution gives the definition and role an execution ran with (no creationDate): it
    is not read as the state machine's current row."""
    described = json.loads((CODE / "describe-state-machine.json").read_text())
    for_execution = {k: described[k] for k in ("stateMachineArn", "name", "definition", "roleArn")}
    assert formats.detect({**for_execution, "updateDate": "2025-02-05T00:00:00Z"}) is None
    assert formats.detect(described).name == "stepfunctions:describe-state-machine"


# The partitions AWS documents (botocore's partition data: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
# aws-iso-f, aws-eusc): a resource whose output gives no ARN gets the partition of its region, not aws.
PARTITION_OF_ZONE = {"us-isof-south-1a": "aws-iso-f", "eu-isoe-west-1a": "aws-iso-e", "eusc-de-east-1b": "aws-eusc",
                     "us-isob-east-1a": "aws-iso-b", "cn-northwest-1a": "aws-cn", "us-gov-west-1a": "aws-us-gov",
                     "il-central-1a": "aws"}


def test_instances_and_glue_endpoints_without_an_arn_take_their_regions_partition(con, tmp_path):
    instances = [{"InstanceId": f"i-{n:017x}", "Placement": {"AvailabilityZone": zone}, "State": {"Name": "running"}}
                 for n, zone in enumerate(PARTITION_OF_ZONE)]
    (tmp_path / "describe-instances.json").write_text(json.dumps(
        {"Reservations": [{"OwnerId": ACCOUNT, "Instances": instances}]}))
    endpoints = [{"EndpointName": f"e{n}", "AvailabilityZone": zone, "Status": "READY"}
                 for n, zone in enumerate(PARTITION_OF_ZONE)]
    (tmp_path / "get-dev-endpoints.json").write_text(json.dumps({"DevEndpoints": endpoints}))
    load.load_paths(con, [tmp_path], account_id=ACCOUNT, as_of="2025-03-01")
    expected = {zone[:-1]: partition for zone, partition in PARTITION_OF_ZONE.items()}
    got = rows(con, "select region, split_part(arn, ':', 2) from aws_ec2_instance")
    assert dict(got) == expected
    assert dict(rows(con, "select region, partition from aws_glue_dev_endpoint")) == expected

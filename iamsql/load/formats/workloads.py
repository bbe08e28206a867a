"""Workloads that carry IAM roles, from the AWS CLI's outputs (``--output json``) and boto3's: EC2 instances
(``ec2 describe-instances``), Lambda functions (``lambda list-functions``, ``lambda get-policy``), ECS task
definitions (``ecs list-task-definitions``, ``ecs describe-task-definition``) and EKS clusters (``eks
list-clusters``, ``eks describe-cluster``), CodeBuild projects (``codebuild list-projects``, ``codebuild
batch-get-projects``), SageMaker notebook instances (``sagemaker list-notebook-instances``, ``sagemaker
describe-notebook-instance``), Glue development endpoints (``glue get-dev-endpoints``) and CloudFormation stacks
(``cloudformation describe-stacks``), as the Steampipe tables ``aws_ec2_instance``, ``aws_lambda_function``,
``aws_ecs_task_definition``, ``aws_eks_cluster``, ``aws_codebuild_project``, ``aws_sagemaker_notebook_instance``,
``aws_glue_dev_endpoint`` and ``aws_cloudformation_stack``; Step Functions state machines (``stepfunctions
list-state-machines``, ``stepfunctions describe-state-machine``) as ``aws_sfn_state_machine``.

These tables are regional: each row's ``region`` comes from its ARN (the Availability Zone for EC2 instances, whose
output has no ARN; Steampipe's ``arn:<partition>:ec2:<region>:<account>:instance/<id>`` is built from it).
A Glue development endpoint has no ARN in its output: Steampipe's
``arn:<partition>:glue:<region>:<account>:devEndpoint/<name>`` is built from the region ``iamsql collect`` adds
(``Region``), else the endpoint's Availability Zone, and the account of its role (a role passed to Glue is one of
the caller's account). A listing (describe-instances, list-functions, list-task-definitions, list-clusters,
list-projects, list-notebook-instances, get-dev-endpoints, describe-stacks, list-state-machines) covers its table for the account, even when empty. ``lambda get-policy`` names no function: it is placed by an added ``FunctionArn`` key
(``iamsql collect`` writes it), else on the function of the account with the name its statements grant access to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_account, arn_partition, arn_parts
from iamsql.common.policy_text import json_text
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, json_time, output_region, when
from iamsql.load.normalize import go_fields, go_struct, region_partition, resource_policy_fields, tags_map

EC2 = "aws_ec2_instance"
LAMBDA = "aws_lambda_function"
ECS = "aws_ecs_task_definition"
EKS = "aws_eks_cluster"
CODEBUILD = "aws_codebuild_project"
SAGEMAKER = "aws_sagemaker_notebook_instance"
GLUE = "aws_glue_dev_endpoint"
CLOUDFORMATION = "aws_cloudformation_stack"
STATE_MACHINE = "aws_sfn_state_machine"
# Members of an ECS task definition that hold maps (their keys are data, not member names)
ECS_MAPS = frozenset({"dockerLabels", "options", "driverOpts", "labels"})

REGION_OF_ZONE = re.compile(r"^([a-z]+(?:-[a-z]+)+-\d+)")  # us-east-1a, us-west-2-lax-1a -> the region
# "User initiated (2019-09-12 16:38:34 GMT)": the time of the last stop, as Steampipe reads it
TRANSITION_TIME = re.compile(r"\((.*?) *\)")
STOPPED_STATES = ("shutting-down", "stopped", "stopping", "terminated")
LAMBDA_ARN = re.compile(r"^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)")


def _regional(arn: str | None) -> dict[str, Any]:
    """Steampipe's common columns of a regional resource from its ARN."""
    parts = arn_parts(arn)
    if not parts:
        return {}
    return {"arn": arn, "akas": [arn], "partition": parts["partition"], "region": parts["region"]}


# ---- EC2 ---------------------------------------------------------------------------------------------------------


def _state_transition_time(instance: dict) -> str | Unreadable | None:
    """Steampipe's ``state_transition_time``: for an instance stopped (or stopping, shutting down, terminated) the
    time in its StateTransitionReason, otherwise its launch time."""
    reason = instance.get("StateTransitionReason") or ""
    match = TRANSITION_TIME.search(reason)
    if match and (instance.get("State") or {}).get("Name") in STOPPED_STATES:
        return when(match[1].replace(" ", "T", 1).replace(" GMT", "Z", 1))
    return when(instance.get("LaunchTime"))


def _rfc3339(value: Any) -> Any:
    """A time in a Steampipe text column, as Go's RFC 3339 layout writes it: UTC, ``Z``, whole seconds
    (``2023-04-12T10:00:00Z``); kept as written when it is not a time."""
    moment = json_time(value)
    return re.sub(r"\.\d+Z$", "Z", moment) if isinstance(moment, str) else moment


# Members of the AWS SDK for Go (v2) structs Steampipe's JSON columns print, with the Go zero value each has when
# AWS leaves it out: "" for an enum (a Go string), None (null) for a pointer, 0 for a number held by value.
METADATA_OPTIONS = {"HttpEndpoint": "", "HttpProtocolIpv6": "", "HttpPutResponseHopLimit": None, "HttpTokens": "",
                    "InstanceMetadataTags": "", "State": ""}  # InstanceMetadataOptionsResponse
PRIVATE_DNS_NAME_OPTIONS = {"EnableResourceNameDnsAAAARecord": None, "EnableResourceNameDnsARecord": None,
                            "HostnameType": ""}  # PrivateDnsNameOptionsResponse
ENCLAVE_OPTIONS = {"Enabled": None}
HIBERNATION_OPTIONS = {"Configured": None}
MAINTENANCE_OPTIONS = {"AutoRecovery": "", "RebootMigration": ""}  # InstanceMaintenanceOptions: two enums
LAMBDA_LAYER = {"Arn": None, "CodeSize": 0, "SigningJobArn": None, "SigningProfileVersionArn": None}  # lambda Layer
TRACING_CONFIG = {"Mode": ""}  # TracingConfigResponse
SNAP_START = {"ApplyOn": "", "OptimizationStatus": ""}  # SnapStartResponse


def instance_fragment(instance: dict, owner: str | None) -> Fragment:
    """One instance of a reservation (``owner`` is the reservation's OwnerId)."""
    instance_id = instance.get("InstanceId")
    placement = instance.get("Placement") or {}
    cpu = instance.get("CpuOptions") or {}
    zone = placement.get("AvailabilityZone") or ""
    zone_match = REGION_OF_ZONE.match(zone)
    region = zone_match[1] if zone_match else None
    profile = instance.get("IamInstanceProfile") or {}
    partition = arn_partition(profile.get("Arn")) or region_partition(region)
    arn = f"arn:{partition}:ec2:{region}:{owner}:instance/{instance_id}" if partition and owner else None
    tags = instance.get("Tags")
    state = instance.get("State") or {}
    fields = {
        "instance_id": instance_id,
        "instance_type": instance.get("InstanceType"),
        "instance_state": state.get("Name"),
        "state_code": state.get("Code"),
        "launch_time": when(instance.get("LaunchTime")),
        "iam_instance_profile_arn": profile.get("Arn"),
        "iam_instance_profile_id": profile.get("Id"),
        "image_id": instance.get("ImageId"),
        "key_name": instance.get("KeyName"),
        "instance_lifecycle": instance.get("InstanceLifecycle"),
        "placement_availability_zone": zone or None,
        "platform": instance.get("Platform"),
        "private_ip_address": instance.get("PrivateIpAddress"),
        "public_ip_address": instance.get("PublicIpAddress"),
        "subnet_id": instance.get("SubnetId"),
        "vpc_id": instance.get("VpcId"),
        "metadata_options": go_struct(instance.get("MetadataOptions"), METADATA_OPTIONS),
        "network_interfaces": instance.get("NetworkInterfaces"),
        "security_groups": instance.get("SecurityGroups"),
        "monitoring_state": (instance.get("Monitoring") or {}).get("State"),
        "ami_launch_index": instance.get("AmiLaunchIndex"),
        "architecture": instance.get("Architecture"),
        "boot_mode": instance.get("BootMode"),
        "capacity_reservation_id": instance.get("CapacityReservationId"),
        "capacity_reservation_specification": json_text(instance.get("CapacityReservationSpecification")),
        "client_token": instance.get("ClientToken"),
        "cpu_options_core_count": cpu.get("CoreCount"),
        "cpu_options_threads_per_core": cpu.get("ThreadsPerCore"),
        "ebs_optimized": instance.get("EbsOptimized"),
        "ena_support": instance.get("EnaSupport"),
        "hypervisor": instance.get("Hypervisor"),
        "outpost_arn": instance.get("OutpostArn"),
        "placement_affinity": placement.get("Affinity"),
        "placement_group_id": placement.get("GroupId"),
        "placement_group_name": placement.get("GroupName"),
        "placement_host_id": placement.get("HostId"),
        "placement_host_resource_group_arn": placement.get("HostResourceGroupArn"),
        "placement_partition_number": placement.get("PartitionNumber"),
        "placement_tenancy": placement.get("Tenancy"),
        "platform_details": instance.get("PlatformDetails"),
        "private_dns_name": instance.get("PrivateDnsName"),
        "public_dns_name": instance.get("PublicDnsName"),
        "root_device_name": instance.get("RootDeviceName"),
        "root_device_type": instance.get("RootDeviceType"),
        "source_dest_check": instance.get("SourceDestCheck"),
        "spot_instance_request_id": instance.get("SpotInstanceRequestId"),
        "state_transition_reason": instance.get("StateTransitionReason"),
        "state_transition_time": _state_transition_time(instance),
        "tpm_support": instance.get("TpmSupport"),
        "usage_operation": instance.get("UsageOperation"),
        "usage_operation_update_time": _rfc3339(instance.get("UsageOperationUpdateTime")),
        "virtualization_type": instance.get("VirtualizationType"),
        "block_device_mappings": instance.get("BlockDeviceMappings"),
        "elastic_gpu_associations": instance.get("ElasticGpuAssociations"),
        "elastic_inference_accelerator_associations": instance.get("ElasticInferenceAcceleratorAssociations"),
        "enclave_options": go_struct(instance.get("EnclaveOptions"), ENCLAVE_OPTIONS),
        "hibernation_options": go_struct(instance.get("HibernationOptions"), HIBERNATION_OPTIONS),
        "licenses": instance.get("Licenses"),
        "maintenance_options": go_struct(instance.get("MaintenanceOptions"), MAINTENANCE_OPTIONS),
        "private_dns_name_options": go_struct(instance.get("PrivateDnsNameOptions"),
                                              PRIVATE_DNS_NAME_OPTIONS),
        "product_codes": instance.get("ProductCodes"),
        "tags_src": tags,
        "tags": tags_map(tags),
        "title": (tags_map(tags) or {}).get("Name") or instance_id,
        "region": region,
        "partition": partition,
        **({"arn": arn, "akas": [arn]} if arn else {}),
    }
    return Fragment(EC2, (region, instance_id), fields, owner)


def parse_describe_instances(doc: dict, path: Path) -> Parsed:
    return Parsed("ec2:describe-instances", covers={EC2},
                  fragments=[instance_fragment(i, r.get("OwnerId")) for r in doc["Reservations"]
                             for i in r.get("Instances") or []])


# ---- Lambda ------------------------------------------------------------------------------------------------------


def function_fragment(f: dict) -> Fragment:
    arn = f.get("FunctionArn")
    vpc = f.get("VpcConfig") or {}
    fields = {
        "name": f.get("FunctionName"),
        "role": f.get("Role"),
        "runtime": f.get("Runtime"),
        "handler": f.get("Handler"),
        "package_type": f.get("PackageType"),
        "description": f.get("Description"),
        "last_modified": when(f.get("LastModified")),
        "version": f.get("Version"),
        "state": f.get("State"),
        "kms_key_arn": f.get("KMSKeyArn"),
        "vpc_id": vpc.get("VpcId"),  # '' as AWS gives it for a function taken out of its VPC, as in Steampipe
        "architectures": f.get("Architectures"),
        "environment_variables": (f.get("Environment") or {}).get("Variables"),
        "layers": [go_struct(layer, LAMBDA_LAYER) for layer in f["Layers"]]
        if isinstance(f.get("Layers"), list) else f.get("Layers"),
        "code_sha_256": f.get("CodeSha256"),
        "code_size": f.get("CodeSize"),
        "dead_letter_config_target_arn": (f.get("DeadLetterConfig") or {}).get("TargetArn"),
        "timeout": None if f.get("Timeout") is None else str(f["Timeout"]),
        "master_arn": f.get("MasterArn"),
        "memory_size": f.get("MemorySize"),
        "revision_id": f.get("RevisionId"),
        "state_reason": f.get("StateReason"),
        "state_reason_code": f.get("StateReasonCode"),
        "last_update_status": f.get("LastUpdateStatus"),
        "last_update_status_reason": f.get("LastUpdateStatusReason"),
        "last_update_status_reason_code": f.get("LastUpdateStatusReasonCode"),
        "file_system_configs": f.get("FileSystemConfigs"),
        "tracing_config": go_struct(f.get("TracingConfig"), TRACING_CONFIG),
        "snap_start": go_struct(f.get("SnapStart"), SNAP_START),
        "vpc_security_group_ids": vpc.get("SecurityGroupIds"),
        "vpc_subnet_ids": vpc.get("SubnetIds"),
        "title": f.get("FunctionName"),
        **_regional(arn),
    }
    return Fragment(LAMBDA, (arn,), fields, arn_account(arn))


def parse_list_functions(doc: dict, path: Path) -> Parsed:
    """The functions' unpublished versions (``$LATEST``), as Steampipe's table lists them; ``--function-version
    ALL`` also lists each published version (``Version`` ``1``, a qualified ``FunctionArn``), which is no function
    of its own."""
    return Parsed("lambda:list-functions", covers={LAMBDA}, fragments=[
        function_fragment(f) for f in doc["Functions"] if f.get("Version") in (None, "$LATEST")])


def parse_get_function(doc: dict, path: Path) -> Parsed | str:
    """``get-function`` (the configuration with the function's ``Tags``, where Steampipe reads ``tags`` from) or
    ``get-function-configuration``: one function's row, part of the table (it lists no other function). A published
    version's (``--qualifier 1``) is no row of the table, which holds each function's ``$LATEST``."""
    config = doc.get("Configuration", doc)
    command = "get-function" if "Configuration" in doc else "get-function-configuration"
    if config.get("Version") not in (None, "$LATEST"):
        return (f"lambda {command} output is version {config['Version']} of function {config.get('FunctionName')}; "
                "aws_lambda_function holds each function's $LATEST")
    fragment = function_fragment(config)
    if isinstance(doc.get("Tags"), dict):
        fragment.fields["tags"] = doc["Tags"]
    return Parsed(f"lambda:{command}", fragments=[fragment])


def _function_configuration(doc: dict) -> bool:
    """A FunctionConfiguration, get-function-configuration's answer."""
    return (isinstance(doc.get("FunctionArn"), str) and "FunctionName" in doc
            and ("Runtime" in doc or "PackageType" in doc) and "Error" not in doc)


def _policy_function_name(policy: dict) -> str | None:
    """The one function name a get-policy output's statements name as Resource (qualifier dropped)."""
    statements = policy.get("Statement") or []
    names = {match[1].rsplit(":", 1)[-1]
             for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)
             for r in (s.get("Resource") if isinstance(s.get("Resource"), list) else [s.get("Resource")])
             for match in [LAMBDA_ARN.match(str(r or ""))] if match}
    return names.pop() if len(names) == 1 else None


def parse_get_policy(doc: dict, path: Path) -> Parsed:
    """With an added FunctionArn, the row of that function; otherwise the function of that name in the same
    account (the Resource's account is not used: exports that replace account ids often miss the ones inside the
    policy text)."""
    arn_match = LAMBDA_ARN.match(str(doc.get("FunctionArn") or ""))
    # the policy (or that there is none) of the function named is known: the policy engine reads it
    read = {"resource_policy_of": arn_match[1]} if arn_match else {}
    if "Error" in doc:  # ResourceNotFoundException: the function has no resource-based policy
        return Parsed("lambda:get-policy (no policy)", extra=read)
    fields = resource_policy_fields(doc["Policy"])
    parsed = Parsed("lambda:get-policy", extra=read)
    policy = fields["policy"]
    if arn_match:
        parsed.fragments.append(Fragment(LAMBDA, (arn_match[1],), fields, arn_account(arn_match[1])))
        return parsed
    name = _policy_function_name(policy)
    if name is None:
        parsed.warnings.append(f"{path}: lambda get-policy output names no function (add FunctionArn); not loaded")
        return parsed
    parsed.fragments.append(Fragment(LAMBDA, None, {"__name": name, **fields}))
    return parsed


# ---- ECS ---------------------------------------------------------------------------------------------------------


def _ecs_tags(tags: list | None) -> dict[str, str] | None:
    """ECS tags are ``[{key, value}]`` (lower case)."""
    return {t.get("key"): t.get("value") for t in tags} if tags else None


def _int(value: Any) -> int | Unreadable | None:
    """ECS gives cpu and memory as text ("256")."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return Unreadable(f"{value!r} is not a number")


def task_definition_fragment(arn: str, t: dict | None = None, tags: list | None = None) -> Fragment:
    t = t or {}
    fields = {
        "task_definition_arn": arn,
        "family": t.get("family"),
        "revision": t.get("revision"),
        "status": t.get("status"),
        "task_role_arn": t.get("taskRoleArn"),
        "execution_role_arn": t.get("executionRoleArn"),
        "network_mode": t.get("networkMode"),
        "ipc_mode": t.get("ipcMode"),
        "pid_mode": t.get("pidMode"),
        "cpu": _int(t.get("cpu")),
        "memory": _int(t.get("memory")),
        "registered_at": when(t.get("registeredAt")),
        "registered_by": t.get("registeredBy"),
        "container_definitions": go_fields(t.get("containerDefinitions"), ECS_MAPS),
        "compatibilities": t.get("compatibilities"),
        "requires_compatibilities": t.get("requiresCompatibilities"),
        "inference_accelerators": go_fields(t.get("inferenceAccelerators")),
        "placement_constraints": go_fields(t.get("placementConstraints")),
        "proxy_configuration": go_fields(t.get("proxyConfiguration")),
        "requires_attributes": go_fields(t.get("requiresAttributes")),
        "volumes": go_fields(t.get("volumes"), ECS_MAPS),
        "title": arn.rsplit("/", 1)[-1],
        "akas": [arn],
        **{k: v for k, v in _regional(arn).items() if k not in ("arn", "akas")},
    }
    if tags is not None:
        fields["tags_src"] = go_fields(tags)
        fields["tags"] = _ecs_tags(tags) or {}
    return Fragment(ECS, (arn,), fields, arn_account(arn))


def parse_list_task_definitions(doc: dict, path: Path) -> Parsed:
    return Parsed("ecs:list-task-definitions", covers={ECS},
                  fragments=[task_definition_fragment(arn) for arn in doc["taskDefinitionArns"]])


def parse_describe_task_definition(doc: dict, path: Path) -> Parsed:
    t = doc["taskDefinition"]
    return Parsed("ecs:describe-task-definition",
                  fragments=[task_definition_fragment(t["taskDefinitionArn"], t, doc.get("tags"))])


# ---- EKS ---------------------------------------------------------------------------------------------------------


def parse_list_clusters(doc: dict, path: Path) -> Parsed:
    """Names only (no ARN, no region): it says the listing was made; describe-cluster gives the rows."""
    return Parsed("eks:list-clusters", covers={EKS})


def parse_describe_cluster(doc: dict, path: Path) -> Parsed:
    c = doc["cluster"]
    arn = c.get("arn")
    fields = {
        "name": c.get("name"),
        "id": c.get("id"),
        "client_request_token": c.get("clientRequestToken"),
        "created_at": when(c.get("createdAt")),
        "version": c.get("version"),
        "platform_version": c.get("platformVersion"),
        "status": c.get("status"),
        "endpoint": c.get("endpoint"),
        "role_arn": c.get("roleArn"),
        "identity": go_fields(c.get("identity")),
        "access_config": go_fields(c.get("accessConfig")),
        "resources_vpc_config": go_fields(c.get("resourcesVpcConfig")),
        "kubernetes_network_config": go_fields(c.get("kubernetesNetworkConfig")),
        "logging": go_fields(c.get("logging")),
        "encryption_config": go_fields(c.get("encryptionConfig")),
        "connector_config": go_fields(c.get("connectorConfig")),
        "outpost_config": go_fields(c.get("outpostConfig")),
        "certificate_authority": go_fields(c.get("certificateAuthority")),
        "title": c.get("name"),
        "tags": c.get("tags"),
        **_regional(arn),
    }
    return Parsed("eks:describe-cluster", fragments=[Fragment(EKS, (arn,), fields, arn_account(arn))])


# ---- CodeBuild ---------------------------------------------------------------------------------------------------


def parse_list_projects(doc: dict, path: Path) -> Parsed:
    """Names only (no ARN, no region): it says the listing was made; batch-get-projects gives the rows."""
    return Parsed("codebuild:list-projects", covers={CODEBUILD})


def project_fragment(p: dict) -> Fragment:
    arn = p.get("arn")
    tags = p.get("tags")
    fields = {
        "name": p.get("name"),
        "description": p.get("description"),
        "concurrent_build_limit": p.get("concurrentBuildLimit"),
        "created": when(p.get("created")),
        "last_modified": when(p.get("lastModified")),
        "encryption_key": p.get("encryptionKey"),
        "queued_timeout_in_minutes": p.get("queuedTimeoutInMinutes"),
        "service_role": p.get("serviceRole"),
        "source_version": p.get("sourceVersion"),
        "timeout_in_minutes": p.get("timeoutInMinutes"),
        **{column: go_fields(p.get(member)) for column, member in (
            ("artifacts", "artifacts"), ("badge", "badge"), ("build_batch_config", "buildBatchConfig"),
            ("cache", "cache"), ("environment", "environment"), ("file_system_locations", "fileSystemLocations"),
            ("logs_config", "logsConfig"), ("secondary_artifacts", "secondaryArtifacts"),
            ("secondary_source_versions", "secondarySourceVersions"), ("secondary_sources", "secondarySources"),
            ("source", "source"), ("vpc_config", "vpcConfig"), ("webhook", "webhook"))},
        "tags_src": go_fields(tags),
        "tags": _ecs_tags(tags),
        "title": p.get("name"),
        **_regional(arn),
    }
    return Fragment(CODEBUILD, (arn,), fields, arn_account(arn))


def parse_batch_get_projects(doc: dict, path: Path) -> Parsed | str:
    """The projects with their roles; one without its ARN (AWS always gives it) has no region or account."""
    unplaced = [p["name"] for p in doc["projects"] if not isinstance(p.get("arn"), str)]
    if unplaced:
        return (f"codebuild batch-get-projects output without the arn of {', '.join(map(repr, unplaced))}; "
                "save the command's whole output")
    return Parsed("codebuild:batch-get-projects", fragments=[project_fragment(p) for p in doc["projects"]])


# ---- SageMaker ---------------------------------------------------------------------------------------------------


def notebook_fragment(n: dict) -> Fragment:
    arn = n.get("NotebookInstanceArn")
    fields = {
        "name": n.get("NotebookInstanceName"),
        "creation_time": when(n.get("CreationTime")),
        "default_code_repository": n.get("DefaultCodeRepository"),
        "direct_internet_access": n.get("DirectInternetAccess"),
        "failure_reason": n.get("FailureReason"),
        "instance_type": n.get("InstanceType"),
        "kms_key_id": n.get("KmsKeyId"),
        "last_modified_time": when(n.get("LastModifiedTime")),
        "network_interface_id": n.get("NetworkInterfaceId"),
        "notebook_instance_lifecycle_config_name": n.get("NotebookInstanceLifecycleConfigName"),
        "notebook_instance_status": n.get("NotebookInstanceStatus"),
        "role_arn": n.get("RoleArn"),
        "root_access": n.get("RootAccess"),
        "subnet_id": n.get("SubnetId"),
        "url": n.get("Url"),
        "volume_size_in_gb": n.get("VolumeSizeInGB"),
        "accelerator_types": n.get("AcceleratorTypes"),
        "additional_code_repositories": n.get("AdditionalCodeRepositories"),
        "security_groups": n.get("SecurityGroups"),
        "title": n.get("NotebookInstanceName"),
        **_regional(arn),
    }
    return Fragment(SAGEMAKER, (arn,), fields, arn_account(arn))


def parse_list_notebook_instances(doc: dict, path: Path) -> Parsed:
    """Every notebook instance without its role (describe-notebook-instance gives it)."""
    return Parsed("sagemaker:list-notebook-instances", covers={SAGEMAKER},
                  fragments=[notebook_fragment(n) for n in doc["NotebookInstances"]])


def parse_describe_notebook_instance(doc: dict, path: Path) -> Parsed:
    return Parsed("sagemaker:describe-notebook-instance", fragments=[notebook_fragment(doc)])


# ---- Glue --------------------------------------------------------------------------------------------------------


def dev_endpoint_fragment(e: dict, region: str | None) -> Fragment | None:
    """One development endpoint; None when neither ``region`` nor its Availability Zone gives its region."""
    zone_match = REGION_OF_ZONE.match(e.get("AvailabilityZone") or "")
    region = region or (zone_match[1] if zone_match else None)
    account, name = arn_account(e.get("RoleArn")), e.get("EndpointName")
    if not region:
        return None
    partition = arn_partition(e.get("RoleArn")) or region_partition(region)
    arn = f"arn:{partition}:glue:{region}:{account}:devEndpoint/{name}" if partition and account and name else None
    fields = {
        "endpoint_name": name,
        "status": e.get("Status"),
        "availability_zone": e.get("AvailabilityZone"),
        "created_timestamp": when(e.get("CreatedTimestamp")),
        "extra_jars_s3_path": e.get("ExtraJarsS3Path"),
        "extra_python_libs_s3_path": e.get("ExtraPythonLibsS3Path"),
        "failure_reason": e.get("FailureReason"),
        "glue_version": e.get("GlueVersion"),
        "last_modified_timestamp": when(e.get("LastModifiedTimestamp")),
        "last_update_status": e.get("LastUpdateStatus"),
        "number_of_nodes": e.get("NumberOfNodes"),
        "number_of_workers": e.get("NumberOfWorkers"),
        "private_address": e.get("PrivateAddress"),
        "public_address": e.get("PublicAddress"),
        "public_key": e.get("PublicKey"),
        "role_arn": e.get("RoleArn"),
        "security_configuration": e.get("SecurityConfiguration"),
        "subnet_id": e.get("SubnetId"),
        "vpc_id": e.get("VpcId"),
        "worker_type": e.get("WorkerType"),
        "yarn_endpoint_address": e.get("YarnEndpointAddress"),
        "zeppelin_remote_spark_interpreter_port": e.get("ZeppelinRemoteSparkInterpreterPort"),
        "public_keys": e.get("PublicKeys"),
        "security_group_ids": e.get("SecurityGroupIds"),
        "title": name,
        "region": region,
        "partition": partition,
        **({"arn": arn, "akas": [arn]} if arn else {}),
    }
    return Fragment(GLUE, (region, name), fields, account)


def parse_get_dev_endpoints(doc: dict, path: Path) -> Parsed | str:
    fragments = [dev_endpoint_fragment(e, output_region(doc, path)) for e in doc["DevEndpoints"]]
    if None in fragments:
        return "glue get-dev-endpoints names no region for an endpoint without an Availability Zone (add Region)"
    return Parsed("glue:get-dev-endpoints", covers={GLUE}, fragments=fragments)


# ---- CloudFormation ----------------------------------------------------------------------------------------------


def stack_fragment(s: dict) -> Fragment:
    """One stack; Steampipe's ``id`` is its ARN (``StackId``), and it gives ``tags_src`` as ``tags``, a flat map."""
    stack_id = s.get("StackId")
    parts = arn_parts(stack_id) or {}
    tags = tags_map(s.get("Tags"))
    fields = {
        "id": stack_id,
        "name": s.get("StackName"),
        "status": s.get("StackStatus"),
        "creation_time": when(s.get("CreationTime")),
        "disable_rollback": s.get("DisableRollback"),
        "enable_termination_protection": s.get("EnableTerminationProtection"),
        "last_updated_time": when(s.get("LastUpdatedTime")),
        "parent_id": s.get("ParentId"),
        "role_arn": s.get("RoleARN"),
        "root_id": s.get("RootId"),
        "description": s.get("Description"),
        "notification_arns": s.get("NotificationARNs"),
        "outputs": s.get("Outputs"),
        "rollback_configuration": s.get("RollbackConfiguration"),
        "capabilities": s.get("Capabilities"),
        "stack_drift_status": (s.get("DriftInformation") or {}).get("StackDriftStatus"),
        "parameters": s.get("Parameters"),
        "tags_src": tags,
        "tags": tags,
        "title": s.get("StackName"),
        "akas": [stack_id] if parts else None,
        "partition": parts.get("partition"),
        "region": parts.get("region"),
    }
    return Fragment(CLOUDFORMATION, (stack_id,), fields, arn_account(stack_id))


def parse_describe_stacks(doc: dict, path: Path) -> Parsed | str:
    """The stacks with their service roles; one without its StackId (AWS always gives it) has no region or account."""
    unplaced = [s.get("StackName") for s in doc["Stacks"] if not arn_parts(s.get("StackId"))]
    if unplaced:
        return (f"cloudformation describe-stacks output without the StackId of {', '.join(map(repr, unplaced))}; "
                "save the command's whole output")
    return Parsed("cloudformation:describe-stacks", covers={CLOUDFORMATION},
                  fragments=[stack_fragment(s) for s in doc["Stacks"]])


# ---- Step Functions ----------------------------------------------------------------------------------------------


def state_machine_fragment(m: dict) -> Fragment:
    """One state machine: the listing gives its name, type and creation date, the description its role and the rest
    (the SDK's member names for the JSON columns, as Steampipe)."""
    arn = m.get("stateMachineArn")
    fields = {
        "name": m.get("name"),
        "status": m.get("status"),
        "type": m.get("type"),
        "creation_date": when(m.get("creationDate")),
        "definition": m.get("definition"),
        "role_arn": m.get("roleArn"),
        "logging_configuration": go_fields(m.get("loggingConfiguration")),
        "tracing_configuration": go_fields(m.get("tracingConfiguration")),
        "title": m.get("name"),
        **_regional(arn),
    }
    return Fragment(STATE_MACHINE, (arn,), fields, arn_account(arn))


def parse_list_state_machines(doc: dict, path: Path) -> Parsed:
    return Parsed("stepfunctions:list-state-machines", covers={STATE_MACHINE},
                  fragments=[state_machine_fragment(m) for m in doc["stateMachines"]])


def parse_describe_state_machine(doc: dict, path: Path) -> Parsed:
    return Parsed("stepfunctions:describe-state-machine", fragments=[state_machine_fragment(doc)])


def _list_of(key: str, item: str | None = None):
    def detect(doc: dict) -> bool:
        value = doc.get(key)
        return isinstance(value, list) and all(isinstance(v, str) if item is None else isinstance(v, dict) and item in v
                                               for v in value)

    return detect


def _lambda_policy(doc: dict) -> bool:
    if isinstance(doc.get("Policy"), str) and "RevisionId" in doc:
        return True
    return (str(doc.get("FunctionArn") or "").startswith("arn:") and isinstance(doc.get("Error"), dict)
            and doc["Error"].get("Code") == "ResourceNotFoundException")


FORMATS: list[Format] = [
    Format("ec2:describe-instances", _list_of("Reservations", "Instances"), parse_describe_instances),
    Format("lambda:list-functions", _list_of("Functions", "FunctionName"), parse_list_functions),
    Format("lambda:get-policy", _lambda_policy, parse_get_policy),
    Format("lambda:get-function", lambda d: isinstance(d.get("Configuration"), dict)
           and _function_configuration(d["Configuration"]), parse_get_function),
    Format("lambda:get-function-configuration", _function_configuration, parse_get_function),
    Format("ecs:list-task-definitions", _list_of("taskDefinitionArns"), parse_list_task_definitions),
    Format("ecs:describe-task-definition",
           lambda d: isinstance(d.get("taskDefinition"), dict) and "taskDefinitionArn" in d["taskDefinition"],
           parse_describe_task_definition),
    Format("eks:list-clusters", _list_of("clusters"), parse_list_clusters),
    # batch-get-projects: projects (objects) and projectsNotFound; list-projects: project names, never projectsNotFound
    Format("codebuild:batch-get-projects", lambda d: _list_of("projects", "name")(d)
           and ("projectsNotFound" in d or bool(d["projects"])), parse_batch_get_projects),
    Format("codebuild:list-projects", lambda d: "projectsNotFound" not in d and _list_of("projects")(d),
           parse_list_projects),
    Format("sagemaker:list-notebook-instances", _list_of("NotebookInstances", "NotebookInstanceArn"),
           parse_list_notebook_instances),
    Format("sagemaker:describe-notebook-instance",
           lambda d: isinstance(d.get("NotebookInstanceArn"), str) and "NotebookInstanceName" in d,
           parse_describe_notebook_instance),
    Format("glue:get-dev-endpoints", _list_of("DevEndpoints", "EndpointName"), parse_get_dev_endpoints),
    Format("cloudformation:describe-stacks", _list_of("Stacks", "StackName"), parse_describe_stacks),
    Format("stepfunctions:list-state-machines", _list_of("stateMachines", "stateMachineArn"), parse_list_state_machines),
    # describe-state-machine-for-execution has the same members but no creationDate: the machine as an execution ran it
    Format("stepfunctions:describe-state-machine", lambda d: isinstance(d.get("stateMachineArn"), str)
           and "roleArn" in d and "creationDate" in d, parse_describe_state_machine),
    # a registered (EKS Connector) cluster has its role in connectorConfig, not roleArn
    Format("eks:describe-cluster", lambda d: isinstance(d.get("cluster"), dict) and "arn" in d["cluster"]
           and ("roleArn" in d["cluster"] or "connectorConfig" in d["cluster"]), parse_describe_cluster),
]

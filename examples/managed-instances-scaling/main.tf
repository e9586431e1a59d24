# A function on Lambda Managed Instances with both levels of scaling: the capacity
# provider's instances (vCPU limit and target-tracking policies) and the version's
# execution environments (function_scaling_config).
# `./run.sh` applies it against the local emulator and destroys it.

terraform {
  required_version = ">= 1.11"
  required_providers {
    lambda = {
      source = "lambdakit/lambda"
    }
  }
}

# Region, credentials and endpoints come from the standard AWS environment
# (AWS_REGION, AWS_PROFILE / AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL for the emulator).
provider "lambda" {}

resource "lambda_capacity_provider" "workers" {
  name = "${var.function_name}-cp"

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  permissions_config {
    capacity_provider_operator_role_arn = var.operator_role_arn
  }

  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.*"]
  }

  # Manual mode: the instances scale on these target-tracking policies, up to
  # max_vcpu_count vCPUs.
  capacity_provider_scaling_config {
    max_vcpu_count = var.max_vcpu_count
    scaling_mode   = "Manual"
    scaling_policies {
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = var.target_cpu_utilization
    }
  }
}

resource "lambda_durable_function" "worker" {
  function_name    = var.function_name
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/workflow.zip"
  source_code_hash = filebase64sha256("${path.module}/build/workflow.zip")
  architectures    = ["arm64"]
  memory_size      = 4096
  timeout          = 900

  durable_config {
    execution_timeout = 86400
  }

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn                     = lambda_capacity_provider.workers.arn
      per_execution_environment_max_concurrency = 16
    }
  }
}

resource "lambda_function_version" "live" {
  function_name = lambda_durable_function.worker.function_name

  triggers = {
    code   = lambda_durable_function.worker.code_sha256
    config = lambda_durable_function.worker.config_sha256
  }

  # Execution environments of this version: changes in place, without publishing.
  function_scaling_config {
    min_execution_environments = var.min_execution_environments
    max_execution_environments = var.max_execution_environments
  }
}

# Durable rollout: a capacity provider (Lambda Managed Instances), a durable function on
# it, and a published version with its execution environments. Durable executions are
# pinned to the version they started on: a new version takes new executions while the
# running ones finish on theirs.
#
# `./run.sh` (next to this file) applies it against the local emulator and destroys it.
# The package is build/workflow.zip; rebuild it after editing src/index.py with
#   (cd src && python3 -m zipfile -c ../build/workflow.zip index.py)

terraform {
  required_version = ">= 1.11"
  required_providers {
    lambda = {
      source = "lambdakit/lambda"
    }
  }
}

provider "lambda" {}

resource "lambda_capacity_provider" "workflows" {
  name = "${var.name}-cp"

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  permissions_config {
    capacity_provider_operator_role_arn = var.operator_role_arn
  }

  instance_requirements {
    architectures = ["arm64"]
  }
}

resource "lambda_durable_function" "workflow" {
  function_name    = var.name
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/workflow.zip"
  source_code_hash = filebase64sha256("${path.module}/build/workflow.zip")
  architectures    = ["arm64"]
  memory_size      = 4096
  timeout          = 900

  durable_config {
    execution_timeout = 604800 # a week
    retention_period  = 30
  }

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn                     = lambda_capacity_provider.workflows.arn
      per_execution_environment_max_concurrency = 16
    }
  }

  # Never end running workflows by accident: a destroy waits for them.
  running_executions_on_destroy = "wait"
}

resource "lambda_function_version" "live" {
  function_name = lambda_durable_function.workflow.function_name

  # Publish a new version whenever the code or the configuration changes.
  triggers = {
    code   = lambda_durable_function.workflow.code_sha256
    config = lambda_durable_function.workflow.config_sha256
  }

  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = var.max_execution_environments
  }

  # A trigger change replaces this version; the apply then waits for the old version's
  # executions, at most the delete timeout (1h by default). Workflows run up to a week
  # here: for rollouts that should not wait, set skip_destroy = true and delete replaced
  # versions once their executions have ended (docs/guides/durable-workflows.md).
  running_executions_on_destroy = "wait"
}

# The configuration of plan.json (`terraform show -json` of its plan with Terraform
# 1.11.4 against the emulator, trimmed to what the review reads) and applied.json (the
# plan after apply: no changes, ARNs known). Two regions, each with a capacity provider,
# a function named "same" on it and a version of it named by a literal string.
terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

provider "lambda" {
  alias  = "east"
  region = "us-east-1"
}

provider "lambda" {
  alias  = "west"
  region = "us-west-2"
}

locals {
  zip = "${path.module}/fn.zip"
}

resource "lambda_capacity_provider" "east" {
  provider = lambda.east
  name     = "cp"
  vpc_config {
    subnet_ids         = ["subnet-0de1a0f000000000a", "subnet-0de1a0f000000000b", "subnet-0de1a0f000000000c"]
    security_group_ids = ["sg-0de1a0f0000000001"]
  }
  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::123456789012:role/lambda-operator"
  }
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.*"]
  }
  capacity_provider_scaling_config {
    max_vcpu_count = 400
    scaling_mode   = "Auto"
  }
}

resource "lambda_capacity_provider" "west" {
  provider = lambda.west
  name     = "cp"
  vpc_config {
    subnet_ids         = ["subnet-0de1a0f000000000a", "subnet-0de1a0f000000000b", "subnet-0de1a0f000000000c"]
    security_group_ids = ["sg-0de1a0f0000000001"]
  }
  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::123456789012:role/lambda-operator"
  }
  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.*"]
  }
  capacity_provider_scaling_config {
    max_vcpu_count = 4000
    scaling_mode   = "Auto"
  }
}

resource "lambda_durable_function" "east" {
  provider         = lambda.east
  function_name    = "same"
  role             = "arn:aws:iam::123456789012:role/exec"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = local.zip
  source_code_hash = filebase64sha256(local.zip)
  architectures    = ["arm64"]
  memory_size      = 4096
  durable_config {
    execution_timeout = 86400
  }
  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.east.arn
    }
  }
}

resource "lambda_durable_function" "west" {
  provider         = lambda.west
  function_name    = "same"
  role             = "arn:aws:iam::123456789012:role/exec"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = local.zip
  source_code_hash = filebase64sha256(local.zip)
  architectures    = ["arm64"]
  memory_size      = 4096
  durable_config {
    execution_timeout = 86400
  }
  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.west.arn
    }
  }
}

resource "lambda_function_version" "east" {
  provider      = lambda.east
  function_name = "same"
  depends_on    = [lambda_durable_function.east]
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 3
  }
}

resource "lambda_function_version" "west" {
  provider      = lambda.west
  function_name = "same"
  depends_on    = [lambda_durable_function.west]
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 1000
  }
}

# The configuration of plan.json (`terraform show -json` of its plan with Terraform
# 1.11.4 against the emulator; fn.zip is any zip file), which the review tests read.

terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

provider "lambda" {}

locals {
  zip = "${path.module}/fn.zip"
}

# Capacity providers and their functions in a module, once per key.
module "stack" {
  source   = "./modules/stack"
  for_each = toset(["a", "b"])
  name     = "stack-${each.key}"
  zip      = local.zip
}

# A function in a module on a capacity provider passed in by the caller.
module "user" {
  source = "./modules/user"
  name   = "user"
  zip    = local.zip
  cp_arn = lambda_capacity_provider.cp["x"].arn
}

# A function in a module on a module's capacity provider, through its output.
module "other" {
  source = "./modules/user"
  name   = "other"
  zip    = local.zip
  cp_arn = module.stack["b"].cp_arn
}

resource "lambda_capacity_provider" "cp" {
  for_each = toset(["x", "y"])
  name     = "root-${each.key}"
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
    max_vcpu_count = 8
    scaling_mode   = "Auto"
  }
}

# Counted, on one instance of a for_each capacity provider.
resource "lambda_durable_function" "g" {
  count            = 1
  function_name    = "g-${count.index}"
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
      capacity_provider_arn = lambda_capacity_provider.cp["y"].arn
    }
  }
}

resource "lambda_function_version" "g" {
  count         = 1
  function_name = lambda_durable_function.g[count.index].function_name
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 10
  }
}

# One function per capacity provider, chosen by each.key: not one instance statically.
resource "lambda_durable_function" "h" {
  for_each         = lambda_capacity_provider.cp
  function_name    = "h-${each.key}"
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
      capacity_provider_arn = each.value.arn
    }
  }
}

# The capacity provider by each.key: a key known to the plan, not to its configuration.
resource "lambda_durable_function" "k" {
  for_each         = toset(["x", "y"])
  function_name    = "k-${each.key}"
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
      capacity_provider_arn = lambda_capacity_provider.cp[each.key].arn
    }
  }
}

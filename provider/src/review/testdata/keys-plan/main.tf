# The configuration of plan.json (`terraform show -json` of its plan with Terraform
# 1.11.4 against the emulator, trimmed to what the review reads): capacity providers
# chosen by count.index and each.key, directly and through a module.
terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

provider "lambda" {}

locals {
  zip  = "${path.module}/fn.zip"
  keys = toset(["x", "y"])
}

resource "lambda_capacity_provider" "cp" {
  count = 2
  name  = "counted-${count.index}"
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
    max_vcpu_count = 8 * (count.index + 1)
    scaling_mode   = "Auto"
  }
}

# cp[count.index]: f[0] on cp[0], f[1] on cp[1].
resource "lambda_durable_function" "f" {
  count            = 2
  function_name    = "f-${count.index}"
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
      capacity_provider_arn = lambda_capacity_provider.cp[count.index].arn
    }
  }
}

# The same references, but not the same instance: not linked.
resource "lambda_durable_function" "swapped" {
  count            = 2
  function_name    = "swapped-${count.index}"
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
      capacity_provider_arn = lambda_capacity_provider.cp[(count.index + 1) % 2].arn
    }
  }
}

resource "lambda_capacity_provider" "each" {
  for_each = local.keys
  name     = "each-${each.key}"
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

# each[each.key]
resource "lambda_durable_function" "k" {
  for_each         = local.keys
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
      capacity_provider_arn = lambda_capacity_provider.each[ each.key ].arn
    }
  }
}

resource "lambda_function_version" "k" {
  for_each      = local.keys
  function_name = lambda_durable_function.k[each.key].function_name
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 10
  }
}

# A module of capacity providers per key, and a module of functions per key on them.
module "cp" {
  source   = "./modules/cp"
  for_each = local.keys
  name     = "mod-${each.key}"
}

module "user" {
  source   = "./modules/user"
  for_each = local.keys
  name     = "user-${each.key}"
  zip      = local.zip
  cp_arn   = module.cp[each.key].arn
}

terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

variable "name" { type = string }
variable "zip" { type = string }

resource "lambda_capacity_provider" "this" {
  name = "${var.name}-cp"
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

resource "lambda_durable_function" "f" {
  count            = 1
  function_name    = "${var.name}-f"
  role             = "arn:aws:iam::123456789012:role/exec"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = var.zip
  source_code_hash = filebase64sha256(var.zip)
  architectures    = ["arm64"]
  memory_size      = 4096
  durable_config {
    execution_timeout = 86400
  }
  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.this.arn
    }
  }
}

resource "lambda_function_version" "v" {
  function_name = lambda_durable_function.f[0].function_name
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 10
  }
}

output "cp_arn" { value = lambda_capacity_provider.this.arn }

terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

variable "name" { type = string }
variable "zip" { type = string }
variable "cp_arn" { type = string }

resource "lambda_durable_function" "f" {
  function_name    = var.name
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
      capacity_provider_arn = var.cp_arn
    }
  }
}

resource "lambda_function_version" "v" {
  function_name = lambda_durable_function.f.function_name
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 10
  }
}

# What exists before Terraform adopts it: a capacity provider, a durable function on it
# and a published version, as someone created them by hand. run.sh applies this first
# (in its own working directory, whose state is then thrown away), so the objects exist
# in AWS but in no state of the adopting configuration (../adopt).

terraform {
  required_version = ">= 1.11"
  required_providers {
    lambda = {
      source = "lambdakit/lambda"
    }
  }
}

provider "lambda" {}

resource "lambda_capacity_provider" "workers" {
  name = "${var.prefix}-workers"

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

  tags = {
    team = "orders"
  }
}

resource "lambda_durable_function" "orders" {
  function_name    = "${var.prefix}-orders"
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/orders.zip"
  source_code_hash = filebase64sha256("${path.module}/build/orders.zip")
  architectures    = ["arm64"]
  memory_size      = 4096

  durable_config {
    execution_timeout = 86400
  }

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.workers.arn
    }
  }
}

resource "lambda_function_version" "orders" {
  function_name = lambda_durable_function.orders.function_name
  description   = "first release"
}

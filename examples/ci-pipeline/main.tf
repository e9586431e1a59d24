# The module a CI pipeline checks and plans (.github/workflows/terraform-plan.yml):
# a durable function on Lambda and its live version.
# `./run.sh` applies it against the local emulator and destroys it.

terraform {
  required_version = ">= 1.11"
  required_providers {
    lambda = {
      source = "lambdakit/lambda"
    }
  }
}

provider "lambda" {}

resource "lambda_durable_function" "orders" {
  function_name    = var.function_name
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/workflow.zip"
  source_code_hash = filebase64sha256("${path.module}/build/workflow.zip")
  timeout          = 60

  durable_config {
    execution_timeout = 86400
  }

  running_executions_on_destroy = "fail"
}

resource "lambda_function_version" "live" {
  function_name = lambda_durable_function.orders.function_name

  triggers = {
    code   = lambda_durable_function.orders.code_sha256
    config = lambda_durable_function.orders.config_sha256
  }

  running_executions_on_destroy = "wait"
}

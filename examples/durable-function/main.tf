# A durable function on Lambda (no managed instances), and a lambda_function_version
# that publishes a version when its code or configuration changes: the version to
# invoke. (Use this or publish = true on the function, not both: they would hold the
# same version.)
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

resource "lambda_durable_function" "orders" {
  function_name    = var.function_name
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/workflow.zip"
  source_code_hash = filebase64sha256("${path.module}/build/workflow.zip")
  memory_size      = 512
  timeout          = 60

  durable_config {
    execution_timeout = 86400 # one day
    retention_period  = 7
  }
}

resource "lambda_function_version" "live" {
  function_name = lambda_durable_function.orders.function_name

  triggers = {
    code   = lambda_durable_function.orders.code_sha256
    config = lambda_durable_function.orders.config_sha256
  }

  # Executions pinned to this version finish before it is deleted.
  running_executions_on_destroy = "wait"
}

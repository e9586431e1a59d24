# Quickstart: a Lambda capacity provider (Lambda Managed Instances), a durable function
# running on it, and a published version of the function (what new executions run on).
#
# `./run.sh` (next to this file) builds the provider and the local emulator, starts the
# emulator, applies this configuration against it and destroys everything again.
# Against real AWS, set the variables to your own subnets, security group and operator
# role, and drop AWS_ENDPOINT_URL. The package is build/workflow.zip; rebuild it after
# editing src/index.py with
#   (cd src && python3 -m zipfile -c ../build/workflow.zip index.py)

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
provider "lambda" {
  default_tags {
    tags = {
      managed-by = "terraform"
    }
  }
}

resource "lambda_capacity_provider" "web" {
  name = var.name

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  permissions_config {
    capacity_provider_operator_role_arn = var.operator_role_arn
  }

  instance_requirements {
    architectures          = ["arm64"]
    allowed_instance_types = ["m7g.large", "m7g.xlarge"]
  }

  capacity_provider_scaling_config {
    max_vcpu_count = 64
    scaling_mode   = "Manual"
    scaling_policies {
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = 50
    }
  }

  propagate_tags {
    mode          = "Explicit"
    explicit_tags = { team = "web" }
  }

  telemetry_config {
    logging_config {
      system_log_level = "INFO"
    }
  }

  tags = {
    env = "quickstart"
  }

  timeouts {
    create = "20m"
  }
}

resource "lambda_durable_function" "orders" {
  function_name    = var.function_name
  role             = var.execution_role_arn
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "${path.module}/build/workflow.zip"
  source_code_hash = filebase64sha256("${path.module}/build/workflow.zip")
  architectures    = ["arm64"]
  memory_size      = 2048
  timeout          = 900

  durable_config {
    execution_timeout = 86400 # one day
    retention_period  = 7
  }

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.web.arn
    }
  }
}

# On a capacity provider $LATEST cannot be invoked: executions run on a version. A new
# version is published whenever the code or the configuration changes.
resource "lambda_function_version" "live" {
  function_name = lambda_durable_function.orders.function_name

  triggers = {
    code   = lambda_durable_function.orders.code_sha256
    config = lambda_durable_function.orders.config_sha256
  }
}

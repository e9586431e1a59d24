# Quickstart: one Lambda capacity provider (Lambda Managed Instances).
#
# `./run.sh` (next to this file) builds the provider and the local emulator, starts the
# emulator, applies this configuration against it and destroys everything again.
# Against real AWS, set the variables to your own subnets, security group and operator
# role, and drop AWS_ENDPOINT_URL.

terraform {
  required_version = ">= 1.5"
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
      target_value           = 60
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

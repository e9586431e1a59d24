terraform {
  required_providers {
    lambda = { source = "lambdakit/lambda" }
  }
}

variable "name" { type = string }

resource "lambda_capacity_provider" "this" {
  name = var.name
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

output "arn" { value = lambda_capacity_provider.this.arn }

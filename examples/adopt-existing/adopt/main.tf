# The adopting configuration: only the provider at first. `terraform query
# -generate-config-out=generated.tf` (Terraform 1.14 or later) writes a resource block and
# an import block for everything adopt.tfquery.hcl lists; review it, apply it (the
# imports), and the next plan is empty. See ../README.md.

terraform {
  required_version = ">= 1.14"
  required_providers {
    lambda = {
      source = "lambdakit/lambda"
    }
  }
}

provider "lambda" {}

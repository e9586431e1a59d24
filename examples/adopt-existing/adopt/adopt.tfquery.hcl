# What to adopt, read by `terraform query` (Terraform 1.14 or later). Each list block
# names a resource type of the provider and filters in its `config` block.

# Every capacity provider of the region.
list "lambda_capacity_provider" "workers" {
  provider = lambda
}

# The durable functions whose names start with "legacy-" (functions without durable
# configuration are never listed). Also: capacity_provider_arn, runtime.
list "lambda_durable_function" "orders" {
  provider = lambda

  config {
    name_prefix = "legacy-"
  }
}

# The published versions of one function.
list "lambda_function_version" "orders" {
  provider = lambda

  config {
    function_name = "legacy-orders"
  }
}

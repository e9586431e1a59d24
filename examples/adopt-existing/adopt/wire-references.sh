#!/usr/bin/env bash
# The review step after `terraform query -generate-config-out=generated.tf`: generated
# configuration names other objects by value (an ARN, a function name), so Terraform
# knows no order between them and a destroy would delete the capacity provider while
# the function still uses it. Referring to the resources instead restores the order;
# the values are the same, so the plan stays empty.
set -euo pipefail
file="${1:-generated.tf}"
sed -i \
  -e 's|capacity_provider_arn = "arn:[^"]*:capacity-provider:legacy-workers"|capacity_provider_arn = lambda_capacity_provider.workers_0.arn|' \
  -e '/^resource "lambda_function_version"/,/^}/ s|function_name\( *\)= "legacy-orders"|function_name\1= lambda_durable_function.orders_0.function_name|' \
  "$file"
grep -q 'lambda_capacity_provider.workers_0.arn' "$file"
grep -q 'lambda_durable_function.orders_0.function_name' "$file"

output "live_version" {
  description = "The published version new executions start on."
  value       = lambda_function_version.live.version
}

output "live_arn" {
  description = "Qualified ARN to invoke (durable functions are invoked through a version)."
  value       = lambda_function_version.live.arn
}

output "applied_scaling" {
  description = "Execution environments AWS applies to the live version."
  value = {
    min = lambda_function_version.live.applied_min_execution_environments
    max = lambda_function_version.live.applied_max_execution_environments
  }
}

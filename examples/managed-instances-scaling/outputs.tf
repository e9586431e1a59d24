output "capacity_provider_state" {
  description = "State of the capacity provider (Active once created)."
  value       = lambda_capacity_provider.workers.state
}

output "applied_scaling" {
  description = "Execution environments AWS applies to the live version."
  value = {
    min = lambda_function_version.live.applied_min_execution_environments
    max = lambda_function_version.live.applied_max_execution_environments
  }
}

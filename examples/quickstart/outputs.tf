output "capacity_provider_arn" {
  description = "ARN of the capacity provider."
  value       = lambda_capacity_provider.web.arn
}

output "capacity_provider_state" {
  description = "State of the capacity provider (Active once created)."
  value       = lambda_capacity_provider.web.state
}

output "tags_all" {
  description = "Tags including the provider's default_tags."
  value       = lambda_capacity_provider.web.tags_all
}

output "live_version" {
  description = "The published version new executions start on."
  value       = lambda_function_version.live.version
}

output "live_arn" {
  description = "Qualified ARN to invoke (durable functions are invoked through a version)."
  value       = lambda_function_version.live.arn
}

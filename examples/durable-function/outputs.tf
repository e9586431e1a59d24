output "live_version" {
  description = "The version managed by lambda_function_version."
  value       = lambda_function_version.live.version
}

output "live_arn" {
  description = "Qualified ARN to invoke."
  value       = lambda_function_version.live.arn
}

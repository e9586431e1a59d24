output "live_arn" {
  description = "Qualified ARN to invoke."
  value       = lambda_function_version.live.arn
}

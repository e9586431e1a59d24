variable "function_name" {
  description = "Name of the durable function."
  type        = string
  default     = "ci-orders"
}

variable "execution_role_arn" {
  description = "The function's execution role."
  type        = string
  default     = "arn:aws:iam::123456789012:role/ci-orders"
}

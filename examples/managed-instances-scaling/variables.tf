# Defaults match the fixed default VPC of the local emulator (acceptance-tests crate).

variable "subnet_ids" {
  description = "Subnets (one VPC, three Availability Zones) for the instances."
  type        = list(string)
  default = [
    "subnet-0de1a0f000000000a",
    "subnet-0de1a0f000000000b",
    "subnet-0de1a0f000000000c",
  ]
}

variable "security_group_ids" {
  description = "Security groups of the instances, in the subnets' VPC."
  type        = list(string)
  default     = ["sg-0de1a0f0000000001"]
}

variable "operator_role_arn" {
  description = "IAM role Lambda assumes to manage the instances."
  type        = string
  default     = "arn:aws:iam::123456789012:role/lambda-operator"
}

variable "function_name" {
  description = "Name of the durable function."
  type        = string
  default     = "scaling-worker"
}

variable "execution_role_arn" {
  description = "The function's execution role."
  type        = string
  default     = "arn:aws:iam::123456789012:role/scaling-worker"
}

variable "max_vcpu_count" {
  description = "Most vCPUs the capacity provider's instances may have in all."
  type        = number
  default     = 96
}

variable "target_cpu_utilization" {
  description = "Average CPU utilization (percent) the instances are scaled to."
  type        = number
  default     = 50
}

variable "min_execution_environments" {
  description = "Fewest execution environments of the live version."
  type        = number
  default     = 3
}

variable "max_execution_environments" {
  description = "Most execution environments of the live version."
  type        = number
  default     = 20
}

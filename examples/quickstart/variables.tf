# Defaults match the fixed default VPC of the local emulator (acceptance-tests crate):
# vpc-0de1a0f0000000001 with three subnets in three Availability Zones.

variable "name" {
  description = "Name of the capacity provider."
  type        = string
  default     = "quickstart-web"
}

variable "subnet_ids" {
  description = "Subnets (one VPC, ideally three Availability Zones) for the instances."
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
  default     = "quickstart-orders"
}

variable "execution_role_arn" {
  description = "The function's execution role."
  type        = string
  default     = "arn:aws:iam::123456789012:role/quickstart-orders"
}

//! `provider::lambda::execution_environments_capacity(max_vcpu_count, memory_size,
//! memory_gib_per_vcpu)`: how many execution environments of a function a capacity
//! provider can hold — each takes memory ÷ memory-per-vCPU vCPUs.

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Type, Value};

use super::non_negative;
use crate::review::rules::vcpus_for;

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecutionEnvironmentsCapacity;

#[async_trait]
impl Function for ExecutionEnvironmentsCapacity {
    fn name(&self) -> &str {
        "execution_environments_capacity"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new("max_vcpu_count", Type::Number)
                    .description("The capacity provider's `max_vcpu_count`."),
                Parameter::new("memory_size", Type::Number)
                    .description("The function's `memory_size` in MB."),
                Parameter::new("memory_gib_per_vcpu", Type::Number).description(
                    "`execution_environment_memory_gib_per_vcpu` (2, 4 or 8; AWS's default is 2).",
                ),
            ],
            variadic: None,
            return_type: Type::Number,
            summary: "Execution environments a capacity provider holds".into(),
            description: "The whole number of execution environments of a function that fit in \
                          a capacity provider's vCPUs: `floor(max_vcpu_count ÷ (memory_size ÷ \
                          1024 ÷ memory_gib_per_vcpu))`."
                .into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let vcpus = non_negative(&args, 0, "max_vcpu_count")?;
        let memory = non_negative(&args, 1, "memory_size")?;
        let ratio = non_negative(&args, 2, "memory_gib_per_vcpu")?;
        let per_environment = vcpus_for(memory, Some(ratio))
            .filter(|v| *v > 0.0)
            .ok_or_else(|| FunctionError {
                text: "memory_size and memory_gib_per_vcpu must be more than 0".into(),
                argument: Some(1),
            })?;
        Ok(Value::number((vcpus / per_environment).floor() as i64))
    }
}

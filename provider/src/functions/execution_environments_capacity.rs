//! `provider::lambda::execution_environments_capacity(max_vcpu_count, memory_size,
//! memory_gib_per_vcpu)`: how many execution environments of a function a capacity
//! provider can hold — each takes memory ÷ memory-per-vCPU vCPUs.
//!
//! Each argument is bounded as AWS bounds what it stands for, so the result is always a
//! small whole number:
//! - `max_vcpu_count`: the model's range of `CapacityProviderScalingConfig.MaxVCpuCount`
//!   (whole numbers);
//! - `memory_size`: the model's `MemorySize` maximum, and at least the smallest function
//!   Lambda Managed Instances runs ([`MIN_MEMORY_ON_MANAGED_INSTANCES`], which
//!   `lambda_durable_function` enforces on a capacity provider);
//! - `memory_gib_per_vcpu`: the model's `ExecutionEnvironmentMemoryGiBPerVCpu` range,
//!   which is what `lambda_durable_function` accepts for
//!   `execution_environment_memory_gib_per_vcpu`. AWS documents the ratios 2, 4 and 8
//!   ([`DOCUMENTED_RATIOS`]); the review's LMI-CONC-002 warns about the others.

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Number, Type, Value};

use super::{Bounds, number_arg};
use crate::aws::model::lambda::{
    CapacityProviderScalingConfig, CreateFunctionRequest,
    LambdaManagedInstancesCapacityProviderConfig as Managed,
};
use crate::resources::capacity_provider::schema::names::MAX_VCPU_COUNT;
use crate::resources::durable_function::rules::MIN_MEMORY_ON_MANAGED_INSTANCES;
use crate::resources::durable_function::schema::names::{MEMORY_GIB_PER_VCPU, MEMORY_SIZE};
use crate::review::rules::{DEFAULT_RATIO, DOCUMENTED_RATIOS, in_words, whole_down};

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecutionEnvironmentsCapacity;

/// The third parameter: `execution_environment_memory_gib_per_vcpu`'s value.
pub const MEMORY_GIB_PER_VCPU_PARAMETER: &str = "memory_gib_per_vcpu";

/// MiB per GiB: `memory_size` is in MB (MiB), the ratio in GiB per vCPU.
const MIB_PER_GIB: f64 = 1024.0;

/// What `max_vcpu_count` may be: AWS's model range of `MaxVCpuCount`.
pub fn max_vcpu_count_bounds() -> Bounds {
    Bounds::of_shape(CapacityProviderScalingConfig::MaxVCpuCount.shape)
}

/// What `memory_size` may be: AWS's model range of `MemorySize`, from the smallest
/// function Lambda Managed Instances runs.
pub fn memory_size_bounds() -> Bounds {
    Bounds::of_shape(CreateFunctionRequest::MemorySize.shape)
        .at_least(MIN_MEMORY_ON_MANAGED_INSTANCES as f64)
}

/// What `memory_gib_per_vcpu` may be: AWS's model range of
/// `ExecutionEnvironmentMemoryGiBPerVCpu`.
pub fn ratio_bounds() -> Bounds {
    Bounds::of_shape(Managed::ExecutionEnvironmentMemoryGiBPerVCpu.shape)
}

/// The ratios AWS documents, for descriptions: "2, 4 and 8".
fn documented_ratios() -> String {
    let ratios: Vec<String> = DOCUMENTED_RATIOS.iter().map(f64::to_string).collect();
    in_words(&ratios)
}

/// `⌊max_vcpu_count ÷ vCPUs per environment⌋` (an environment takes `memory_size ÷
/// 1024 ÷ ratio` vCPUs, as [`crate::review::rules::vcpus_for`] says); `None` unless
/// `memory_size` and `ratio` are more than 0. The quotient is computed as
/// `max_vcpu_count × 1024 × ratio ÷ memory_size` (exact for whole numbers and ratios
/// such as 2, 2.5 or 3), and a quotient within rounding error of a whole number counts
/// as that number ([`crate::review::rules::whole_down`], with the review's tolerance, so
/// the function and LMI-SCALE-001 agree), so a decimal ratio that binary floating point
/// cannot hold exactly does not lose an environment.
pub fn capacity(max_vcpu_count: f64, memory_size: f64, ratio: f64) -> Option<f64> {
    if !(memory_size > 0.0 && ratio > 0.0) {
        return None;
    }
    let count = whole_down(max_vcpu_count * MIB_PER_GIB * ratio / memory_size);
    count.is_finite().then_some(count)
}

#[async_trait]
impl Function for ExecutionEnvironmentsCapacity {
    fn name(&self) -> &str {
        "execution_environments_capacity"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new(MAX_VCPU_COUNT, Type::Number).description(format!(
                    "The capacity provider's `{MAX_VCPU_COUNT}`: {}.",
                    max_vcpu_count_bounds().describe()
                )),
                Parameter::new(MEMORY_SIZE, Type::Number).description(format!(
                    "The function's `{MEMORY_SIZE}` in MB: {} (the most AWS allows, from the \
                     smallest function on Lambda Managed Instances).",
                    memory_size_bounds().describe()
                )),
                Parameter::new(MEMORY_GIB_PER_VCPU_PARAMETER, Type::Number).description(format!(
                    "The function's `{MEMORY_GIB_PER_VCPU}`: {}, like the resource accepts \
                     (AWS documents {}; its default is {DEFAULT_RATIO}).",
                    ratio_bounds().describe(),
                    documented_ratios()
                )),
            ],
            variadic: None,
            return_type: Type::Number,
            summary: "Execution environments a capacity provider holds".into(),
            description: format!(
                "The whole number of execution environments of a function that fit in a \
                 capacity provider's vCPUs: `floor({MAX_VCPU_COUNT} ÷ ({MEMORY_SIZE} ÷ 1024 ÷ \
                 {MEMORY_GIB_PER_VCPU_PARAMETER}))`. An argument outside its range is an error \
                 naming it."
            ),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let vcpus = number_arg(&args, 0, MAX_VCPU_COUNT, max_vcpu_count_bounds())?;
        let memory = number_arg(&args, 1, MEMORY_SIZE, memory_size_bounds())?;
        let ratio = number_arg(&args, 2, MEMORY_GIB_PER_VCPU_PARAMETER, ratio_bounds())?;
        // The bounds keep the result between 0 and 15000 × 8 × 1024 ÷ 2048 = 60000.
        capacity(vcpus, memory, ratio)
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| FunctionError {
                text: format!(
                    "{MAX_VCPU_COUNT} = {vcpus}, {MEMORY_SIZE} = {memory} and \
                     {MEMORY_GIB_PER_VCPU_PARAMETER} = {ratio} give no whole number of \
                     execution environments"
                ),
                argument: None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: [f64; 3]) -> Result<Value, FunctionError> {
        super::super::calls::call(&ExecutionEnvironmentsCapacity, &args)
    }

    fn error(args: [f64; 3]) -> (Option<i64>, String) {
        super::super::calls::error(&ExecutionEnvironmentsCapacity, &args)
    }

    #[test]
    fn counts_whole_environments() {
        // 4 GiB at 2 GiB per vCPU: 2 vCPUs each; 64 vCPUs hold 32.
        assert_eq!(call([64.0, 4096.0, 2.0]), Ok(Value::number(32)));
        assert_eq!(call([64.0, 4096.0, 8.0]), Ok(Value::number(128)));
        // Not enough vCPUs for one 16-vCPU environment.
        assert_eq!(call([2.0, 32768.0, 2.0]), Ok(Value::number(0)));
        // The model's range admits ratios between the documented ones, like the resource.
        assert_eq!(call([64.0, 4096.0, 3.0]), Ok(Value::number(48)));
        // 2 GiB at 2.3 GiB per vCPU is 20/23 vCPU: 100 vCPUs hold exactly 115, though
        // 2.3 is a little less in binary floating point.
        assert_eq!(call([100.0, 2048.0, 2.3]), Ok(Value::number(115)));
        assert_eq!(call([20.0, 2048.0, 2.3]), Ok(Value::number(23)));
        assert_eq!(call([15_000.0, 2048.0, 8.0]), Ok(Value::number(60_000)));
    }

    #[test]
    fn each_argument_out_of_range_is_an_error_naming_it_and_its_range() {
        assert_eq!(
            error([64.0, 4096.0, 0.0]),
            (
                Some(2),
                "memory_gib_per_vcpu must be a number from 2 to 8; got 0".into()
            )
        );
        assert_eq!(error([64.0, 4096.0, 8.5]).0, Some(2));
        assert_eq!(
            error([64.0, 0.5, 2.0]),
            (
                Some(1),
                "memory_size must be a whole number from 2048 to 32768; got 0.5".into()
            )
        );
        assert_eq!(error([64.0, 128.0, 2.0]).0, Some(1));
        assert_eq!(error([64.0, 40_000.0, 2.0]).0, Some(1));
        assert_eq!(error([64.0, 4096.5, 2.0]).0, Some(1));
        assert_eq!(
            error([1e30, 128.0, 8.0]),
            (
                Some(0),
                "max_vcpu_count must be a whole number from 2 to 15000; got 1e30".into()
            )
        );
        assert_eq!(error([0.0, 4096.0, 2.0]).0, Some(0));
        assert_eq!(error([64.5, 4096.0, 2.0]).0, Some(0));
    }

    #[test]
    fn descriptions_state_the_ranges() {
        let s = ExecutionEnvironmentsCapacity.signature();
        let d: Vec<&str> = s
            .parameters
            .iter()
            .map(|p| p.description.as_str())
            .collect();
        assert!(d[0].contains("a whole number from 2 to 15000"), "{}", d[0]);
        assert!(
            d[1].contains("a whole number from 2048 to 32768"),
            "{}",
            d[1]
        );
        assert!(
            d[2].contains("a number from 2 to 8") && d[2].contains("AWS documents 2, 4 and 8"),
            "{}",
            d[2]
        );
    }
}

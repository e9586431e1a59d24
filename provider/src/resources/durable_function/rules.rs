//! Rules of `lambda_durable_function` that depend on values, not only on presence: the
//! limits AWS applies depending on whether the function runs on a capacity provider,
//! and what each package type allows. Each cites where AWS states it; the numbers the
//! service model holds (5400 s, 32768 MB) come from it, the ones only AWS's guides state
//! are named here once. Pure: checked on the configuration, no I/O.
//!
//! [`capacity_provider_rules`] checks the capacity provider found at plan time (the
//! look-up itself is in the resource).

use tfplug::diag::Diagnostics;
use tfplug::value::{AttributePath, Value};

use super::schema::names::*;
use crate::aws::model::Shape;
use crate::aws::model::lambda::shapes;

/// Longest timeout of a function that is not on a capacity provider (Lambda quotas:
/// "Function timeout: 900 seconds (15 minutes)"). The model's maximum, 5400, applies on
/// Lambda Managed Instances.
pub const MAX_TIMEOUT_ON_LAMBDA: i64 = 900;

/// Most memory of a function that is not on a capacity provider (Lambda quotas:
/// "Function memory allocation: 128 MB to 10,240 MB"). The model's maximum, 32768,
/// applies on Lambda Managed Instances.
pub const MAX_MEMORY_ON_LAMBDA: i64 = 10_240;

/// Largest `/tmp` of a function without an accelerator: the model's `EphemeralStorageSize`
/// allows 32768, but its documentation of `EphemeralStorage` says "any whole number
/// between 512 and 10,240 MB. For functions that use `AcceleratorConfig`, the maximum is
/// 32,768 MB", and this resource offers no `AcceleratorConfig` (`model_coverage` checks
/// the sentence is still there).
pub const MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR: i64 = 10_240;

/// Least memory of a function on Lambda Managed Instances ("The minimum supported
/// function size is 2GB and 1 vCPU", Lambda Managed Instances best practices).
pub const MIN_MEMORY_ON_MANAGED_INSTANCES: i64 = 2_048;

fn model_min(shape: &Shape) -> i64 {
    shape.min.map(|m| m as i64).unwrap_or(0)
}

fn model_max(shape: &Shape) -> i64 {
    shape.max.map(|m| m as i64).unwrap_or(i64::MAX)
}

/// Whether the configuration puts the function on a capacity provider: `None` while
/// unknown.
pub fn on_capacity_provider(config: &Value) -> Option<bool> {
    let block = config.get_attr(CAPACITY_PROVIDER_CONFIG)?;
    if block.is_unknown() {
        return None;
    }
    Some(block.as_elements().is_some_and(|e| !e.is_empty()))
}

fn known_number(config: &Value, name: &str) -> Option<i64> {
    config
        .get_attr(name)
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
}

fn is_set(config: &Value, name: &str) -> bool {
    config.get_attr(name).is_some_and(|v| {
        !v.is_null()
            && v.as_elements()
                .is_none_or(|e| !e.is_empty() || v.is_unknown())
    })
}

/// Checks the value-dependent rules on a configuration.
pub fn check(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    if let Some(on_cp) = on_capacity_provider(config) {
        limits(config, on_cp, &mut diags);
        if on_cp && is_set(config, VPC_CONFIG) {
            // At an attribute inside the block: Terraform cannot point a diagnostic
            // at a block, and would show the resource's first line instead.
            diags.error_at(
                AttributePath::attr(VPC_CONFIG)
                    .child_index(0)
                    .child_attr("subnet_ids"),
                "vpc_config conflicts with capacity_provider_config",
                "A function on Lambda Managed Instances runs in its capacity provider's VPC \
                 (the capacity provider's vpc_config). Remove vpc_config, or remove \
                 capacity_provider_config to run on Lambda in this VPC.",
            );
        }
    }
    ephemeral_storage_limit(config, &mut diags);
    package_type_rules(config, &mut diags);
    diags
}

/// `ephemeral_storage.size` within what AWS takes without an accelerator.
fn ephemeral_storage_limit(config: &Value, diags: &mut Diagnostics) {
    let Some(size) = config
        .get_attr(EPHEMERAL_STORAGE)
        .and_then(Value::as_elements)
        .and_then(|blocks| blocks.first())
        .and_then(|block| known_number(block, SIZE))
    else {
        return;
    };
    if size > MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR {
        diags.error_at(
            AttributePath::attr(EPHEMERAL_STORAGE)
                .child_index(0)
                .child_attr(SIZE),
            "ephemeral_storage too large",
            format!(
                "ephemeral_storage.size = {size} is more than {MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR} \
                 MB, the most AWS gives a function's /tmp (larger sizes are for functions with \
                 accelerators). Set a size from {} to {MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR}.",
                model_min(&shapes::EphemeralStorageSize)
            ),
        );
    }
}

/// Timeout and memory limits (Lambda quotas; Lambda Managed Instances guide).
fn limits(config: &Value, on_cp: bool, diags: &mut Diagnostics) {
    if let Some(timeout) = known_number(config, TIMEOUT)
        && !on_cp
        && timeout > MAX_TIMEOUT_ON_LAMBDA
    {
        diags.error_at(
            AttributePath::attr(TIMEOUT),
            "timeout too long for Lambda",
            format!(
                "timeout = {timeout} is more than {MAX_TIMEOUT_ON_LAMBDA} seconds, the most for \
                 a function that is not on a capacity provider. Lower it (a durable execution \
                 may still run for durable_config.execution_timeout across many invocations), \
                 or run on managed instances (capacity_provider_config), where up to {} \
                 seconds is allowed.",
                model_max(&shapes::Timeout)
            ),
        );
    }
    let Some(memory) = known_number(config, MEMORY_SIZE) else {
        return;
    };
    if !on_cp && memory > MAX_MEMORY_ON_LAMBDA {
        diags.error_at(
            AttributePath::attr(MEMORY_SIZE),
            "memory_size too large for Lambda",
            format!(
                "memory_size = {memory} is more than {MAX_MEMORY_ON_LAMBDA} MB, the most for a \
                 function that is not on a capacity provider. Lower it, or run on managed \
                 instances (capacity_provider_config), where up to {} MB is allowed.",
                model_max(&shapes::MemorySize)
            ),
        );
    }
    if on_cp && memory < MIN_MEMORY_ON_MANAGED_INSTANCES {
        diags.error_at(
            AttributePath::attr(MEMORY_SIZE),
            "memory_size too small for managed instances",
            format!(
                "memory_size = {memory} is less than {MIN_MEMORY_ON_MANAGED_INSTANCES} MB, the \
                 smallest function AWS supports on Lambda Managed Instances. Raise it to at \
                 least {MIN_MEMORY_ON_MANAGED_INSTANCES}."
            ),
        );
    }
}

/// `PackageType` (CreateFunction): a `.zip` package needs `Runtime` and `Handler`; a
/// container image takes neither (nor layers), and only an image takes `ImageUri` and
/// `ImageConfig`.
fn package_type_rules(config: &Value, diags: &mut Diagnostics) {
    let package = match config.get_attr(PACKAGE_TYPE) {
        Some(v) if v.is_unknown() => return,
        Some(Value::String(s)) => s.as_str(),
        _ => "Zip",
    };
    if package == "Image" {
        for name in [RUNTIME, HANDLER, LAYERS, FILENAME, S3_BUCKET] {
            if is_set(config, name) {
                diags.error_at(
                    AttributePath::attr(name),
                    format!("{name} is not for container images"),
                    format!(
                        "package_type = \"Image\" takes its code, runtime and handler from \
                         image_uri; remove {name}, or set package_type = \"Zip\"."
                    ),
                );
            }
        }
        return;
    }
    // The block at an attribute set inside it: Terraform cannot point a diagnostic at a
    // block, and would show the resource's first line instead.
    let image_config = AttributePath::attr(IMAGE_CONFIG).child_index(0);
    let image_config = config
        .get_attr(IMAGE_CONFIG)
        .and_then(Value::as_elements)
        .and_then(<[Value]>::first)
        .and_then(|block| match block {
            Value::Object(attrs) => attrs.iter().find(|(_, v)| !v.is_null()),
            _ => None,
        })
        .map_or(image_config.clone(), |(name, _)| {
            image_config.child_attr(name)
        });
    for (name, path) in [
        (IMAGE_URI, AttributePath::attr(IMAGE_URI)),
        (IMAGE_CONFIG, image_config),
    ] {
        if is_set(config, name) {
            diags.error_at(
                path,
                format!("{name} needs package_type = \"Image\""),
                format!(
                    "{name} applies to container images only; set package_type = \"Image\", or \
                     remove {name} and give a .zip package (filename or s3_bucket/s3_key)."
                ),
            );
        }
    }
    if is_set(config, IMAGE_URI) {
        // The image_uri error above says what to do; "runtime is required" would not.
        return;
    }
    for name in [RUNTIME, HANDLER] {
        if config.get_attr(name).is_some_and(Value::is_null) {
            diags.error_at(
                AttributePath::attr(name),
                format!("{name} is required for a .zip package"),
                format!(
                    "AWS needs both runtime and handler for package_type = \"Zip\" (the \
                     default); set {name}."
                ),
            );
        }
    }
}

/// What is known at plan time about the capacity provider a function names.
#[derive(Clone, Debug, PartialEq)]
pub enum CapacityProviderFacts {
    /// AWS has no capacity provider with that ARN.
    Missing,
    /// It exists, with these instance architectures.
    Found {
        /// Its instance requirements' architectures.
        architectures: Vec<String>,
    },
}

/// The architecture AWS uses when `architectures` is left out.
pub const DEFAULT_ARCHITECTURE: &str = "x86_64";

/// Checks the capacity provider found for `capacity_provider_arn` against the function:
/// it must exist, and its instances must have the function's architecture (AWS refuses
/// CreateFunction otherwise).
pub fn capacity_provider_rules(
    config: &Value,
    arn: &str,
    facts: &CapacityProviderFacts,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let arn_path = AttributePath::attr(CAPACITY_PROVIDER_CONFIG)
        .child_index(0)
        .child_attr(MANAGED_INSTANCES)
        .child_index(0)
        .child_attr(CAPACITY_PROVIDER_ARN);
    match facts {
        CapacityProviderFacts::Missing => diags.error_at(
            arn_path,
            "Capacity provider not found",
            format!(
                "AWS has no capacity provider {arn:?} in this account and region. If this \
                 configuration creates it, refer to its arn attribute instead of writing the \
                 ARN (capacity_provider_arn = lambda_capacity_provider.NAME.arn): Terraform \
                 then creates the capacity provider first, and the provider checks it once \
                 its ARN is known, in the same apply. Or create it first with \
                 `terraform apply -target=lambda_capacity_provider.NAME`. Otherwise, fix the \
                 ARN."
            ),
        ),
        CapacityProviderFacts::Found { architectures } => {
            let function_arch = match config.get_attr(ARCHITECTURES) {
                Some(v) if v.is_unknown() => return diags,
                Some(Value::List(items)) => items
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or(DEFAULT_ARCHITECTURE)
                    .to_string(),
                _ => DEFAULT_ARCHITECTURE.to_string(),
            };
            if !architectures.is_empty() && !architectures.contains(&function_arch) {
                diags.error_at(
                    AttributePath::attr(ARCHITECTURES),
                    "Architecture differs from the capacity provider's",
                    format!(
                        "The function is {function_arch} but capacity provider {arn:?} runs \
                         {} instances. Set architectures = [\"{}\"], or use a capacity \
                         provider of {function_arch} instances.",
                        architectures.join("/"),
                        architectures[0]
                    ),
                );
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::value::Value;

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let mut base = vec![
            (RUNTIME, Value::string("python3.13")),
            (HANDLER, Value::string("index.handler")),
            (PACKAGE_TYPE, Value::Null),
            (IMAGE_URI, Value::Null),
            (IMAGE_CONFIG, Value::List(vec![])),
            (LAYERS, Value::Null),
            (FILENAME, Value::string("f.zip")),
            (S3_BUCKET, Value::Null),
            (TIMEOUT, Value::Null),
            (MEMORY_SIZE, Value::Null),
            (VPC_CONFIG, Value::List(vec![])),
            (ARCHITECTURES, Value::Null),
            (CAPACITY_PROVIDER_CONFIG, Value::List(vec![])),
            (EPHEMERAL_STORAGE, Value::List(vec![])),
        ];
        for (k, v) in pairs {
            if let Some(slot) = base.iter_mut().find(|(n, _)| *n == k) {
                slot.1 = v;
            }
        }
        Value::object(base)
    }

    fn on_cp() -> (&'static str, Value) {
        (
            CAPACITY_PROVIDER_CONFIG,
            Value::List(vec![Value::object([("x", Value::Null)])]),
        )
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn timeout_limit_depends_on_the_capacity_provider() {
        let long = (TIMEOUT, Value::number(1200));
        let d = check(&config(vec![long.clone()]));
        assert_eq!(paths(&d), ["timeout"]);
        assert!(d.iter().next().is_some_and(|d| d.detail.contains("900")));
        assert!(
            check(&config(vec![
                long,
                on_cp(),
                (MEMORY_SIZE, Value::number(4096))
            ]))
            .is_empty()
        );
        assert!(check(&config(vec![(TIMEOUT, Value::number(900))])).is_empty());
    }

    #[test]
    fn memory_limits_depend_on_the_capacity_provider() {
        let d = check(&config(vec![(MEMORY_SIZE, Value::number(12_288))]));
        assert_eq!(paths(&d), ["memory_size"]);
        let d = check(&config(vec![(MEMORY_SIZE, Value::number(1024)), on_cp()]));
        assert_eq!(paths(&d), ["memory_size"]);
        assert!(d.iter().next().is_some_and(|d| d.detail.contains("2048")));
        assert!(check(&config(vec![(MEMORY_SIZE, Value::number(12_288)), on_cp()])).is_empty());
    }

    #[test]
    fn ephemeral_storage_stops_where_accelerators_begin() {
        let size = |mb: Value| {
            (
                EPHEMERAL_STORAGE,
                Value::List(vec![Value::object([(SIZE, mb)])]),
            )
        };
        let d = check(&config(vec![size(Value::number(10_241))]));
        assert_eq!(paths(&d), ["ephemeral_storage[0].size"]);
        assert!(
            d.iter()
                .next()
                .is_some_and(|d| d.detail.contains("512 to 10240"))
        );
        assert!(check(&config(vec![size(Value::number(10_240))])).is_empty());
        assert!(check(&config(vec![size(Value::Unknown)])).is_empty());
        assert!(check(&config(vec![size(Value::Null)])).is_empty());
    }

    #[test]
    fn unknown_capacity_provider_skips_the_limits() {
        let d = check(&config(vec![
            (TIMEOUT, Value::number(3000)),
            (CAPACITY_PROVIDER_CONFIG, Value::Unknown),
        ]));
        assert!(d.is_empty());
    }

    #[test]
    fn vpc_config_conflicts_with_a_capacity_provider() {
        let vpc = (
            VPC_CONFIG,
            Value::List(vec![Value::object([("x", Value::Null)])]),
        );
        let d = check(&config(vec![
            vpc.clone(),
            on_cp(),
            (MEMORY_SIZE, Value::number(2048)),
        ]));
        assert_eq!(paths(&d), ["vpc_config[0].subnet_ids"]);
        assert!(check(&config(vec![vpc])).is_empty());
    }

    #[test]
    fn package_types_take_their_own_attributes() {
        let d = check(&config(vec![
            (PACKAGE_TYPE, Value::string("Image")),
            (FILENAME, Value::Null),
            (
                IMAGE_URI,
                Value::string("1.dkr.ecr.us-east-1.amazonaws.com/x:1"),
            ),
        ]));
        assert_eq!(paths(&d), ["runtime", "handler"]);
        let d = check(&config(vec![
            (IMAGE_URI, Value::string("x")),
            (HANDLER, Value::Null),
        ]));
        // Only the error that says what to do: the image needs package_type = "Image".
        assert_eq!(paths(&d), ["image_uri"]);
        let d = check(&config(vec![(HANDLER, Value::Null)]));
        assert_eq!(paths(&d), ["handler"]);
    }

    #[test]
    fn capacity_provider_must_exist_and_match_the_architecture() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp";
        let d = capacity_provider_rules(&config(vec![]), arn, &CapacityProviderFacts::Missing);
        assert_eq!(
            paths(&d),
            [
                "capacity_provider_config[0].lambda_managed_instances_capacity_provider_config[0].capacity_provider_arn"
            ]
        );
        // A string ARN of a capacity provider created in the same apply is not there
        // yet: the error says how to create both.
        let detail = d
            .iter()
            .next()
            .map(|d| d.detail.clone())
            .unwrap_or_default();
        for words in [
            arn,
            "lambda_capacity_provider.NAME.arn",
            "terraform apply -target=lambda_capacity_provider.NAME",
        ] {
            assert!(detail.contains(words), "{words:?} missing from: {detail}");
        }
        let arm = CapacityProviderFacts::Found {
            architectures: vec!["arm64".into()],
        };
        let d = capacity_provider_rules(&config(vec![]), arn, &arm);
        assert_eq!(paths(&d), ["architectures"]);
        assert!(
            d.iter()
                .next()
                .is_some_and(|d| d.detail.contains("architectures = [\"arm64\"]"))
        );
        let cfg = config(vec![(
            ARCHITECTURES,
            Value::List(vec![Value::string("arm64")]),
        )]);
        assert!(capacity_provider_rules(&cfg, arn, &arm).is_empty());
    }
}

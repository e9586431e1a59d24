//! AWS's published prices for what this provider manages, in one place: Lambda Managed
//! Instances (EC2 on-demand plus a management fee, and requests) and durable functions
//! (operations, data written, data retained), from the Lambda pricing page. The EC2
//! on-demand rates themselves vary by instance type and region: [`ec2`] holds a recorded
//! table for us-east-1. The `estimate_monthly_cost` function and the review's cost rule
//! both compute with [`estimate`], so they cannot disagree.

pub mod ec2;

/// Management fee on top of the EC2 on-demand price (Lambda pricing: 15 %).
pub const MANAGEMENT_FEE: f64 = 0.15;
/// USD per million requests (Lambda pricing).
pub const PER_MILLION_REQUESTS: f64 = 0.20;
/// USD per million durable operations (steps, waits, callbacks).
pub const PER_MILLION_DURABLE_OPERATIONS: f64 = 8.0;
/// USD per GB of durable execution data written.
pub const PER_GB_WRITTEN: f64 = 0.25;
/// USD per GB-month of durable execution data retained.
pub const PER_GB_MONTH_RETAINED: f64 = 0.15;
/// Hours in a month, as AWS's pricing pages count.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The parts of an estimate, in USD per month.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// EC2 on-demand.
    pub ec2: f64,
    /// Management fee.
    pub management_fee: f64,
    /// Requests.
    pub requests: f64,
    /// Durable operations, data written and retained.
    pub durable: f64,
}

impl Estimate {
    /// The sum.
    pub fn total(&self) -> f64 {
        self.ec2 + self.management_fee + self.requests + self.durable
    }
}

/// What a month of use is made of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    /// Instances running all month.
    pub instances: f64,
    /// On-demand price of one instance per hour, in USD.
    pub instance_hourly_usd: f64,
    /// Invocations per month.
    pub requests: f64,
    /// Durable operations per month.
    pub durable_operations: f64,
    /// GB of durable execution data written per month.
    pub durable_gb_written: f64,
    /// GB of durable execution data retained (GB-months).
    pub durable_gb_retained: f64,
}

/// The monthly estimate of `usage` at AWS's published prices.
pub fn estimate(usage: &Usage) -> Estimate {
    let ec2 = usage.instances * usage.instance_hourly_usd * HOURS_PER_MONTH;
    Estimate {
        ec2,
        management_fee: ec2 * MANAGEMENT_FEE,
        requests: usage.requests / 1e6 * PER_MILLION_REQUESTS,
        durable: usage.durable_operations / 1e6 * PER_MILLION_DURABLE_OPERATIONS
            + usage.durable_gb_written * PER_GB_WRITTEN
            + usage.durable_gb_retained * PER_GB_MONTH_RETAINED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_published_prices() {
        // 3 × $0.10 × 730 = $219; fee $32.85; 100 M requests $20; 10 M operations $80,
        // 4 GB written $1, 10 GB retained $1.50.
        let e = estimate(&Usage {
            instances: 3.0,
            instance_hourly_usd: 0.10,
            requests: 100e6,
            durable_operations: 10e6,
            durable_gb_written: 4.0,
            durable_gb_retained: 10.0,
        });
        assert!((e.ec2 - 219.0).abs() < 1e-9);
        assert!((e.management_fee - 32.85).abs() < 1e-9);
        assert!((e.requests - 20.0).abs() < 1e-9);
        assert!((e.durable - 82.5).abs() < 1e-9);
        assert!((e.total() - 354.35).abs() < 1e-9);
    }
}

//! EC2 on-demand prices (`schemas/aws/ec2-on-demand-prices.json`, embedded at compile
//! time): USD per vCPU-hour by instance family, Linux, in the region the table was
//! recorded for. AWS prices the sizes of one family in proportion to their vCPUs, so a
//! rate per family and the instance's vCPUs give its hourly price. Offline by design:
//! the review runs without credentials, and the Price List API answers only in a few
//! regions and needs them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const PRICES_JSON: &str = include_str!("../../../schemas/aws/ec2-on-demand-prices.json");

/// The recorded table.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PriceTable {
    /// The region the rates are for.
    pub region: String,
    /// When they were recorded (`YYYY-MM`).
    pub recorded: String,
    /// USD per vCPU-hour by instance family (`m7g`).
    pub usd_per_vcpu_hour: BTreeMap<String, f64>,
}

/// The embedded table (empty if it did not parse, which a test rules out).
pub fn table() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| serde_json::from_str(PRICES_JSON).unwrap_or_default())
}

/// The family of an instance type: `m7g` of `m7g.large`.
pub fn family(instance_type: &str) -> &str {
    instance_type.split('.').next().unwrap_or(instance_type)
}

/// USD per hour of `instance_type` with `vcpus` vCPUs, if its family is in the table.
pub fn hourly_usd(instance_type: &str, vcpus: u32) -> Option<f64> {
    let rate = table().usd_per_vcpu_hour.get(family(instance_type))?;
    Some(rate * f64::from(vcpus))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_prices_scale_with_vcpus() {
        assert_eq!(table().region, "us-east-1");
        assert!(table().usd_per_vcpu_hour.len() >= 20);
        // m7g.large (2 vCPUs) is $0.0816 an hour in us-east-1.
        let large = hourly_usd("m7g.large", 2).unwrap_or_default();
        assert!((large - 0.0816).abs() < 1e-9, "{large}");
        assert_eq!(hourly_usd("zz9.large", 2), None);
        assert_eq!(family("c7i.metal-24xl"), "c7i");
    }
}

//! The EC2 instance-type catalogue (`schemas/aws/instance-types.json`, embedded at
//! compile time) as the review needs it offline: the smallest instance, in vCPUs, that a
//! capacity provider's instance requirements allow and that can hold one execution
//! environment of its functions ([`Fit`]), and the one the cost estimate assumes. Where
//! EC2 was asked, its answer for a type wins over the catalogue's.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const CATALOGUE_JSON: &str = include_str!("../../../schemas/aws/instance-types.json");

/// What the review knows of an instance type.
#[derive(Clone, Debug, Deserialize)]
struct InstanceType {
    architectures: Vec<String>,
    #[serde(default)]
    current_generation: bool,
    vcpus: u32,
    #[serde(default)]
    memory_mib: Option<u32>,
}

fn catalogue() -> &'static BTreeMap<String, InstanceType> {
    static CATALOGUE: OnceLock<BTreeMap<String, InstanceType>> = OnceLock::new();
    CATALOGUE.get_or_init(|| serde_json::from_str(CATALOGUE_JSON).unwrap_or_default())
}

/// `*` and `?` wildcards, as instance requirements take them.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// An instance type's size and architectures as EC2 describes it (`DescribeInstanceTypes`),
/// for reviews that may ask EC2 (plan time, `review --online`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceSize {
    /// vCPUs.
    pub vcpus: u32,
    /// Supported architectures (`arm64`, `x86_64`).
    pub architectures: Vec<String>,
}

/// What one instance must hold: one execution environment of the most demanding
/// function on the capacity provider (the default, zero, holds nothing: any type fits).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fit {
    /// vCPUs of the largest environment.
    pub vcpus: f64,
    /// Memory (MiB) of the largest environment.
    pub memory_mib: f64,
}

impl Fit {
    /// Whether an instance of `vcpus` and `memory_mib` (unknown for a type only EC2
    /// described: then its vCPUs decide) holds one such environment.
    fn holds(&self, vcpus: u32, memory_mib: Option<u32>) -> bool {
        !super::rules::more_than(self.vcpus, f64::from(vcpus))
            && memory_mib.is_none_or(|m| f64::from(m) >= self.memory_mib)
    }
}

/// The instance types of `architecture` that `allowed` (all when empty) and not
/// `excluded` match and that hold `fit`, with their vCPUs: current-generation types of
/// the catalogue, and the types EC2 described (`online`), whose answer wins over the
/// catalogue's (EC2's answer has no memory: the catalogue's, when it knows the type).
fn matching(
    architecture: &str,
    allowed: &[String],
    excluded: &[String],
    online: &BTreeMap<String, InstanceSize>,
    fit: &Fit,
) -> BTreeMap<String, u32> {
    let memory_of = |name: &str| catalogue().get(name).and_then(|t| t.memory_mib);
    // Left to choose, AWS picks among current-generation types; a type the requirements
    // name (say `c5.large`, or `c5.*`) counts whatever its generation.
    let offline = catalogue()
        .iter()
        .filter(|(_, t)| t.current_generation || !allowed.is_empty())
        .map(|(name, t)| (name, t.vcpus, &t.architectures));
    let described = online
        .iter()
        .map(|(name, t)| (name, t.vcpus, &t.architectures));
    offline
        .chain(described)
        .filter(|(_, _, archs)| archs.iter().any(|a| a == architecture))
        .filter(|(name, _, _)| allowed.is_empty() || allowed.iter().any(|p| glob(p, name)))
        .filter(|(name, _, _)| !excluded.iter().any(|p| glob(p, name)))
        .map(|(name, vcpus, _)| (name.clone(), vcpus))
        // Collected first: EC2's vCPUs replace the catalogue's before the fit is judged.
        .collect::<BTreeMap<String, u32>>()
        .into_iter()
        .filter(|(name, vcpus)| fit.holds(*vcpus, memory_of(name)))
        .collect()
}

/// vCPUs of the smallest instance type of `architecture` that `allowed` (all when empty)
/// and not `excluded` match and that holds `fit`; `None` when none does.
pub fn smallest_vcpus(
    architecture: &str,
    allowed: &[String],
    excluded: &[String],
    online: &BTreeMap<String, InstanceSize>,
    fit: &Fit,
) -> Option<u32> {
    matching(architecture, allowed, excluded, online, fit)
        .into_values()
        .min()
}

/// The smallest instance type (fewest vCPUs) the requirements allow, that holds `fit`
/// and that `hourly` prices, the cheapest among equals, with its vCPUs and price.
pub fn cheapest_smallest(
    architecture: &str,
    allowed: &[String],
    excluded: &[String],
    online: &BTreeMap<String, InstanceSize>,
    fit: &Fit,
    hourly: impl Fn(&str, u32) -> Option<f64>,
) -> Option<(String, u32, f64)> {
    matching(architecture, allowed, excluded, online, fit)
        .into_iter()
        .filter_map(|(name, vcpus)| Some((hourly(&name, vcpus)?, name, vcpus)))
        .min_by(|a, b| a.2.cmp(&b.2).then(a.0.total_cmp(&b.0)))
        .map(|(price, name, vcpus)| (name, vcpus, price))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_environment_of_exactly_an_instance_s_vcpus_fits() {
        // 35328 MB at 2.3 GiB per vCPU is 15 vCPUs, 15.000000000000002 in floating point.
        let fit = Fit {
            vcpus: 35328.0 / 1024.0 / 2.3,
            memory_mib: 35328.0,
        };
        assert!(fit.holds(15, None));
        assert!(!fit.holds(14, None));
    }

    #[test]
    fn smallest_allowed_instance() {
        assert!(!catalogue().is_empty(), "the catalogue parses");
        let none = BTreeMap::new();
        let any = Fit::default();
        let m7g = smallest_vcpus("arm64", &["m7g.*".into()], &[], &none, &any);
        assert_eq!(m7g, Some(1), "m7g.medium has 1 vCPU");
        let types = ["m7g.xlarge".into(), "m7g.2xlarge".into()];
        assert_eq!(smallest_vcpus("arm64", &types, &[], &none, &any), Some(4));
        assert_eq!(
            smallest_vcpus("x86_64", &["m7g.*".into()], &[], &none, &any),
            None
        );
        assert!(glob("m7?.*", "m7g.large") && !glob("m7g.*", "c7g.large"));
        // A previous-generation type counts when the requirements name it.
        assert_eq!(
            smallest_vcpus("x86_64", &["c5.large".into()], &[], &none, &any),
            Some(2)
        );
        assert_eq!(
            smallest_vcpus("x86_64", &["c5.*".into()], &[], &none, &any),
            Some(2)
        );
    }

    #[test]
    fn ec2_answers_win_over_the_catalogue() {
        let online = BTreeMap::from([(
            "m7g.large".to_string(),
            InstanceSize {
                vcpus: 3,
                architectures: vec!["arm64".into()],
            },
        )]);
        let only = ["m7g.large".into()];
        let any = Fit::default();
        assert_eq!(smallest_vcpus("arm64", &only, &[], &online, &any), Some(3));
        // A type the catalogue does not know yet, but EC2 does.
        let new = BTreeMap::from([(
            "m99g.large".to_string(),
            InstanceSize {
                vcpus: 2,
                architectures: vec!["arm64".into()],
            },
        )]);
        assert_eq!(
            smallest_vcpus("arm64", &["m99g.*".into()], &[], &new, &any),
            Some(2)
        );
    }

    #[test]
    fn the_smallest_then_the_cheapest() {
        let none = BTreeMap::new();
        let price = |name: &str, vcpus: u32| -> Option<f64> {
            let rate = if name.starts_with("c7g") { 1.0 } else { 2.0 };
            Some(rate * f64::from(vcpus))
        };
        let types = ["m7g.large".into(), "c7g.large".into(), "c7g.xlarge".into()];
        let any = Fit::default();
        let pick = cheapest_smallest("arm64", &types, &[], &none, &any, price);
        assert_eq!(pick, Some(("c7g.large".to_string(), 2, 2.0)));
        let unpriced = cheapest_smallest("arm64", &types, &[], &none, &any, |_, _| None);
        assert_eq!(unpriced, None);
    }

    #[test]
    fn the_smallest_that_holds_one_environment() {
        let none = BTreeMap::new();
        let price = |_: &str, vcpus: u32| Some(f64::from(vcpus));
        let m7g = ["m7g.*".into()];
        // 4096 MB at 2 GiB per vCPU: m7g.medium (1 vCPU) is too small.
        let two = Fit {
            vcpus: 2.0,
            memory_mib: 4096.0,
        };
        let pick = cheapest_smallest("arm64", &m7g, &[], &none, &two, price);
        assert_eq!(pick.map(|p| p.0).as_deref(), Some("m7g.large"));
        assert_eq!(smallest_vcpus("arm64", &m7g, &[], &none, &two), Some(2));
        // 8192 MB at 8 GiB per vCPU: one vCPU, but c7g.large has only 4 GiB.
        let c7g = ["c7g.*".into()];
        let memory = Fit {
            vcpus: 1.0,
            memory_mib: 8192.0,
        };
        let pick = cheapest_smallest("arm64", &c7g, &[], &none, &memory, price);
        assert_eq!(pick.map(|p| p.0).as_deref(), Some("c7g.xlarge"));
        // Fractional vCPUs round up to whole ones: 1.5 needs m7g.large.
        let half = Fit {
            vcpus: 1.5,
            memory_mib: 3072.0,
        };
        assert_eq!(smallest_vcpus("arm64", &m7g, &[], &none, &half), Some(2));
        let only_medium = ["m7g.medium".into()];
        assert_eq!(
            smallest_vcpus("arm64", &only_medium, &[], &none, &two),
            None
        );
    }
}

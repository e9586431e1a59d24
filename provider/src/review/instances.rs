//! The EC2 instance-type catalogue (`schemas/aws/instance-types.json`, embedded at
//! compile time) as the review needs it offline: the smallest instance, in vCPUs, that a
//! capacity provider's instance requirements allow.

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

/// vCPUs of the smallest current-generation instance type of `architecture` that
/// `allowed` (all when empty) and not `excluded` match; `None` when none does.
pub fn smallest_vcpus(architecture: &str, allowed: &[String], excluded: &[String]) -> Option<u32> {
    catalogue()
        .iter()
        .filter(|(_, t)| t.current_generation && t.architectures.iter().any(|a| a == architecture))
        .filter(|(name, _)| allowed.is_empty() || allowed.iter().any(|p| glob(p, name)))
        .filter(|(name, _)| !excluded.iter().any(|p| glob(p, name)))
        .map(|(_, t)| t.vcpus)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_allowed_instance() {
        assert!(!catalogue().is_empty(), "the catalogue parses");
        let m7g = smallest_vcpus("arm64", &["m7g.*".into()], &[]);
        assert_eq!(m7g, Some(1), "m7g.medium has 1 vCPU");
        let xl = smallest_vcpus("arm64", &["m7g.xlarge".into(), "m7g.2xlarge".into()], &[]);
        assert_eq!(xl, Some(4));
        assert_eq!(smallest_vcpus("x86_64", &["m7g.*".into()], &[]), None);
        assert!(glob("m7?.*", "m7g.large") && !glob("m7g.*", "c7g.large"));
    }
}

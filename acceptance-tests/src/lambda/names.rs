//! ARNs and the name forms Lambda accepts (name, partial ARN, full ARN,
//! optionally qualified).

use crate::ec2::ACCOUNT_ID;

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
pub fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}")
}

/// `arn:aws:lambda:REGION:ACCOUNT:capacity-provider:NAME`.
pub fn capacity_provider_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:capacity-provider:{name}")
}

/// Appends `:QUALIFIER` to an ARN.
pub fn qualified(arn: &str, qualifier: &str) -> String {
    format!("{arn}:{qualifier}")
}

/// Splits a `FunctionName` (`my-fn`, `my-fn:1`, `123456789012:function:my-fn`,
/// `arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST`...) into
/// name and qualifier.
pub fn parse_function_name(raw: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = raw.split(':').collect();
    if let Some(i) = parts.iter().position(|p| *p == "function") {
        let name = parts.get(i + 1).copied().unwrap_or("").to_string();
        let qualifier = parts.get(i + 2).map(|q| q.to_string());
        return (name, qualifier);
    }
    match parts.as_slice() {
        [name] => (name.to_string(), None),
        [account, name] if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) => {
            (name.to_string(), None)
        }
        [name, qualifier] => (name.to_string(), Some(qualifier.to_string())),
        _ => (raw.to_string(), None),
    }
}

/// The name in a `CapacityProviderName` (a name or an ARN).
pub fn parse_capacity_provider_name(raw: &str) -> String {
    match raw.rsplit_once(":capacity-provider:") {
        Some((_, name)) => name.to_string(),
        None => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_name_forms() {
        assert_eq!(parse_function_name("f"), ("f".into(), None));
        assert_eq!(parse_function_name("f:3"), ("f".into(), Some("3".into())));
        assert_eq!(
            parse_function_name("123456789012:function:f"),
            ("f".into(), None)
        );
        assert_eq!(
            parse_function_name("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"),
            ("f".into(), Some("$LATEST".into()))
        );
    }
}

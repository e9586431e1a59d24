//! Publishes whose outcome never reached Terraform.
//!
//! When Terraform or the provider is killed while a version's create waits (for the
//! publish's answer, the version to be Active, or its scaling), AWS keeps the version and
//! no state records it. If the next apply publishes the same code, AWS returns that same
//! version and nothing is lost; if the code or configuration changed meanwhile, AWS
//! publishes a new version and the interrupted one is left out of every state: on a
//! capacity provider it counts against the 100 versions AWS allows and keeps execution
//! environments running. A version cannot be told apart from the others of its function
//! (it has no name, and other resources or other tools publish too), so the provider
//! neither adopts nor deletes it: the create journals its publish as every create does
//! ([`super::super::common::interrupted`]), and the next create of a version of that
//! function from this working directory warns, naming the versions published since the
//! interrupted one started, and how to delete or import them.

use aws_sdk_lambda::primitives::{DateTime, DateTimeFormat};
use tfplug::diag::Diagnostic;

use crate::resources::common::interrupted::ObjectKind;

/// How journal entries and messages name a version's publish: by its function.
pub const KIND: ObjectKind = ObjectKind {
    resource_type: super::TYPE_NAME,
    noun: "version",
    name_attribute: super::schema::names::FUNCTION_NAME,
};

/// A published version as ListVersionsByFunction lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The version number.
    pub version: String,
    /// `LastModified`, in seconds since the Unix epoch, when AWS gave a readable one.
    pub modified_unix: Option<i64>,
}

/// Seconds since the Unix epoch of a Lambda `LastModified` (`2026-12-03T15:01:55.641+0000`).
pub fn last_modified_unix(text: &str) -> Option<i64> {
    let rfc3339 = match text.strip_suffix("+0000") {
        Some(utc) => format!("{utc}Z"),
        None => text.to_string(),
    };
    DateTime::from_str(&rfc3339, DateTimeFormat::DateTime)
        .ok()
        .map(|t| t.secs())
}

/// The versions published at or after `since_unix` (when the interrupted publish
/// started), other than `published` (the one this create made or was given back).
pub fn published_since(listed: &[Listed], since_unix: u64, published: &str) -> Vec<String> {
    let since = i64::try_from(since_unix).unwrap_or(i64::MAX);
    listed
        .iter()
        .filter(|v| v.version != published && v.modified_unix.is_some_and(|m| m >= since))
        .map(|v| v.version.clone())
        .collect()
}

/// The warning about `versions` of `function`, published since an interrupted publish.
pub fn warning(function: &str, versions: &[String], published: &str) -> Diagnostic {
    let first = versions.first().map(String::as_str).unwrap_or("N");
    Diagnostic::warning(
        format!("Versions of {function:?} that an interrupted apply may have left"),
        format!(
            "This working directory's journal shows that an earlier apply was publishing a \
             version of {function:?} and never finished (Terraform or the provider was \
             stopped). This apply published version {published}, so whatever that apply \
             published is not in this state. Versions published since it started: {}. Those \
             that no other resource or tool manages are left over: delete them (aws lambda \
             delete-function --function-name {function} --qualifier {first}), or import one \
             to manage it (terraform import ADDRESS {function}:{first}).",
            versions.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_timestamps_read_as_utc() {
        assert_eq!(
            last_modified_unix("2026-12-03T15:01:55.641+0000"),
            Some(1_796_310_115)
        );
        assert_eq!(last_modified_unix("yesterday"), None);
    }

    #[test]
    fn only_versions_since_the_interrupted_publish_other_than_this_one() {
        let listed = [
            Listed {
                version: "1".into(),
                modified_unix: Some(100),
            },
            Listed {
                version: "2".into(),
                modified_unix: Some(200),
            },
            Listed {
                version: "3".into(),
                modified_unix: Some(300),
            },
            Listed {
                version: "4".into(),
                modified_unix: None,
            },
        ];
        assert_eq!(published_since(&listed, 200, "3"), vec!["2".to_string()]);
        assert!(published_since(&listed, 301, "3").is_empty());
        let w = warning("orders", &["2".to_string()], "3");
        assert!(
            w.detail.contains("--qualifier 2") && w.detail.contains("orders:2"),
            "{}",
            w.detail
        );
    }
}

//! Settings a function can have in AWS that `lambda_durable_function` does not manage.
//! (Accelerators, `AcceleratorConfig`, are in AWS's newest model but not yet in the SDK
//! the provider reads functions with, so they cannot be seen here.)
//!
//! Why it matters: an update leaves them as AWS has them (UpdateFunctionConfiguration
//! only changes what it is sent), but a replacement creates the function anew without
//! them, and nothing in the plan shows that. So an import names them, once, when the
//! function is taken into the state.

use aws_sdk_lambda::types::{FunctionConfiguration, SnapStartApplyOn};
use tfplug::diag::Diagnostic;

/// The settings of `config` this resource does not manage, as a user would name them.
pub fn unmanaged_settings(config: &FunctionConfiguration) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(apply_on) = config.snap_start().and_then(|s| s.apply_on())
        && *apply_on != SnapStartApplyOn::None
    {
        found.push(format!("SnapStart (ApplyOn {})", apply_on.as_str()));
    }
    if let Some(profile) = config.signing_profile_version_arn() {
        found.push(format!(
            "code signing (signed with profile version {profile}; its code signing \
             configuration is a separate object)"
        ));
    }
    found
}

/// The warning of an import that took a function with `settings` it does not manage.
pub fn warning(label: &str, settings: &[String]) -> Diagnostic {
    Diagnostic::warning(
        format!("{label} has settings this resource does not manage"),
        format!(
            "The imported function has {}. Updates leave them as AWS has them, but a \
             replacement (a change the plan marks \"forces replacement\") creates the \
             function without them. Keep them by avoiding such changes, or manage this \
             function with the AWS provider's aws_lambda_function instead.",
            settings.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use aws_sdk_lambda::types::SnapStartResponse;

    use super::*;

    #[test]
    fn snap_start_and_code_signing_are_named() {
        let plain = FunctionConfiguration::builder().function_name("f").build();
        assert!(unmanaged_settings(&plain).is_empty());
        let off = FunctionConfiguration::builder()
            .snap_start(
                SnapStartResponse::builder()
                    .apply_on(SnapStartApplyOn::None)
                    .build(),
            )
            .build();
        assert!(unmanaged_settings(&off).is_empty());

        let all = FunctionConfiguration::builder()
            .snap_start(
                SnapStartResponse::builder()
                    .apply_on(SnapStartApplyOn::PublishedVersions)
                    .build(),
            )
            .signing_profile_version_arn(
                "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/v",
            )
            .build();
        let named = unmanaged_settings(&all);
        assert_eq!(named.len(), 2, "{named:?}");
        assert!(named[0].contains("PublishedVersions"), "{named:?}");
        let w = warning("lambda_durable_function \"f\"", &named);
        assert!(w.detail.contains("replacement"), "{}", w.detail);
    }
}

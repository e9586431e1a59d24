//! What a create says when it fails after AWS made the object: the object is kept in the
//! state, and Terraform marks it tainted, so the next apply replaces it. That is right when
//! AWS put the object in a failed state, but a create that only ran out of time leaves an
//! object that may become ready moments later; replacing it then costs a whole new create
//! (minutes for a capacity provider), so the message names the cheaper way out.

use crate::aws::Error;

/// The paragraph that ends the error of a create of a `noun` (`function`, `capacity
/// provider`, `version`) that failed after AWS made the object; `timed_out` when the
/// create's timeout passed (see [`timed_out`]).
pub fn kept_as_tainted(noun: &str, timed_out: bool) -> String {
    let mut text = format!(
        "\n\nThe {noun} exists in AWS and is kept in the Terraform state as tainted: the next \
         apply replaces it."
    );
    if timed_out {
        text.push_str(&format!(
            " It may only have needed more time: if AWS shows it ready later, `terraform \
             untaint ADDRESS` keeps it instead (ADDRESS is the resource on the \"with\" line \
             of this message), and a longer `create` in the resource's `timeouts` block lets \
             the next create of a {noun} wait longer."
        ));
    }
    text
}

/// Whether `error` is the create's timeout passing (not AWS refusing or failing).
pub fn timed_out(error: &Error) -> bool {
    matches!(error, Error::Timeout { .. })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_create_that_ran_out_of_time_names_untaint_and_the_timeout() {
        let timed_out = Error::Timeout {
            operation: "waiting for function \"orders\" to become Active".into(),
            timeout: Duration::from_secs(600),
            last: None,
        };
        let text = kept_as_tainted("function", super::timed_out(&timed_out));
        assert!(
            text.contains("kept in the Terraform state as tainted"),
            "{text}"
        );
        assert!(text.contains("terraform untaint ADDRESS"), "{text}");
        assert!(text.contains("`timeouts` block"), "{text}");
    }

    #[test]
    fn a_failed_object_is_replaced_without_more_advice() {
        let failed = Error::FailedState {
            what: "function \"orders\" to become Active".into(),
            state: "Failed".into(),
            reason: None,
        };
        let text = kept_as_tainted("function", timed_out(&failed));
        assert!(text.contains("the next apply replaces it."), "{text}");
        assert!(!text.contains("untaint"), "{text}");
    }
}

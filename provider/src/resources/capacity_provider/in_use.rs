//! The function versions that keep a capacity provider from being deleted: AWS refuses
//! to delete one while any version uses it. The delete's error names them, and so does
//! a plan that replaces the capacity provider, since a replacement deletes it after
//! Terraform has destroyed what refers to it, and a version Terraform does not destroy
//! then stops the apply half-way.

use tfplug::diag::Diagnostic;

use crate::resources::common::functions::VersionOnCapacityProvider as VersionInUse;

/// One line per version: `  - ARN (STATE)`.
fn listing(versions: &[VersionInUse]) -> String {
    let line = |(arn, state): &VersionInUse| format!("  - {arn} ({state})");
    versions.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// The detail of a delete AWS refused (`aws_said`) because `versions` use it.
pub fn refused_detail(versions: &[VersionInUse], aws_said: &str) -> String {
    format!(
        "AWS refused to delete the capacity provider because these function versions still \
         use it:\n{}\n\nDelete those versions (or their functions) first. AWS said: {aws_said}",
        listing(versions)
    )
}

/// The warning of a plan that replaces capacity provider `label` while `versions` use it.
pub fn replacement_warning(label: &str, versions: &[VersionInUse]) -> Option<Diagnostic> {
    let detail = format!(
        "A replacement deletes it, and AWS refuses to delete a capacity provider that function \
         versions use. These use it now:\n{}\n\nTerraform first destroys the durable functions \
         and versions that refer to its arn attribute. Any other version (of a function outside \
         this configuration, or of one that writes the ARN out) makes the delete fail after \
         those are destroyed, and the apply stops there. Move such functions first.",
        listing(versions)
    );
    let summary = format!("{label} is replaced while function versions use it");
    (!versions.is_empty()).then(|| Diagnostic::warning(summary, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_names_the_versions_in_use() {
        assert!(replacement_warning("cp", &[]).is_none());
        let versions = vec![(
            "arn:aws:lambda:us-east-1:123456789012:function:extfn:1".to_string(),
            "Active".to_string(),
        )];
        let Some(w) = replacement_warning("lambda_capacity_provider \"cp1\"", &versions) else {
            panic!("no warning");
        };
        assert!(!w.is_error());
        assert!(
            w.detail
                .contains("  - arn:aws:lambda:us-east-1:123456789012:function:extfn:1 (Active)")
        );
        assert!(refused_detail(&versions, "in use").ends_with("AWS said: in use"));
    }
}

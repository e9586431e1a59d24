//! Objects that interrupted creates may have left, reported when the provider is
//! configured.
//!
//! An interrupted create's object is taken over by the next apply of the same
//! configuration ([`super::interrupted`]). Every other command would say nothing of it:
//! `terraform destroy` has nothing in its state to destroy, and an apply whose
//! configuration renamed or removed the resource never creates it again. So when the
//! provider is configured it reads this working directory's journal, and for each entry
//! that an earlier provider process left (less than [`ADOPTION_WINDOW`] old) whose
//! object AWS still holds, warns, with what to do. An entry whose object is gone is
//! removed. With no entries (the usual case) this costs nothing.

use std::sync::Arc;
use std::time::SystemTime;

use tfplug::diag::Diagnostic;

use super::journal::{Entry, Journal};
use super::{functions, interrupted::ADOPTION_WINDOW};
use crate::aws::{AwsClients, Budget, Error};
use crate::resources::{capacity_provider, function_version};

/// The journal entries that earlier provider processes left within the adoption window,
/// for objects of the account the provider works in.
pub fn interrupted(entries: Vec<Entry>, account: Option<&str>, now: SystemTime) -> Vec<Entry> {
    entries
        .into_iter()
        .filter(|e| {
            !e.is_of_this_run()
                && e.age(now) < ADOPTION_WINDOW
                && (e.account_id.is_none()
                    || account.is_none()
                    || e.account_id.as_deref() == account)
        })
        .collect()
}

/// One line of the warning: the object an entry names.
pub fn describe(e: &Entry) -> String {
    match e.resource_type.as_str() {
        function_version::TYPE_NAME => format!(
            "lambda_function_version: a version of function {:?} ({}); `aws lambda \
             list-versions-by-function --function-name {}` lists them, and `terraform import \
             ADDRESS {}:NUMBER` imports one",
            e.name, e.region, e.name, e.name
        ),
        other => format!("{other} {:?} ({})", e.name, e.region),
    }
}

/// The warning naming `lines`, the objects AWS holds.
pub fn warning(lines: &[String], journal: &Journal) -> Diagnostic {
    Diagnostic::warning(
        "Objects an interrupted apply may have left",
        format!(
            "An earlier apply from this working directory was stopped while it created these, \
             and AWS holds them, but no Terraform state may record them:\n- {}\n\nIf the \
             configuration still has them, the next terraform apply takes them over. \
             Otherwise import each (terraform import ADDRESS NAME) or delete it. (The journal \
             of creates in progress is {}.)",
            lines.join("\n- "),
            journal.dir().display()
        ),
    )
}

/// Whether AWS still holds the object `e` names (a version's function, for a version).
async fn exists(clients: &Arc<AwsClients>, budget: &Budget, e: &Entry) -> Result<bool, Error> {
    let clients = clients.for_region(Some(&e.region));
    match e.resource_type.as_str() {
        capacity_provider::TYPE_NAME => Ok(capacity_provider::api::get(&clients, budget, &e.name)
            .await?
            .is_some()),
        _ => Ok(functions::get(&clients, budget, &e.name).await?.is_some()),
    }
}

/// Reads the journal and returns the warning about what interrupted creates left, if
/// AWS holds any of it; removes the entries whose objects are gone.
pub async fn check(clients: &Arc<AwsClients>, budget: &Budget) -> Option<Diagnostic> {
    let journal = Journal::of_working_directory();
    let entries = interrupted(
        journal.entries(),
        clients.account_id.as_deref(),
        SystemTime::now(),
    );
    let mut held = Vec::new();
    for e in entries {
        match exists(clients, budget, &e).await {
            Ok(true) => held.push(describe(&e)),
            Ok(false) => {
                if let Err(err) = journal.remove(&e.key()) {
                    tracing::debug!(%err, "cannot remove a journal entry whose object is gone");
                }
            }
            Err(err) => {
                tracing::debug!(%err, name = %e.name, "cannot tell whether an interrupted create's object exists")
            }
        }
    }
    (!held.is_empty()).then(|| warning(&held, &journal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::durable_function;

    fn entry(pid: u32, account: Option<&str>, started_unix: u64) -> Entry {
        Entry {
            resource_type: durable_function::TYPE_NAME.into(),
            account_id: account.map(str::to_string),
            region: "us-east-1".into(),
            name: "orders".into(),
            workspace: "default".into(),
            started_unix,
            pid,
            salt: String::new(),
            fingerprint: String::new(),
            run: None,
        }
    }

    #[test]
    fn only_other_processes_recent_entries_of_this_account() {
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(100_000);
        let ours = std::process::id();
        let other = ours.wrapping_add(1);
        let kept = interrupted(
            vec![
                entry(other, Some("111111111111"), 99_000),
                entry(ours, Some("111111111111"), 99_000),
                entry(other, Some("222222222222"), 99_000),
                entry(other, Some("111111111111"), 1),
            ],
            Some("111111111111"),
            now,
        );
        assert_eq!(kept, vec![entry(other, Some("111111111111"), 99_000)]);
        let line = describe(&kept[0]);
        assert!(
            line.contains("lambda_durable_function \"orders\""),
            "{line}"
        );
    }
}

//! Creates that meet an object of the same name: the left-overs of interrupted applies.
//!
//! When Terraform or the provider is killed while a create waits for AWS, AWS keeps the
//! object and Terraform's state never hears of it. The next apply plans the create again,
//! and AWS answers "already exists". Two answers are safe, and the provider gives one of
//! them, never a silent take-over:
//!
//! - **Adopt, with a warning**, when this working directory's [`journal`](super::journal)
//!   proves the object is that interrupted create's: an entry for the same resource type,
//!   account, region, name and workspace, written by a create given exactly the values
//!   this one is given (a salted fingerprint of the planned values), less than
//!   [`ADOPTION_WINDOW`] ago, and not removed, so the create never told Terraform its
//!   outcome. Then the object is what this configuration asked for, and the create goes on
//!   as if its own call had made it (waiting until it is ready, then reading it).
//! - **Fail with the exact import command** otherwise: `terraform import ADDRESS ID` and
//!   the equivalent `import` block, with ID the object's name (its ARN when the resource
//!   manages another region than the provider's). Terraform does not tell a provider the
//!   resource's address, so the message says where to read it: the diagnostic's "with …"
//!   line. Importing lets the next plan show any differences before anything changes.
//!
//! A create removes its journal entry when it ends knowing its outcome reaches Terraform:
//! success, or a failure that made nothing. When its outcome is uncertain (it was stopped
//! or timed out while AWS may have acted, or it failed after AWS accepted the object) the
//! entry stays: a Terraform that was killed never learns of the object. If Terraform did
//! record it (as tainted), the entry is harmless: the replacement's create succeeds and
//! removes it. A create that succeeds after Terraform is gone (a provider whose Terraform
//! was killed lets calls in flight finish before it exits) keeps its entry too: no one
//! is left to record the object.
//!
//! A version (`lambda_function_version`) cannot meet "already exists": publishing again
//! returns the version an interrupted apply published when nothing changed since. When
//! something did change, the interrupted publish's version is left out of every state;
//! the version's create journals its publish the same way, and warns about the versions
//! published since an interrupted one (`function_version::interrupted_publish`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use tfplug::diag::Diagnostic;
use tfplug::resource::CreateRequest;
use tfplug::value::AttributePath;

use super::create_call::{Created, outcome_unknown};
use super::journal::{Entry, Journal, Key};
use crate::aws::{AwsError, Error};

/// How old an interrupted create may be for its object to be adopted: long enough for a
/// CI job's retry or a user's second try, short enough that a forgotten entry does not
/// take over an object someone made much later.
pub const ADOPTION_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The kind of object a resource creates, as messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectKind {
    /// Terraform resource type, e.g. `lambda_durable_function`.
    pub resource_type: &'static str,
    /// What AWS calls it, e.g. `function`.
    pub noun: &'static str,
    /// The attribute holding its name, e.g. `function_name`.
    pub name_attribute: &'static str,
}

/// The object AWS says already exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    /// Its name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Its ARN, when it could be read.
    pub arn: Option<String>,
    /// The ID `terraform import` takes for it.
    pub import_id: String,
}

/// A create of one object, from before its AWS call until its outcome is known.
#[derive(Debug)]
pub struct CreateInProgress {
    journal: Journal,
    key: Key,
    planned: Vec<u8>,
    left_over: Option<Entry>,
    /// This create's own entry, when the journal took it.
    own: Option<Entry>,
    /// The process that started the provider (Terraform) when the create began.
    parent: Option<u32>,
}

/// The process that started the provider (Terraform), where the platform says.
fn parent_process() -> Option<u32> {
    #[cfg(unix)]
    return Some(std::os::unix::process::parent_id());
    #[cfg(not(unix))]
    return None;
}

/// The bytes that identify what a create was given: its planned values (msgpack), which
/// hold the configuration and the provider's defaults.
pub fn planned_bytes(req: &CreateRequest) -> Vec<u8> {
    tfplug::value::msgpack::encode(&req.planned, req.ty.get())
        .unwrap_or_else(|_| format!("{:?}", req.planned).into_bytes())
}

impl CreateInProgress {
    /// Reads what an interrupted create of `key` left, then records this one.
    pub fn begin(journal: Journal, key: Key, planned: Vec<u8>) -> Self {
        let left_over = journal.read(&key);
        let own = match journal.record(&key, &planned) {
            Ok(entry) => Some(entry),
            Err(err) => {
                tracing::warn!(
                    dir = %journal.dir().display(),
                    %err,
                    "cannot journal the create in progress: an interrupted create of it \
                     will not be adopted"
                );
                None
            }
        };
        Self {
            journal,
            key,
            planned,
            left_over,
            own,
            parent: parent_process(),
        }
    }

    /// When an interrupted create of the same key started (seconds since the Unix epoch),
    /// if this directory's journal holds one from less than [`ADOPTION_WINDOW`] ago, made
    /// by another provider process (this process's own entries are creates still running
    /// beside this one): whatever that create made may be unknown to Terraform.
    pub fn interrupted_since(&self) -> Option<u64> {
        let now = SystemTime::now();
        self.left_over
            .as_ref()
            .filter(|e| e.age(now) < ADOPTION_WINDOW && !e.is_of_this_run())
            .map(|e| e.started_unix)
    }

    /// The create ended and Terraform learns its outcome: the entry goes. Unless the
    /// process that started the provider is gone (Terraform was killed while the create
    /// ran, and the provider finishes on its own): then no one records the outcome, and
    /// the entry stays for the next apply.
    pub fn finished(self) {
        if self.own.is_none() {
            return;
        }
        if parent_process() != self.parent {
            tracing::warn!(
                name = %self.key.name,
                "Terraform is gone: the journal entry of the create stays for the next apply"
            );
            return;
        }
        if let Err(err) = self.journal.remove(&self.key) {
            tracing::warn!(%err, "cannot remove the journal entry of a finished create");
        }
    }

    /// The create's outcome is uncertain: the entry stays, for the next create of the
    /// object (see the module documentation).
    pub fn outcome_unknown(self) {
        tracing::debug!(
            name = %self.key.name,
            "the create's outcome may not reach Terraform: its journal entry stays"
        );
    }

    /// How long ago another create of the same object in this Terraform run began, if
    /// one did: the one whose entry this create found when it began, one that began after
    /// it (and so replaced its entry), in this provider process or another of the same
    /// command (another provider configuration), or one of this process that already
    /// made the object (its entry is gone then). Any of them runs beside this one.
    fn sibling_age(&self) -> Option<Duration> {
        let now = SystemTime::now();
        self.left_over
            .clone()
            .filter(Entry::is_of_this_run)
            .or_else(|| {
                self.journal
                    .read(&self.key)
                    .filter(|e| e.is_of_this_run() && Some(e) != self.own.as_ref())
            })
            .map(|e| e.age(now))
            .or_else(|| made_here(&self.key))
    }

    /// What to do when AWS says the object already exists: `Ok(warning)` to adopt it, or
    /// `Err(error)` with the import command. `refusal` is AWS's answer.
    pub fn on_already_exists(
        &self,
        kind: ObjectKind,
        existing: &Existing,
        refusal: &AwsError,
    ) -> Result<Diagnostic, Diagnostic> {
        let label = super::label(kind.resource_type, &existing.name);
        let now = SystemTime::now();
        let verdict = match (&self.left_over, self.sibling_age()) {
            (_, Some(age)) => Verdict::SameApply(age),
            (None, None) => Verdict::NoEntry,
            (Some(e), None) if !e.was_given(&self.planned) => Verdict::OtherValues(e.age(now)),
            (Some(e), None) if e.age(now) >= ADOPTION_WINDOW => Verdict::TooOld(e.age(now)),
            (Some(e), None) => Verdict::Adopt(e.age(now)),
        };
        if let Verdict::Adopt(age) = verdict {
            return Ok(Diagnostic::warning(
                format!(
                    "{label}: adopted the {} an interrupted apply created",
                    kind.noun
                ),
                format!(
                    "AWS already had {} named {:?}{}. This working directory's journal of \
                     creates in progress ({}) shows that an apply started creating exactly \
                     this {} {} ago and never finished (Terraform or the provider was \
                     stopped while it ran), so the provider took it over instead of failing: \
                     it is now in the Terraform state.",
                    article(kind.noun),
                    existing.name,
                    arn_suffix(existing),
                    self.journal.dir().display(),
                    kind.noun,
                    format_age(age),
                ),
            ));
        }
        let error = match verdict {
            Verdict::SameApply(age) => created_twice(kind, existing, refusal, age),
            _ => already_exists(kind, existing, refusal, &verdict.explanation(kind)),
        };
        Err(error.at(AttributePath::attr(kind.name_attribute)))
    }
}

/// The error for a create that meets the object another create of the same Terraform
/// run started making: two resources, or two instances of one, share a name. Adopting would leave both holding one object, and the first destroy of either
/// would delete it from under the other.
fn created_twice(
    kind: ObjectKind,
    existing: &Existing,
    refusal: &AwsError,
    age: Duration,
) -> Diagnostic {
    let noun = kind.noun;
    let name_attribute = kind.name_attribute;
    Diagnostic::error(
        format!(
            "{} is created twice in this apply",
            super::label(kind.resource_type, &existing.name)
        ),
        format!(
            "Another create of this apply started making {} named {:?} in {} {} ago: two \
             resources of the configuration, or two instances of one resource (count or \
             for_each), give the same {name_attribute}, and AWS keeps one {noun} per name in \
             an account and region. Give each its own {name_attribute}, for example with \
             count.index or each.key in it.\n\nAWS said: {refusal}",
            article(noun),
            existing.name,
            existing.region,
            format_age(age),
        ),
    )
}

/// What the journal says about an existing object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// No create of it from this working directory is pending.
    NoEntry,
    /// Another create of the same Terraform run began this long ago.
    SameApply(Duration),
    /// A create of it with other values was interrupted this long ago.
    OtherValues(Duration),
    /// A create of it with these values was interrupted too long ago.
    TooOld(Duration),
    /// A create of it with these values was interrupted this long ago: adopt it.
    Adopt(Duration),
}

impl Verdict {
    fn explanation(self, kind: ObjectKind) -> String {
        match self {
            Self::NoEntry | Self::Adopt(_) | Self::SameApply(_) => format!(
                "Nothing in this working directory shows that it started creating this {}: \
                 it may be left over from an apply that was interrupted (Terraform or the \
                 provider killed) while creating it, or belong to another configuration.",
                kind.noun
            ),
            Self::OtherValues(age) => format!(
                "An apply in this working directory started creating it {} ago and was \
                 interrupted, but with other values than this plan has, so it is not taken \
                 over without asking.",
                format_age(age)
            ),
            Self::TooOld(age) => format!(
                "An apply in this working directory started creating it {} ago and was \
                 interrupted; that is too long ago (more than {}) to take it over without \
                 asking.",
                format_age(age),
                format_age(ADOPTION_WINDOW)
            ),
        }
    }
}

/// The error for a create that meets `existing`: what exists, why, and the import command
/// and block that adopt it.
pub fn already_exists(
    kind: ObjectKind,
    existing: &Existing,
    refusal: &AwsError,
    why: &str,
) -> Diagnostic {
    let label = super::label(kind.resource_type, &existing.name);
    let id = &existing.import_id;
    let name_attribute = kind.name_attribute;
    Diagnostic::error(
        format!("{label} already exists"),
        format!(
            "AWS already has {} named {:?} in {}{}, and the Terraform state does not hold \
             it. {why}\n\n\
             To manage it with this resource, import it. ADDRESS is the resource this error \
             is reported for: the \"with\" line of this message (e.g. with \
             {}.example) names it.\n\n\
             \x20 terraform import ADDRESS {}\n\n\
             or add this block to the configuration and apply again:\n\n\
             \x20 import {{\n\
             \x20   to = ADDRESS\n\
             \x20   id = \"{}\"\n\
             \x20 }}\n\n\
             If it is not yours, give this resource another {name_attribute} instead.\n\n\
             If this apply replaces this resource with create_before_destroy (set on it, \
             or implied because a resource that depends on it sets it, such as a \
             lambda_function_version), the object being replaced still holds the name: \
             importing does not help then. Change the {name_attribute} in the same apply, or remove \
             create_before_destroy from this resource and the resources that depend on it.\n\n\
             AWS said: {refusal}",
            article(kind.noun),
            existing.name,
            existing.region,
            arn_suffix(existing),
            kind.resource_type,
            shell_word(id),
            id.replace('\\', "\\\\").replace('"', "\\\""),
        ),
    )
}

/// `a function`, `a capacity provider`.
fn article(noun: &str) -> String {
    format!("a {noun}")
}

fn arn_suffix(existing: &Existing) -> String {
    existing
        .arn
        .as_deref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default()
}

/// `id` as one shell word (quoted when it holds anything but safe characters; names and
/// ARNs never do).
fn shell_word(id: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_:./".contains(c);
    if id.chars().all(safe) {
        id.to_string()
    } else {
        format!("'{}'", id.replace('\'', r"'\''"))
    }
}

/// `3 minutes`, `2 hours`, `1 second`.
fn format_age(d: Duration) -> String {
    let s = d.as_secs();
    let (n, unit) = if s >= 2 * 3600 {
        (s / 3600, "hour")
    } else if s >= 120 {
        (s / 60, "minute")
    } else {
        (s, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// Where a create puts its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// The object's name.
    pub name: &'a str,
    /// The region it is created in.
    pub region: &'a str,
    /// The provider's own region (imports by name go there).
    pub provider_region: &'a str,
    /// The account, when known.
    pub account_id: Option<&'a str>,
}

/// A create call that went through: what AWS answered, the warning when an interrupted
/// create's object was adopted instead, and the journal entry to settle once the outcome
/// is known.
#[derive(Debug)]
pub struct Guarded<T> {
    /// AWS's answer to the create call; `None` when the object was made by an earlier
    /// attempt or an interrupted create.
    pub answer: Option<T>,
    /// Set when the object of an interrupted create was adopted.
    pub adopted: Option<Diagnostic>,
    /// The journal entry: [`CreateInProgress::finished`] once the create answers
    /// Terraform with the object (dropping it keeps the entry).
    pub progress: CreateInProgress,
}

/// Runs the create call `create` of the object `target` of `kind`, journaled (see the
/// module documentation): meeting "already exists", adopts an interrupted create's object
/// with a warning, or fails with the import command (`lookup_arn` finds the existing
/// object's ARN for the message). `label` names the object in other errors.
pub async fn create_guarded<T, C, L, LF>(
    kind: ObjectKind,
    target: Target<'_>,
    planned: Vec<u8>,
    label: &str,
    create: C,
    lookup_arn: L,
) -> Result<Guarded<T>, Diagnostic>
where
    C: Future<Output = Result<Created<T>, Error>>,
    L: FnOnce() -> LF,
    LF: Future<Output = Option<String>>,
{
    let progress = CreateInProgress::begin(
        Journal::of_working_directory(),
        key(kind, target.account_id, target.region, target.name),
        planned,
    );
    let refusal = match create.await {
        Ok(created) => {
            remember_made(&progress.key);
            return Ok(Guarded {
                answer: created.into_new(),
                adopted: None,
                progress,
            });
        }
        Err(Error::Aws(e)) if super::create_call::is_already_exists(&e) => e,
        Err(e) => {
            let mut d = e.to_diagnostic(label, "creating");
            if outcome_unknown(&e) {
                d.detail.push_str(&lost_answer_hint(kind));
                progress.outcome_unknown();
            } else {
                progress.finished();
            }
            return Err(d);
        }
    };
    let arn = lookup_arn().await;
    let import_id = match &arn {
        Some(arn) if target.region != target.provider_region => arn.clone(),
        _ => target.name.to_string(),
    };
    let existing = Existing {
        name: target.name.to_string(),
        region: target.region.to_string(),
        arn,
        import_id,
    };
    match progress.on_already_exists(kind, &existing, &refusal) {
        Ok(warning) => {
            tracing::warn!(
                name = target.name,
                "adopting the object of an interrupted create"
            );
            Ok(Guarded {
                answer: None,
                adopted: Some(warning),
                progress,
            })
        }
        Err(error) => {
            progress.finished();
            Err(error)
        }
    }
}

/// The objects this provider process created, by journal key, with when: a second
/// create of one in the same apply (one create after the other, `-parallelism=1`) meets
/// "already exists" when the first one's entry is already gone.
fn made_by_this_process() -> &'static Mutex<HashMap<Key, Instant>> {
    static MADE: OnceLock<Mutex<HashMap<Key, Instant>>> = OnceLock::new();
    MADE.get_or_init(Mutex::default)
}

/// Records that this process created `key`'s object.
fn remember_made(key: &Key) {
    if let Ok(mut made) = made_by_this_process().lock() {
        made.insert(key.clone(), Instant::now());
    }
}

/// How long ago this process created `key`'s object, if it did.
fn made_here(key: &Key) -> Option<Duration> {
    let made = made_by_this_process().lock().ok()?;
    made.get(key).map(Instant::elapsed)
}

/// What a create whose answer was lost may have left: AWS may have made the object, and
/// the journal entry that stays lets the next apply from this directory take it over.
fn lost_answer_hint(kind: ObjectKind) -> String {
    let noun = kind.noun;
    format!(
        "\n\nAWS may have created the {noun} although this create never got its answer (the \
         call was interrupted, timed out or lost its connection). If it did, the next apply \
         from this working directory takes it over (its journal of creates in progress keeps \
         this one); an apply from elsewhere fails saying it already exists, with the command \
         that imports it."
    )
}

/// The journal entry key of an object of `kind` named `name`.
pub fn key(kind: ObjectKind, account_id: Option<&str>, region: &str, name: &str) -> Key {
    Key {
        resource_type: kind.resource_type.to_string(),
        account_id: account_id.map(str::to_string),
        region: region.to_string(),
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorClass;

    const KIND: ObjectKind = ObjectKind {
        resource_type: "lambda_durable_function",
        noun: "function",
        name_attribute: "function_name",
    };

    fn existing() -> Existing {
        Existing {
            name: "orders".into(),
            region: "us-east-1".into(),
            arn: Some("arn:aws:lambda:us-east-1:123456789012:function:orders".into()),
            import_id: "orders".into(),
        }
    }

    fn refusal() -> AwsError {
        AwsError::new(
            "CreateFunction",
            Some("ResourceConflictException"),
            "Function already exist: orders",
            ErrorClass::Permanent,
        )
    }

    /// A journal in a data directory that is removed when the returned guard drops.
    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::Builder::new()
            .prefix("lambda-interrupted-")
            .tempdir()
            .unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let journal = Journal::at(dir.path(), "default");
        (dir, journal)
    }

    fn begin(journal: &Journal, planned: &[u8]) -> CreateInProgress {
        CreateInProgress::begin(
            journal.clone(),
            key(KIND, Some("123456789012"), "us-east-1", "orders"),
            planned.to_vec(),
        )
    }

    #[test]
    fn without_a_journal_entry_the_error_gives_the_import_command_and_block() {
        let (_dir, j) = journal();
        let create = begin(&j, b"plan");
        let err = create
            .on_already_exists(KIND, &existing(), &refusal())
            .expect_err("not adopted");
        assert!(err.is_error());
        assert_eq!(
            err.summary,
            "lambda_durable_function \"orders\" already exists"
        );
        for needed in [
            "terraform import ADDRESS orders\n",
            "import {\n    to = ADDRESS\n    id = \"orders\"\n  }",
            "the \"with\" line",
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
            "Function already exist: orders",
            "another function_name",
        ] {
            assert!(
                err.detail.contains(needed),
                "{needed:?} in:\n{}",
                err.detail
            );
        }
        create.finished();
        assert!(!j.dir().exists());
    }

    /// Makes the journal's entry for `orders` look written by another Terraform run, as
    /// an interrupted apply's entry is.
    fn as_if_from_another_process(j: &Journal) {
        let path = j.path_of(&key(KIND, Some("123456789012"), "us-east-1", "orders"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("entry: {e}"));
        let mut entry: Entry = serde_json::from_str(&text).unwrap_or_else(|e| panic!("entry: {e}"));
        entry.run = Some("another run".into());
        let text = serde_json::to_string(&entry).unwrap_or_else(|e| panic!("entry: {e}"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("entry: {e}"));
    }

    #[test]
    fn an_interrupted_create_with_the_same_values_is_adopted() {
        let (_dir, j) = journal();
        begin(&j, b"plan").outcome_unknown();
        as_if_from_another_process(&j);
        let again = begin(&j, b"plan");
        let warning = again
            .on_already_exists(KIND, &existing(), &refusal())
            .expect("adopted");
        assert!(!warning.is_error());
        assert!(warning.summary.contains("adopted"), "{}", warning.summary);
        assert!(
            warning.detail.contains("interrupted") || warning.detail.contains("never finished")
        );
        again.finished();
        assert!(!j.dir().exists(), "the adopted create's entry is gone");
    }

    #[test]
    fn a_create_running_beside_this_one_in_the_same_apply_is_not_adopted() {
        let (_dir, j) = journal();
        // count = 2 with one name: both creates run in one provider process, and either
        // may be the one AWS refuses.
        let first = begin(&j, b"plan");
        let second = begin(&j, b"plan");
        // The other create may run in another provider process of the same command
        // (another provider configuration): the same run, another pid.
        let path = j.path_of(&key(KIND, Some("123456789012"), "us-east-1", "orders"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("entry: {e}"));
        let mut entry: Entry = serde_json::from_str(&text).unwrap_or_else(|e| panic!("entry: {e}"));
        entry.pid = entry.pid.wrapping_add(1);
        let text = serde_json::to_string(&entry).unwrap_or_else(|e| panic!("entry: {e}"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("entry: {e}"));
        let refused_first = first
            .on_already_exists(KIND, &existing(), &refusal())
            .expect_err("not adopted");
        let err = second
            .on_already_exists(KIND, &existing(), &refusal())
            .expect_err("not adopted");
        assert_eq!(refused_first.summary, err.summary);
        assert_eq!(
            err.summary,
            "lambda_durable_function \"orders\" is created twice in this apply"
        );
        assert_eq!(err.path, Some(AttributePath::attr("function_name")));
        for needed in ["count.index or each.key", "Function already exist: orders"] {
            assert!(
                err.detail.contains(needed),
                "{needed:?} in:\n{}",
                err.detail
            );
        }
        assert!(!err.detail.contains("terraform import"), "{}", err.detail);
        second.finished();
        first.finished();
    }

    #[test]
    fn an_object_this_process_made_is_not_adopted_when_created_again() {
        let (_dir, j) = journal();
        let k = key(KIND, Some("123456789012"), "us-east-1", "made-here");
        remember_made(&k);
        // One create after the other (-parallelism=1): the first's entry is gone.
        let again = CreateInProgress::begin(j.clone(), k, b"plan".to_vec());
        let err = again
            .on_already_exists(KIND, &existing(), &refusal())
            .expect_err("not adopted");
        assert!(
            err.summary.ends_with("is created twice in this apply"),
            "{}",
            err.summary
        );
        again.finished();
    }

    #[test]
    fn an_interrupted_create_with_other_values_is_not_adopted() {
        let (_dir, j) = journal();
        begin(&j, b"plan with memory 2048").outcome_unknown();
        as_if_from_another_process(&j);
        let again = begin(&j, b"plan with memory 4096");
        let err = again
            .on_already_exists(KIND, &existing(), &refusal())
            .expect_err("not adopted");
        assert!(err.detail.contains("other values"), "{}", err.detail);
        assert!(err.detail.contains("terraform import ADDRESS orders"));
        again.finished();
    }

    #[test]
    fn ages_read_as_words() {
        assert_eq!(format_age(Duration::from_secs(1)), "1 second");
        assert_eq!(format_age(Duration::from_secs(90)), "90 seconds");
        assert_eq!(format_age(Duration::from_secs(600)), "10 minutes");
        assert_eq!(format_age(ADOPTION_WINDOW), "24 hours");
    }

    #[test]
    fn ids_that_are_not_plain_words_are_quoted() {
        assert_eq!(shell_word("orders"), "orders");
        assert_eq!(
            shell_word("arn:aws:lambda:eu-west-1:1:function:orders"),
            "arn:aws:lambda:eu-west-1:1:function:orders"
        );
        assert_eq!(shell_word("a b"), "'a b'");
    }
}

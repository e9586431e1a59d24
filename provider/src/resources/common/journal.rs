//! The journal of creates in progress, kept in the Terraform working directory.
//!
//! Why: Terraform records an object in its state only when the provider's create answers.
//! When Terraform or the provider is killed while a create waits for AWS (a capacity
//! provider takes minutes to become Active), AWS has the object and the state does not;
//! the next apply's create then meets "already exists". Terraform never tells a provider
//! which resource address it works on, so nothing in that second create says the object
//! is the first one's, except what the first one left behind: this journal.
//!
//! Each create writes one small file before it calls AWS and removes it once it knows
//! the outcome reaches Terraform (see [`super::interrupted`]); a file that is still there
//! when the same create starts again is the mark of an interrupted one. The files live
//! in Terraform's data directory (`TF_DATA_DIR`, else `.terraform`, relative to the
//! provider's current directory, which is Terraform's working directory), under
//! [`DIR_NAME`]: one file per object, so concurrent creates (and provider processes of
//! several provider configurations) never rewrite each other's entries.
//!
//! An entry says which object (resource type, account, region, name), in which Terraform
//! workspace, when and by which process, and a salted SHA-256 of the planned values: never
//! the values themselves, which may be sensitive. Failing to write the journal (a
//! read-only directory) never fails a create: it only takes away the adoption.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The journal's directory inside Terraform's data directory.
pub const DIR_NAME: &str = "lambda-provider-creates";

/// The environment variable that moves Terraform's data directory.
const DATA_DIR_VAR: &str = "TF_DATA_DIR";

/// Terraform's data directory when [`DATA_DIR_VAR`] is not set.
const DEFAULT_DATA_DIR: &str = ".terraform";

/// The environment variable that selects the workspace.
const WORKSPACE_VAR: &str = "TF_WORKSPACE";

/// The file in the data directory naming the selected workspace (absent: `default`).
const WORKSPACE_FILE: &str = "environment";

/// The object a create makes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Terraform resource type, e.g. `lambda_durable_function`.
    pub resource_type: String,
    /// The AWS account, when known.
    pub account_id: Option<String>,
    /// The region.
    pub region: String,
    /// The object's name.
    pub name: String,
}

/// One create in progress, as written to the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Terraform resource type.
    pub resource_type: String,
    /// The AWS account, when known.
    pub account_id: Option<String>,
    /// The region.
    pub region: String,
    /// The object's name.
    pub name: String,
    /// The Terraform workspace.
    pub workspace: String,
    /// When the create started, seconds since the Unix epoch.
    pub started_unix: u64,
    /// The provider process that started it.
    pub pid: u32,
    /// Random salt of [`Entry::fingerprint`] (hex).
    pub salt: String,
    /// SHA-256 (hex) of the salt and the planned values the create was given.
    pub fingerprint: String,
    /// The Terraform run of the provider process that started it ([`this_run`]); absent
    /// in entries written before it was recorded.
    #[serde(default)]
    pub run: Option<String>,
}

impl Entry {
    /// The key of the object this entry is about.
    pub fn key(&self) -> Key {
        Key {
            resource_type: self.resource_type.clone(),
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            name: self.name.clone(),
        }
    }

    /// True when the create that wrote this entry was given exactly `planned`.
    pub fn was_given(&self, planned: &[u8]) -> bool {
        fingerprint(&self.salt, planned) == self.fingerprint
    }

    /// Whether the create was started by the Terraform run this process serves: by this
    /// process or another provider process of the same command (another provider
    /// configuration), so it runs beside this one and was not interrupted.
    pub fn is_of_this_run(&self) -> bool {
        match &self.run {
            Some(run) => run == this_run(),
            None => self.pid == std::process::id(),
        }
    }

    /// How long ago the create started (zero for a start in the future).
    pub fn age(&self, now: SystemTime) -> Duration {
        let started = UNIX_EPOCH + Duration::from_secs(self.started_unix);
        now.duration_since(started).unwrap_or_default()
    }
}

/// The Terraform run this provider process serves, the same for every provider process
/// Terraform starts for one command: the process that started it, by its pid and, where
/// the system tells (Linux), its start time, so that a pid given again (as in a fresh
/// container, where numbering starts over) is another run. Elsewhere, the pid alone;
/// without a parent pid (Windows), this process and a random number.
///
/// Taken when first asked, which is at configure (see `left_over`), while the process
/// that started the provider is alive.
pub fn this_run() -> &'static str {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| {
        #[cfg(unix)]
        {
            let parent = std::os::unix::process::parent_id();
            match process_start_time(parent) {
                Some(start) => format!("{parent}@{start}"),
                None => parent.to_string(),
            }
        }
        #[cfg(not(unix))]
        {
            format!("{}@{:x}", std::process::id(), fastrand::u64(..))
        }
    })
}

/// When process `pid` started, in clock ticks since boot (`/proc/PID/stat`, field 22),
/// where the system has `/proc`.
#[cfg(unix)]
fn process_start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    start_time_in_stat(&stat)
}

/// Field 22 of a `/proc/PID/stat` line. The command name (field 2) is in parentheses
/// and may hold spaces and parentheses, so fields are counted after the last `)`.
#[cfg(any(unix, test))]
fn start_time_in_stat(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    // After the name come field 3 (state) onwards: field 22 is the 20th.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// SHA-256 (hex) of `salt` and `planned`.
fn fingerprint(salt: &str, planned: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(planned);
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The journal of one Terraform working directory and workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journal {
    dir: PathBuf,
    workspace: String,
}

impl Journal {
    /// The journal of the working directory the provider runs in (Terraform's), for the
    /// selected workspace.
    pub fn of_working_directory() -> Self {
        let data_dir = std::env::var_os(DATA_DIR_VAR)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let workspace = std::env::var(WORKSPACE_VAR)
            .ok()
            .filter(|w| !w.trim().is_empty())
            .or_else(|| std::fs::read_to_string(data_dir.join(WORKSPACE_FILE)).ok())
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "default".to_string());
        Self::at(&data_dir, workspace)
    }

    /// The journal in the data directory `data_dir`, for `workspace`.
    pub fn at(data_dir: &Path, workspace: impl Into<String>) -> Self {
        Self {
            dir: data_dir.join(DIR_NAME),
            workspace: workspace.into(),
        }
    }

    /// The journal's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`'s entry (named by a hash: names and regions stay out of paths).
    pub fn path_of(&self, key: &Key) -> PathBuf {
        let mut h = Sha256::new();
        for part in [
            self.workspace.as_str(),
            key.resource_type.as_str(),
            key.account_id.as_deref().unwrap_or(""),
            key.region.as_str(),
            key.name.as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let digest = hex(&h.finalize());
        self.dir.join(format!("{}.json", &digest[..32]))
    }

    /// The entry left for `key`, if any (an unreadable one counts as none).
    pub fn read(&self, key: &Key) -> Option<Entry> {
        let bytes = std::fs::read(self.path_of(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.workspace == self.workspace
            && entry.resource_type == key.resource_type
            && entry.region == key.region
            && entry.name == key.name
            && entry.account_id == key.account_id)
            .then_some(entry)
    }

    /// Records that a create of `key` given `planned` starts now (replacing an older
    /// entry); writes a temporary file and renames it, so a reader never sees half.
    pub fn record(&self, key: &Key, planned: &[u8]) -> io::Result<Entry> {
        let salt = hex(&fastrand::u64(..).to_be_bytes());
        let entry = Entry {
            resource_type: key.resource_type.clone(),
            account_id: key.account_id.clone(),
            region: key.region.clone(),
            name: key.name.clone(),
            workspace: self.workspace.clone(),
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default(),
            pid: std::process::id(),
            fingerprint: fingerprint(&salt, planned),
            salt,
            run: Some(this_run().to_string()),
        };
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path_of(key);
        let tmp = path.with_extension(format!("{}.tmp", entry.pid));
        let bytes = serde_json::to_vec_pretty(&entry).map_err(io::Error::other)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        Ok(entry)
    }

    /// Every entry of this journal's workspace (unreadable files are skipped).
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|f| std::fs::read(f.ok()?.path()).ok())
            .filter_map(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .filter(|e| e.workspace == self.workspace)
            .collect()
    }

    /// Removes `key`'s entry (and the directory once empty). A missing entry is fine.
    pub fn remove(&self, key: &Key) -> io::Result<()> {
        match std::fs::remove_file(self.path_of(key)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // Only succeeds when empty: other creates' entries stay.
        let _ = std::fs::remove_dir(&self.dir);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        Key {
            resource_type: "lambda_durable_function".into(),
            account_id: Some("123456789012".into()),
            region: "us-east-1".into(),
            name: name.into(),
        }
    }

    /// A data directory that is removed with everything in it when the test ends.
    fn temp_dir() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("lambda-journal-")
            .tempdir()
            .unwrap_or_else(|e| panic!("temporary directory: {e}"))
    }

    #[test]
    fn an_entry_stays_until_removed_and_remembers_only_a_fingerprint() {
        let dir = temp_dir();
        let journal = Journal::at(dir.path(), "default");
        assert_eq!(journal.read(&key("orders")), None);
        let written = journal
            .record(&key("orders"), b"planned SECRET-VALUE")
            .expect("recorded");
        let read = journal.read(&key("orders")).expect("entry");
        assert_eq!(read, written);
        assert!(read.was_given(b"planned SECRET-VALUE"));
        assert!(!read.was_given(b"planned OTHER-VALUE"));
        let text = std::fs::read_to_string(journal.path_of(&key("orders"))).expect("file");
        assert!(!text.contains("SECRET-VALUE"), "{text}");
        assert_eq!(journal.read(&key("billing")), None, "one entry per object");

        journal.record(&key("billing"), b"x").expect("recorded");
        journal.remove(&key("orders")).expect("removed");
        assert_eq!(journal.read(&key("orders")), None);
        assert!(journal.read(&key("billing")).is_some(), "others stay");
        journal.remove(&key("billing")).expect("removed");
        assert!(!journal.dir().exists(), "the empty directory goes");
        journal
            .remove(&key("billing"))
            .expect("removing twice is fine");
    }

    #[test]
    fn workspaces_keep_their_own_entries() {
        let dir = temp_dir();
        Journal::at(dir.path(), "staging")
            .record(&key("orders"), b"p")
            .expect("recorded");
        assert_eq!(
            Journal::at(dir.path(), "default").read(&key("orders")),
            None
        );
        assert!(
            Journal::at(dir.path(), "staging")
                .read(&key("orders"))
                .is_some()
        );
    }

    #[test]
    fn entries_tell_this_run_from_others() {
        let dir = temp_dir();
        let journal = Journal::at(dir.path(), "default");
        let mut entry = journal.record(&key("orders"), b"p").expect("recorded");
        assert!(entry.is_of_this_run());
        // Another provider process of the same command (another provider configuration).
        entry.pid = entry.pid.wrapping_add(1);
        assert!(entry.is_of_this_run());
        // This process's pid, given again to a later run (a fresh container).
        entry.pid = std::process::id();
        entry.run = Some("1@12345".into());
        assert!(!entry.is_of_this_run());
        // An entry from before runs were recorded: by the pid.
        entry.run = None;
        assert!(entry.is_of_this_run());
        entry.pid = entry.pid.wrapping_add(1);
        assert!(!entry.is_of_this_run());
    }

    #[test]
    fn the_start_time_is_read_after_the_command_name() {
        let stat = "4242 (terraform (x) y) S 1 4242 4242 0 -1 4194560 5 0 0 0 1 2 0 0 20 0 \
                    12 0 987654 1000000 300";
        assert_eq!(start_time_in_stat(stat), Some(987_654));
        assert_eq!(start_time_in_stat("4242 (short) S 1"), None);
    }

    #[test]
    fn age_counts_from_the_start() {
        let entry = Entry {
            resource_type: "t".into(),
            account_id: None,
            region: "r".into(),
            name: "n".into(),
            workspace: "default".into(),
            started_unix: 1_000,
            pid: 1,
            salt: String::new(),
            fingerprint: String::new(),
            run: None,
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_090);
        assert_eq!(entry.age(now), Duration::from_secs(90));
        assert_eq!(entry.age(UNIX_EPOCH), Duration::ZERO);
    }
}

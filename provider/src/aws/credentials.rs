//! Where the AWS credential chain looks, in words: for the errors shown when it finds
//! nothing, or when the profile it was told to use does not exist.
//!
//! The SDK's own errors say only "the credential provider was not enabled"; these name
//! the environment variables, the shared files (honouring `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE`) and the profile.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Reads an environment variable (injected so tests need not change the process's).
pub type Env<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// One of the shared files and the profiles it defines.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedFile {
    /// Where it is.
    pub path: PathBuf,
    /// The environment variable that chose the path, when one did.
    pub env_var: Option<&'static str>,
    /// The profiles it defines; `None` when it cannot be read (usually: it does not exist).
    pub profiles: Option<BTreeSet<String>>,
}

impl SharedFile {
    fn locate(env: Env<'_>, env_var: &'static str, default: &str, is_config: bool) -> Self {
        let (path, from_env) = match env(env_var) {
            Some(p) => (expand_home(&p, env), Some(env_var)),
            None => (expand_home(default, env), None),
        };
        let profiles = std::fs::read_to_string(&path)
            .ok()
            .map(|text| profile_names(&text, is_config));
        Self {
            path,
            env_var: from_env,
            profiles,
        }
    }

    fn has_profile(&self, name: &str) -> bool {
        self.profiles.as_ref().is_some_and(|p| p.contains(name))
    }

    /// `/path (AWS_CONFIG_FILE)`, `/path (not found)`.
    fn describe(&self) -> String {
        let mut notes = Vec::new();
        if let Some(var) = self.env_var {
            notes.push(var.to_string());
        }
        if self.profiles.is_none() {
            notes.push("not found".to_string());
        }
        if notes.is_empty() {
            self.path.display().to_string()
        } else {
            format!("{} ({})", self.path.display(), notes.join(", "))
        }
    }
}

/// The shared config and credentials files.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedFiles {
    /// `~/.aws/config` or `AWS_CONFIG_FILE`.
    pub config: SharedFile,
    /// `~/.aws/credentials` or `AWS_SHARED_CREDENTIALS_FILE`.
    pub credentials: SharedFile,
}

impl SharedFiles {
    /// Finds and reads the files as the SDK does.
    pub fn locate(env: Env<'_>) -> Self {
        Self {
            config: SharedFile::locate(env, "AWS_CONFIG_FILE", "~/.aws/config", true),
            credentials: SharedFile::locate(
                env,
                "AWS_SHARED_CREDENTIALS_FILE",
                "~/.aws/credentials",
                false,
            ),
        }
    }

    /// True when either file defines the profile.
    pub fn has_profile(&self, name: &str) -> bool {
        self.config.has_profile(name) || self.credentials.has_profile(name)
    }

    /// Every profile defined, in either file.
    pub fn profiles(&self) -> BTreeSet<&str> {
        [&self.config, &self.credentials]
            .iter()
            .filter_map(|f| f.profiles.as_ref())
            .flatten()
            .map(String::as_str)
            .collect()
    }

    /// `the shared config file X and the shared credentials file Y`.
    pub fn describe(&self) -> String {
        format!(
            "the shared config file {} and the shared credentials file {}",
            self.config.describe(),
            self.credentials.describe()
        )
    }
}

/// What chose the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileChoice {
    /// The provider block's `profile`.
    ProviderBlock,
    /// `AWS_PROFILE`.
    EnvVar,
    /// Nothing: the default profile.
    Default,
}

impl std::fmt::Display for ProfileChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProfileChoice::ProviderBlock => "the provider's `profile`",
            ProfileChoice::EnvVar => "AWS_PROFILE",
            ProfileChoice::Default => "the default profile",
        })
    }
}

/// The profile the credentials come from, and what chose it.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectedProfile {
    /// The profile's name.
    pub name: String,
    /// What chose it.
    pub chosen_by: ProfileChoice,
}

impl SelectedProfile {
    /// The provider block's `profile`, else `AWS_PROFILE`, else `default`.
    pub fn resolve(block_profile: Option<&str>, env: Env<'_>) -> Self {
        let (name, chosen_by) = match (block_profile, env("AWS_PROFILE")) {
            (Some(p), _) => (p.to_string(), ProfileChoice::ProviderBlock),
            (None, Some(p)) => (p, ProfileChoice::EnvVar),
            (None, None) => ("default".to_string(), ProfileChoice::Default),
        };
        Self { name, chosen_by }
    }

    /// True when the user named this profile (the default profile may be absent).
    pub fn is_explicit(&self) -> bool {
        self.chosen_by != ProfileChoice::Default
    }
}

/// The detail of a "profile not found" error: the profile, what chose it, the files
/// searched and the profiles they do have.
pub fn profile_not_found(profile: &SelectedProfile, files: &SharedFiles) -> String {
    let found = files.profiles();
    let known = if found.is_empty() {
        "They define no profiles.".to_string()
    } else {
        format!(
            "They define: {}.",
            found.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    format!(
        "AWS profile {:?} (from {}) not found: searched {}. {known} Add the profile, or \
         point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the files that define it.",
        profile.name,
        profile.chosen_by,
        files.describe(),
    )
}

/// The detail of a "no credentials found" error for the SDK's default chain: every
/// place it looked, in order, and what it found there.
pub fn nothing_found(profile: &SelectedProfile, files: &SharedFiles, env: Env<'_>) -> String {
    let set = |k: &str| env(k).is_some();
    let status = |present: bool| if present { "set" } else { "not set" };
    let profile_status = if files.has_profile(&profile.name) {
        "defined, but without usable credentials (keys, SSO, credential_process or a role)"
    } else {
        "not defined"
    };
    let imds = match env("AWS_EC2_METADATA_DISABLED") {
        Some(v) if v.eq_ignore_ascii_case("true") => "disabled by AWS_EC2_METADATA_DISABLED",
        _ => "no credentials (not running on EC2, or no instance role)",
    };
    let lines = [
        format!(
            "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: {}",
            if set("AWS_ACCESS_KEY_ID") && !set("AWS_SECRET_ACCESS_KEY") {
                "only AWS_ACCESS_KEY_ID is set"
            } else {
                status(set("AWS_ACCESS_KEY_ID"))
            }
        ),
        format!(
            "profile {:?}{} in {}, including SSO and credential_process: {profile_status}",
            profile.name,
            match profile.chosen_by {
                ProfileChoice::Default => String::new(),
                other => format!(" ({other})"),
            },
            files.describe()
        ),
        format!(
            "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN): {}",
            status(set("AWS_WEB_IDENTITY_TOKEN_FILE"))
        ),
        format!(
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or \
             AWS_CONTAINER_CREDENTIALS_FULL_URI): {}",
            status(
                set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                    || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            )
        ),
        format!("EC2 instance metadata (IMDS): {imds}"),
    ];
    format!(
        "No AWS credentials found. Looked in, in this order:\n{}",
        lines
            .iter()
            .map(|l| format!("  - {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// Expands a leading `~` to `HOME`, as the SDK does for the shared file paths.
fn expand_home(path: &str, env: Env<'_>) -> PathBuf {
    match (path.strip_prefix("~/"), env("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The profile names a shared file defines: in the config file `[default]` and
/// `[profile NAME]` (other sections such as `[sso-session X]` are not profiles); in the
/// credentials file every `[NAME]`.
fn profile_names(text: &str, is_config: bool) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let inner = line.strip_prefix('[')?.split(']').next()?.trim();
            if !is_config {
                return Some(inner.to_string());
            }
            if inner == "default" {
                return Some(inner.to_string());
            }
            let (kind, name) = inner.split_once(char::is_whitespace)?;
            (kind == "profile").then(|| name.trim().to_string())
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Sync + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn reads_profile_names_of_both_files() {
        let config = "# comment\n[default]\nregion = us-east-1\n[profile dev]\n\
                      [ profile  ops ]\n[sso-session corp]\n[services local]\n[stray]\n";
        assert_eq!(
            profile_names(config, true),
            ["default", "dev", "ops"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        );
        let credentials = "[default]\naws_access_key_id = x\n\n[ci]\n; note\n";
        assert_eq!(
            profile_names(credentials, false),
            ["ci", "default"].iter().map(|s| s.to_string()).collect()
        );
    }

    #[test]
    fn profile_not_found_names_profile_files_and_what_exists() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let config = dir.path().join("config");
        let _ = std::fs::write(&config, "[profile dev]\n");
        let missing = dir.path().join("credentials");
        let env = env_of(&[
            ("AWS_CONFIG_FILE", &config.to_string_lossy()),
            ("AWS_SHARED_CREDENTIALS_FILE", &missing.to_string_lossy()),
        ]);
        let files = SharedFiles::locate(&env);
        assert!(files.has_profile("dev"));
        assert!(!files.has_profile("nosuch"));
        let profile = SelectedProfile::resolve(Some("nosuch"), &env);
        let text = profile_not_found(&profile, &files);
        assert!(
            text.contains("\"nosuch\" (from the provider's `profile`)"),
            "{text}"
        );
        assert!(
            text.contains(&format!("{} (AWS_CONFIG_FILE)", config.display())),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{} (AWS_SHARED_CREDENTIALS_FILE, not found)",
                missing.display()
            )),
            "{text}"
        );
        assert!(text.contains("They define: dev."), "{text}");
    }

    #[test]
    fn default_paths_are_under_home() {
        let env = env_of(&[("HOME", "/home/someone")]);
        let files = SharedFiles::locate(&env);
        assert_eq!(
            files.config.path,
            PathBuf::from("/home/someone/.aws/config")
        );
        assert_eq!(
            files.credentials.path,
            PathBuf::from("/home/someone/.aws/credentials")
        );
        assert_eq!(files.config.env_var, None);
    }

    #[test]
    fn nothing_found_lists_every_source_of_the_chain() {
        let env = env_of(&[
            ("AWS_PROFILE", "ci"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ]);
        let files = SharedFiles::locate(&env);
        let profile = SelectedProfile::resolve(None, &env);
        assert!(profile.is_explicit());
        let text = nothing_found(&profile, &files, &env);
        for words in [
            "No AWS credentials found",
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set",
            "profile \"ci\" (AWS_PROFILE)",
            "/nonexistent/config (AWS_CONFIG_FILE, not found)",
            "/nonexistent/credentials (AWS_SHARED_CREDENTIALS_FILE, not found)",
            "SSO",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "IMDS): disabled by AWS_EC2_METADATA_DISABLED",
        ] {
            assert!(text.contains(words), "{words:?} missing from {text}");
        }
        assert!(!text.contains("CredentialsNotLoaded"), "{text}");
        assert!(!SelectedProfile::resolve(None, &env_of(&[])).is_explicit());
    }
}

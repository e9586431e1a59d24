//! Diagnostics as Terraform prints them with `-json`, and assertions about them: the
//! summary, words of the detail, the resource address, and where in the configuration
//! the diagnostic points (which is how a provider's attribute path reaches the user).

use serde_json::Value;

use super::hcl::Location;

/// Diagnostics of one terraform command, each the `diagnostic` object of
/// Terraform's JSON output (`severity`, `summary`, `detail`, `address`, `range`,
/// `snippet`).
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(Vec<Value>);

impl Diagnostics {
    /// From the machine-readable UI (`plan -json`, `apply -json`): one JSON message
    /// per line, diagnostics with `"type": "diagnostic"`.
    pub fn from_json_lines(stdout: &str) -> Self {
        Self(
            stdout
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter(|v| v["type"] == "diagnostic")
                .map(|v| v["diagnostic"].clone())
                .collect(),
        )
    }

    /// From `terraform validate -json` (one document with a `diagnostics` array).
    pub fn from_validate_json(stdout: &str) -> Self {
        let doc: Value = serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("validate -json printed no JSON ({e}): {stdout}"));
        Self(doc["diagnostics"].as_array().cloned().unwrap_or_default())
    }

    fn with_severity(&self, severity: &str) -> Self {
        Self(
            self.0
                .iter()
                .filter(|d| d["severity"] == severity)
                .cloned()
                .collect(),
        )
    }

    /// Only the errors.
    pub fn errors(&self) -> Self {
        self.with_severity("error")
    }

    /// Only the warnings.
    pub fn warnings(&self) -> Self {
        self.with_severity("warning")
    }

    /// The diagnostics.
    pub fn all(&self) -> &[Value] {
        &self.0
    }

    /// True when one diagnostic's summary contains `text`.
    pub fn has_summary(&self, text: &str) -> bool {
        self.0
            .iter()
            .any(|d| d["summary"].as_str().is_some_and(|s| s.contains(text)))
    }

    /// The diagnostics, one per line: `summary | detail | file:line:column code`.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "(no diagnostics)".to_string();
        }
        self.0.iter().map(describe).collect::<Vec<_>>().join("\n")
    }
}

fn describe(d: &Value) -> String {
    format!(
        "  - [{}] {:?} | {:?} | at {} {:?} (address {})",
        d["severity"].as_str().unwrap_or("?"),
        d["summary"].as_str().unwrap_or_default(),
        d["detail"].as_str().unwrap_or_default(),
        position(d),
        d["snippet"]["code"].as_str().unwrap_or_default(),
        d["address"].as_str().unwrap_or("none"),
    )
}

fn position(d: &Value) -> String {
    let range = &d["range"];
    if range.is_null() {
        return "no position".to_string();
    }
    format!(
        "{}:{}:{}",
        range["filename"].as_str().unwrap_or("?"),
        range["start"]["line"],
        range["start"]["column"]
    )
}

/// What one expected diagnostic looks like; [`Expect::find_in`] asserts that one
/// diagnostic matches every part given.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    summary: Option<String>,
    detail: Vec<String>,
    says: Vec<String>,
    code: Option<String>,
    address: Option<String>,
    at: Vec<Location>,
}

impl Expect {
    /// An error diagnostic.
    pub fn error() -> Self {
        Self::default()
    }

    /// Its summary contains `text`.
    pub fn summary(mut self, text: &str) -> Self {
        self.summary = Some(text.to_string());
        self
    }

    /// Its detail contains each of `words` (case-sensitive).
    pub fn detail(mut self, words: &[&str]) -> Self {
        self.detail.extend(words.iter().map(|w| w.to_string()));
        self
    }

    /// Its summary or detail mentions each of `words` (ignoring case): for messages
    /// whose wording is the implementer's choice but whose content is not.
    pub fn says(mut self, words: &[&str]) -> Self {
        self.says.extend(words.iter().map(|w| w.to_string()));
        self
    }

    /// The configuration line it shows (its snippet) contains `text`.
    pub fn code(mut self, text: &str) -> Self {
        self.code = Some(text.to_string());
        self
    }

    /// It is about the resource or data source at `address`.
    pub fn address(mut self, address: &str) -> Self {
        self.address = Some(address.to_string());
        self
    }

    /// It points at `location` (file, line and column): the attribute path the
    /// provider gave, as Terraform resolved it in the configuration.
    pub fn at(mut self, location: Location) -> Self {
        self.at = vec![location];
        self
    }

    /// It points at one of `locations`.
    pub fn at_any(mut self, locations: Vec<Location>) -> Self {
        self.at = locations;
        self
    }

    /// Why `d` does not match, empty when it does.
    fn mismatches(&self, d: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let summary = d["summary"].as_str().unwrap_or_default();
        let detail = d["detail"].as_str().unwrap_or_default();
        if let Some(want) = &self.summary
            && !summary.contains(want.as_str())
        {
            out.push(format!("summary lacks {want:?}"));
        }
        for w in &self.detail {
            if !detail.contains(w.as_str()) {
                out.push(format!("detail lacks {w:?}"));
            }
        }
        let text = format!("{summary}\n{detail}").to_lowercase();
        for w in &self.says {
            if !text.contains(&w.to_lowercase()) {
                out.push(format!("neither summary nor detail mentions {w:?}"));
            }
        }
        let code = d["snippet"]["code"].as_str().unwrap_or_default();
        if let Some(want) = &self.code
            && !code.contains(want.as_str())
        {
            out.push(format!("points at {code:?}, expected a line with {want:?}"));
        }
        if let Some(want) = &self.address
            && d["address"] != want.as_str()
        {
            out.push(format!("address is {}, expected {want}", d["address"]));
        }
        if !self.at.is_empty() && !self.at.iter().any(|l| l.matches(&d["range"])) {
            let wanted: Vec<String> = self.at.iter().map(Location::to_string).collect();
            out.push(format!(
                "points at {} {code:?}, expected {}",
                position(d),
                wanted.join(" or ")
            ));
        }
        out
    }

    /// The diagnostic among `diags` matching every part of this expectation; panics
    /// (saying `when` and how each candidate differs) if there is none.
    pub fn find_in(&self, diags: &Diagnostics, when: &str) -> Value {
        let mut report = Vec::new();
        for d in diags.all() {
            let problems = self.mismatches(d);
            if problems.is_empty() {
                return d.clone();
            }
            report.push(format!("{}\n      {}", describe(d), problems.join("; ")));
        }
        panic!(
            "{when}: no diagnostic matches {self:?}\nthe diagnostics, each with how it differs:\n{}",
            if report.is_empty() {
                "(no diagnostics)".to_string()
            } else {
                report.join("\n")
            }
        );
    }
}

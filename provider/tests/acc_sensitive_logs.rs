//! Sensitive values never reach the provider's logs, at any level: a durable function
//! whose `environment` variables (a sensitive attribute) hold unique markers goes through
//! create, plan, an update of the variables, a refresh, an import into another working
//! directory and destroy, with `TF_LOG=trace` and `TF_LOG_PROVIDER=trace`. No line the
//! provider logged (Terraform prints them as `provider.terraform-provider-lambda: …`)
//! may hold a marker. Nor the temporary credentials STS returns for the provider block's
//! `assume_role` (the session token). The AWS SDK logs whole HTTP responses at trace
//! level (STS's XML answer with the credentials among them), so this also holds the
//! provider's log filter to keep the SDK's request and response dumps out.
//!
//! Terraform core's own log lines are not the provider's to police, and are not checked.

mod support;

use acceptance_tests::EmulatorOptions;
use support::durable_function::ADDRESS;
use support::{Acc, Tf, setup};
use tfplug::testing::CmdOutput;

/// How Terraform prefixes the lines the provider process logged.
const PROVIDER_PREFIX: &str = "provider.terraform-provider-lambda";

/// Trace logging of Terraform and the provider for every command in `tf`, with the AWS
/// SDK's switch for printing the bodies it otherwise redacts turned on, as someone
/// debugging AWS calls might leave it.
fn trace_logs(tf: &mut Tf) {
    tf.set_env("TF_LOG", "trace");
    tf.set_env("TF_LOG_PROVIDER", "trace");
    tf.set_env("LOG_SENSITIVE_BODIES", "true");
}

/// The provider block: credentials from assuming a role, so STS's answer (a session
/// token and secret key) goes through the provider too.
const PROVIDER_BLOCK: &str = r#"provider "lambda" {
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/deployer"
  }
}"#;

/// What every session token of the emulator's STS starts with.
const SESSION_TOKEN_PREFIX: &str = "emulator-session-";

/// The configuration with `SECRET = secret` (and `memory_size`).
fn config(acc: &Acc, name: &str, zip: &str, secret: &str, memory: u32) -> String {
    let text = acc.function_config(
        name,
        zip,
        &format!(
            "  memory_size = {memory}\n  environment {{\n    variables = {{\n      SECRET = \"{secret}\"\n      PLAIN  = \"visible\"\n    }}\n  }}\n"
        ),
        "",
    );
    assert!(text.contains("provider \"lambda\" {}"), "{text}");
    text.replace("provider \"lambda\" {}", PROVIDER_BLOCK)
}

/// Collects the provider's log lines of each command.
#[derive(Default)]
struct ProviderLogs {
    lines: Vec<(String, String)>,
}

impl ProviderLogs {
    /// Keeps the provider's lines of `out` (terraform's stderr), for `step`.
    fn keep(&mut self, step: &str, out: &CmdOutput) {
        let before = self.lines.len();
        for line in out.stderr.lines().filter(|l| l.contains(PROVIDER_PREFIX)) {
            self.lines.push((step.to_string(), line.to_string()));
        }
        assert!(
            self.lines.len() > before,
            "{step}: no provider log lines; is TF_LOG honoured? stderr:\n{}",
            out.stderr.lines().take(20).collect::<Vec<_>>().join("\n")
        );
    }

    /// Fails on every line holding one of `secrets`.
    fn assert_free_of(&self, secrets: &[&str]) {
        let leaks: Vec<String> = self
            .lines
            .iter()
            .filter(|(_, line)| secrets.iter().any(|s| line.contains(s)))
            .map(|(step, line)| format!("{step}: {}", truncate(line)))
            .collect();
        assert!(
            leaks.is_empty(),
            "sensitive values in {} provider log lines:\n{}",
            leaks.len(),
            leaks.join("\n")
        );
    }

    fn count(&self) -> usize {
        self.lines.len()
    }

    fn any(&self, text: &str) -> bool {
        self.lines.iter().any(|(_, l)| l.contains(text))
    }
}

fn truncate(line: &str) -> String {
    line.chars().take(400).collect()
}

#[test]
fn environment_variables_never_reach_the_provider_logs() {
    let Some(mut acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    trace_logs(&mut acc.tf);
    let name = acc.name("secret");
    let first = format!("first-{}-never-logged", acc.name("marker"));
    let second = format!("second-{}-never-logged", acc.name("marker"));
    let zip = acc.zip("code.zip", "v1");
    let zip = zip.to_string_lossy().into_owned();
    let mut logs = ProviderLogs::default();
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];

    acc.write(&config(&acc, &name, &zip, &first, 512));
    logs.keep("create", &acc.succeed(&apply));
    let state = std::fs::read_to_string(acc.dir().join("terraform.tfstate")).unwrap_or_default();
    assert!(
        state.contains(&first),
        "the variable went through the provider"
    );
    logs.keep("plan", &acc.succeed(&["plan", "-input=false", "-no-color"]));

    acc.write(&config(&acc, &name, &zip, &second, 1024));
    logs.keep("update", &acc.succeed(&apply));
    logs.keep(
        "refresh",
        &acc.succeed(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ]),
    );

    let mut other = acc.another_workdir();
    trace_logs(&mut other);
    other.write(&config(&acc, &name, &zip, &second, 1024));
    logs.keep(
        "import",
        &other.succeed(&["import", "-input=false", "-no-color", ADDRESS, &name]),
    );
    logs.keep(
        "plan after import",
        &other.succeed(&["plan", "-input=false", "-no-color"]),
    );

    logs.keep(
        "destroy",
        &acc.succeed(&["destroy", "-auto-approve", "-input=false", "-no-color"]),
    );

    // The logs are the provider's, at debug level or finer.
    assert!(
        logs.any("[DEBUG] provider.terraform-provider-lambda")
            || logs.any("[TRACE] provider.terraform-provider-lambda"),
        "no debug lines among {} provider lines",
        logs.count()
    );
    assert!(logs.any(&name), "the provider logged the function's name");
    assert!(
        !acc.emu().sts_sessions().is_empty(),
        "the provider assumed the role"
    );
    logs.assert_free_of(&[&first, &second, SESSION_TOKEN_PREFIX]);
}

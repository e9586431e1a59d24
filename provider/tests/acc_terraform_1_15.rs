//! The provider's Terraform 1.12–1.15 features, driven by Terraform 1.15 (`tools/tf115`)
//! against the emulator: resource identities (in the state, import by identity, never
//! changing), list resources (`terraform query`, filters, `limit`, `include_resource`),
//! generated configuration (`query -generate-config-out`) that imports to an empty plan,
//! and the durable-execution actions (`apply -invoke`, `action_trigger`). The same
//! configurations without the newer blocks still work under Terraform 1.11, and the
//! capacity provider's lifecycle is run under both.
//!
//! These tests fail (never skip) when Terraform 1.15 is missing: `tools/install-tf115`
//! installs it (see `tfplug::testing::require_terraform_1_15`).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acceptance_tests::{EmulatorOptions, FaultKind, FaultSpec, SeedExecution};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{DurableConfig, FunctionCode, Runtime};
use serde_json::{Value, json};
use support::capacity_provider::{ARM_REQUIREMENTS, MANUAL_SCALING, REQUIRED_PROVIDERS};
use support::durable_function::ROLE;
use support::terraform_1_15::identity_in;
use support::{Acc, Expect, Tf, setup, setup_1_15, setup_with};

/// The emulator's account and region.
const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

const CP: &str = "lambda_capacity_provider.test";
const FN: &str = "lambda_durable_function.test";
const VERSION: &str = "lambda_function_version.test";

/// The `terraform` block and an empty provider block.
fn header() -> String {
    format!("{REQUIRED_PROVIDERS}\nprovider \"lambda\" {{}}\n")
}

/// Executions invoked through the emulator end after this long.
fn quick_executions() -> EmulatorOptions {
    EmulatorOptions {
        execution_duration: Duration::from_millis(300),
        ..EmulatorOptions::default()
    }
}

/// Executions invoked through the emulator run until they are stopped.
fn endless_executions() -> EmulatorOptions {
    EmulatorOptions {
        execution_duration: Duration::ZERO,
        ..EmulatorOptions::default()
    }
}

/// Names of the test's objects.
struct Names {
    cp: String,
    function: String,
}

impl Names {
    fn new(acc: &Acc) -> Self {
        Self {
            cp: acc.name("cp"),
            function: acc.name("fn"),
        }
    }
}

/// A capacity provider, a durable function (code `fn.zip` in `dir`, tag `code`) and a
/// version of it, each with more arguments: `cp_body`, `fn_body`, `version_body`.
fn three_resources(
    acc: &Acc,
    n: &Names,
    dir: &Path,
    code: &str,
    [cp_body, fn_body, version_body]: [&str; 3],
) -> String {
    write_zip(dir, "fn.zip", code);
    format!(
        r#"{header}
resource "lambda_capacity_provider" "test" {{
  name = "{cp}"
{network}{ARM_REQUIREMENTS}{cp_body}
}}

resource "lambda_durable_function" "test" {{
  function_name    = "{function}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "fn.zip"
  source_code_hash = filebase64sha256("fn.zip")

  durable_config {{
    execution_timeout = 3600
  }}
{fn_body}
}}

resource "lambda_function_version" "test" {{
  function_name = lambda_durable_function.test.function_name
{version_body}
}}
"#,
        header = header(),
        cp = n.cp,
        function = n.function,
        network = acc.network_blocks(),
    )
}

/// Writes a zip package `file` (its code hash depends on `tag`) into `dir`.
fn write_zip(dir: &Path, file: &str, tag: &str) {
    let path = dir.join(file);
    std::fs::write(&path, acceptance_tests::fixtures::zip_package(tag))
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// The identities of the three resources of [`three_resources`], as AWS names them.
fn expected_identities(n: &Names) -> [(&'static str, Value); 3] {
    [
        (
            CP,
            json!({"name": n.cp, "region": REGION, "account_id": ACCOUNT}),
        ),
        (
            FN,
            json!({"function_name": n.function, "region": REGION, "account_id": ACCOUNT}),
        ),
        (
            VERSION,
            json!({"function_name": n.function, "version": "1", "region": REGION, "account_id": ACCOUNT}),
        ),
    ]
}

/// Asserts that `tf`'s state has `expected` as the identity of each address.
fn assert_identities(tf: &Tf, expected: &[(&str, Value)], when: &str) {
    let state = tf.state();
    for (address, want) in expected {
        assert_eq!(
            identity_in(state.json(), address).as_ref(),
            Some(want),
            "{when}: the identity of {address}"
        );
    }
}

/// Asserts that every resource change of `plan` is a no-op and returns the addresses
/// it imports.
fn assert_only_imports(plan: &tfplug::testing::Plan, when: &str) -> Vec<String> {
    let mut imported = Vec::new();
    for rc in plan.resource_changes() {
        let address = rc["address"].as_str().unwrap_or_default().to_string();
        assert_eq!(
            rc["change"]["actions"],
            json!(["no-op"]),
            "{when}: {address} must only be imported: {rc:#}"
        );
        if rc["change"]["importing"].is_object() {
            imported.push(address);
        }
    }
    imported.sort();
    imported
}

// ---------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------

/// After apply, `terraform show -json` has each resource's identity (name attributes,
/// region, and the account from the ARN); an in-place update of each and a refresh
/// leave the identities exactly as they were.
#[test]
fn the_state_holds_each_identity_and_it_never_changes() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let n = Names::new(&acc);
    acc.write(&three_resources(&acc, &n, acc.dir(), "v1", ["", "", ""]));
    acc.apply();
    let expected = expected_identities(&n);
    assert_identities(&acc, &expected, "after the create");

    // Each resource updated in place: tags of the capacity provider, the function's
    // memory, the version's destroy policy.
    acc.write(&three_resources(
        &acc,
        &n,
        acc.dir(),
        "v1",
        [
            "  tags = { stage = \"two\" }\n",
            "  memory_size = 256\n",
            "  running_executions_on_destroy = \"wait\"\n",
        ],
    ));
    let plan = acc.plan();
    for address in [CP, FN, VERSION] {
        assert_eq!(
            plan.actions_for(address),
            vec!["update"],
            "{address} is updated in place: {:#}",
            plan.json()["resource_changes"]
        );
    }
    acc.apply();
    assert_eq!(acc.resource(FN)["memory_size"], 256);
    assert_eq!(acc.resource(CP)["tags"], json!({"stage": "two"}));
    assert_identities(&acc, &expected, "after the in-place updates");

    acc.apply_refresh_only();
    assert_identities(&acc, &expected, "after a refresh");
    assert!(acc.plan().is_empty(), "nothing left to change");
}

/// `import { identity = { … } }` adopts each of the three resources into a fresh state
/// (with and without the optional region and account), the plan shows nothing but the
/// imports, and after the apply the plan is empty and the identities are AWS's.
#[test]
fn import_by_identity_adopts_each_resource_and_then_plans_nothing() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let n = Names::new(&acc);
    acc.write(&three_resources(&acc, &n, acc.dir(), "v1", ["", "", ""]));
    acc.apply();

    let adopter = acc.another_workdir();
    let imports = format!(
        r#"
import {{
  to       = lambda_capacity_provider.test
  identity = {{ name = "{cp}" }}
}}

import {{
  to       = lambda_durable_function.test
  identity = {{ function_name = "{function}", region = "{REGION}" }}
}}

import {{
  to       = lambda_function_version.test
  identity = {{
    function_name = "{function}"
    version       = "1"
    region        = "{REGION}"
    account_id    = "{ACCOUNT}"
  }}
}}
"#,
        cp = n.cp,
        function = n.function,
    );
    let config = three_resources(&acc, &n, adopter.dir(), "v1", ["", "", ""]);
    adopter.write(&format!("{config}{imports}"));
    let plan = adopter.plan();
    assert_eq!(
        assert_only_imports(&plan, "the import plan"),
        vec![CP, FN, VERSION],
        "each resource is imported"
    );
    adopter.apply();
    assert_identities(&adopter, &expected_identities(&n), "after the import");
    let plan = adopter.plan();
    assert!(
        plan.is_empty(),
        "the plan after the import must be empty: {:#}",
        plan.json()["resource_changes"]
    );
}

/// An identity naming another account is refused for each resource, saying which
/// account the identity names and which one the provider's credentials are for.
#[test]
fn import_by_identity_of_another_account_is_refused() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let n = Names::new(&acc);
    let other = "210987654321";
    let imports = format!(
        r#"
import {{
  to       = lambda_capacity_provider.test
  identity = {{ name = "{cp}", account_id = "{other}" }}
}}

import {{
  to       = lambda_durable_function.test
  identity = {{ function_name = "{function}", account_id = "{other}" }}
}}

import {{
  to       = lambda_function_version.test
  identity = {{ function_name = "{function}", version = "1", account_id = "{other}" }}
}}
"#,
        cp = n.cp,
        function = n.function,
    );
    let config = three_resources(&acc, &n, acc.dir(), "v1", ["", "", ""]);
    acc.write(&format!("{config}{imports}"));
    let errors = acc.plan_errors();
    for address in [CP, FN, VERSION] {
        Expect::error()
            .summary("Import from another account")
            .detail(&[other, ACCOUNT, "assume_role"])
            .find_in(
                &errors,
                &format!("importing {address} from account {other}"),
            );
    }
    assert!(
        acc.emu().state()["capacity_providers"]
            .as_object()
            .is_some_and(|m| m.is_empty()),
        "nothing was created"
    );
}

/// Identities that would not be the identity AWS's answer gives (an ARN or a qualified
/// name where the plain name goes, `$LATEST` as a version, a malformed region or account)
/// are refused at the plan, naming the identity attribute and what it must be: they used
/// to import, then fail as "Resource identity changed … a bug in the provider", or, for
/// `$LATEST`, leave a version in the state that no destroy could delete. An import ID
/// naming another account's ARN is refused as an identity naming it is.
#[test]
fn import_of_a_malformed_identity_or_another_accounts_arn_is_refused() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let n = Names::new(&acc);
    let config = three_resources(&acc, &n, acc.dir(), "v1", ["", "", ""]);
    let cases = [
        (
            format!(
                r#"identity = {{ name = "arn:aws:lambda:{REGION}:{ACCOUNT}:capacity-provider:{}" }}"#,
                n.cp
            ),
            format!(r#"name = "arn:aws:lambda:{REGION}"#),
        ),
        (
            format!(r#"identity = {{ function_name = "{}:1" }}"#, n.function),
            format!(r#"function_name = "{}:1""#, n.function),
        ),
        (
            format!(
                r#"identity = {{ function_name = "{}", version = "$LATEST" }}"#,
                n.function
            ),
            r#"version = "$LATEST""#.to_string(),
        ),
        (
            format!(
                r#"identity = {{ function_name = "{}", region = "" }}"#,
                n.function
            ),
            r#"region = """#.to_string(),
        ),
        (
            format!(
                r#"identity = {{ function_name = "{}", account_id = "abc" }}"#,
                n.function
            ),
            r#"account_id = "abc""#.to_string(),
        ),
    ];
    let targets = [CP, FN, VERSION, FN, FN];
    for ((identity, named), to) in cases.iter().zip(targets) {
        acc.write(&format!(
            "{config}\nimport {{\n  to = {to}\n  {identity}\n}}\n"
        ));
        let errors = acc.plan_errors();
        Expect::error()
            .summary("Invalid identity")
            .detail(&[named.as_str()])
            .find_in(&errors, identity);
    }
    let other = "210987654321";
    acc.write(&format!(
        "{config}\nimport {{\n  to = {FN}\n  id = \"arn:aws:lambda:{REGION}:{other}:function:{}\"\n}}\n",
        n.function
    ));
    Expect::error()
        .summary("Import from another account")
        .detail(&[other, ACCOUNT])
        .find_in(&acc.plan_errors(), "an import ID of another account's ARN");
    assert!(
        acc.emu().state()["capacity_providers"]
            .as_object()
            .is_some_and(|m| m.is_empty()),
        "nothing was created"
    );
}

// ---------------------------------------------------------------------------
// List resources and generated configuration
// ---------------------------------------------------------------------------

/// What [`seed_world`] made.
struct World {
    cp: String,
    cp_arn: String,
    /// Durable, python3.13, two published versions.
    alpha: String,
    /// Durable, on the capacity provider.
    beta: String,
    /// Durable, nodejs22.x.
    gamma: String,
    /// Not durable: never listed.
    plain: String,
}

/// A capacity provider created with Terraform (then forgotten by it), and functions and
/// versions created with the SDK, as someone else would have.
fn seed_world(acc: &Acc) -> World {
    let cp = acc.name("cp");
    let maker = acc.another_workdir();
    maker.write(&format!(
        "{}\nresource \"lambda_capacity_provider\" \"made\" {{\n  name = \"{cp}\"\n{}{ARM_REQUIREMENTS}}}\n",
        header(),
        acc.network_blocks()
    ));
    maker.apply();
    let cp_arn = maker.resource("lambda_capacity_provider.made")["arn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    maker.succeed(&["state", "rm", "lambda_capacity_provider.made"]);

    let w = World {
        cp,
        cp_arn,
        alpha: acc.name("alpha"),
        beta: acc.name("beta"),
        gamma: acc.name("gamma"),
        plain: acc.name("plain"),
    };
    let sdk = acc.lambda_sdk();
    sdk.create_durable_function(&w.alpha, "alpha-1", None);
    assert_eq!(sdk.publish(&w.alpha), "1");
    sdk.update_code(&w.alpha, "alpha-2");
    assert_eq!(sdk.publish(&w.alpha), "2");
    sdk.create_durable_function(&w.beta, "beta-1", Some(&w.cp_arn));
    create_function(acc, &w.gamma, "nodejs22.x", true);
    create_function(acc, &w.plain, "python3.13", false);
    w
}

/// Creates a function `name` of `runtime` (durable or not) with the SDK.
fn create_function(acc: &Acc, name: &str, runtime: &str, durable: bool) {
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        let mut req = sdk
            .client()
            .create_function()
            .function_name(name)
            .role(ROLE)
            .runtime(Runtime::from(runtime))
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(acceptance_tests::fixtures::zip_package(name)))
                    .build(),
            );
        if durable {
            req = req.durable_config(DurableConfig::builder().execution_timeout(600).build());
        }
        if let Err(e) = req.send().await {
            panic!("creating {name} with the SDK: {e:?}");
        }
    });
    sdk.wait_settled(name);
}

/// Each list resource lists what exists with its display name and identity; the
/// durable-function filters each narrow the result (and a function without durable
/// configuration is never listed); `limit` is honoured; `include_resource = true`
/// returns the full object.
#[test]
fn query_lists_what_exists_with_filters_limit_and_full_objects() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let w = seed_world(&acc);
    acc.write(&header());
    let q = acc.query(&format!(
        r#"
list "lambda_capacity_provider" "all" {{
  provider = lambda
}}

list "lambda_durable_function" "all" {{
  provider = lambda
}}

list "lambda_durable_function" "prefix" {{
  provider = lambda
  config {{
    name_prefix = "{alpha_prefix}"
  }}
}}

list "lambda_durable_function" "on_cp" {{
  provider = lambda
  config {{
    capacity_provider_arn = "{cp_arn}"
  }}
}}

list "lambda_durable_function" "node" {{
  provider = lambda
  config {{
    runtime = "nodejs22.x"
  }}
}}

list "lambda_durable_function" "python_on_cp" {{
  provider = lambda
  config {{
    runtime               = "python3.13"
    capacity_provider_arn = "{cp_arn}"
  }}
}}

list "lambda_durable_function" "one" {{
  provider = lambda
  limit    = 1
}}

list "lambda_durable_function" "full" {{
  provider         = lambda
  include_resource = true
  config {{
    name_prefix = "{beta}"
  }}
}}

list "lambda_function_version" "alpha" {{
  provider = lambda
  config {{
    function_name = "{alpha}"
  }}
}}
"#,
        alpha_prefix = &w.alpha[..w.alpha.len() - 2],
        alpha = w.alpha,
        beta = w.beta,
        cp_arn = w.cp_arn,
    ));

    assert_eq!(
        q.names("list.lambda_capacity_provider.all"),
        vec![w.cp.clone()]
    );
    let cp = q.of("list.lambda_capacity_provider.all")[0];
    assert_eq!(
        cp.identity,
        json!({"name": w.cp, "region": REGION, "account_id": ACCOUNT})
    );
    assert!(cp.resource.is_null(), "no full object unless asked");

    let mut durable = vec![w.alpha.clone(), w.beta.clone(), w.gamma.clone()];
    durable.sort();
    assert_eq!(
        q.names("list.lambda_durable_function.all"),
        durable,
        "every durable function, and not {} (not durable)",
        w.plain
    );
    for f in q.of("list.lambda_durable_function.all") {
        assert_eq!(
            f.identity,
            json!({"function_name": f.display_name, "region": REGION, "account_id": ACCOUNT})
        );
    }
    assert_eq!(
        q.names("list.lambda_durable_function.prefix"),
        vec![w.alpha.clone()]
    );
    assert_eq!(
        q.names("list.lambda_durable_function.on_cp"),
        vec![w.beta.clone()]
    );
    assert_eq!(
        q.names("list.lambda_durable_function.node"),
        vec![w.gamma.clone()]
    );
    assert_eq!(
        q.names("list.lambda_durable_function.python_on_cp"),
        vec![w.beta.clone()],
        "filters combine"
    );
    assert_eq!(
        q.of("list.lambda_durable_function.one").len(),
        1,
        "limit = 1 lists one of three"
    );
    assert_eq!(q.total("list.lambda_durable_function.one"), Some(1));

    let full = q.of("list.lambda_durable_function.full");
    assert_eq!(full.len(), 1);
    let object = &full[0].resource;
    assert_eq!(object["function_name"], w.beta.as_str(), "{object:#}");
    assert_eq!(object["runtime"], "python3.13", "{object:#}");
    assert_eq!(object["memory_size"], 2048, "{object:#}");
    assert_eq!(
        object["capacity_provider_config"][0]["lambda_managed_instances_capacity_provider_config"]
            [0]["capacity_provider_arn"],
        w.cp_arn.as_str(),
        "{object:#}"
    );
    assert_eq!(
        object["durable_config"][0]["execution_timeout"], 3600,
        "{object:#}"
    );
    assert!(
        object["arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":function:{}", w.beta))),
        "{object:#}"
    );

    assert_eq!(
        q.names("list.lambda_function_version.alpha"),
        vec![format!("{}:1", w.alpha), format!("{}:2", w.alpha)]
    );
    for v in q.of("list.lambda_function_version.alpha") {
        let version = v.display_name.rsplit(':').next().unwrap_or_default();
        assert_eq!(
            v.identity,
            json!({"function_name": w.alpha, "version": version, "region": REGION, "account_id": ACCOUNT})
        );
    }
}

/// `terraform query -generate-config-out` writes a resource block and an import block
/// (by identity) for every object of each type; applied as written, it imports them and
/// the next plan is empty — for the durable functions both without a file at the
/// `NAME.zip` placeholder the generated `filename` names and with the package AWS holds
/// there. (Another package there is new code to upload, as documented for `filename`.)
#[test]
fn generated_configuration_imports_to_an_empty_plan() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let w = seed_world(&acc);
    acc.write(&header());
    let generated = acc.generate_config(
        &format!(
            r#"
list "lambda_capacity_provider" "cp" {{
  provider = lambda
}}

list "lambda_durable_function" "fn" {{
  provider = lambda
}}

list "lambda_function_version" "alpha" {{
  provider = lambda
  config {{
    function_name = "{alpha}"
  }}
}}
"#,
            alpha = w.alpha
        ),
        "generated.tf",
    );

    assert_eq!(
        generated
            .matches("resource \"lambda_capacity_provider\"")
            .count(),
        1,
        "{generated}"
    );
    assert_eq!(
        generated
            .matches("resource \"lambda_durable_function\"")
            .count(),
        3,
        "{generated}"
    );
    assert_eq!(
        generated
            .matches("resource \"lambda_function_version\"")
            .count(),
        2,
        "{generated}"
    );
    assert_eq!(generated.matches("import {").count(), 6, "{generated}");
    assert_eq!(
        generated.matches("identity = {").count(),
        6,
        "imports by identity: {generated}"
    );
    for function in [&w.alpha, &w.beta, &w.gamma] {
        assert!(
            generated.contains(&format!("filename = \"{function}.zip\""))
                || generated.contains(&format!("\"{function}.zip\"")),
            "a filename placeholder for {function}: {generated}"
        );
    }
    assert!(!generated.contains(&w.plain), "{generated}");
    for guard in ["revision_id", "code_sha256"] {
        assert!(
            !generated.contains(guard),
            "no publish guard {guard} in the versions' configuration: {generated}"
        );
    }

    let plan = acc.plan();
    assert_eq!(
        assert_only_imports(&plan, "the generated configuration").len(),
        6,
        "{:#}",
        plan.json()["resource_changes"]
    );
    acc.apply();
    assert_eq!(acc.state().addresses().len(), 6);
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "after the import, without the zip placeholders: {:#}",
        plan.json()["resource_changes"]
    );

    // With the packages AWS holds at the placeholders the plan stays empty too.
    let sdk_code = [
        (&w.alpha, "alpha-2".to_string()),
        (&w.beta, "beta-1".to_string()),
        (&w.gamma, w.gamma.clone()),
    ];
    for (function, tag) in &sdk_code {
        write_zip(acc.dir(), &format!("{function}.zip"), tag);
    }
    let plan = acc.plan();
    assert!(
        plan.is_empty(),
        "after the import, with AWS's packages at the placeholders: {:#}",
        plan.json()["resource_changes"]
    );

    // Another package there is new code, as for any `filename`: the plan uploads it
    // (an in-place update of that function only).
    write_zip(acc.dir(), &format!("{}.zip", w.alpha), "new code");
    let plan = acc.plan();
    for rc in plan.resource_changes() {
        let address = rc["address"].as_str().unwrap_or_default();
        let wanted = if rc["change"]["after"]["function_name"] == w.alpha.as_str()
            && address.starts_with("lambda_durable_function.")
        {
            json!(["update"])
        } else {
            json!(["no-op"])
        };
        assert_eq!(rc["change"]["actions"], wanted, "{address}: {rc:#}");
    }
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

/// A durable function `name` with one published version ("1"), created with the SDK.
fn durable_function_with_version(acc: &Acc, name: &str) {
    let sdk = acc.lambda_sdk();
    sdk.create_durable_function(name, name, None);
    assert_eq!(sdk.publish(name), "1");
    wait_for(
        || {
            acc.emulated_version(name, "1")
                .is_some_and(|v| v["state"] == "Active")
        },
        &format!("{name}:1 to be Active"),
    );
}

/// Polls `done` for up to 10 s.
fn wait_for(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "waited 10 s for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The emulator's executions of `function` named `name`.
fn executions_named(acc: &Acc, function: &str, name: &str) -> Vec<Value> {
    acc.emulated_executions(function)
        .into_iter()
        .filter(|e| e["name"] == name)
        .collect()
}

/// The one execution of `function` named `name`.
fn execution(acc: &Acc, function: &str, name: &str) -> Value {
    let found = executions_named(acc, function, name);
    assert_eq!(found.len(), 1, "executions named {name}: {found:#?}");
    found[0].clone()
}

/// An `action "lambda_start_durable_execution" LABEL` on version 1 of `function`.
fn start_action(label: &str, function: &str, name: &str, more: &str) -> String {
    format!(
        r#"
action "lambda_start_durable_execution" "{label}" {{
  config {{
    function_name          = "{function}"
    qualifier              = "1"
    durable_execution_name = "{name}"
{more}  }}
}}
"#
    )
}

/// Two `apply -invoke` of the start action with the same name start one execution.
#[test]
fn start_is_idempotent_by_name() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    acc.write(&format!(
        "{}{}",
        header(),
        start_action(
            "once",
            &function,
            "order-1",
            "    payload                = jsonencode({ order = 1 })\n"
        )
    ));
    let first = acc.invoke("action.lambda_start_durable_execution.once");
    assert!(
        first
            .stdout
            .contains("started durable execution \"order-1\""),
        "{}",
        first.stdout
    );
    let e = execution(&acc, &function, "order-1");
    assert_eq!(e["status"], "RUNNING", "{e:#}");
    assert_eq!(e["input_payload"], "{\"order\":1}", "{e:#}");

    acc.invoke("action.lambda_start_durable_execution.once");
    let again = execution(&acc, &function, "order-1");
    assert_eq!(
        again["arn"], e["arn"],
        "the second invoke finds the same execution"
    );
    assert_eq!(acc.emulated_executions(&function).len(), 1);
}

/// A start whose Invoke took effect but whose answers were all lost does not say that
/// starting failed: it says the execution may have started and how to check, and it did
/// start (once).
#[test]
fn a_start_whose_answers_were_lost_says_it_may_have_started() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    acc.emu()
        .inject_fault(FaultSpec::times("Invoke", FaultKind::DropResponse, 100));
    acc.write(&format!(
        "{REQUIRED_PROVIDERS}\nprovider \"lambda\" {{\n  max_retries = 1\n}}\n{}",
        start_action("lost", &function, "lost-1", "")
    ));
    let errors = acc.invoke_errors("action.lambda_start_durable_execution.lost");
    let d = Expect::error()
        .says(&[
            "durable execution \"lost-1\"",
            "may have started",
            "lambda_durable_executions",
            "list-durable-executions-by-function",
        ])
        .find_in(&errors, "a start whose answers were lost");
    assert!(!format!("{d:#}").contains("Error starting"), "{d:#}");
    assert_eq!(executions_named(&acc, &function, "lost-1").len(), 1);
}

/// `wait_for_completion = true` reports each status as it changes and succeeds when the
/// execution ends SUCCEEDED.
#[test]
fn start_waits_for_completion_and_streams_progress() {
    // Long enough for the first poll (after 500 ms) to see it RUNNING.
    let opts = EmulatorOptions {
        execution_duration: Duration::from_millis(4000),
        ..EmulatorOptions::default()
    };
    let Some(acc) = setup_1_15(opts, true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    acc.write(&format!(
        "{}{}",
        header(),
        start_action(
            "waited",
            &function,
            "waited-1",
            "    wait_for_completion    = true\n"
        )
    ));
    let out = acc.invoke("action.lambda_start_durable_execution.waited");
    let label = format!("durable execution \"waited-1\" of {function}:1");
    for line in [
        format!("started {label} on version 1"),
        format!("{label}: RUNNING"),
        format!("{label}: SUCCEEDED"),
    ] {
        assert!(
            out.stdout.contains(&line),
            "progress {line:?} in:\n{}",
            out.stdout
        );
    }
    let running = out.stdout.find(&format!("{label}: RUNNING"));
    let succeeded = out.stdout.find(&format!("{label}: SUCCEEDED"));
    assert!(running < succeeded, "in order: {}", out.stdout);
    assert_eq!(
        execution(&acc, &function, "waited-1")["status"],
        "SUCCEEDED"
    );
}

/// With `wait_for_completion = true`, an execution that ends FAILED fails the apply with
/// the execution's error. (The emulator ends invoked executions SUCCEEDED; a seeded
/// execution of the same name, which the start finds by name, ends FAILED.)
#[test]
fn start_fails_with_the_error_of_a_failed_execution() {
    let Some(acc) = setup_1_15(quick_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    let mut seed = SeedExecution::new(&function, "RUNNING")
        .qualifier("1")
        .name("doomed")
        .finishes_after(1500, "FAILED");
    seed.error = Some(json!({"ErrorType": "OrderRejected", "ErrorMessage": "card declined"}));
    let seeded = acc.seed_execution(seed);
    acc.write(&format!(
        "{}{}",
        header(),
        start_action(
            "doomed",
            &function,
            "doomed",
            "    wait_for_completion    = true\n"
        )
    ));
    let errors = acc.invoke_errors("action.lambda_start_durable_execution.doomed");
    // Terraform sums it up as "Error when invoking action", with the provider's
    // summary and detail in its detail.
    Expect::error()
        .says(&[
            "durable execution \"doomed\"",
            "ended FAILED",
            seeded.durable_execution_arn.as_str(),
            "OrderRejected: card declined",
        ])
        .find_in(&errors, "waiting for an execution that fails");
    assert_eq!(executions_named(&acc, &function, "doomed").len(), 1);
}

/// A function named without a version is refused by `terraform validate`, the error on
/// `qualifier` (Terraform shows the `config` block, where it is missing).
#[test]
fn an_unqualified_function_is_refused_at_validate() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    acc.write(&format!(
        r#"{header}
action "lambda_start_durable_execution" "unqualified" {{
  config {{
    function_name          = "orders"
    durable_execution_name = "x"
  }}
}}

action "lambda_start_durable_execution" "qualified_in_name" {{
  config {{
    function_name          = "orders:3"
    durable_execution_name = "x"
  }}
}}
"#,
        header = header()
    ));
    let errors = acc.validate_errors();
    let d = Expect::error()
        .summary("A durable function is invoked through a version")
        .detail(&["qualifier", "\"orders:3\""])
        .address("action.lambda_start_durable_execution.unqualified")
        .code("config {")
        .find_in(&errors, "validating an unqualified function");
    assert_eq!(errors.all().len(), 1, "only the unqualified one: {d:#}");
}

/// A `qualifier` contradicting the version in `function_name`, and a start `timeout`
/// outside 1s to 8784h, are refused by `terraform validate` at the attribute, for every
/// action that takes them (AWS used to refuse the first at invoke; a `0s` timeout failed
/// a start that had reached AWS).
#[test]
fn contradicting_qualifiers_and_zero_timeouts_are_refused_at_validate() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let controls = ["stop", "pause", "resume"]
        .map(|verb| {
            format!(
                r#"
action "lambda_{verb}_durable_execution" "contradicting" {{
  config {{
    function_name          = "actfn:1"
    qualifier              = "2"
    durable_execution_name = "run41"
  }}
}}
"#
            )
        })
        .concat();
    acc.write(&format!(
        r#"{header}
action "lambda_start_durable_execution" "contradicting" {{
  config {{
    function_name          = "actfn:1"
    qualifier              = "2"
    durable_execution_name = "run41"
  }}
}}

action "lambda_start_durable_execution" "zero_timeout" {{
  config {{
    function_name          = "actfn:1"
    durable_execution_name = "run41"
    wait_for_completion    = true
    timeout                = "0s"
  }}
}}
{controls}"#,
        header = header()
    ));
    let errors = acc.validate_errors();
    for verb in ["start", "stop", "pause", "resume"] {
        Expect::error()
            .summary("qualifier contradicts function_name")
            .detail(&["\"1\"", "\"2\""])
            .address(&format!(
                "action.lambda_{verb}_durable_execution.contradicting"
            ))
            .code("qualifier")
            .find_in(&errors, verb);
    }
    Expect::error()
        .summary("Invalid duration")
        .detail(&["between 1s and 8784h"])
        .address("action.lambda_start_durable_execution.zero_timeout")
        .code("timeout")
        .find_in(&errors, "a zero timeout");
    assert_eq!(errors.all().len(), 5, "{:#?}", errors.all());
}

/// The start action's checks also run at the plan, where values from variables are
/// known (validate sees only literals): a payload that is not JSON and an unqualified
/// function given through variables used to reach AWS, the payload starting an
/// execution with it.
#[test]
fn start_checks_values_from_variables_at_the_plan() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    let action = "action.lambda_start_durable_execution.from_vars";
    let config = |payload: &str, function_value: &str| {
        format!(
            r#"{header}
variable "payload" {{
  default = {payload:?}
}}
variable "function" {{
  default = {function_value:?}
}}
action "lambda_start_durable_execution" "from_vars" {{
  config {{
    function_name          = var.function
    durable_execution_name = "from-vars"
    payload                = var.payload
  }}
}}
"#,
            header = header()
        )
    };
    acc.write(&config("notjson", &format!("{function}:1")));
    Expect::error()
        .summary("payload is not JSON")
        .address(action)
        .find_in(&acc.invoke_errors(action), "a payload from a variable");
    acc.write(&config("{}", &function));
    Expect::error()
        .summary("A durable function is invoked through a version")
        .address(action)
        .find_in(&acc.invoke_errors(action), "a function from a variable");
    assert_eq!(acc.emu().call_count("Invoke"), 0, "nothing reached AWS");
}

/// An action naming its function or execution by ARN calls the ARN's region, not the
/// provider's, and a `region` that contradicts the ARN is refused at the plan.
#[test]
fn actions_call_the_region_of_the_arn_they_name() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}:1");
    let elsewhere = "provider \"lambda\" {\n  region = \"eu-west-1\"\n}\n";
    let header_elsewhere = header().replace("provider \"lambda\" {}\n", elsewhere);
    assert_ne!(
        header_elsewhere,
        header(),
        "the provider block is in another region"
    );
    let start = |more: &str| {
        format!(
            "{header_elsewhere}\naction \"lambda_start_durable_execution\" \"by_arn\" {{\n  config {{\n    function_name          = \"{arn}\"\n    durable_execution_name = \"by-arn\"\n{more}  }}\n}}\n"
        )
    };
    acc.write(&start(""));
    let out = acc.invoke("action.lambda_start_durable_execution.by_arn");
    assert!(out.stdout.contains("started"), "{}", out.stdout);
    assert_eq!(executions_named(&acc, &function, "by-arn").len(), 1);

    acc.write(&start("    region                 = \"eu-west-1\"\n"));
    Expect::error()
        .summary("region differs from the ARN's")
        .detail(&["eu-west-1", REGION])
        .find_in(
            &acc.invoke_errors("action.lambda_start_durable_execution.by_arn"),
            "a region other than the ARN's",
        );
}

/// Several executions of one name on the version `qualifier` names: the error says to
/// use `durable_execution_arn` and lists the ARNs, instead of advising the `qualifier`
/// that is already set.
#[test]
fn executions_sharing_a_name_on_one_version_are_listed() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    for _ in 0..2 {
        if let Err(e) = acc.emu().seed_durable_execution(
            SeedExecution::new(&function, "RUNNING")
                .qualifier("1")
                .name("twin"),
        ) {
            panic!("seeding: {e}");
        }
    }
    acc.write(&format!(
        "{}\naction \"lambda_stop_durable_execution\" \"twin\" {{\n  config {{\n    function_name          = \"{function}\"\n    qualifier              = \"1\"\n    durable_execution_name = \"twin\"\n  }}\n}}\n",
        header()
    ));
    let d = Expect::error()
        .says(&["Several durable executions have that name"])
        .detail(&[
            "on version \"1\": set durable_execution_arn",
            "/durable-execution/twin/",
        ])
        .find_in(
            &acc.invoke_errors("action.lambda_stop_durable_execution.twin"),
            "two executions named twin on version 1",
        );
    assert!(
        !d["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("set qualifier"),
        "{d:#}"
    );
}

/// Stop, pause and resume each change the execution's status in the emulator, naming
/// it by ARN or by function and execution name.
#[test]
fn stop_pause_and_resume_change_the_execution_status() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    let one = start_with_the_sdk(&acc, &function, "one");
    let two = start_with_the_sdk(&acc, &function, "two");
    let by_arn = |verb: &str, arn: &str| {
        format!(
            "\naction \"lambda_{verb}_durable_execution\" \"{verb}_by_arn\" {{\n  config {{\n    durable_execution_arn = \"{arn}\"\n  }}\n}}\n"
        )
    };
    let by_name = |verb: &str, name: &str| {
        format!(
            "\naction \"lambda_{verb}_durable_execution\" \"{verb}_by_name\" {{\n  config {{\n    function_name          = \"{function}\"\n    durable_execution_name = \"{name}\"\n  }}\n}}\n"
        )
    };
    let status = |arn: &str| acc.emulated_execution(arn)["status"].clone();
    let run = |config: String, action: &str| {
        acc.write(&format!("{}{config}", header()));
        acc.invoke(action)
    };

    // "one": paused by ARN, resumed by name, stopped by name.
    let out = run(
        by_arn("pause", &one),
        "action.lambda_pause_durable_execution.pause_by_arn",
    );
    assert!(out.stdout.contains("pause requested"), "{}", out.stdout);
    assert!(
        ["PAUSING", "PAUSED"].contains(&status(&one).as_str().unwrap_or_default()),
        "{}",
        status(&one)
    );
    wait_for(|| status(&one) == "PAUSED", "one to be PAUSED");
    run(
        by_name("resume", "one"),
        "action.lambda_resume_durable_execution.resume_by_name",
    );
    assert_eq!(status(&one), "RUNNING");
    run(
        by_name("stop", "one"),
        "action.lambda_stop_durable_execution.stop_by_name",
    );
    assert_eq!(status(&one), "STOPPED");
    assert_eq!(status(&two), "RUNNING", "the other execution is untouched");

    // "two": paused by name, resumed by ARN, stopped by ARN.
    run(
        by_name("pause", "two"),
        "action.lambda_pause_durable_execution.pause_by_name",
    );
    wait_for(|| status(&two) == "PAUSED", "two to be PAUSED");
    run(
        by_arn("resume", &two),
        "action.lambda_resume_durable_execution.resume_by_arn",
    );
    assert_eq!(status(&two), "RUNNING");
    run(
        by_arn("stop", &two),
        "action.lambda_stop_durable_execution.stop_by_arn",
    );
    assert_eq!(status(&two), "STOPPED");
}

/// Starts the durable execution `name` of version 1 of `function` with the SDK, as a
/// client outside Terraform would; returns its ARN.
fn start_with_the_sdk(acc: &Acc, function: &str, name: &str) -> String {
    let sdk = acc.lambda_sdk();
    sdk.block_on(async {
        let out = sdk
            .client()
            .invoke()
            .function_name(function)
            .qualifier("1")
            .invocation_type(aws_sdk_lambda::types::InvocationType::Event)
            .durable_execution_name(name)
            .send()
            .await;
        match out {
            Ok(o) => o.durable_execution_arn().unwrap_or_default().to_string(),
            Err(e) => panic!("invoking {name}: {e:?}"),
        }
    })
}

/// A control call whose answer is lost (AWS carried it out) is retried, and the retry
/// does not turn the success into a failure: pause and resume carry a `ClientToken`
/// that AWS answers a repeat with, and a retried stop that finds the execution stopped
/// counts as done.
#[test]
fn a_control_action_whose_answer_is_lost_still_succeeds() {
    let Some(acc) = setup_1_15(endless_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    durable_function_with_version(&acc, &function);
    let arn = start_with_the_sdk(&acc, &function, "lost");
    let status = |arn: &str| acc.emulated_execution(arn)["status"].clone();
    let invoke_losing_the_answer = |verb: &str| {
        let operation = format!("{}DurableExecution", capitalized(verb));
        acc.emu().inject_fault(acceptance_tests::FaultSpec::times(
            &operation,
            acceptance_tests::FaultKind::DropResponse,
            1,
        ));
        acc.emu().reset_calls();
        acc.write(&format!(
            "{}\naction \"lambda_{verb}_durable_execution\" \"x\" {{\n  config {{\n    durable_execution_arn = \"{arn}\"\n  }}\n}}\n",
            header()
        ));
        let out = acc.invoke(&format!("action.lambda_{verb}_durable_execution.x"));
        assert!(
            out.stdout.contains(&format!("{verb} requested")),
            "{verb} with its first answer lost: {}\n{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(
            acc.emu().call_count(&operation),
            2,
            "the first {operation} lost its answer and was retried once"
        );
        acc.emu().clear_faults();
    };
    invoke_losing_the_answer("pause");
    wait_for(|| status(&arn) == "PAUSED", "the execution to be PAUSED");
    invoke_losing_the_answer("resume");
    assert_eq!(status(&arn), "RUNNING");
    invoke_losing_the_answer("stop");
    assert_eq!(status(&arn), "STOPPED");
}

/// "pause" -> "Pause".
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A smoke-test execution after each new version: an `action_trigger` on the version
/// (`events = [after_create, after_update]`) starts
/// `smoke-VERSION` and waits for it. A new version (new code) starts a new one; an
/// in-place update of the version triggers the action again, which finds the same
/// execution by name.
#[test]
fn action_trigger_runs_a_smoke_test_for_each_new_version() {
    let Some(acc) = setup_1_15(quick_executions(), true) else {
        return;
    };
    let function = acc.name("orders");
    let config = |code: &str, on_destroy: &str| {
        write_zip(acc.dir(), "fn.zip", code);
        format!(
            r#"{header}
resource "lambda_durable_function" "test" {{
  function_name    = "{function}"
  role             = "{ROLE}"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "fn.zip"
  source_code_hash = filebase64sha256("fn.zip")

  durable_config {{
    execution_timeout = 3600
  }}
}}

resource "lambda_function_version" "live" {{
  function_name = lambda_durable_function.test.function_name

  triggers = {{
    code = lambda_durable_function.test.code_sha256
  }}

  running_executions_on_destroy = "{on_destroy}"

  lifecycle {{
    action_trigger {{
      events  = [after_create, after_update]
      actions = [action.lambda_start_durable_execution.smoke]
    }}
  }}
}}

action "lambda_start_durable_execution" "smoke" {{
  config {{
    function_name          = lambda_durable_function.test.function_name
    qualifier              = lambda_function_version.live.version
    durable_execution_name = "smoke-${{lambda_function_version.live.version}}"
    payload                = jsonencode({{ smoke = true }})
    wait_for_completion    = true
  }}
}}
"#,
            header = header()
        )
    };
    let apply = |hcl: String| -> String {
        acc.write(&hcl);
        acc.succeed(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .stdout
    };

    let out = apply(config("v1", "fail"));
    assert!(out.contains("Actions: 1 invoked"), "{out}");
    let smoke1 = execution(&acc, &function, "smoke-1");
    assert_eq!(smoke1["status"], "SUCCEEDED", "{smoke1:#}");
    assert_eq!(smoke1["input_payload"], "{\"smoke\":true}");

    // New code: a new version (created), and its own smoke test.
    let out = apply(config("v2", "fail"));
    assert!(out.contains("Actions: 1 invoked"), "{out}");
    assert_eq!(acc.resource("lambda_function_version.live")["version"], "2");
    assert_eq!(execution(&acc, &function, "smoke-2")["status"], "SUCCEEDED");

    // An in-place update of the version triggers it again: the same name finds the
    // execution that ran, nothing new starts.
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    let out = apply(config("v2", "wait"));
    assert!(out.contains("1 changed"), "{out}");
    assert!(out.contains("Actions: 1 invoked"), "{out}");
    assert_eq!(executions_named(&acc, &function, "smoke-2").len(), 1);
    assert_eq!(
        acc.emulated_executions(&function)
            .iter()
            .filter(|e| e["name"].as_str().is_some_and(|n| n.starts_with("smoke-")))
            .count(),
        acc.emulated_executions(&function).len(),
        "only smoke tests ran"
    );
}

// ---------------------------------------------------------------------------
// Terraform 1.11
// ---------------------------------------------------------------------------

/// The configuration of the identity tests, without list, action or identity-import
/// blocks, plans and applies under Terraform 1.11 (which stores no identity) and then
/// plans nothing more; Terraform 1.15 takes over that state with an empty plan and
/// records the identities on its first refresh.
#[test]
fn the_same_configuration_works_under_terraform_1_11_and_then_1_15() {
    let Some(acc) = setup(EmulatorOptions::default(), true) else {
        return;
    };
    let n = Names::new(&acc);
    let config = three_resources(&acc, &n, acc.dir(), "v1", ["", "", ""]);
    acc.write(&config);
    acc.apply();
    let plan = acc.plan();
    assert!(plan.is_empty(), "{:#}", plan.json()["resource_changes"]);
    let state = acc.state();
    for address in [CP, FN, VERSION] {
        assert!(state.resource(address).is_some(), "{address} applied");
        assert!(
            identity_in(state.json(), address).is_none_or(|i| i.is_null()),
            "Terraform 1.11 stores no identity"
        );
    }

    // Terraform 1.15 on the state Terraform 1.11 wrote.
    let newer = acc.workdir_with(&tfplug::testing::require_terraform_1_15());
    let state_file = std::fs::read(acc.dir().join("terraform.tfstate"))
        .unwrap_or_else(|e| panic!("reading the state: {e}"));
    std::fs::write(newer.dir().join("terraform.tfstate"), state_file)
        .unwrap_or_else(|e| panic!("copying the state: {e}"));
    newer.write(&three_resources(&acc, &n, newer.dir(), "v1", ["", "", ""]));
    let plan = newer.plan();
    assert!(
        plan.is_empty(),
        "1.15 on 1.11's state: {:#}",
        plan.json()["resource_changes"]
    );
    newer.apply_refresh_only();
    assert_identities(&newer, &expected_identities(&n), "after 1.15's refresh");
}

/// The capacity provider's lifecycle — create, update in place, destroy — the same
/// steps under Terraform 1.11 and Terraform 1.15.
#[test]
fn capacity_provider_lifecycle_under_terraform_1_11_and_1_15() {
    let versions: [(&str, Option<PathBuf>); 2] = [
        ("Terraform 1.11", None),
        (
            "Terraform 1.15",
            Some(tfplug::testing::require_terraform_1_15()),
        ),
    ];
    for (which, terraform) in versions {
        let Some(acc) = setup_with(EmulatorOptions::default(), true, terraform) else {
            return;
        };
        // The default terraform is 1.11 here and in CI; whatever it is, the second run
        // must be 1.15.
        let version_text = acc.succeed(&["version"]).stdout;
        let wanted = if which.ends_with("1.15") {
            "Terraform v1.15"
        } else {
            "Terraform v1."
        };
        assert!(
            version_text.contains(wanted),
            "{which}: runs {version_text}"
        );
        eprintln!(
            "{which}: {}",
            version_text.lines().next().unwrap_or_default()
        );
        let name = acc.name("cp");

        acc.write(&acc.config(&name, "", ARM_REQUIREMENTS));
        acc.apply();
        let created = acc.resource(CP);
        assert_eq!(created["state"], "Active", "{which}: {created:#}");
        assert!(
            acc.emulated_capacity_provider(&name).is_some(),
            "{which}: created"
        );

        acc.write(&acc.config(
            &name,
            "",
            &format!("{ARM_REQUIREMENTS}{MANUAL_SCALING}  tags = {{ stage = \"two\" }}\n"),
        ));
        let plan = acc.plan();
        assert_eq!(
            plan.actions_for(CP),
            vec!["update"],
            "{which}: {:#}",
            plan.json()["resource_changes"]
        );
        acc.apply();
        let updated = acc.resource(CP);
        assert_eq!(updated["arn"], created["arn"], "{which}: the same object");
        assert_eq!(
            updated["capacity_provider_scaling_config"][0]["scaling_mode"], "Manual",
            "{which}: {updated:#}"
        );
        assert_eq!(updated["tags_all"], json!({"stage": "two"}), "{which}");
        let emulated = acc.emulated_capacity_provider(&name).unwrap_or_default();
        assert_eq!(
            emulated["config"]["CapacityProviderScalingConfig"]["ScalingMode"], "Manual",
            "{which}: the emulator has the update: {emulated:#}"
        );
        assert!(acc.plan().is_empty(), "{which}: nothing more to change");

        acc.destroy();
        assert!(acc.state().addresses().is_empty(), "{which}");
        assert!(
            acc.emulated_capacity_provider(&name).is_none(),
            "{which}: deleted"
        );
    }
}

// ---------------------------------------------------------------------------
// examples/adopt-existing
// ---------------------------------------------------------------------------

/// Copies the files of `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
    for entry in entries.filter_map(Result::ok) {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dst.display()));
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst)
                .unwrap_or_else(|e| panic!("copying {} to {}: {e}", src.display(), dst.display()));
        }
    }
}

/// `examples/adopt-existing`, step by step as its `run.sh` does them (provider/tests/
/// examples.rs leaves it out: it has no top-level `main.tf`, and needs Terraform 1.14+
/// for `terraform query`): `setup/` creates the objects, `adopt/`'s query generates
/// configuration that imports them, the next plan is empty, and a destroy from `adopt/`
/// leaves nothing behind.
#[test]
fn the_adopt_existing_example_imports_to_an_empty_plan() {
    let Some(acc) = setup_1_15(EmulatorOptions::default(), true) else {
        return;
    };
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/adopt-existing");
    let fmt_check = ["fmt", "-check", "-recursive", "-diff", "-no-color"];
    copy_dir(&example.join("setup"), acc.dir());
    acc.succeed(&fmt_check);
    acc.apply();
    assert_eq!(
        acc.state().addresses().len(),
        3,
        "setup creates three objects"
    );

    let adopter = acc.another_workdir();
    copy_dir(&example.join("adopt"), adopter.dir());
    adopter.succeed(&fmt_check);
    let listed = adopter.succeed(&["query", "-no-color"]).stdout;
    for shown in ["legacy-workers", "legacy-orders", "legacy-orders:1"] {
        assert!(listed.contains(shown), "query lists {shown}: {listed}");
    }
    adopter.succeed(&["query", "-generate-config-out=generated.tf", "-no-color"]);
    let generated = std::fs::read_to_string(adopter.dir().join("generated.tf"))
        .unwrap_or_else(|e| panic!("reading generated.tf: {e}"));
    assert_eq!(generated.matches("identity = {").count(), 3, "{generated}");
    assert!(
        generated.contains("filename           = \"legacy-orders.zip\""),
        "{generated}"
    );
    // The review step: refer to the resources used, so a destroy deletes in order.
    let wired = std::process::Command::new("bash")
        .args(["wire-references.sh", "generated.tf"])
        .current_dir(adopter.dir())
        .output()
        .unwrap_or_else(|e| panic!("running wire-references.sh: {e}"));
    assert!(wired.status.success(), "wire-references.sh: {wired:?}");
    adopter.succeed(&["fmt", "generated.tf"]);

    let plan = adopter.plan();
    assert_eq!(
        assert_only_imports(&plan, "adopting"),
        vec![
            "lambda_capacity_provider.workers_0",
            "lambda_durable_function.orders_0",
            "lambda_function_version.orders_0",
        ]
    );
    adopter.apply();
    let plan = adopter.plan();
    assert!(
        plan.is_empty(),
        "the plan after adopting: {:#}",
        plan.json()["resource_changes"]
    );
    assert_eq!(
        adopter.identity("lambda_function_version.orders_0"),
        json!({"function_name": "legacy-orders", "version": "1", "region": REGION, "account_id": ACCOUNT})
    );

    adopter.destroy();
    let state = acc.emu().state();
    for collection in ["functions", "capacity_providers"] {
        assert!(
            state[collection].as_object().is_some_and(|m| m.is_empty()),
            "the emulator still holds {collection}: {:#}",
            state[collection]
        );
    }
}

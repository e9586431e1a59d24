//! Terraform 1.12+ commands in a test's working directory (run it with Terraform 1.15:
//! [`super::setup_1_15`]): resource identities in the state, `terraform query` (list
//! blocks in a `*.tfquery.hcl` file), generated configuration, and invoking actions.

use serde_json::Value;
use tfplug::testing::CmdOutput;

use super::diagnostics::Diagnostics;
use super::terraform::Tf;

/// The file [`Tf::query`] writes the list blocks to.
pub const QUERY_FILE: &str = "main.tfquery.hcl";

/// One result of `terraform query -json` (`list_resource_found`).
#[derive(Clone, Debug)]
pub struct Found {
    /// The list block's address, e.g. `list.lambda_durable_function.all`.
    pub address: String,
    /// What `terraform query` shows for the object.
    pub display_name: String,
    /// The object's identity.
    pub identity: Value,
    /// Its full state, with `include_resource = true` (else null).
    pub resource: Value,
}

/// What `terraform query -json` printed.
#[derive(Clone, Debug)]
pub struct Query {
    /// Every result, in the order printed.
    pub found: Vec<Found>,
    /// Every line printed, parsed.
    pub lines: Vec<Value>,
}

impl Query {
    /// The results of the list block at `address`.
    pub fn of(&self, address: &str) -> Vec<&Found> {
        self.found.iter().filter(|f| f.address == address).collect()
    }

    /// The display names of the results of `address`, sorted.
    pub fn names(&self, address: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .of(address)
            .iter()
            .map(|f| f.display_name.clone())
            .collect();
        names.sort();
        names
    }

    /// The total `list_complete` reports for `address`.
    pub fn total(&self, address: &str) -> Option<u64> {
        self.lines
            .iter()
            .find(|l| l["type"] == "list_complete" && l["list_complete"]["address"] == address)
            .and_then(|l| l["list_complete"]["total"].as_u64())
    }
}

/// The `identity` of the resource at `address` in `terraform show -json` output.
pub fn identity_in(state: &Value, address: &str) -> Option<Value> {
    fn search(module: &Value, address: &str) -> Option<Value> {
        let here = module["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .map(|r| r["identity"].clone());
        here.or_else(|| {
            module["child_modules"]
                .as_array()
                .and_then(|cs| cs.iter().find_map(|c| search(c, address)))
        })
    }
    search(&state["values"]["root_module"], address)
}

impl Tf {
    /// The identity `terraform show -json` has for the resource at `address`, which must
    /// be in the state with an identity.
    pub fn identity(&self, address: &str) -> Value {
        let state = self.state();
        match identity_in(state.json(), address) {
            Some(id) if id.is_object() => id,
            Some(other) => panic!("{address} has no identity in the state: {other}"),
            None => panic!(
                "{address} is not in the state; it holds {:?}",
                state.addresses()
            ),
        }
    }

    /// Writes `list_blocks` to [`QUERY_FILE`] and runs `terraform query -json`, which
    /// must succeed.
    pub fn query(&self, list_blocks: &str) -> Query {
        self.write_file(QUERY_FILE, list_blocks);
        let out = self.succeed(&["query", "-json", "-no-color"]);
        let lines: Vec<Value> = out
            .stdout
            .lines()
            .filter(|l| l.trim_start().starts_with('{'))
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let found = lines
            .iter()
            .filter(|l| l["type"] == "list_resource_found")
            .map(|l| {
                let f = &l["list_resource_found"];
                Found {
                    address: f["address"].as_str().unwrap_or_default().to_string(),
                    display_name: f["display_name"].as_str().unwrap_or_default().to_string(),
                    identity: f["identity"].clone(),
                    resource: f["resource_object"].clone(),
                }
            })
            .collect();
        Query { found, lines }
    }

    /// Writes `list_blocks` to [`QUERY_FILE`] and runs `terraform query -json`, which
    /// must fail: its errors.
    pub fn query_errors(&self, list_blocks: &str) -> Diagnostics {
        self.write_file(QUERY_FILE, list_blocks);
        let out = self.fail(&["query", "-json", "-no-color"]);
        Diagnostics::from_json_lines(&out.stdout).errors()
    }

    /// Writes `list_blocks` to [`QUERY_FILE`], runs `terraform query
    /// -generate-config-out=FILE` and returns what it wrote to `file`; then removes the
    /// query file (the generated configuration is applied as it is, like a user would).
    pub fn generate_config(&self, list_blocks: &str, file: &str) -> String {
        self.write_file(QUERY_FILE, list_blocks);
        let out_arg = format!("-generate-config-out={file}");
        self.succeed(&["query", &out_arg, "-no-color"]);
        let path = self.dir().join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let _ = std::fs::remove_file(self.dir().join(QUERY_FILE));
        text
    }

    /// `terraform apply -auto-approve -invoke=ACTION` (e.g.
    /// `action.lambda_start_durable_execution.smoke`), which must succeed: what it printed.
    pub fn invoke(&self, action: &str) -> CmdOutput {
        let invoke = format!("-invoke={action}");
        self.succeed(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            &invoke,
        ])
    }

    /// `terraform apply -auto-approve -invoke=ACTION -json`, which must fail: its errors.
    pub fn invoke_errors(&self, action: &str) -> Diagnostics {
        let invoke = format!("-invoke={action}");
        let out = self.fail(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-json",
            &invoke,
        ]);
        Diagnostics::from_json_lines(&out.stdout).errors()
    }
}

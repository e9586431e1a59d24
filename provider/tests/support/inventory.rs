//! Does AWS (the emulator) hold exactly what Terraform's state says? The objects of both,
//! side by side: every capacity provider, function and published function version of the
//! emulator's state dump (`GET /_emulator/state`) must be in `terraform show -json`, once,
//! and every one there must be in the emulator, with the same code, memory and scaling.
//! An orphan (created but unknown to Terraform), a duplicate version (a retried publish
//! that made a second one) or a resource whose object is gone all show as differences.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Acc;

/// One object, by its ARN (qualified for versions), with the values compared.
pub type Objects = BTreeMap<String, Value>;

/// The objects of one side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inventory {
    /// Capacity providers: `{"state": …}`.
    pub capacity_providers: Objects,
    /// Functions (unqualified ARN): `{"code_sha256": …, "memory_size": …}`.
    pub functions: Objects,
    /// Published versions (`FUNCTION_ARN:N`): `{"scaling": {"min": …, "max": …}}` (null
    /// without a scaling config).
    pub versions: Objects,
    /// ARNs that appear more than once (several Terraform resources for one object).
    pub duplicates: Vec<String>,
}

impl Inventory {
    fn add(objects: &mut Objects, duplicates: &mut Vec<String>, arn: &str, values: Value) {
        if objects.insert(arn.to_string(), values).is_some() {
            duplicates.push(arn.to_string());
        }
    }

    /// What the emulator holds, from its state dump.
    pub fn of_emulator(dump: &Value) -> Self {
        let mut inv = Self::default();
        let each = |key: &str| dump[key].as_object().cloned().unwrap_or_default();
        for (arn, cp) in each("capacity_providers") {
            inv.capacity_providers
                .insert(arn, serde_json::json!({ "state": cp["state"] }));
        }
        for (arn, f) in each("functions") {
            let latest = &f["latest"];
            inv.functions.insert(
                arn.clone(),
                serde_json::json!({
                    "code_sha256": latest["code_sha256"],
                    "memory_size": latest["config"]["MemorySize"],
                }),
            );
            for (n, v) in f["versions"].as_object().cloned().unwrap_or_default() {
                let applied = &v["scaling"]["applied"];
                let scaling = if applied.is_null() {
                    Value::Null
                } else {
                    serde_json::json!({
                        "min": applied["MinExecutionEnvironments"],
                        "max": applied["MaxExecutionEnvironments"],
                    })
                };
                inv.versions.insert(
                    format!("{arn}:{n}"),
                    serde_json::json!({ "scaling": scaling }),
                );
            }
        }
        inv
    }

    /// What Terraform's state holds, from `terraform show -json` (every module).
    pub fn of_terraform(show: &Value) -> Self {
        let mut inv = Self::default();
        let mut resources = Vec::new();
        collect(&show["values"]["root_module"], &mut resources);
        for r in resources {
            let v = &r["values"];
            let arn = v["arn"].as_str().unwrap_or_default();
            match r["type"].as_str().unwrap_or_default() {
                "lambda_capacity_provider" => Self::add(
                    &mut inv.capacity_providers,
                    &mut inv.duplicates,
                    arn,
                    serde_json::json!({ "state": v["state"] }),
                ),
                "lambda_durable_function" => {
                    Self::add(
                        &mut inv.functions,
                        &mut inv.duplicates,
                        arn,
                        serde_json::json!({
                            "code_sha256": v["code_sha256"],
                            "memory_size": v["memory_size"],
                        }),
                    );
                    // A version the function resource published itself (`publish`).
                    if let Some(n) = v["version"].as_str().filter(|n| *n != "$LATEST") {
                        inv.versions
                            .entry(format!("{arn}:{n}"))
                            .or_insert(serde_json::json!({ "scaling": Value::Null }));
                    }
                }
                "lambda_function_version" => {
                    let scaling = match v["function_scaling_config"].as_array() {
                        Some(blocks) if !blocks.is_empty() => serde_json::json!({
                            "min": blocks[0]["min_execution_environments"],
                            "max": blocks[0]["max_execution_environments"],
                        }),
                        _ => Value::Null,
                    };
                    Self::add(
                        &mut inv.versions,
                        &mut inv.duplicates,
                        arn,
                        serde_json::json!({ "scaling": scaling }),
                    );
                }
                _ => {}
            }
        }
        inv
    }

    /// Every difference between `self` (the emulator) and `terraform`, one per line.
    pub fn differences(&self, terraform: &Inventory) -> Vec<String> {
        let mut out = Vec::new();
        for (what, aws, tf) in [
            (
                "capacity provider",
                &self.capacity_providers,
                &terraform.capacity_providers,
            ),
            ("function", &self.functions, &terraform.functions),
            ("version", &self.versions, &terraform.versions),
        ] {
            for (arn, values) in aws {
                match tf.get(arn) {
                    None => out.push(format!(
                        "{what} {arn} is in AWS but not in the Terraform state (an orphan): \
                         {values}"
                    )),
                    Some(v) if v != values => {
                        out.push(format!("{what} {arn}: AWS has {values}, Terraform {v}"))
                    }
                    Some(_) => {}
                }
            }
            for arn in tf.keys().filter(|arn| !aws.contains_key(*arn)) {
                out.push(format!(
                    "{what} {arn} is in the Terraform state but not in AWS"
                ));
            }
        }
        for arn in &terraform.duplicates {
            out.push(format!("{arn} is held by more than one Terraform resource"));
        }
        out
    }
}

/// The resources of a module of `terraform show -json` and its child modules.
fn collect(module: &Value, out: &mut Vec<Value>) {
    out.extend(
        module["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .cloned(),
    );
    for child in module["child_modules"].as_array().into_iter().flatten() {
        collect(child, out);
    }
}

impl Acc {
    /// Fails the test, naming `step`, unless the emulator holds exactly the capacity
    /// providers, functions and versions of the Terraform state (see the module
    /// documentation); returns the shared inventory.
    pub fn assert_aws_matches_state(&self, step: &str) -> Inventory {
        let shown = self.succeed(&["show", "-json", "-no-color"]);
        let show: Value = serde_json::from_str(&shown.stdout)
            .unwrap_or_else(|e| panic!("{step}: terraform show -json printed no JSON ({e})"));
        let terraform = Inventory::of_terraform(&show);
        let aws = Inventory::of_emulator(&self.emu().state());
        let differences = aws.differences(&terraform);
        assert!(
            differences.is_empty(),
            "{step}: the emulator and the Terraform state differ:\n  {}",
            differences.join("\n  ")
        );
        aws
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    fn emulator() -> Value {
        json!({
            "capacity_providers": {},
            "functions": {
                F: {
                    "latest": {"code_sha256": "abc", "config": {"MemorySize": 2048}},
                    "versions": {"1": {"scaling": null}, "2": {"scaling": null}}
                }
            }
        })
    }

    fn terraform(versions: &[&str]) -> Value {
        let mut resources = vec![json!({
            "type": "lambda_durable_function",
            "values": {"arn": F, "code_sha256": "abc", "memory_size": 2048, "version": "$LATEST"}
        })];
        for n in versions {
            resources.push(json!({
                "type": "lambda_function_version",
                "values": {"arn": format!("{F}:{n}"), "function_scaling_config": []}
            }));
        }
        json!({"values": {"root_module": {"resources": resources}}})
    }

    #[test]
    fn a_version_terraform_does_not_hold_is_an_orphan() {
        let aws = Inventory::of_emulator(&emulator());
        let diffs = aws.differences(&Inventory::of_terraform(&terraform(&["2"])));
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert!(diffs[0].contains(&format!("{F}:1")) && diffs[0].contains("orphan"));
        assert!(
            aws.differences(&Inventory::of_terraform(&terraform(&["1", "2"])))
                .is_empty()
        );
        let twice = Inventory::of_terraform(&terraform(&["1", "2", "2"]));
        assert_eq!(twice.duplicates, vec![format!("{F}:2")]);
    }
}

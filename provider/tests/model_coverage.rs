//! Every member the provider sends to AWS with a constraint in AWS's model is checked at
//! plan time: a model update that adds or tightens a constraint fails this test until an
//! attribute declares the member (and so gets its validators) or the member is listed
//! below with the reason it needs none.
//!
//! "Sent" means: an input member of a Lambda operation whose name appears as a string in
//! the provider's source (every call names its operation once, in `send`/`call`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use terraform_provider_lambda::LambdaProvider;
use terraform_provider_lambda::aws::attribute::member_name;
use terraform_provider_lambda::aws::model::{Member, has_constraints, lambda};
use tfplug::provider::Provider;
use tfplug::schema::{Attribute, AttributeType, Block};

/// Members whose values no attribute configures, and why their constraints hold anyway.
const NOT_CONFIGURED: &[(&str, &str)] = &[
    (
        "Invocation.InvocationType",
        "always Event, the provider's own choice",
    ),
    ("Invocation.LogType", "never sent"),
    (
        "Invocation.TenantId",
        "never sent: tenant isolation is not offered by the start action",
    ),
    (
        "ListCapacityProviders.MaxItems",
        "page size left to AWS's default",
    ),
    (
        "ListCapacityProviders.State",
        "never sent: every state is listed",
    ),
    (
        "ListFunctions.FunctionVersion",
        "never sent: `$LATEST` of each function is listed",
    ),
    (
        "ListFunctions.MasterRegion",
        "never sent (Lambda@Edge replicas are not listed)",
    ),
    ("ListFunctions.MaxItems", "page size left to AWS's default"),
    (
        "ListVersionsByFunction.MaxItems",
        "page size left to AWS's default",
    ),
    ("PauseDurableExecution.ClientToken", "never sent"),
    (
        "PauseDurableExecution.DurableExecutionArn",
        "the ARN a user gives is checked by StopDurableExecution.DurableExecutionArn's constraints (the same shape); found ones are AWS's",
    ),
    ("PauseDurableExecution.Reason", "never sent"),
    ("ResumeDurableExecution.ClientToken", "never sent"),
    (
        "ResumeDurableExecution.DurableExecutionArn",
        "the ARN a user gives is checked by StopDurableExecution.DurableExecutionArn's constraints (the same shape); found ones are AWS's",
    ),
    ("ResumeDurableExecution.Reason", "never sent"),
    (
        "GetDurableExecution.DurableExecutionArn",
        "the ARN ListDurableExecutionsByFunction returned",
    ),
    (
        "ListDurableExecutionsByFunction.MaxItems",
        "page size: the model's maximum, read from the model",
    ),
    (
        "CreateFunction.CodeSigningConfigArn",
        "code signing is not offered by lambda_durable_function (never sent)",
    ),
    (
        "DeleteFunction.FunctionName",
        "the stored function_name, checked by CreateFunction.FunctionName's constraints",
    ),
    (
        "DeleteFunction.Qualifier",
        "never sent by lambda_durable_function (it deletes the whole function)",
    ),
    (
        "FunctionCode.S3ObjectStorageMode",
        "not offered: AWS's default (COPY) applies",
    ),
    (
        "FunctionRuntimeConfig.RuntimeAlias",
        "runtime management configuration is not offered (never sent)",
    ),
    (
        "FunctionRuntimeConfig.RuntimeArn",
        "runtime management configuration is not offered (never sent)",
    ),
    (
        "GetFunctionScalingConfig.FunctionName",
        "lambda_function_version's function_name, checked against it (flows_into)",
    ),
    (
        "GetFunctionScalingConfig.Qualifier",
        "the version number AWS returned",
    ),
    (
        "PutFunctionScalingConfig.FunctionName",
        "lambda_function_version's function_name, checked against it (flows_into)",
    ),
    (
        "PutFunctionScalingConfig.Qualifier",
        "the version number AWS returned",
    ),
    (
        "GetFunction.FunctionName",
        "the stored function_name (with a version AWS returned), checked by CreateFunction.FunctionName's constraints",
    ),
    (
        "GetFunction.Qualifier",
        "never sent: versions are named in FunctionName",
    ),
    (
        "S3FilesConfig.DirectS3Read",
        "S3 Files mounts are not offered (file_system_config takes EFS access points)",
    ),
    (
        "SnapStart.ApplyOn",
        "SnapStart is not offered by lambda_durable_function (never sent)",
    ),
    (
        "UpdateFunctionCode.S3ObjectStorageMode",
        "not offered: AWS's default (COPY) applies",
    ),
    (
        "ListFunctionVersionsByCapacityProvider.Marker",
        "the pagination marker AWS returned",
    ),
    (
        "ListFunctionVersionsByCapacityProvider.MaxItems",
        "page size left to AWS's default",
    ),
    (
        "ListTags.Resource",
        "the ARN AWS returned; names are checked to fit it (flows_into)",
    ),
    (
        "StopDurableExecution.DurableExecutionArn",
        "the ARN ListDurableExecutionsByFunction returned",
    ),
    (
        "TagResource.Resource",
        "the ARN AWS returned; names are checked to fit it (flows_into)",
    ),
    (
        "UntagResource.Resource",
        "the ARN AWS returned; names are checked to fit it (flows_into)",
    ),
    (
        "UntagResource.TagKeys",
        "keys of `tags`, checked by the Tags shape's key constraints",
    ),
];

fn rust_sources(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Tests may name operations they do not call.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            out.push_str(code);
        }
    }
}

/// Declared `sent_as` members of every attribute, at every depth, with whether the
/// attribute has validators.
fn declared(block: &Block, out: &mut BTreeMap<String, bool>) {
    let visit = |attr: &Attribute, out: &mut BTreeMap<String, bool>| {
        if let Some(member) = &attr.sent_as {
            let has = !attr.validators.is_empty();
            *out.entry(member.clone()).or_default() |= has;
        }
    };
    for attr in block.attributes.values() {
        visit(attr, out);
        if let AttributeType::Nested(nested) = &attr.ty {
            declared(&nested.as_block(), out);
        }
    }
    for nb in block.blocks.values() {
        // A list block's item count is enforced by its max_items (Terraform and tfplug).
        if let Some(member) = &nb.sent_as {
            *out.entry(member.clone()).or_default() |= nb.max_items > 0;
        }
        declared(&nb.block, out);
    }
}

#[test]
fn every_constrained_member_sent_to_aws_has_validators() {
    let mut source = String::new();
    rust_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut source,
    );
    let called: Vec<_> = lambda::OPERATIONS
        .iter()
        .filter(|op| source.contains(&format!("\"{}\"", op.name)))
        .collect();
    assert!(
        called.iter().any(|op| op.name == "CreateCapacityProvider"),
        "the source scan found no operations"
    );

    let provider = LambdaProvider::new();
    let mut attrs = BTreeMap::new();
    for r in provider.resources() {
        declared(&r.schema().block, &mut attrs);
    }
    for d in provider.data_sources() {
        declared(&d.schema().block, &mut attrs);
    }
    let all_members: Vec<&Member> = lambda::OPERATIONS
        .iter()
        .flat_map(|op| op.input_members.iter().copied())
        .collect();
    // Constraints belong to shapes: a member is covered when an attribute with
    // validators declares any member of the same shape.
    let covered_shapes: BTreeSet<&str> = all_members
        .iter()
        .filter(|m| attrs.get(&member_name(m)).copied().unwrap_or(false))
        .map(|m| m.shape.name)
        .collect();
    for declared_member in attrs.keys() {
        assert!(
            all_members
                .iter()
                .any(|m| &member_name(m) == declared_member),
            "an attribute is declared as {declared_member}, which no operation takes"
        );
    }

    let mut missing = BTreeSet::new();
    for op in &called {
        for m in op.input_members {
            if !has_constraints(m.shape) || covered_shapes.contains(m.shape.name) {
                continue;
            }
            let name = member_name(m);
            if NOT_CONFIGURED.iter().any(|(n, _)| *n == name) {
                continue;
            }
            missing.insert(format!("{name} ({})", m.shape.name));
        }
    }
    assert!(
        missing.is_empty(),
        "members the provider sends with model constraints but no validating attribute \
         (declare them with `.aws(&lambda::…)` or list them in NOT_CONFIGURED with a reason):\n  {}",
        missing.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn every_schema_is_sound() {
    let provider = LambdaProvider::new();
    let mut problems = Vec::new();
    for r in provider.resources() {
        for p in r.schema().problems() {
            problems.push(format!("resource {}: {p}", r.type_name()));
        }
    }
    for d in provider.data_sources() {
        for p in d.schema().problems() {
            problems.push(format!("data source {}: {p}", d.type_name()));
        }
    }
    for p in provider.schema().problems() {
        problems.push(format!("provider: {p}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The Lambda model's documentation of `request`'s `member`.
fn model_documentation(request: &str, member: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/aws/lambda-2015-03-31.json");
    let model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    model["shapes"][request]["members"][member]["documentation"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Asserts the model's documentation of each (request, member) still says `sentence`.
fn assert_documented(members: &[(&str, &str)], sentence: &str) {
    for (request, member) in members {
        let doc = model_documentation(request, member);
        assert!(
            doc.contains(sentence),
            "{request}.{member}'s documentation no longer says {sentence:?}: {doc}"
        );
    }
}

/// The 64-character limit of a plain function name (`resources::common::function_name`)
/// comes from the documentation of the model's `FunctionName` members, not from a
/// structured constraint: this fails when that documentation stops saying it.
#[test]
fn the_plain_function_name_limit_is_the_models() {
    use terraform_provider_lambda::resources::common::function_name::PLAIN_NAME_MAX;
    assert_documented(
        &[
            ("CreateFunctionRequest", "FunctionName"),
            ("PublishVersionRequest", "FunctionName"),
        ],
        &format!(
            "If you specify only the function name, it is limited to {PLAIN_NAME_MAX} characters in length."
        ),
    );
}

/// The defaults `lambda_durable_function` plans for an unset `memory_size` and `timeout`
/// (and that an update sends to restore them) are AWS's, as the documentation of the
/// model's CreateFunction and UpdateFunctionConfiguration members states them: this
/// fails when that documentation stops saying them.
#[test]
fn the_function_defaults_are_the_models() {
    use terraform_provider_lambda::resources::durable_function::schema::{
        DEFAULT_MEMORY_SIZE, DEFAULT_TIMEOUT,
    };
    let requests = [
        "CreateFunctionRequest",
        "UpdateFunctionConfigurationRequest",
    ];
    assert_documented(
        &requests.map(|r| (r, "MemorySize")),
        &format!("The default value is {DEFAULT_MEMORY_SIZE} MB."),
    );
    assert_documented(
        &requests.map(|r| (r, "Timeout")),
        &format!("The default is {DEFAULT_TIMEOUT} seconds"),
    );
}

/// The `/tmp` size and the architecture the provider assumes when they are left out, and
/// the largest `/tmp` it lets through (the model's structured maximum is for functions
/// with accelerators), are what the model's documentation states.
#[test]
fn the_function_storage_and_architecture_facts_are_the_models() {
    use terraform_provider_lambda::resources::durable_function::model::DEFAULT_EPHEMERAL_STORAGE_MB;
    use terraform_provider_lambda::resources::durable_function::rules::{
        DEFAULT_ARCHITECTURE, MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR,
    };
    let requests = [
        "CreateFunctionRequest",
        "UpdateFunctionConfigurationRequest",
    ];
    let thousands = |n: i64| {
        let (high, low) = (n / 1000, n % 1000);
        if high == 0 {
            low.to_string()
        } else {
            format!("{high},{low:03}")
        }
    };
    assert_documented(
        &requests.map(|r| (r, "EphemeralStorage")),
        &format!(
            "The default value is {DEFAULT_EPHEMERAL_STORAGE_MB}, but can be any whole number \
             between {DEFAULT_EPHEMERAL_STORAGE_MB} and {} MB. For functions that use \
             <code>AcceleratorConfig</code>",
            thousands(MAX_EPHEMERAL_STORAGE_WITHOUT_ACCELERATOR)
        ),
    );
    assert_documented(
        &[("CreateFunctionRequest", "Architectures")],
        &format!("The default value is <code>{DEFAULT_ARCHITECTURE}</code>."),
    );
}

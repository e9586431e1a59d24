//! `provider::lambda::parse_arn(arn)`: the parts of an ARN, with Lambda's resource type,
//! name and qualifier split out.
//!
//! AWS writes an ARN `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, where RESOURCE is
//! `RESOURCE-ID`, `RESOURCE-TYPE/RESOURCE-ID` or `RESOURCE-TYPE:RESOURCE-ID`: the type
//! ends at the first `/` or `:`, and the ID keeps the rest, separators included. S3
//! bucket and object ARNs (`arn:aws:s3:::BUCKET/KEY`, no region or account) have no
//! resource type: all of it is the resource.
//!
//! Lambda's own ARNs split further:
//! - `function:NAME`, `function:NAME:QUALIFIER` (a version, `$LATEST` or an alias);
//! - `function:NAME:VERSION/durable-execution/EXECUTION-NAME/EXECUTION-ID`, a durable
//!   execution (AWS's `DurableExecutionArn`): the qualifier is the version, and the
//!   execution's name and ID have fields of their own;
//! - `layer:NAME`, `layer:NAME:VERSION`;
//! - `capacity-provider:NAME`;
//! - any other type (`event-source-mapping:UUID`) as above.
//!
//! The parts of those are checked against AWS's model: a function's name and qualifier
//! against Invoke's `FunctionName` and `Qualifier` shapes, a durable execution's ARN
//! against `DurableExecutionArn`, a layer's name against `LayerName` and its version
//! against `LayerVersionNumber` (a whole number), a capacity provider's name against
//! `CapacityProviderName`. A Lambda ARN of another shape is an error saying which part is
//! wrong and which shapes there are.

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Type, Value};

use crate::aws::model::lambda::{InvocationRequest, shapes};
use crate::aws::model::{Shape, ShapeKind, refusal};

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseArn;

/// The parameter's name.
const ARN: &str = "arn";

/// Lambda's resource type of functions, versions, aliases and durable executions.
pub const FUNCTION: &str = "function";
/// Lambda's resource type of layers and layer versions.
pub const LAYER: &str = "layer";
/// What follows a function version in a durable execution ARN.
pub const DURABLE_EXECUTION: &str = "durable-execution";
/// Lambda's resource type of capacity providers.
pub const CAPACITY_PROVIDER: &str = "capacity-provider";

/// The fields of the result, in order (see [`Arn::fields`]).
pub const FIELDS: [&str; 9] = [
    "partition",
    "service",
    "region",
    "account_id",
    "resource_type",
    "resource",
    "qualifier",
    "durable_execution_name",
    "durable_execution_id",
];

/// The parts of an ARN; `None` where it has none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`…
    pub partition: String,
    /// `lambda`, `iam`, `s3`…
    pub service: String,
    /// The region; `None` for global resources (IAM, S3 buckets).
    pub region: Option<String>,
    /// The account; `None` for S3 buckets.
    pub account_id: Option<String>,
    /// Text before the first `/` or `:` of the resource part; `None` when there is no
    /// separator, and for S3 bucket and object ARNs.
    pub resource_type: Option<String>,
    /// The resource: a Lambda function's or layer's name, otherwise everything after
    /// the resource type.
    pub resource: Option<String>,
    /// A Lambda function's version or alias, or a layer's version.
    pub qualifier: Option<String>,
    /// A durable execution's name.
    pub durable_execution_name: Option<String>,
    /// A durable execution's ID.
    pub durable_execution_id: Option<String>,
}

impl Arn {
    /// The values of [`FIELDS`], in the same order.
    pub fn fields(&self) -> [Option<&str>; 9] {
        [
            Some(self.partition.as_str()),
            Some(self.service.as_str()),
            self.region.as_deref(),
            self.account_id.as_deref(),
            self.resource_type.as_deref(),
            self.resource.as_deref(),
            self.qualifier.as_deref(),
            self.durable_execution_name.as_deref(),
            self.durable_execution_id.as_deref(),
        ]
    }
}

/// Why a string is not an ARN this function can split.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// Not `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    #[error(
        "{0:?} is not an ARN: write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with a \
         partition, a service and a resource"
    )]
    NotAnArn(String),
    /// A Lambda function ARN with another shape.
    #[error(
        "{arn:?} is not a Lambda function ARN{}: write …:function:NAME, \
         …:function:NAME:QUALIFIER or …:function:NAME:VERSION/durable-execution/\
         EXECUTION-NAME/EXECUTION-ID",
        because(.problem)
    )]
    Function {
        /// The text.
        arn: String,
        /// What is wrong with it, when more than its overall shape.
        problem: Option<String>,
    },
    /// A Lambda layer ARN with another shape.
    #[error(
        "{arn:?} is not a Lambda layer ARN{}: write …:layer:NAME or …:layer:NAME:VERSION, \
         VERSION a number",
        because(.problem)
    )]
    Layer {
        /// The text.
        arn: String,
        /// What is wrong with it, when more than its overall shape.
        problem: Option<String>,
    },
    /// A Lambda capacity provider ARN with another shape.
    #[error(
        "{arn:?} is not a Lambda capacity provider ARN{}: write …:capacity-provider:NAME",
        because(.problem)
    )]
    CapacityProvider {
        /// The text.
        arn: String,
        /// What is wrong with it.
        problem: Option<String>,
    },
}

fn because(problem: &Option<String>) -> String {
    problem
        .as_deref()
        .map(|p| format!(" ({p})"))
        .unwrap_or_default()
}

/// What is wrong with a part of a Lambda ARN; `None`: only its overall shape.
type Problem = Option<String>;

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `NAME` or `NAME:QUALIFIER`, both non-empty, without `/`: `None` otherwise.
fn name_and_qualifier(text: &str) -> Option<(String, Option<String>)> {
    if text.contains('/') {
        return None;
    }
    match text.split_once(':') {
        None => Some((some(text)?, None)),
        Some((name, qualifier)) if !qualifier.contains(':') => {
            Some((some(name)?, Some(some(qualifier)?)))
        }
        Some(_) => None,
    }
}

/// An error naming `part` (`"the function name \"or ders\""`) when AWS's model refuses
/// it as a value of `shape`.
fn check(shape: &'static Shape, part: &str, text: &str) -> Result<(), Problem> {
    match refusal(shape, text) {
        Some(why) => Err(Some(format!(
            "the {part} {text:?} does not fit AWS's model: {why}"
        ))),
        None => Ok(()),
    }
}

/// The Lambda function ARN's parts after `function:` (`id`), into `arn`; `text` is the
/// whole ARN.
fn split_function(id: &str, text: &str, arn: &mut Arn) -> Result<(), Problem> {
    let (version, execution) = match id.split_once('/') {
        Some((version, execution)) => (version, Some(execution)),
        None => (id, None),
    };
    let (name, qualifier) = name_and_qualifier(version).ok_or(None)?;
    // Without a `:`, the name can only match the shape's name part.
    check(
        InvocationRequest::FunctionName.shape,
        "function name",
        &name,
    )?;
    if let Some(qualifier) = &qualifier {
        check(InvocationRequest::Qualifier.shape, "qualifier", qualifier)?;
    }
    arn.resource = Some(name);
    arn.qualifier = qualifier;
    if let Some(execution) = execution {
        if arn.qualifier.is_none() {
            return Err(Some(
                "a durable execution ARN names the function version the execution runs on, \
                 …:function:NAME:VERSION/durable-execution/…"
                    .to_string(),
            ));
        }
        let mut parts = execution.split('/');
        let (Some(DURABLE_EXECUTION), Some(name), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(None);
        };
        arn.durable_execution_name = Some(some(name).ok_or(None)?);
        arn.durable_execution_id = Some(some(id).ok_or(None)?);
        check(&shapes::DurableExecutionArn, "durable execution ARN", text)?;
    }
    Ok(())
}

/// The Lambda layer ARN's parts after `layer:` (`id`), into `arn`.
fn split_layer(id: &str, arn: &mut Arn) -> Result<(), Problem> {
    let (name, version) = name_and_qualifier(id).ok_or(None)?;
    check(&shapes::LayerName, "layer name", &name)?;
    if let Some(version) = &version {
        // AWS's model makes a layer version a whole number (`LayerVersionNumber`, a long):
        // written in an ARN as digits.
        let whole = shapes::LayerVersionNumber.kind == ShapeKind::Long
            && version.bytes().all(|b| b.is_ascii_digit())
            && version.parse::<i64>().is_ok();
        if !whole {
            return Err(Some(format!(
                "the layer version {version:?} is not a {}: a whole number, such as 7",
                shapes::LayerVersionNumber.name
            )));
        }
    }
    arn.resource = Some(name);
    arn.qualifier = version;
    Ok(())
}

/// The parts of `text`, or why it is not an ARN.
pub fn parse(text: &str) -> Result<Arn, ArnError> {
    let not_an_arn = || ArnError::NotAnArn(text.to_string());
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err(not_an_arn());
    };
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Err(not_an_arn());
    }
    let mut arn = Arn {
        partition: partition.to_string(),
        service: service.to_string(),
        region: some(region),
        account_id: some(account),
        ..Arn::default()
    };
    let s3_bucket_or_object = service == "s3" && region.is_empty() && account.is_empty();
    let split = resource
        .find(['/', ':'])
        .filter(|_| !s3_bucket_or_object)
        .map(|at| (&resource[..at], &resource[at + 1..]));
    let Some((resource_type, id)) = split else {
        arn.resource = some(resource);
        return Ok(arn);
    };
    arn.resource_type = some(resource_type);
    let lambda_type = (service == "lambda" && resource[resource_type.len()..].starts_with(':'))
        .then_some(resource_type);
    let arn_text = || text.to_string();
    match lambda_type {
        Some(FUNCTION) => {
            split_function(id, text, &mut arn).map_err(|problem| ArnError::Function {
                arn: arn_text(),
                problem,
            })?
        }
        Some(LAYER) => split_layer(id, &mut arn).map_err(|problem| ArnError::Layer {
            arn: arn_text(),
            problem,
        })?,
        Some(CAPACITY_PROVIDER) => {
            check(&shapes::CapacityProviderName, "capacity provider name", id).map_err(
                |problem| ArnError::CapacityProvider {
                    arn: arn_text(),
                    problem,
                },
            )?;
            arn.resource = some(id);
        }
        _ => arn.resource = some(id),
    }
    Ok(arn)
}

#[async_trait]
impl Function for ParseArn {
    fn name(&self) -> &str {
        "parse_arn"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![Parameter::new(ARN, Type::String).description(
                "An ARN. Anything else, or a Lambda function, layer or capacity provider ARN \
                 of another shape (e.g. `function:orders:3:4`, a name or qualifier AWS's \
                 model refuses, a layer version that is not a number, a durable execution \
                 without its version), is an error naming the argument.",
            )],
            variadic: None,
            return_type: Type::object(FIELDS.map(|f| (f, Type::String))),
            summary: "The parts of an ARN".into(),
            description: "Splits an ARN into `partition`, `service`, `region`, `account_id`, \
                          `resource_type`, `resource`, `qualifier`, `durable_execution_name` \
                          and `durable_execution_id` (null where the ARN has none). The \
                          resource type ends at the first `/` or `:` and `resource` keeps the \
                          rest (`role/ops/admin` gives `role`, `ops/admin`); S3 bucket and \
                          object ARNs have no resource type. Lambda ARNs split their name and \
                          qualifier: `function:orders:3` gives `function`, `orders`, `3`; \
                          `layer:deps:7` gives `layer`, `deps`, `7`; a durable execution's \
                          `function:orders:3/durable-execution/NAME/ID` also gives its name \
                          and ID."
                .into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let text = args.first().and_then(Value::as_str).unwrap_or_default();
        let arn = parse(text).map_err(|e| FunctionError {
            text: format!("{ARN} = {e}"),
            argument: Some(0),
        })?;
        Ok(Value::object(
            FIELDS
                .iter()
                .zip(arn.fields())
                .map(|(k, v)| (*k, v.map_or(Value::Null, Value::string))),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Arn {
        parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// `(resource_type, resource, qualifier, durable_execution_name, durable_execution_id)`.
    fn split(text: &str) -> [Option<String>; 5] {
        let a = parsed(text);
        [
            a.resource_type,
            a.resource,
            a.qualifier,
            a.durable_execution_name,
            a.durable_execution_id,
        ]
    }

    fn strings<const N: usize>(parts: [Option<&str>; N]) -> [Option<String>; N] {
        parts.map(|p| p.map(str::to_string))
    }

    #[test]
    fn lambda_arns_split_into_type_name_and_qualifier() {
        let p = parsed("arn:aws:lambda:us-east-1:123456789012:function:orders:3");
        assert_eq!(p.partition, "aws");
        assert_eq!(p.service, "lambda");
        assert_eq!(p.region.as_deref(), Some("us-east-1"));
        assert_eq!(p.account_id.as_deref(), Some("123456789012"));
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:function:orders:3"),
            strings([Some("function"), Some("orders"), Some("3"), None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:function:orders"),
            strings([Some("function"), Some("orders"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:function:orders:live"),
            strings([Some("function"), Some("orders"), Some("live"), None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST.PUBLISHED"),
            strings([
                Some("function"),
                Some("orders"),
                Some("$LATEST.PUBLISHED"),
                None,
                None
            ])
        );
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:layer:deps:7"),
            strings([Some("layer"), Some("deps"), Some("7"), None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:us-east-1:123456789012:layer:deps"),
            strings([Some("layer"), Some("deps"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web"),
            strings([Some("capacity-provider"), Some("web"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:a1b2-c3"),
            strings([
                Some("event-source-mapping"),
                Some("a1b2-c3"),
                None,
                None,
                None
            ])
        );
    }

    #[test]
    fn durable_execution_arns_keep_the_version_as_qualifier() {
        let text = "arn:aws:lambda:us-east-1:123456789012:function:quickstart-orders:1/durable-execution/ex/abc";
        let p = parsed(text);
        assert_eq!(p.region.as_deref(), Some("us-east-1"));
        assert_eq!(
            split(text),
            strings([
                Some("function"),
                Some("quickstart-orders"),
                Some("1"),
                Some("ex"),
                Some("abc")
            ])
        );
        assert_eq!(
            split(
                "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/run-1/0f3e_9"
            ),
            strings([
                Some("function"),
                Some("f"),
                Some("$LATEST"),
                Some("run-1"),
                Some("0f3e_9")
            ])
        );
        // The shape the provider's own listing returns (see executions::api's tests).
        let listed =
            "arn:aws:lambda:us-east-1:123456789012:function:orders:1/durable-execution/run-a/id";
        assert_eq!(parsed(listed).qualifier.as_deref(), Some("1"));
    }

    #[test]
    fn the_resource_type_ends_at_the_first_separator() {
        assert_eq!(
            split("arn:aws:iam::123456789012:role/ops"),
            strings([Some("role"), Some("ops"), None, None, None])
        );
        assert_eq!(parsed("arn:aws:iam::123456789012:role/ops").region, None);
        assert_eq!(
            split("arn:aws:iam::123456789012:role/service-role/x:y"),
            strings([Some("role"), Some("service-role/x:y"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"),
            strings([Some("log-group"), Some("/aws/lambda/f:*"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:sqs:us-east-1:123456789012:queue"),
            strings([None, Some("queue"), None, None, None])
        );
    }

    #[test]
    fn s3_bucket_and_object_arns_are_all_resource() {
        let p = parsed("arn:aws:s3:::bucket/key/x:y");
        assert_eq!((p.region, p.account_id), (None, None));
        assert_eq!(
            split("arn:aws:s3:::bucket/key/x:y"),
            strings([None, Some("bucket/key/x:y"), None, None, None])
        );
        assert_eq!(
            split("arn:aws:s3:::bucket"),
            strings([None, Some("bucket"), None, None, None])
        );
        // Access points have a region, an account and a type.
        assert_eq!(
            split("arn:aws:s3:us-west-2:123456789012:accesspoint/web:x"),
            strings([Some("accesspoint"), Some("web:x"), None, None, None])
        );
    }

    #[test]
    fn what_is_not_an_arn_is_an_error() {
        for bad in [
            "orders",
            "",
            "arn:aws:lambda",
            "arn::lambda:us-east-1:123456789012:function:f",
            "arn:aws::us-east-1:123456789012:function:f",
            "arn:aws:s3:::",
            "urn:aws:lambda:us-east-1:123456789012:function:f",
        ] {
            assert_eq!(parse(bad), Err(ArnError::NotAnArn(bad.into())), "{bad}");
        }
        for bad in [
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "arn:aws:lambda:us-east-1:123456789012:function:f:",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1:2",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1/other/x/y",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/x",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/x/y/z",
            "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution//y",
        ] {
            assert!(
                matches!(parse(bad), Err(ArnError::Function { ref arn, .. }) if arn == bad),
                "{bad}"
            );
        }
        let bad = "arn:aws:lambda:us-east-1:123456789012:layer:deps:1:2";
        assert_eq!(
            parse(bad),
            Err(ArnError::Layer {
                arn: bad.into(),
                problem: None
            })
        );
    }

    /// The error's text, for `bad`, which must not parse.
    fn refused(bad: &str) -> String {
        match parse(bad) {
            Ok(arn) => panic!("{bad} parsed: {arn:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn names_and_qualifiers_aws_refuses_are_errors() {
        let arn = |resource: &str| format!("arn:aws:lambda:us-east-1:123456789012:{resource}");
        let e = refused(&arn("function:or ders:1"));
        assert!(
            e.contains("is not a Lambda function ARN (the function name \"or ders\"")
                && e.contains("NamespacedFunctionName")
                && e.contains("write …:function:NAME"),
            "{e}"
        );
        let e = refused(&arn("function:orders:{x}"));
        assert!(
            e.contains("(the qualifier \"{x}\"") && e.contains("…:function:NAME:QUALIFIER"),
            "{e}"
        );
        let e = refused(&arn("layer:deps:x"));
        assert!(
            e.contains(
                "is not a Lambda layer ARN (the layer version \"x\" is not a LayerVersionNumber"
            ) && e.contains("VERSION a number"),
            "{e}"
        );
        let e = refused(&arn("layer:de ps:1"));
        assert!(e.contains("the layer name \"de ps\""), "{e}");
        let e = refused(&arn("capacity-provider:web/extra"));
        assert!(
            e.contains(
                "is not a Lambda capacity provider ARN (the capacity provider name \"web/extra\""
            ) && e.contains("write …:capacity-provider:NAME"),
            "{e}"
        );
        let e = refused(&arn("function:orders/durable-execution/a/b"));
        assert!(
            e.contains("names the function version the execution runs on")
                && e.contains(
                    "…:function:NAME:VERSION/durable-execution/EXECUTION-NAME/EXECUTION-ID"
                ),
            "{e}"
        );
        let e = refused(&arn("function:orders:live/durable-execution/a/b"));
        assert!(
            e.contains("DurableExecutionArn"),
            "an alias is no version: {e}"
        );
        let e = refused(&arn("function:orders:1/durable-execution/a.b/c"));
        assert!(e.contains("the durable execution ARN"), "{e}");
        // What AWS's model accepts still parses.
        for good in [
            "function:orders.v2:$LATEST.PUBLISHED",
            "function:orders:live",
            "layer:deps:12",
            "capacity-provider:web-1",
            "function:orders:$LATEST.PUBLISHED/durable-execution/run_1/id-2",
        ] {
            assert!(parse(&arn(good)).is_ok(), "{good}: {:?}", parse(&arn(good)));
        }
    }

    #[test]
    fn the_result_has_every_field_and_errors_name_the_argument() {
        let run = |text: &str| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap_or_else(|e| panic!("{e}"))
                .block_on(ParseArn.call(vec![Value::string(text)]))
        };
        let Ok(v) = run("arn:aws:lambda:us-east-1:123456789012:function:o:1/durable-execution/e/i")
        else {
            panic!("parsed");
        };
        for field in FIELDS {
            assert!(v.get_attr(field).is_some(), "{field}: {v:?}");
        }
        assert_eq!(v.get_attr("qualifier"), Some(&Value::string("1")));
        assert_eq!(
            v.get_attr("durable_execution_id"),
            Some(&Value::string("i"))
        );
        let Err(e) = run("orders") else {
            panic!("not an ARN");
        };
        assert_eq!(e.argument, Some(0));
        assert!(
            e.text.starts_with("arn = \"orders\" is not an ARN"),
            "{}",
            e.text
        );
        let Err(e) = run("arn:aws:lambda:us-east-1:123456789012:function:orders:{x}") else {
            panic!("a qualifier AWS refuses");
        };
        assert_eq!(e.argument, Some(0));
        assert!(e.text.starts_with("arn = "), "{}", e.text);
    }
}

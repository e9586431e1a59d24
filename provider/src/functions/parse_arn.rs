//! `provider::lambda::parse_arn(arn)`: the parts of an ARN, with Lambda's resource type,
//! name and qualifier split out (`function:NAME:QUALIFIER`, `capacity-provider:NAME`).

use async_trait::async_trait;
use tfplug::function::{Function, FunctionError, Parameter, Signature};
use tfplug::value::{Type, Value};

/// The function.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseArn;

const FIELDS: [&str; 7] = [
    "partition",
    "service",
    "region",
    "account_id",
    "resource_type",
    "resource",
    "qualifier",
];

/// The parts of `arn`, or why it is not an ARN.
pub fn parse(arn: &str) -> Result<[Option<String>; 7], String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || parts[1].is_empty() || parts[2].is_empty() {
        return Err(format!(
            "{arn:?} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
        ));
    }
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let rest = parts[5];
    let (resource_type, resource, qualifier) =
        match rest.split_once(':').or_else(|| rest.split_once('/')) {
            Some((ty, name)) => match name.split_once(':') {
                Some((name, q)) => (some(ty), some(name), some(q)),
                None => (some(ty), some(name), None),
            },
            None => (None, some(rest), None),
        };
    Ok([
        some(parts[1]),
        some(parts[2]),
        some(parts[3]),
        some(parts[4]),
        resource_type,
        resource,
        qualifier,
    ])
}

#[async_trait]
impl Function for ParseArn {
    fn name(&self) -> &str {
        "parse_arn"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![Parameter::new("arn", Type::String).description("An ARN.")],
            variadic: None,
            return_type: Type::object(FIELDS.map(|f| (f, Type::String))),
            summary: "The parts of an ARN".into(),
            description: "Splits an ARN into `partition`, `service`, `region`, `account_id`, \
                          `resource_type`, `resource` and `qualifier` (null where the ARN has \
                          none): `function:orders:3` gives `function`, `orders`, `3`."
                .into(),
        }
    }

    async fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let arn = args.first().and_then(Value::as_str).unwrap_or_default();
        let parts = parse(arn).map_err(|text| FunctionError {
            text,
            argument: Some(0),
        })?;
        Ok(Value::object(
            FIELDS
                .iter()
                .zip(parts)
                .map(|(k, v)| (*k, v.map_or(Value::Null, Value::string))),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_arns_split_into_type_name_and_qualifier() {
        let p =
            parse("arn:aws:lambda:us-east-1:123456789012:function:orders:3").unwrap_or_default();
        assert_eq!(p[0].as_deref(), Some("aws"));
        assert_eq!(p[2].as_deref(), Some("us-east-1"));
        assert_eq!(p[3].as_deref(), Some("123456789012"));
        assert_eq!(p[4].as_deref(), Some("function"));
        assert_eq!(p[5].as_deref(), Some("orders"));
        assert_eq!(p[6].as_deref(), Some("3"));
        let cp = parse("arn:aws:lambda:eu-west-1:123456789012:capacity-provider:web")
            .unwrap_or_default();
        assert_eq!(
            (cp[4].as_deref(), cp[5].as_deref(), cp[6].as_deref()),
            (Some("capacity-provider"), Some("web"), None)
        );
        let role = parse("arn:aws:iam::123456789012:role/ops").unwrap_or_default();
        assert_eq!(
            (role[2].as_deref(), role[4].as_deref(), role[5].as_deref()),
            (None, Some("role"), Some("ops"))
        );
        assert!(parse("orders").is_err());
    }
}

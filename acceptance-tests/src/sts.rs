//! STS (query protocol, XML): `GetCallerIdentity` and `AssumeRole`, answering
//! for the emulator's fixed account. `AssumeRole` issues temporary credentials
//! and remembers the session, so later calls signed with them are attributed
//! to the assumed role, as AWS does.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::clock;
use crate::ec2::ACCOUNT_ID;
use crate::ids;
use crate::model::query::{self, Dialect};
use crate::model::validate::{self, Invalid};
use crate::model::{self};
use crate::sessions::{AssumedRoleSession, Sessions};

/// The operations the emulator serves.
const OPERATIONS: [&str; 2] = ["GetCallerIdentity", "AssumeRole"];

/// `DurationSeconds` when the request has none (AWS's default).
const DEFAULT_SESSION_SECONDS: u64 = 3600;

/// An STS error (code and message, HTTP status).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct StsError {
    /// HTTP status.
    pub status: u16,
    /// Error code.
    pub code: String,
    /// Message.
    pub message: String,
}

impl StsError {
    fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }
}

fn namespace() -> String {
    model::sts()
        .metadata
        .xml_namespace
        .clone()
        .unwrap_or_default()
}

/// Renders an error in the query protocol's XML layout.
pub fn error_xml(code: &str, message: &str, request_id: &str, sender: bool) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"{}\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        namespace(),
        if sender { "Sender" } else { "Receiver" },
        query::escape(code),
        query::escape(message),
        query::escape(request_id)
    )
}

/// Handles one STS action with its form `params`; `access_key` is the
/// caller's access key ID.
pub fn handle(
    action: &str,
    params: &BTreeMap<String, String>,
    access_key: &str,
    sessions: &mut Sessions,
    request_id: &str,
) -> Result<String, StsError> {
    let model = model::sts();
    let Some(op) = model
        .operations
        .get(action)
        .filter(|_| OPERATIONS.contains(&action))
    else {
        return Err(StsError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version 2011-06-15"),
        ));
    };
    let input = match &op.input {
        Some(input) => {
            let value = query::decode_params(model, Dialect::Query, &input.shape, params);
            validate::validate(model, &input.shape, &value).map_err(|e| match e {
                Invalid::Validation(m) | Invalid::Serialization(m) => {
                    StsError::new(400, "ValidationError", m)
                }
            })?;
            value
        }
        None => Value::Object(Default::default()),
    };
    let output = match action {
        "AssumeRole" => assume_role(&input, access_key, sessions)?,
        _ => caller_identity(access_key, sessions),
    };
    let wrapper = op
        .output
        .as_ref()
        .and_then(|o| o.result_wrapper.clone())
        .unwrap_or_else(|| format!("{action}Result"));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{}\"><{wrapper}>",
        namespace()
    );
    if let Some(out) = &op.output {
        query::write_members(model, Dialect::Query, &out.shape, &output, &mut xml);
    }
    xml.push_str(&format!(
        "</{wrapper}><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
        query::escape(request_id)
    ));
    Ok(xml)
}

/// The caller: an assumed role for session credentials, else an IAM user
/// named after the access key.
fn caller_identity(access_key: &str, sessions: &Sessions) -> Value {
    if let Some(session) = sessions.get(access_key) {
        return json!({
            "UserId": format!("{}:{}", role_id(&session.role_arn), session.role_session_name),
            "Account": ACCOUNT_ID,
            "Arn": session.assumed_role_arn,
        });
    }
    let user = if access_key.is_empty() {
        "emulator"
    } else {
        access_key
    };
    json!({
        "UserId": user,
        "Account": ACCOUNT_ID,
        "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:user/{user}"),
    })
}

/// A stable `AROA…` role ID for a role ARN.
fn role_id(role_arn: &str) -> String {
    let hash = role_arn.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("AROA{hash:016X}")
}

/// The role name of `arn:aws:iam::ACCOUNT:role/PATH/NAME`, if it is a role of
/// the emulator's account (the only account whose roles exist here).
fn role_name(role_arn: &str) -> Option<&str> {
    let mut parts = role_arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if account != ACCOUNT_ID {
        return None;
    }
    let path = resource.strip_prefix("role/")?;
    path.rsplit('/').next().filter(|n| !n.is_empty())
}

fn assume_role(
    input: &Value,
    access_key: &str,
    sessions: &mut Sessions,
) -> Result<Value, StsError> {
    let text = |k: &str| input.get(k).and_then(Value::as_str).unwrap_or_default();
    let role_arn = text("RoleArn");
    let session_name = text("RoleSessionName");
    let caller = caller_identity(access_key, sessions);
    let Some(role) = role_name(role_arn) else {
        return Err(StsError::new(
            403,
            "AccessDenied",
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller["Arn"].as_str().unwrap_or_default()
            ),
        ));
    };
    let duration = input
        .get("DurationSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_SESSION_SECONDS);
    let now = clock::now_ms();
    let access_key_id = format!("ASIA{:016X}", ids::next_u64());
    let session = AssumedRoleSession {
        access_key_id: access_key_id.clone(),
        role_arn: role_arn.to_string(),
        role_session_name: session_name.to_string(),
        external_id: input
            .get("ExternalId")
            .and_then(Value::as_str)
            .map(str::to_string),
        duration_seconds: duration,
        source_access_key_id: access_key.to_string(),
        assumed_role_arn: format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session_name}"),
        expiration_ms: now + duration * 1000,
    };
    let output = json!({
        "Credentials": {
            "AccessKeyId": access_key_id,
            "SecretAccessKey": ids::uuid().replace('-', ""),
            "SessionToken": format!("emulator-session-{}", ids::uuid()),
            "Expiration": clock::iso8601(session.expiration_ms),
        },
        "AssumedRoleUser": {
            "AssumedRoleId": format!("{}:{session_name}", role_id(role_arn)),
            "Arn": session.assumed_role_arn,
        },
    });
    sessions.insert(session);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_role_names() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/ops/deployer"),
            Some("deployer")
        );
        assert_eq!(role_name("arn:aws:iam::123456789012:user/bob"), None);
        assert_eq!(role_name("arn:aws:iam::12345:role/x"), None);
        assert_eq!(role_name("arn:aws:iam::210987654321:role/x"), None);
        assert_eq!(role_name("not-an-arn"), None);
    }

    #[test]
    fn assume_role_issues_a_session_that_identifies_as_the_role() {
        let mut sessions = Sessions::default();
        let xml = handle(
            "AssumeRole",
            &params(&[
                ("RoleArn", "arn:aws:iam::123456789012:role/deployer"),
                ("RoleSessionName", "ci"),
                ("ExternalId", "ext-1"),
                ("DurationSeconds", "900"),
            ]),
            "AKIDBASE",
            &mut sessions,
            "req",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let list = sessions.list();
        assert_eq!(list.len(), 1);
        let s = &list[0];
        assert!(xml.contains(&s.access_key_id), "{xml}");
        assert_eq!(s.external_id.as_deref(), Some("ext-1"));
        assert_eq!(s.duration_seconds, 900);
        assert_eq!(s.source_access_key_id, "AKIDBASE");
        let who = handle(
            "GetCallerIdentity",
            &BTreeMap::new(),
            &s.access_key_id,
            &mut sessions,
            "r",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            who.contains("arn:aws:sts::123456789012:assumed-role/deployer/ci"),
            "{who}"
        );
    }

    #[test]
    fn assume_role_input_is_validated_against_the_model() {
        let mut sessions = Sessions::default();
        let err = handle(
            "AssumeRole",
            &params(&[
                ("RoleArn", "arn:aws:iam::123456789012:role/deployer"),
                ("RoleSessionName", "ci"),
                ("DurationSeconds", "60"),
            ]),
            "AKID",
            &mut sessions,
            "req",
        )
        .err()
        .unwrap_or_else(|| panic!("a 60 s session must be refused"));
        assert_eq!(err.code, "ValidationError");
        assert!(err.message.contains("durationSeconds"), "{}", err.message);
        let denied = handle(
            "AssumeRole",
            &params(&[
                ("RoleArn", "arn:aws:iam::123456789012:user/not-a-role"),
                ("RoleSessionName", "ci"),
            ]),
            "AKID",
            &mut sessions,
            "req",
        )
        .err()
        .unwrap_or_else(|| panic!("a user ARN cannot be assumed"));
        assert_eq!((denied.status, denied.code.as_str()), (403, "AccessDenied"));
        assert!(sessions.list().is_empty());
    }
}

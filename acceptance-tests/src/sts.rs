//! STS (query protocol, XML): `GetCallerIdentity`, answering for the
//! emulator's fixed account.

use serde_json::json;

use crate::ec2::ACCOUNT_ID;
use crate::model::query::{self, Dialect};
use crate::model::{self};

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

/// Handles one STS action; `access_key` is the caller's access key ID.
pub fn handle(action: &str, access_key: &str, request_id: &str) -> Result<String, StsError> {
    let model = model::sts();
    let Some(op) = model
        .operations
        .get(action)
        .filter(|_| action == "GetCallerIdentity")
    else {
        return Err(StsError {
            status: 400,
            code: "InvalidAction".into(),
            message: format!("Could not find operation {action} for version 2011-06-15"),
        });
    };
    let user = if access_key.is_empty() {
        "emulator"
    } else {
        access_key
    };
    let output = json!({
        "UserId": user,
        "Account": ACCOUNT_ID,
        "Arn": format!("arn:aws:iam::{ACCOUNT_ID}:user/{user}"),
    });
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

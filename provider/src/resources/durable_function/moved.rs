//! `moved` blocks from the HashiCorp AWS provider's `aws_lambda_function` (with
//! `durable_config`; the read after the move refuses a function that is not durable).
//! See [`crate::resources::common::moved`]. Besides the function's name, the move keeps
//! what only the source state knows: whether it publishes, and the version it published
//! last, so that `publish = true` plans no change after the move.

use tfplug::value::Type;
use tfplug::value::json::{JsonDecodeOptions, decode_with};

use crate::resources::common::moved::MoveSource;

/// The AWS provider's function, which `lambda_durable_function` takes over.
pub const SOURCE: MoveSource = MoveSource {
    type_name: "aws_lambda_function",
    name_attr: "function_name",
    import_hint: "terraform import lambda_durable_function.orders orders",
};

/// What the source state says of publishing: `Some(version)` when its `publish` is true
/// (the version it published last, if recorded), `None` when it does not publish or the
/// state cannot say.
pub fn published_version(source_state_json: &[u8]) -> Option<Option<String>> {
    let ty = Type::object([("publish", Type::Bool), ("version", Type::String)]);
    let opts = JsonDecodeOptions {
        ignore_undefined_attributes: true,
    };
    let state = decode_with(source_state_json, &ty, opts).ok()?;
    if state.get_attr("publish")?.as_bool() != Some(true) {
        return None;
    }
    let version = state
        .get_attr("version")
        .and_then(|v| v.as_str())
        .filter(|v| v.parse::<u64>().is_ok())
        .map(str::to_string);
    Some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publishing_source_keeps_its_last_version() {
        let state = br#"{"function_name":"orders","publish":true,"version":"3","memory_size":128}"#;
        assert_eq!(published_version(state), Some(Some("3".to_string())));
        let latest = br#"{"function_name":"orders","publish":true,"version":"$LATEST"}"#;
        assert_eq!(published_version(latest), Some(None));
        let off = br#"{"function_name":"orders","publish":false,"version":"$LATEST"}"#;
        assert_eq!(published_version(off), None);
        assert_eq!(published_version(br#"{"function_name":"orders"}"#), None);
    }
}

//! `moved` blocks from the HashiCorp AWS provider's `aws_lambda_function` (with
//! `durable_config`; the read after the move refuses a function that is not durable).
//! See [`crate::resources::common::moved`].

use crate::resources::common::moved::MoveSource;

/// The AWS provider's function, which `lambda_durable_function` takes over.
pub const SOURCE: MoveSource = MoveSource {
    type_name: "aws_lambda_function",
    name_attr: "function_name",
    import_hint: "terraform import lambda_durable_function.orders orders",
};

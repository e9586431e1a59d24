//! `moved` blocks from the HashiCorp AWS provider's `aws_lambda_capacity_provider` (see
//! [`crate::resources::common::moved`]).

use crate::resources::common::moved::MoveSource;

/// The AWS provider's capacity provider, which `lambda_capacity_provider` takes over.
pub const SOURCE: MoveSource = MoveSource {
    type_name: "aws_lambda_capacity_provider",
    name_attr: "name",
    import_hint: "terraform import lambda_capacity_provider.web web",
};

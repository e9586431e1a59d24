//! Where a finding is in the configuration: the file, line and column of the attribute it
//! names, or of the nearest enclosing block the configuration writes (a `dynamic` block,
//! or an attribute left to its default, has no line of its own). Terraform's JSON plan
//! carries no source positions, so the review reads the `.tf` files themselves; code
//! scanning (SARIF) can then annotate the line a change introduced instead of a plan file
//! that is not in the repository. Pure: the files come in as text ([`source_files`] reads
//! them).
//!
//! [`source_files`]: super::source_files

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::structure::{Body, Structure};

use super::inputs::without_instance_keys;

/// A position in a configuration file (line and column from 1, the column in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as the report names it (relative to the repository root).
    pub uri: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

struct ParsedFile {
    uri: String,
    text: String,
    body: Body,
}

/// The configuration's files by module: the root module is `[]`, `module.net.module.sg`
/// is `["net", "sg"]`.
#[derive(Default)]
pub struct Sources {
    modules: BTreeMap<Vec<String>, Vec<ParsedFile>>,
}

impl Sources {
    /// Adds one file of `module`. A file that does not parse is skipped: Terraform refused
    /// it before there was a plan, so it cannot be the one the plan came from.
    pub fn add(&mut self, module: Vec<String>, uri: &str, text: String) {
        let Ok(body) = text.parse::<Body>() else {
            tracing::debug!(
                uri,
                "not HCL that parses: left out of the review's locations"
            );
            return;
        };
        self.modules.entry(module).or_default().push(ParsedFile {
            uri: uri.to_string(),
            text,
            body,
        });
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// Where the resource at `address` (instance keys allowed: `module.a["x"].t.n[0]`)
    /// writes `attribute` (`block[0].name`), or the nearest block around it that it
    /// writes; the resource block itself without an attribute.
    pub fn locate(&self, address: &str, attribute: Option<&str>) -> Option<Location> {
        let (module, ty, name) = split_address(address)?;
        let files = self.modules.get(&module)?;
        files.iter().find_map(|file| {
            let block = file.body.iter().find_map(|s| match s {
                Structure::Block(b)
                    if b.ident.as_str() == "resource"
                        && b.labels.len() == 2
                        && b.labels[0].as_str() == ty
                        && b.labels[1].as_str() == name =>
                {
                    Some(b)
                }
                _ => None,
            })?;
            let span = deepest_span(&block.body, attribute.unwrap_or_default())
                .or_else(|| block.span())?;
            let (line, column) = line_and_column(&file.text, span.start);
            Some(Location {
                uri: file.uri.clone(),
                line,
                column,
            })
        })
    }

    /// The source text of the expression that resource `ty.name` of `module` (`[]`: the
    /// root module) sets `path` to: blocks as (name, which of its static blocks), then the
    /// attribute (its index unused). `None` when no file writes it there (a `dynamic`
    /// block, say).
    pub fn resource_expression(
        &self,
        module: &[String],
        ty: &str,
        name: &str,
        path: &[(&str, usize)],
    ) -> Option<&str> {
        self.expression(module, "resource", &[ty, name], path)
    }

    /// The source text of the expression that the call of module `call` in `module` sets
    /// argument `variable` to.
    pub fn module_argument(&self, module: &[String], call: &str, variable: &str) -> Option<&str> {
        self.expression(module, "module", &[call], &[(variable, 0)])
    }

    fn expression(
        &self,
        module: &[String],
        ident: &str,
        labels: &[&str],
        path: &[(&str, usize)],
    ) -> Option<&str> {
        let ((attribute, _), blocks) = path.split_last()?;
        let files = self.modules.get(module)?;
        // Terraform merges override files into the blocks they name: the text of the
        // other files may not be what the plan was made from.
        if files.iter().any(|f| is_override_file(&f.uri)) {
            return None;
        }
        files.iter().find_map(|file| {
            let mut body = file.body.iter().find_map(|s| match s {
                Structure::Block(b)
                    if b.ident.as_str() == ident
                        && b.labels.len() == labels.len()
                        && b.labels
                            .iter()
                            .zip(labels)
                            .all(|(l, want)| l.as_str() == *want) =>
                {
                    Some(&b.body)
                }
                _ => None,
            })?;
            for (name, index) in blocks {
                body = body
                    .iter()
                    .filter_map(|s| match s {
                        Structure::Block(b) if b.ident.as_str() == *name => Some(&b.body),
                        _ => None,
                    })
                    .nth(*index)?;
            }
            let span = body.get_attribute(attribute)?.value.span()?;
            file.text.get(span)
        })
    }
}

/// Whether `uri` names an override file (`override.tf`, `NAME_override.tf`), which
/// Terraform merges into the blocks of the module's other files.
fn is_override_file(uri: &str) -> bool {
    let name = uri.rsplit(['/', '\\']).next().unwrap_or(uri);
    let stem = name.strip_suffix(".tf").unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// `module.a.module.b.t.n` (without instance keys) → (`["a", "b"]`, `t`, `n`); `None`
/// for anything but a managed resource.
fn split_address(address: &str) -> Option<(Vec<String>, String, String)> {
    let bare = without_instance_keys(address);
    let parts: Vec<&str> = bare.split('.').collect();
    let mut module = Vec::new();
    let mut i = 0;
    while parts.get(i) == Some(&"module") {
        module.push(parts.get(i + 1)?.to_string());
        i += 2;
    }
    match &parts[i..] {
        [ty, name] if *ty != "data" => Some((module, ty.to_string(), name.to_string())),
        _ => None,
    }
}

/// `a[0].b[1].c` → `[("a", Some(0)), ("b", Some(1)), ("c", None)]`.
fn steps(attribute: &str) -> Vec<(&str, Option<usize>)> {
    attribute
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|step| match step.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
            None => (step, None),
        })
        .collect()
}

/// The span of the deepest step of `attribute` that `body` writes.
fn deepest_span(body: &Body, attribute: &str) -> Option<Range<usize>> {
    let mut body = body;
    let mut found = None;
    for (name, index) in steps(attribute) {
        if let Some(attr) = body.get_attribute(name) {
            return attr.span().or(found);
        }
        let Some(block) = body
            .iter()
            .filter_map(|s| match s {
                Structure::Block(b) if b.ident.as_str() == name => Some(b),
                _ => None,
            })
            .nth(index.unwrap_or(0))
        else {
            return found;
        };
        found = block.span().or(found);
        body = &block.body;
    }
    found
}

/// Line and column (from 1, the column in characters) of byte `offset` of `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::capacity_provider::schema::names as cp;
    use crate::resources::function_version::schema::names as fv;

    const MAIN: &str = r#"# a comment
resource "lambda_capacity_provider" "web" {
  name = "web"

  capacity_provider_scaling_config {
    max_vcpu_count = 8
    scaling_mode   = "Manual"
    scaling_policies {
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = 50
    }
    scaling_policies {
      predefined_metric_type = "LambdaCapacityProviderAverageCPUUtilization"
      target_value           = 80
    }
  }
}

resource "lambda_function_version" "v" {
  function_name = "f"
  dynamic "function_scaling_config" {
    for_each = [1]
    content {
      min_execution_environments = 1
    }
  }
}
"#;

    fn sources() -> Sources {
        let mut s = Sources::default();
        s.add(Vec::new(), "infra/main.tf", MAIN.to_string());
        s.add(
            vec!["app".into()],
            "infra/modules/app/fn.tf",
            "\n\nresource \"lambda_durable_function\" \"f\" {\n  memory_size = 4096\n}\n".into(),
        );
        s
    }

    fn at(line: usize, column: usize, uri: &str) -> Option<Location> {
        Some(Location {
            uri: uri.into(),
            line,
            column,
        })
    }

    #[test]
    fn an_attribute_is_located_at_its_line_in_the_nth_block() {
        let s = sources();
        let second_target = "capacity_provider_scaling_config[0].scaling_policies[1].target_value";
        assert_eq!(
            s.locate("lambda_capacity_provider.web", Some(second_target)),
            at(14, 7, "infra/main.tf")
        );
        assert_eq!(
            s.locate(
                "lambda_capacity_provider.web",
                Some("capacity_provider_scaling_config[0].max_vcpu_count")
            ),
            at(6, 5, "infra/main.tf")
        );
        // No attribute: the resource block.
        assert_eq!(
            s.locate("lambda_capacity_provider.web", None),
            at(2, 1, "infra/main.tf")
        );
    }

    #[test]
    fn what_the_configuration_does_not_write_falls_back_to_the_nearest_block() {
        let s = sources();
        // A default left unset: the block around it.
        assert_eq!(
            s.locate(
                "lambda_capacity_provider.web",
                Some("capacity_provider_scaling_config[0].scaling_policies[0].unset")
            ),
            at(8, 5, "infra/main.tf")
        );
        // A dynamic block has no static block of that name: the resource.
        assert_eq!(
            s.locate(
                "lambda_function_version.v",
                Some("function_scaling_config[0].min_execution_environments")
            ),
            at(19, 1, "infra/main.tf")
        );
    }

    #[test]
    fn instances_and_modules_are_found_by_their_configuration_address() {
        let s = sources();
        assert_eq!(
            s.locate(
                "module.app[\"a.b\"].lambda_durable_function.f[0]",
                Some("memory_size")
            ),
            at(4, 3, "infra/modules/app/fn.tf")
        );
        assert_eq!(s.locate("lambda_durable_function.f", None), None);
        assert_eq!(s.locate("data.lambda_capacity_provider.web", None), None);
    }

    #[test]
    fn expressions_are_read_as_written() {
        let mut s = sources();
        s.add(
            Vec::new(),
            "infra/calls.tf",
            "module \"app\" {\n  cp_arn = module.cp[each.key].arn # the key's\n}\n".into(),
        );
        let second_target = [
            (cp::SCALING_CONFIG, 0),
            (cp::SCALING_POLICIES, 1),
            (cp::TARGET_VALUE, 0),
        ];
        assert_eq!(
            s.resource_expression(&[], "lambda_capacity_provider", "web", &second_target),
            Some("80")
        );
        assert_eq!(
            s.module_argument(&[], "app", "cp_arn"),
            Some("module.cp[each.key].arn")
        );
        // In a dynamic block, or not written: none.
        let dynamic = [(fv::SCALING, 0), (fv::MIN, 0)];
        assert_eq!(
            s.resource_expression(&[], "lambda_function_version", "v", &dynamic),
            None
        );
        let third = [
            (cp::SCALING_CONFIG, 0),
            (cp::SCALING_POLICIES, 2),
            (cp::TARGET_VALUE, 0),
        ];
        assert_eq!(
            s.resource_expression(&[], "lambda_capacity_provider", "web", &third),
            None
        );
    }

    #[test]
    fn expressions_are_not_read_where_an_override_file_may_change_them() {
        let mut s = Sources::default();
        let main = "resource \"t\" \"n\" {\n  a = x[count.index].arn\n}\n";
        s.add(Vec::new(), "main.tf", main.into());
        assert_eq!(
            s.resource_expression(&[], "t", "n", &[("a", 0)]),
            Some("x[count.index].arn")
        );
        let over = "resource \"t\" \"n\" {\n  a = x[0].arn\n}\n";
        s.add(Vec::new(), "main_override.tf", over.into());
        assert_eq!(s.resource_expression(&[], "t", "n", &[("a", 0)]), None);
        assert!(is_override_file("infra/override.tf"));
        assert!(!is_override_file("infra/overrides.tf"));
    }

    #[test]
    fn a_file_that_does_not_parse_is_left_out() {
        let mut s = Sources::default();
        s.add(Vec::new(), "broken.tf", "resource \"a\" {".into());
        assert!(s.is_empty());
    }

    #[test]
    fn columns_count_characters() {
        // "é" and "ü" are two bytes each: byte 11 is the space after "ü".
        assert_eq!(line_and_column("é = 1\n  ü = 2", 11), (2, 4));
    }
}

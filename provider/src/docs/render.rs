//! A schema as Markdown: the argument and attribute reference of one page, with a
//! subsection for every nested block, nested attribute and object type at any depth.
//! Pure functions; nothing here reads or writes files.

use std::collections::BTreeMap;

use tfplug::schema::{
    Attribute, AttributeType, Block, BlockNesting, FieldRules, NestedAttributes, NestedBlock,
    ObjectNesting, Presence, Schema,
};
use tfplug::value::Type;

use super::Kind;
use super::hcl::{code_span, object_attributes, type_expr, type_summary, value_literal};

/// The provider's short name, as in page titles (`lambda_x Resource - lambda`).
pub const PROVIDER_NAME: &str = "lambda";

/// The generated reference of one resource, data source or action (without the
/// markers): an "Argument Reference" with Required and Optional fields and, except for
/// an action, an "Attribute Reference" with the Read-Only ones, each followed by the
/// subsections of their nested fields.
pub fn reference(kind: Kind, type_name: &str, schema: &Schema) -> String {
    let ctx = Ctx {
        noun: noun_of(type_name),
    };
    let block = &schema.block;
    let fields = block_fields(block);
    let mut out = String::from("## Argument Reference\n\n");
    push_rules(&mut out, &block.rules);
    let mut argument_sections = Vec::new();
    let mut has_arguments = false;
    for group in [Group::Required, Group::Optional] {
        let in_group: Vec<&Field> = fields.iter().filter(|f| f.group() == group).collect();
        if in_group.is_empty() {
            continue;
        }
        has_arguments = true;
        out.push_str(&format!("### {}\n\n", group.title()));
        push_items(&mut out, &in_group, "", &ctx, &mut argument_sections);
    }
    if !has_arguments {
        out.push_str(&format!("This {} has no arguments.\n\n", kind.noun()));
    }
    push_sections(&mut out, &argument_sections, &ctx);
    if matches!(kind, Kind::Action | Kind::Provider) {
        // An action or the provider block has a configuration only: nothing is exported.
        return trim_to_one_newline(out);
    }

    out.push_str("## Attribute Reference\n\n");
    let read_only: Vec<&Field> = fields
        .iter()
        .filter(|f| f.group() == Group::ReadOnly)
        .collect();
    if read_only.is_empty() {
        out.push_str("No attributes are exported beyond the arguments above.\n");
        return trim_to_one_newline(out);
    }
    if has_arguments {
        out.push_str("In addition to the arguments above, these attributes are exported:\n\n");
    }
    out.push_str(&format!("### {}\n\n", Group::ReadOnly.title()));
    let mut attribute_sections = Vec::new();
    push_items(&mut out, &read_only, "", &ctx, &mut attribute_sections);
    push_sections(&mut out, &attribute_sections, &ctx);
    trim_to_one_newline(out)
}

/// A new page for a resource or data source without one: front matter, title, the
/// schema's description, then `section` (the generated reference with its markers).
pub fn new_page(kind: Kind, type_name: &str, schema: &Schema, section: &str) -> String {
    let description = schema.block.description.trim();
    let mut out = String::from("---\n");
    out.push_str(&format!(
        "page_title: \"{type_name} {} - {PROVIDER_NAME}\"\n",
        kind.title()
    ));
    out.push_str("subcategory: \"\"\n");
    out.push_str("description: |-\n");
    for line in description.lines().map(str::trim_end) {
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("---\n\n");
    out.push_str(&format!("# {type_name} ({})\n\n", kind.title()));
    if !description.is_empty() {
        out.push_str(description);
        out.push_str("\n\n");
    }
    out.push_str(section);
    out.push('\n');
    out
}

/// What a replacement is called in "Changing it replaces the …": the type name without
/// the provider prefix, in words (`lambda_capacity_provider` → "capacity provider").
fn noun_of(type_name: &str) -> String {
    let bare = type_name
        .strip_prefix(PROVIDER_NAME)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(type_name);
    bare.replace('_', " ")
}

struct Ctx {
    noun: String,
}

impl Ctx {
    fn replaces(&self) -> String {
        format!("Changing it replaces the {}.", self.noun)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Required => "Required",
            Group::Optional => "Optional",
            Group::ReadOnly => "Read-Only",
        }
    }
}

/// One field of a block or object: what a list item is about.
enum Field<'a> {
    Attribute(&'a Attribute),
    Block(&'a NestedBlock),
    /// An attribute of an object type (no schema flags of its own).
    Typed(&'a str, &'a Type),
}

impl Field<'_> {
    fn name(&self) -> &str {
        match self {
            Field::Attribute(a) => &a.name,
            Field::Block(b) => &b.name,
            Field::Typed(name, _) => name,
        }
    }

    fn group(&self) -> Group {
        match self {
            Field::Attribute(a) => match a.presence {
                Presence::Required => Group::Required,
                Presence::Optional | Presence::OptionalComputed => Group::Optional,
                Presence::Computed => Group::ReadOnly,
            },
            Field::Block(b) => {
                let counted = matches!(
                    b.nesting,
                    BlockNesting::List | BlockNesting::Set | BlockNesting::Map
                );
                if counted && b.min_items >= 1 {
                    Group::Required
                } else if configurable(&b.block) {
                    Group::Optional
                } else {
                    Group::ReadOnly
                }
            }
            Field::Typed(..) => Group::Optional,
        }
    }
}

/// True when the configuration may set something in the block (an empty block counts:
/// writing it is the setting).
fn configurable(block: &Block) -> bool {
    (block.attributes.is_empty() && block.blocks.is_empty())
        || block.attributes.values().any(Attribute::is_configurable)
        || block.blocks.values().any(|b| configurable(&b.block))
}

/// Attributes and blocks together, in name order.
fn block_fields(block: &Block) -> Vec<Field<'_>> {
    let mut fields: Vec<Field> = block
        .attributes
        .values()
        .map(Field::Attribute)
        .chain(block.blocks.values().map(Field::Block))
        .collect();
    fields.sort_by(|a, b| a.name().cmp(b.name()));
    fields
}

fn nested_fields(nested: &NestedAttributes) -> Vec<Field<'_>> {
    nested.attributes.values().map(Field::Attribute).collect()
}

/// What gets a subsection of its own, with its dotted path from the top-level block.
enum Nested<'a> {
    Block(String, &'a NestedBlock),
    Attributes(String, &'a NestedAttributes),
    Object(String, &'a Type, &'a BTreeMap<String, Type>),
}

impl Nested<'_> {
    fn path(&self) -> &str {
        match self {
            Nested::Block(p, _) | Nested::Attributes(p, _) | Nested::Object(p, ..) => p,
        }
    }
}

fn anchor(path: &str) -> String {
    format!("nested--{}", path.replace('.', "--"))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// List items for `fields`; fields needing a subsection are appended to `sections`.
fn push_items<'a>(
    out: &mut String,
    fields: &[&Field<'a>],
    prefix: &str,
    ctx: &Ctx,
    sections: &mut Vec<Nested<'a>>,
) {
    for field in fields {
        let (item, nested) = field_item(field, prefix, ctx);
        out.push_str(&item);
        sections.extend(nested);
    }
    out.push('\n');
}

fn push_sections(out: &mut String, sections: &[Nested], ctx: &Ctx) {
    for nested in sections {
        push_section(out, nested, ctx);
    }
}

fn push_rules(out: &mut String, rules: &FieldRules) {
    let names = |group: &[String]| {
        group
            .iter()
            .map(|n| code_span(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut any = false;
    for group in &rules.exactly_one_of {
        out.push_str(&format!("Exactly one of {} must be set.\n", names(group)));
        any = true;
    }
    for group in &rules.at_least_one_of {
        out.push_str(&format!("At least one of {} must be set.\n", names(group)));
        any = true;
    }
    if any {
        out.push('\n');
    }
}

/// One list item (with its sub-items) and the field's subsection, if it needs one.
fn field_item<'a>(field: &Field<'a>, prefix: &str, ctx: &Ctx) -> (String, Option<Nested<'a>>) {
    let name = field.name();
    let path = join(prefix, name);
    let mut flags = Vec::new();
    let mut facts = Vec::new();
    let (description, nested) = match field {
        Field::Attribute(attr) => (
            attr.description.as_str(),
            attribute_item(attr, &path, &mut flags, &mut facts, ctx),
        ),
        Field::Block(block) => {
            flags.push(
                match block.nesting {
                    BlockNesting::Single | BlockNesting::Group => "block",
                    BlockNesting::List => "block list",
                    BlockNesting::Set => "block set",
                    BlockNesting::Map => "block map",
                }
                .to_string(),
            );
            if block.block.deprecated {
                flags.push("deprecated".to_string());
            }
            (
                block.block.description.as_str(),
                Some(Nested::Block(path.clone(), block)),
            )
        }
        Field::Typed(_, ty) => ("", typed(ty, &path, &mut flags)),
    };
    if let Some(n) = &nested {
        flags.push(format!("see [below](#{})", anchor(n.path())));
    }
    let mut item = format!("- {} ({})", code_span(name), flags.join(", "));
    let description = description.trim();
    if !description.is_empty() {
        item.push(' ');
        item.push_str(&indent_continuation(description));
    }
    item.push('\n');
    for fact in facts {
        item.push_str(&format!("  - {fact}\n"));
    }
    (item, nested)
}

/// Pushes the HCL spelling of a plain type; types holding objects get a subsection.
fn typed<'a>(ty: &'a Type, path: &str, flags: &mut Vec<String>) -> Option<Nested<'a>> {
    match object_attributes(ty) {
        Some(attrs) => {
            flags.push(type_summary(ty));
            Some(Nested::Object(path.to_string(), ty, attrs))
        }
        None => {
            flags.push(type_expr(ty));
            None
        }
    }
}

/// Pushes the parenthesised flags (type, sensitivity…) and the sub-items (default,
/// constraints, replacement, related fields, API member) of an attribute.
fn attribute_item<'a>(
    attr: &'a Attribute,
    path: &str,
    flags: &mut Vec<String>,
    facts: &mut Vec<String>,
    ctx: &Ctx,
) -> Option<Nested<'a>> {
    let nested = match &attr.ty {
        AttributeType::Type(ty) => typed(ty, path, flags),
        AttributeType::Nested(n) => {
            flags.push(
                match n.nesting {
                    ObjectNesting::Single => "object",
                    ObjectNesting::List => "list(object)",
                    ObjectNesting::Set => "set(object)",
                    ObjectNesting::Map => "map(object)",
                }
                .to_string(),
            );
            Some(Nested::Attributes(path.to_string(), n))
        }
    };
    if attr.sensitive {
        flags.push("sensitive".to_string());
    }
    if attr.write_only {
        flags.push("write-only".to_string());
    }
    if attr.deprecated {
        flags.push("deprecated".to_string());
    }
    if let Some(default) = &attr.default {
        facts.push(format!("Default: {}.", code_span(&value_literal(default))));
    }
    let constraints = attr.constraints();
    if !constraints.is_empty() {
        facts.push(format!("Must be {}.", constraints.join("; ")));
    }
    if attr.requires_replace {
        facts.push(format!("Forces replacement of the {}.", ctx.noun));
    }
    if !attr.conflicts_with.is_empty() {
        facts.push(format!(
            "Conflicts with {}.",
            names_list(&attr.conflicts_with)
        ));
    }
    if !attr.required_with.is_empty() {
        facts.push(format!(
            "When set, {} must be set too.",
            names_list(&attr.required_with)
        ));
    }
    if attr.write_only {
        facts.push("Write-only: sent to the provider, never stored in the state.".to_string());
    }
    if let Some(member) = &attr.sent_as {
        facts.push(format!("AWS API: {}.", code_span(member)));
    }
    nested
}

fn names_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| code_span(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Continuation lines of a list item's text, indented so they stay in the item.
fn indent_continuation(text: &str) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().trim_end().to_string();
    for line in lines {
        out.push('\n');
        let line = line.trim_end();
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
    }
    out
}

fn count_phrase(min: i64, max: i64, one: &str, many: &str) -> String {
    let (min, max) = (min.max(0), max.max(0));
    match (min, max) {
        (0, 0) => format!("Any number of {many}."),
        (0, 1) => format!("At most one {one}."),
        (0, m) => format!("At most {m} {many}."),
        (1, 1) => format!("Exactly one {one}."),
        (n, m) if n == m => format!("Exactly {n} {many}."),
        (1, 0) => format!("At least one {one}."),
        (n, 0) => format!("At least {n} {many}."),
        (n, m) => format!("{n} to {m} {many}."),
    }
}

/// The subsection of one nested field, then those of its own nested fields.
fn push_section(out: &mut String, nested: &Nested, ctx: &Ctx) {
    let path = nested.path();
    out.push_str(&format!("<a id=\"{}\"></a>\n\n", anchor(path)));
    out.push_str(&format!("### Nested Schema for {}\n\n", code_span(path)));
    let mut children = Vec::new();
    match nested {
        Nested::Block(_, nb) => {
            let mut intro = match nb.nesting {
                BlockNesting::Single => "At most one block.".to_string(),
                BlockNesting::Group => {
                    "At most one block; leaving it out is the same as writing it empty.".to_string()
                }
                BlockNesting::List => count_phrase(nb.min_items, nb.max_items, "block", "blocks"),
                BlockNesting::Set => format!(
                    "{} Their order does not matter.",
                    count_phrase(nb.min_items, nb.max_items, "block", "blocks")
                ),
                BlockNesting::Map => format!(
                    "{} Each block has a label.",
                    count_phrase(nb.min_items, nb.max_items, "block", "blocks")
                ),
            };
            if nb.requires_replace {
                intro.push(' ');
                intro.push_str(&ctx.replaces());
            }
            out.push_str(&intro);
            out.push_str("\n\n");
            push_rules(out, &nb.block.rules);
            push_grouped(out, &block_fields(&nb.block), path, ctx, &mut children);
        }
        Nested::Attributes(_, na) => {
            let intro = match na.nesting {
                ObjectNesting::Single => "An object.".to_string(),
                ObjectNesting::List | ObjectNesting::Set => {
                    count_phrase(na.min_items, na.max_items, "item", "items")
                }
                ObjectNesting::Map => count_phrase(na.min_items, na.max_items, "entry", "entries"),
            };
            out.push_str(&intro);
            out.push_str("\n\n");
            push_rules(out, &na.rules);
            push_grouped(out, &nested_fields(na), path, ctx, &mut children);
        }
        Nested::Object(_, ty, attrs) => {
            let intro = match ty {
                Type::Object(_) => "An object with these attributes:",
                Type::Map(_) => "Each value is an object with these attributes:",
                _ => "Each element is an object with these attributes:",
            };
            out.push_str(intro);
            out.push_str("\n\n");
            let fields: Vec<Field> = attrs
                .iter()
                .map(|(name, t)| Field::Typed(name, t))
                .collect();
            let refs: Vec<&Field> = fields.iter().collect();
            push_items(out, &refs, path, ctx, &mut children);
        }
    }
    push_sections(out, &children, ctx);
}

/// `Required:`, `Optional:` and `Read-Only:` lists of a nested block or object.
fn push_grouped<'a>(
    out: &mut String,
    fields: &[Field<'a>],
    prefix: &str,
    ctx: &Ctx,
    sections: &mut Vec<Nested<'a>>,
) {
    for group in [Group::Required, Group::Optional, Group::ReadOnly] {
        let in_group: Vec<&Field> = fields.iter().filter(|f| f.group() == group).collect();
        if in_group.is_empty() {
            continue;
        }
        out.push_str(&format!("{}:\n\n", group.title()));
        push_items(out, &in_group, prefix, ctx, sections);
    }
}

fn trim_to_one_newline(mut text: String) -> String {
    let kept = text.trim_end().len();
    text.truncate(kept);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use tfplug::schema::{Attribute, Block, BlockNesting, NestedAttributes, NestedBlock};
    use tfplug::validate::{length_between, one_of};
    use tfplug::value::{Type, Value};

    use super::*;

    fn widget(block: Block) -> String {
        reference(Kind::Resource, "lambda_widget", &Schema::new(block))
    }

    /// The text under the heading `### {title}`, up to the next heading or anchor.
    fn section<'a>(doc: &'a str, title: &str) -> &'a str {
        let heading = format!("### {title}\n");
        let start = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("no heading {heading:?} in:\n{doc}"));
        let body = &doc[start + heading.len()..];
        let end = ["\n#", "\n<a id"]
            .iter()
            .filter_map(|next| body.find(next))
            .min()
            .unwrap_or(body.len());
        &body[..end]
    }

    #[test]
    fn a_nested_block_at_depth_two_gets_its_own_subsection() {
        let inner = Block::new().attribute(
            Attribute::number("leaf")
                .required()
                .description("The leaf."),
        );
        let outer = Block::new()
            .description("The outer block.")
            .block(NestedBlock::new("inner", BlockNesting::List, inner).max_items(3));
        let doc = widget(Block::new().block(NestedBlock::list_max_one("outer", outer)));

        assert!(
            doc.contains("- `outer` (block list, see [below](#nested--outer)) The outer block.\n"),
            "{doc}"
        );
        let outer_section = section(&doc, "Nested Schema for `outer`");
        assert!(
            outer_section.contains("- `inner` (block list, see [below](#nested--outer--inner))"),
            "{doc}"
        );
        assert!(doc.contains("<a id=\"nested--outer--inner\"></a>"), "{doc}");
        let inner_section = section(&doc, "Nested Schema for `outer.inner`");
        assert_eq!(
            inner_section,
            "\nAt most 3 blocks.\n\nRequired:\n\n- `leaf` (number) The leaf.\n"
        );
    }

    #[test]
    fn constraints_replacement_default_and_api_member_are_separate_items() {
        let doc = widget(
            Block::new().attribute(
                Attribute::string("mode")
                    .default_value(Value::string("Auto"))
                    .requires_replace()
                    .validator(one_of(&["Auto", "Manual"]))
                    .validator(length_between(1, 10))
                    .sent_as("Config.Mode")
                    .description("How it scales."),
            ),
        );
        let optional = section(&doc, "Optional");
        assert_eq!(
            optional,
            "\n- `mode` (string) How it scales.\n\
             \x20 - Default: `\"Auto\"`.\n\
             \x20 - Must be one of `Auto`, `Manual`; 1 to 10 characters long.\n\
             \x20 - Forces replacement of the widget.\n\
             \x20 - AWS API: `Config.Mode`.\n"
        );
    }

    #[test]
    fn fields_are_grouped_required_optional_then_read_only() {
        let doc = widget(
            Block::new()
                .attribute(Attribute::string("a_computed").computed())
                .attribute(Attribute::string("b_optional_computed").optional_computed())
                .attribute(Attribute::string("c_required").required())
                .attribute(Attribute::string("d_optional").sensitive())
                .attribute(Attribute::new("e_list", Type::list(Type::String)).required()),
        );
        let at = |needle: &str| {
            doc.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing in:\n{doc}"))
        };
        let order = [
            at("## Argument Reference"),
            at("### Required"),
            at("- `c_required` (string)"),
            at("- `e_list` (list(string))"),
            at("### Optional"),
            at("- `b_optional_computed` (string)"),
            at("- `d_optional` (string, sensitive)"),
            at("## Attribute Reference"),
            at("### Read-Only"),
            at("- `a_computed` (string)"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{doc}");
    }

    #[test]
    fn a_block_that_requires_replacement_says_so_with_its_item_counts() {
        let doc = widget(
            Block::new().block(
                NestedBlock::new(
                    "rule",
                    BlockNesting::Set,
                    Block::new().attribute(Attribute::string("x")),
                )
                .min_items(1)
                .max_items(10)
                .requires_replace(),
            ),
        );
        assert!(
            section(&doc, "Required").contains("- `rule` (block set,"),
            "{doc}"
        );
        assert!(
            section(&doc, "Nested Schema for `rule`").starts_with(
                "\n1 to 10 blocks. Their order does not matter. \
                 Changing it replaces the widget.\n"
            ),
            "{doc}"
        );
    }

    #[test]
    fn cross_field_rules_are_mentioned() {
        let doc = widget(
            Block::new()
                .attribute(Attribute::string("name").conflicts_with(["arn"]))
                .attribute(Attribute::string("arn").required_with(["name"]))
                .exactly_one_of(["name", "arn"])
                .at_least_one_of(["arn"]),
        );
        assert!(
            doc.starts_with(
                "## Argument Reference\n\nExactly one of `name`, `arn` must be set.\n\
                 At least one of `arn` must be set.\n\n### Optional\n"
            ),
            "{doc}"
        );
        assert!(doc.contains("  - Conflicts with `arn`.\n"), "{doc}");
        assert!(
            doc.contains("  - When set, `name` must be set too.\n"),
            "{doc}"
        );
    }

    #[test]
    fn nested_attributes_and_object_types_get_subsections() {
        let doc = widget(
            Block::new()
                .attribute(Attribute::nested(
                    "policy",
                    NestedAttributes::new(ObjectNesting::List)
                        .attribute(Attribute::number("target").required())
                        .items(1, 10),
                ))
                .attribute(
                    Attribute::new(
                        "config",
                        Type::list(Type::object([("sub", Type::map(Type::String))])),
                    )
                    .computed(),
                ),
        );
        assert!(doc.contains("- `policy` (list(object), see [below](#nested--policy))"));
        assert_eq!(
            section(&doc, "Nested Schema for `policy`"),
            "\n1 to 10 items.\n\nRequired:\n\n- `target` (number)\n"
        );
        assert!(doc.contains("- `config` (list(object), see [below](#nested--config))"));
        assert_eq!(
            section(&doc, "Nested Schema for `config`"),
            "\nEach element is an object with these attributes:\n\n- `sub` (map(string))\n"
        );
    }

    #[test]
    fn multi_line_descriptions_stay_inside_their_item() {
        let doc = widget(
            Block::new().attribute(
                Attribute::string("a")
                    .required()
                    .description("First line.\n\nSecond paragraph.\n"),
            ),
        );
        assert!(
            doc.contains("- `a` (string) First line.\n\n  Second paragraph.\n"),
            "{doc}"
        );
    }

    #[test]
    fn a_data_source_without_arguments_says_so() {
        let schema = Schema::new(Block::new().attribute(Attribute::string("id").computed()));
        let doc = reference(Kind::DataSource, "lambda_thing", &schema);
        assert_eq!(
            doc,
            "## Argument Reference\n\nThis data source has no arguments.\n\n\
             ## Attribute Reference\n\n### Read-Only\n\n- `id` (string)\n"
        );
    }

    #[test]
    fn an_action_has_arguments_and_no_attribute_reference() {
        let schema = Schema::new(
            Block::new()
                .attribute(
                    Attribute::string("name")
                        .required()
                        .description("Its name."),
                )
                .attribute(Attribute::bool("wait").optional()),
        );
        let doc = reference(Kind::Action, "lambda_do", &schema);
        assert_eq!(
            doc,
            "## Argument Reference\n\n### Required\n\n- `name` (string) Its name.\n\n\
             ### Optional\n\n- `wait` (bool)\n"
        );
        let page = new_page(Kind::Action, "lambda_do", &schema, "SECTION");
        assert!(
            page.starts_with("---\npage_title: \"lambda_do Action - lambda\"\n"),
            "{page}"
        );
        assert!(page.contains("# lambda_do (Action)\n"), "{page}");
    }

    #[test]
    fn a_new_page_has_front_matter_title_and_description() {
        let schema = Schema::new(Block::new().description("Manages a thing."));
        let page = new_page(Kind::Resource, "lambda_thing", &schema, "SECTION");
        assert_eq!(
            page,
            "---\npage_title: \"lambda_thing Resource - lambda\"\nsubcategory: \"\"\n\
             description: |-\n  Manages a thing.\n---\n\n# lambda_thing (Resource)\n\n\
             Manages a thing.\n\nSECTION\n"
        );
    }
}

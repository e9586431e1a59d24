//! Schemas as data: attributes, nested attributes and blocks, with the plan behaviour
//! (defaults, replacement, state-for-unknown) and validators attached to each attribute.
//!
//! Attributes and blocks are kept in name order, so the encoded schema is deterministic.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::proto::tfplugin6 as pb;
use crate::validate::Validator;
use crate::value::{Type, Value};

/// A versioned schema of a provider, resource or data source.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Schema version; state stored with an older version is upgraded.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A version-0 schema with the given top-level block.
    pub fn new(block: Block) -> Self {
        Self { version: 0, block }
    }

    /// Sets the schema version.
    pub fn with_version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    /// The object type of values conforming to this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// What is wrong with the schema itself, one line each: validators that cannot work
    /// (a pattern that does not compile), cross-field rules naming fields that do not
    /// exist, defaults on attributes that cannot have one. A provider's tests build every
    /// schema and assert this is empty. (The server does not check at start-up: compiling
    /// every pattern there would cost every Terraform command time and memory; a broken
    /// pattern still rejects every value rather than accepting it.)
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.block.collect_problems("", &mut out);
        out
    }

    /// Encodes for the protocol.
    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

/// Text format of a description.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DescriptionKind {
    /// Plain text.
    Plain,
    /// Markdown (the default: the Registry renders it).
    #[default]
    Markdown,
}

impl DescriptionKind {
    fn to_proto(self) -> i32 {
        match self {
            DescriptionKind::Plain => pb::StringKind::Plain as i32,
            DescriptionKind::Markdown => pb::StringKind::Markdown as i32,
        }
    }
}

/// Rules across the fields (attributes and nested blocks) of one block or nested object,
/// checked at validation time with paths (see [`crate::validate::rules`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldRules {
    /// Groups of fields of which exactly one must be set.
    pub exactly_one_of: Vec<Vec<String>>,
    /// Groups of fields of which at least one must be set.
    pub at_least_one_of: Vec<Vec<String>>,
}

impl FieldRules {
    fn names(&self) -> impl Iterator<Item = &String> {
        self.exactly_one_of
            .iter()
            .chain(&self.at_least_one_of)
            .flatten()
    }
}

fn names_of<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    names.into_iter().map(|n| n.as_ref().to_string()).collect()
}

/// A block: attributes and nested blocks.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// Attributes by name.
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested blocks by type name.
    pub blocks: BTreeMap<String, NestedBlock>,
    /// Markdown description.
    pub description: String,
    /// Whether the whole block is deprecated.
    pub deprecated: bool,
    /// Rules across the block's fields.
    pub rules: FieldRules,
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute.
    pub fn attribute(mut self, attr: Attribute) -> Self {
        self.attributes.insert(attr.name.clone(), attr);
        self
    }

    /// Adds a nested block.
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.insert(block.name.clone(), block);
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Marks the block deprecated.
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Exactly one of these fields (attributes or nested blocks) must be set.
    pub fn exactly_one_of<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.rules.exactly_one_of.push(names_of(names));
        self
    }

    /// At least one of these fields must be set.
    pub fn at_least_one_of<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.rules.at_least_one_of.push(names_of(names));
        self
    }

    /// True when the block has a field (attribute or nested block) of this name.
    pub fn has_field(&self, name: &str) -> bool {
        self.attributes.contains_key(name) || self.blocks.contains_key(name)
    }

    fn collect_problems(&self, prefix: &str, out: &mut Vec<String>) {
        for name in self.rules.names().filter(|n| !self.has_field(n)) {
            out.push(format!(
                "{prefix}: a rule names `{name}`, which is not a field here"
            ));
        }
        for (name, attr) in &self.attributes {
            let here = join_path(prefix, name);
            attr.collect_problems(&here, out);
            for other in attr.conflicts_with.iter().chain(&attr.required_with) {
                if !self.has_field(other) {
                    out.push(format!(
                        "{here}: refers to `{other}`, which is not a sibling field"
                    ));
                }
            }
        }
        for (name, nb) in &self.blocks {
            nb.block.collect_problems(&join_path(prefix, name), out);
        }
    }

    /// The object type of this block's values.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(name, attr)| (name.clone(), attr.value_type()))
            .collect();
        for (name, block) in &self.blocks {
            attrs.insert(name.clone(), block.value_type());
        }
        Type::Object(attrs)
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        pb::schema::Block {
            version,
            attributes: self.attributes.values().map(Attribute::to_proto).collect(),
            block_types: self.blocks.values().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: DescriptionKind::Markdown.to_proto(),
            deprecated: self.deprecated,
            deprecation_message: String::new(),
        }
    }
}

/// How an attribute is set: by the user, by the provider, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The configuration must set it.
    Required,
    /// The configuration may set it; null otherwise.
    Optional,
    /// Only the provider sets it.
    Computed,
    /// The configuration may set it; the provider fills it otherwise.
    OptionalComputed,
}

/// The type of an attribute: a plain cty type or nested attributes.
#[derive(Clone, Debug)]
pub enum AttributeType {
    /// A cty type.
    Type(Type),
    /// Attributes nested in an object, list, set or map.
    Nested(NestedAttributes),
}

/// Nesting of nested attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectNesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// Attributes nested inside an attribute.
#[derive(Clone, Debug)]
pub struct NestedAttributes {
    /// How the objects nest.
    pub nesting: ObjectNesting,
    /// The attributes of each object.
    pub attributes: BTreeMap<String, Attribute>,
    /// Rules across the attributes of each object.
    pub rules: FieldRules,
    /// Minimum number of objects (list, set, map), checked by tfplug when set.
    pub min_items: i64,
    /// Maximum number of objects; 0 means unlimited.
    pub max_items: i64,
}

impl NestedAttributes {
    /// Nested attributes with the given nesting.
    pub fn new(nesting: ObjectNesting) -> Self {
        Self {
            nesting,
            attributes: BTreeMap::new(),
            rules: FieldRules::default(),
            min_items: 0,
            max_items: 0,
        }
    }

    /// Adds an attribute.
    pub fn attribute(mut self, attr: Attribute) -> Self {
        self.attributes.insert(attr.name.clone(), attr);
        self
    }

    /// Exactly one of these attributes of each object must be set.
    pub fn exactly_one_of<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.rules.exactly_one_of.push(names_of(names));
        self
    }

    /// At least one of these attributes of each object must be set.
    pub fn at_least_one_of<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.rules.at_least_one_of.push(names_of(names));
        self
    }

    /// Sets the minimum and maximum number of objects (0 = unlimited).
    pub fn items(mut self, min: i64, max: i64) -> Self {
        self.min_items = min;
        self.max_items = max;
        self
    }

    /// The nested objects seen as a block, so the walks over blocks serve both.
    pub fn as_block(&self) -> Block {
        Block {
            attributes: self.attributes.clone(),
            rules: self.rules.clone(),
            ..Block::default()
        }
    }

    /// The object type of one element.
    pub fn object_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|(n, a)| (n.clone(), a.value_type()))
                .collect(),
        )
    }

    /// The type of the whole attribute value.
    pub fn value_type(&self) -> Type {
        let obj = self.object_type();
        match self.nesting {
            ObjectNesting::Single => obj,
            ObjectNesting::List => Type::List(Box::new(obj)),
            ObjectNesting::Set => Type::Set(Box::new(obj)),
            ObjectNesting::Map => Type::Map(Box::new(obj)),
        }
    }

    fn to_proto(&self) -> pb::schema::Object {
        use pb::schema::object::NestingMode;
        let nesting = match self.nesting {
            ObjectNesting::Single => NestingMode::Single,
            ObjectNesting::List => NestingMode::List,
            ObjectNesting::Set => NestingMode::Set,
            ObjectNesting::Map => NestingMode::Map,
        };
        #[allow(deprecated)]
        pb::schema::Object {
            attributes: self.attributes.values().map(Attribute::to_proto).collect(),
            nesting: nesting as i32,
            min_items: 0,
            max_items: 0,
        }
    }
}

/// One attribute with its schema flags, plan behaviour and validators.
#[derive(Clone)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Type or nested attributes.
    pub ty: AttributeType,
    /// Required, optional, computed, or optional+computed.
    pub presence: Presence,
    /// Hidden in Terraform's output.
    pub sensitive: bool,
    /// Sent in config only, never stored in state.
    pub write_only: bool,
    /// Deprecated: Terraform warns when it is set.
    pub deprecated: bool,
    /// Markdown description.
    pub description: String,
    /// A change of the value replaces the resource.
    pub requires_replace: bool,
    /// Keep the prior state's value instead of planning unknown when the resource changes
    /// (for computed values that never change after create, like an ARN).
    pub use_state_for_unknown: bool,
    /// A list whose order means nothing to the remote API, which may answer with the
    /// elements in another order: a provider reading it back may keep the prior order.
    /// Terraform compares lists by position; this tells the provider, not Terraform.
    pub unordered: bool,
    /// Value planned when the configuration leaves it null (optional+computed only).
    pub default: Option<Value>,
    /// Checks of configured values, run at validation time.
    pub validators: Vec<Arc<dyn Validator>>,
    /// The remote API member the value is sent as (e.g. `Config.MaxCount`), for
    /// descriptions and generated docs.
    pub sent_as: Option<String>,
    /// Sibling fields that may not be set together with this one.
    pub conflicts_with: Vec<String>,
    /// Sibling fields that must be set whenever this one is.
    pub required_with: Vec<String>,
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attribute")
            .field("name", &self.name)
            .field("ty", &self.ty)
            .field("presence", &self.presence)
            .field("requires_replace", &self.requires_replace)
            .finish_non_exhaustive()
    }
}

impl Attribute {
    /// An optional attribute of the given type.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty: AttributeType::Type(ty),
            presence: Presence::Optional,
            sensitive: false,
            write_only: false,
            deprecated: false,
            description: String::new(),
            requires_replace: false,
            use_state_for_unknown: false,
            unordered: false,
            default: None,
            validators: Vec::new(),
            sent_as: None,
            conflicts_with: Vec::new(),
            required_with: Vec::new(),
        }
    }

    /// An optional string attribute.
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, Type::String)
    }

    /// An optional number attribute.
    pub fn number(name: impl Into<String>) -> Self {
        Self::new(name, Type::Number)
    }

    /// An optional bool attribute.
    pub fn bool(name: impl Into<String>) -> Self {
        Self::new(name, Type::Bool)
    }

    /// An optional attribute with nested attributes.
    pub fn nested(name: impl Into<String>, nested: NestedAttributes) -> Self {
        Self {
            ty: AttributeType::Nested(nested),
            ..Self::new(name, Type::Dynamic)
        }
    }

    /// Must be set in configuration.
    pub fn required(mut self) -> Self {
        self.presence = Presence::Required;
        self
    }

    /// May be set in configuration (the default).
    pub fn optional(mut self) -> Self {
        self.presence = Presence::Optional;
        self
    }

    /// Set by the provider only.
    pub fn computed(mut self) -> Self {
        self.presence = Presence::Computed;
        self
    }

    /// May be set in configuration; set by the provider otherwise.
    pub fn optional_computed(mut self) -> Self {
        self.presence = Presence::OptionalComputed;
        self
    }

    /// Hidden in Terraform's output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Sent in configuration only, never stored.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// Deprecated.
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Markdown description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// A change replaces the resource.
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// Keep the prior value when the resource changes (value fixed after create).
    pub fn use_state_for_unknown(mut self) -> Self {
        self.use_state_for_unknown = true;
        self
    }

    /// Marks a list whose element order the remote API does not keep (see the field).
    pub fn unordered(mut self) -> Self {
        self.unordered = true;
        self
    }

    /// Default for an unset optional attribute; makes it optional+computed.
    pub fn default_value(mut self, value: Value) -> Self {
        self.presence = Presence::OptionalComputed;
        self.default = Some(value);
        self
    }

    /// Adds a validator.
    pub fn validator(mut self, v: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(v));
        self
    }

    /// Adds validators already shared (e.g. built once from a service model).
    pub fn validators(mut self, vs: impl IntoIterator<Item = Arc<dyn Validator>>) -> Self {
        self.validators.extend(vs);
        self
    }

    /// Names the remote API member the value is sent as.
    pub fn sent_as(mut self, member: impl Into<String>) -> Self {
        self.sent_as = Some(member.into());
        self
    }

    /// This field may not be set together with any of these sibling fields.
    pub fn conflicts_with<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.conflicts_with.extend(names_of(names));
        self
    }

    /// When this field is set, these sibling fields must be set too.
    pub fn required_with<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.required_with.extend(names_of(names));
        self
    }

    /// What the validators allow, one phrase each (see [`Validator::describe`]).
    pub fn constraints(&self) -> Vec<String> {
        self.validators
            .iter()
            .map(|v| v.describe())
            .filter(|d| !d.is_empty())
            .collect()
    }

    /// The description sent to Terraform: the written text, then the constraints and the
    /// API member, so they are never written twice by hand.
    pub fn full_description(&self) -> String {
        let mut text = self.description.trim_end().to_string();
        let constraints = self.constraints();
        if !constraints.is_empty() {
            push_sentence(&mut text, &format!("Must be {}.", constraints.join("; ")));
        }
        if let Some(member) = &self.sent_as {
            push_sentence(&mut text, &format!("AWS API: `{member}`."));
        }
        text
    }

    fn collect_problems(&self, path: &str, out: &mut Vec<String>) {
        for v in &self.validators {
            if let Some(p) = v.problem() {
                out.push(format!("{path}: {p}"));
            }
        }
        if self.default.is_some() && self.presence != Presence::OptionalComputed {
            out.push(format!(
                "{path}: a default needs an optional+computed attribute"
            ));
        }
        if let AttributeType::Nested(nested) = &self.ty {
            nested.as_block().collect_problems(path, out);
        }
    }

    /// True when the provider may set the value.
    pub fn is_computed(&self) -> bool {
        matches!(
            self.presence,
            Presence::Computed | Presence::OptionalComputed
        )
    }

    /// True when the configuration may set the value.
    pub fn is_configurable(&self) -> bool {
        !matches!(self.presence, Presence::Computed)
    }

    /// The value type of this attribute.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttributeType::Type(t) => t.clone(),
            AttributeType::Nested(n) => n.value_type(),
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested_type) = match &self.ty {
            AttributeType::Type(t) => (t.to_json_bytes(), None),
            AttributeType::Nested(n) => (Vec::new(), Some(n.to_proto())),
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.full_description(),
            required: self.presence == Presence::Required,
            optional: matches!(
                self.presence,
                Presence::Optional | Presence::OptionalComputed
            ),
            computed: self.is_computed(),
            sensitive: self.sensitive,
            description_kind: DescriptionKind::Markdown.to_proto(),
            deprecated: self.deprecated,
            write_only: self.write_only,
            deprecation_message: String::new(),
        }
    }
}

fn push_sentence(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(sentence);
}

fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Nesting of a nested block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; null when absent.
    Single,
    /// Exactly one block, always present (attributes null when the block is absent).
    Group,
    /// A list of blocks; an empty list when absent.
    List,
    /// A set of blocks; an empty set when absent.
    Set,
    /// Labelled blocks; an empty map when absent.
    Map,
}

/// A nested block type.
#[derive(Clone, Debug)]
pub struct NestedBlock {
    /// Block type name.
    pub name: String,
    /// How blocks nest.
    pub nesting: BlockNesting,
    /// The block's content.
    pub block: Block,
    /// Minimum number of blocks (list/set).
    pub min_items: i64,
    /// Maximum number of blocks (list/set); 0 means unlimited.
    pub max_items: i64,
    /// Any change inside the block replaces the resource.
    pub requires_replace: bool,
    /// The remote API member the blocks are sent as, for descriptions and docs.
    pub sent_as: Option<String>,
}

impl NestedBlock {
    /// A nested block type.
    pub fn new(name: impl Into<String>, nesting: BlockNesting, block: Block) -> Self {
        Self {
            name: name.into(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
            requires_replace: false,
            sent_as: None,
        }
    }

    /// A list block that may appear at most once (the AWS provider's usual shape).
    pub fn list_max_one(name: impl Into<String>, block: Block) -> Self {
        Self::new(name, BlockNesting::List, block).max_items(1)
    }

    /// Names the remote API member the blocks are sent as.
    pub fn sent_as(mut self, member: impl Into<String>) -> Self {
        self.sent_as = Some(member.into());
        self
    }

    /// Sets the minimum number of blocks.
    pub fn min_items(mut self, n: i64) -> Self {
        self.min_items = n;
        self
    }

    /// Sets the maximum number of blocks.
    pub fn max_items(mut self, n: i64) -> Self {
        self.max_items = n;
        self
    }

    /// Any change inside replaces the resource.
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// The type of this block's value in its parent object.
    pub fn value_type(&self) -> Type {
        let obj = self.block.value_type();
        match self.nesting {
            BlockNesting::Single | BlockNesting::Group => obj,
            BlockNesting::List => Type::List(Box::new(obj)),
            BlockNesting::Set => Type::Set(Box::new(obj)),
            BlockNesting::Map => Type::Map(Box::new(obj)),
        }
    }

    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode;
        let nesting = match self.nesting {
            BlockNesting::Single => NestingMode::Single,
            BlockNesting::Group => NestingMode::Group,
            BlockNesting::List => NestingMode::List,
            BlockNesting::Set => NestingMode::Set,
            BlockNesting::Map => NestingMode::Map,
        };
        let (min_items, max_items) = match self.nesting {
            BlockNesting::Single | BlockNesting::Group => (0, 0),
            _ => (self.min_items, self.max_items),
        };
        pb::schema::NestedBlock {
            type_name: self.name.clone(),
            block: Some(self.block.to_proto(0)),
            nesting: nesting as i32,
            min_items,
            max_items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("zeta").required())
                .attribute(Attribute::string("alpha").computed())
                .attribute(Attribute::nested(
                    "nested",
                    NestedAttributes::new(ObjectNesting::List)
                        .attribute(Attribute::number("n").optional()),
                ))
                .block(NestedBlock::list_max_one(
                    "cfg",
                    Block::new().attribute(Attribute::bool("on").optional()),
                )),
        )
        .with_version(2)
    }

    #[test]
    fn attributes_come_out_in_name_order() {
        let pb = sample().to_proto();
        let block = pb.block.unwrap_or_default();
        let names: Vec<_> = block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["alpha", "nested", "zeta"]);
        assert_eq!(pb.version, 2);
    }

    #[test]
    fn nested_attribute_sets_nested_type_and_never_type() {
        let pb = sample().to_proto();
        let block = pb.block.unwrap_or_default();
        let nested = block.attributes.iter().find(|a| a.name == "nested");
        let nested = nested.map(|a| (a.r#type.is_empty(), a.nested_type.is_some()));
        assert_eq!(nested, Some((true, true)));
        let plain = block.attributes.iter().find(|a| a.name == "zeta");
        assert_eq!(plain.map(|a| a.r#type.as_slice()), Some(&b"\"string\""[..]));
    }

    #[test]
    fn encoding_is_deterministic() {
        use prost::Message;
        assert_eq!(
            sample().to_proto().encode_to_vec(),
            sample().to_proto().encode_to_vec()
        );
    }

    #[test]
    fn value_type_includes_blocks() {
        let ty = sample().value_type();
        let Type::Object(attrs) = ty else {
            panic!("not an object")
        };
        assert!(matches!(attrs.get("cfg"), Some(Type::List(_))));
        assert!(matches!(attrs.get("nested"), Some(Type::List(_))));
    }

    #[test]
    fn default_makes_attribute_optional_computed() {
        let a = Attribute::string("x").default_value(Value::string("d"));
        let p = a.to_proto();
        assert!(p.optional && p.computed && !p.required);
    }
}

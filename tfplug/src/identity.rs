//! Resource identity (protocol 6.9, Terraform 1.12+).
//!
//! An identity is a small, versioned object that names one remote object for good: an
//! ID, an account, a region. Terraform stores it next to the state, lets users import
//! by identity (`import { to = … identity = { … } }`), and `terraform query` lists
//! objects by identity. So, unlike state, an identity must **never change** for the
//! life of an object: tfplug checks that on every read, plan and apply and fails
//! loudly, naming the resource and both identities, when a resource breaks it.
//!
//! A resource opts in by returning an [`IdentitySchema`] from
//! [`crate::resource::Resource::identity_schema`]. By default its identity is made of
//! the state attributes of the same names ([`IdentityRequest::from_state`]); a resource
//! whose identity holds values outside its state (an account ID the provider learned
//! at configure time, a region) overrides [`crate::resource::Resource::identity`].
//! Terraform before 1.12 never asks for identities and ignores the fields that carry
//! them, so a resource with an identity keeps working there.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diag::Diagnostic;
use crate::proto::tfplugin6 as pb;
use crate::resource::{Result, ValueType, decode_model};
use crate::value::{Type, Value};

/// Whether an identity attribute must be given to import by identity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportUse {
    /// `import { identity = { … } }` must set it.
    #[default]
    Required,
    /// The provider can work it out (e.g. the account of the configured credentials);
    /// the user may still set it.
    Optional,
}

/// One attribute of an identity.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentityAttribute {
    /// Attribute name.
    pub name: String,
    /// Its type: a primitive type or a list of one (Terraform accepts no other).
    pub ty: Type,
    /// Whether an import by identity must set it.
    pub import: ImportUse,
    /// Markdown description.
    pub description: String,
}

impl IdentityAttribute {
    /// An attribute required for import.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Self {
            name: name.into(),
            ty,
            import: ImportUse::Required,
            description: String::new(),
        }
    }

    /// A string attribute required for import.
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, Type::String)
    }

    /// A number attribute required for import.
    pub fn number(name: impl Into<String>) -> Self {
        Self::new(name, Type::Number)
    }

    /// An import by identity must set it (the default).
    pub fn required_for_import(mut self) -> Self {
        self.import = ImportUse::Required;
        self
    }

    /// An import by identity may leave it out.
    pub fn optional_for_import(mut self) -> Self {
        self.import = ImportUse::Optional;
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    fn to_proto(&self) -> pb::resource_identity_schema::IdentityAttribute {
        pb::resource_identity_schema::IdentityAttribute {
            name: self.name.clone(),
            r#type: self.ty.to_json_bytes(),
            required_for_import: self.import == ImportUse::Required,
            optional_for_import: self.import == ImportUse::Optional,
            description: self.description.clone(),
        }
    }
}

/// The identity schema of a managed resource type: a version and flat attributes.
///
/// The version is independent of the resource schema's: bump it when the identity's
/// shape changes and override [`crate::resource::Resource::upgrade_identity`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdentitySchema {
    /// Identity schema version.
    pub version: i64,
    /// Attributes by name.
    pub attributes: BTreeMap<String, IdentityAttribute>,
}

impl IdentitySchema {
    /// A version-0 identity schema without attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the version.
    pub fn with_version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    /// Adds an attribute.
    pub fn attribute(mut self, attr: IdentityAttribute) -> Self {
        self.attributes.insert(attr.name.clone(), attr);
        self
    }

    /// The object type of identity values.
    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|(n, a)| (n.clone(), a.ty.clone()))
                .collect(),
        )
    }

    /// Encodes for the protocol.
    pub fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .values()
                .map(IdentityAttribute::to_proto)
                .collect(),
        }
    }

    /// What Terraform would reject in this schema, one line each (empty when fine): no
    /// attributes, or an attribute type other than a primitive or a list of one.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.attributes.is_empty() {
            out.push("an identity needs at least one attribute".to_string());
        }
        for (name, attr) in &self.attributes {
            let primitive = |t: &Type| matches!(t, Type::String | Type::Number | Type::Bool);
            let ok = match &attr.ty {
                Type::List(inner) => primitive(inner),
                t => primitive(t),
            };
            if !ok {
                out.push(format!(
                    "{name}: an identity attribute must be a string, number, bool or a list of one"
                ));
            }
        }
        out
    }
}

/// Input of [`crate::resource::Resource::identity`]: the state the identity is computed
/// from.
#[derive(Clone, Debug)]
pub struct IdentityRequest {
    /// The state (after a read or an apply, or as planned: it may hold unknowns at plan
    /// time, and then an identity that cannot be known yet may be returned unknown).
    pub state: Value,
    /// The private state that goes with it.
    pub private: Vec<u8>,
    /// The identity's value type.
    pub ty: ValueType,
}

impl IdentityRequest {
    /// The state as a model.
    pub fn state<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.state)
    }

    /// Builds an identity value from a model.
    pub fn identity_of<M: Serialize>(&self, model: &M) -> Result<Value> {
        self.ty.encode(model)
    }

    /// The default identity: each identity attribute taken from the state attribute of
    /// the same name (null when the state has none).
    pub fn from_state(&self) -> Value {
        object_from(&self.ty, &self.state)
    }
}

/// Input of [`crate::resource::Resource::import_by_identity`].
#[derive(Clone, Debug)]
pub struct ImportByIdentityRequest {
    /// The identity the user gave; every attribute required for import is set.
    pub identity: Value,
    /// The identity's value type.
    pub identity_ty: ValueType,
    /// The resource's value type.
    pub ty: ValueType,
}

impl ImportByIdentityRequest {
    /// The identity as a model.
    pub fn identity<M: DeserializeOwned>(&self) -> Result<M> {
        decode_model(&self.identity)
    }

    /// Builds a value of the resource's type from a model.
    pub fn state_of<M: Serialize>(&self, model: &M) -> Result<Value> {
        self.ty.encode(model)
    }

    /// The default stub state: every state attribute null except those named like an
    /// identity attribute, which take its value. Terraform reads the stub next, so a
    /// resource whose read needs only those attributes imports by identity for free.
    pub fn stub_from_identity(&self) -> Value {
        object_from(&self.ty, &self.identity)
    }
}

/// An object of type `ty` whose attributes come from the same-named attributes of
/// `source` (null where it has none).
fn object_from(ty: &ValueType, source: &Value) -> Value {
    let Type::Object(attrs) = ty.get() else {
        return Value::Null;
    };
    Value::Object(
        attrs
            .keys()
            .map(|name| {
                let v = source.get_attr(name).cloned().unwrap_or(Value::Null);
                (name.clone(), v)
            })
            .collect(),
    )
}

/// The attributes of `prior` that `new` changes. An attribute null in `prior` is not
/// set yet (an import by identity leaves optional attributes out; an identity stored
/// before an attribute existed lacks it), so filling it in is not a change.
pub fn changed_attributes(prior: &Value, new: &Value) -> Vec<String> {
    let Value::Object(prior_attrs) = prior else {
        return Vec::new();
    };
    prior_attrs
        .iter()
        .filter(|(_, v)| !v.is_null() && !v.is_unknown())
        .filter(|(name, v)| new.get_attr(name) != Some(v))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The error for an identity that changed: names the resource type, the operation and
/// both identities.
pub fn changed_error(
    type_name: &str,
    operation: &str,
    ty: &Type,
    prior: &Value,
    new: &Value,
    changed: &[String],
) -> Diagnostic {
    Diagnostic::error(
        "Resource identity changed",
        format!(
            "During {operation}, {type_name} returned the identity {} for an object whose \
             identity is {} (changed: {}). An object's identity must never change for the \
             life of the object. This is a bug in the provider, which should be reported in \
             the provider's own issue tracker.",
            show(new, ty),
            show(prior, ty),
            changed.join(", ")
        ),
    )
}

/// A value as JSON for messages (Debug when it does not fit the type).
pub fn show(value: &Value, ty: &Type) -> String {
    crate::value::json::encode(value, ty)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(v: &[(&str, Value)]) -> Value {
        Value::object(v.iter().cloned())
    }

    #[test]
    fn filling_a_null_attribute_is_not_a_change() {
        let prior = id(&[("id", Value::string("a")), ("account", Value::Null)]);
        let new = id(&[("id", Value::string("a")), ("account", Value::string("1"))]);
        assert!(changed_attributes(&prior, &new).is_empty());
        let other = id(&[("id", Value::string("b")), ("account", Value::string("1"))]);
        assert_eq!(changed_attributes(&prior, &other), ["id"]);
        assert_eq!(changed_attributes(&prior, &Value::Null), ["id"]);
        assert!(changed_attributes(&Value::Null, &other).is_empty());
    }

    #[test]
    fn schema_problems_and_proto() {
        let s = IdentitySchema::new()
            .with_version(2)
            .attribute(IdentityAttribute::string("id").description("The ID."))
            .attribute(IdentityAttribute::string("region").optional_for_import());
        assert!(s.problems().is_empty());
        let p = s.to_proto();
        assert_eq!(p.version, 2);
        assert_eq!(p.identity_attributes.len(), 2);
        assert!(p.identity_attributes[0].required_for_import);
        assert!(p.identity_attributes[1].optional_for_import);
        assert_eq!(p.identity_attributes[0].r#type, b"\"string\"");
        let bad =
            IdentitySchema::new().attribute(IdentityAttribute::new("m", Type::map(Type::String)));
        assert_eq!(bad.problems().len(), 1);
        assert_eq!(IdentitySchema::new().problems().len(), 1);
    }
}

//! Tags the way users of the AWS provider know them: the provider's `default_tags` are
//! merged into every taggable resource, the resource's own `tags` win on conflicting
//! keys, and the computed `tags_all` holds the merged set that AWS stores.

use std::collections::BTreeMap;

use tfplug::schema::Attribute;
use tfplug::validate::{NoNullElements, Validator, refuse_keys};
use tfplug::value::{Type, Value};

/// A tag map.
pub type Tags = BTreeMap<String, String>;

/// The provider's `default_tags` as a plan sees them. A plan may configure the provider
/// with default tags that come from values known only at apply; then `tags_all` cannot be
/// known either, and a refresh tells a resource's own tags from the defaults by the prior
/// state. Derefs to the tags (none while unknown), which is what an apply merges.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultTags {
    /// Known tags (empty when the provider block sets none).
    Known(Tags),
    /// Not known until apply.
    Unknown,
}

impl Default for DefaultTags {
    fn default() -> Self {
        DefaultTags::Known(Tags::new())
    }
}

impl std::ops::Deref for DefaultTags {
    type Target = Tags;

    fn deref(&self) -> &Tags {
        static NONE: Tags = Tags::new();
        match self {
            DefaultTags::Known(tags) => tags,
            DefaultTags::Unknown => &NONE,
        }
    }
}

/// The `tags` attribute's name.
pub const TAGS: &str = "tags";

/// The `tags_all` attribute's name.
pub const TAGS_ALL: &str = "tags_all";

/// The `tags` attribute. Declare the AWS member it is sent as on it (its key and value
/// constraints come from AWS's model); a null value is refused at plan time.
pub fn tags_attribute() -> Attribute {
    Attribute::new(TAGS, Type::map(Type::String))
        .optional()
        .validator(NoNullElements)
        .validator(not_aws_prefixed())
        .description(
            "Tags of the resource (later changed with `TagResource`/`UntagResource`). Merged \
             with the provider's `default_tags`; these win on conflicting keys.",
        )
}

/// Refuses tag keys that begin with `aws:`, which AWS keeps for its own tags (in any
/// case: `AWS:` too); AWS's model does not say so, and the tag call refuses them.
pub fn not_aws_prefixed() -> impl Validator {
    refuse_keys(
        "Reserved tag key",
        "without keys beginning with `aws:`",
        |key| {
            key.get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
                .then(|| {
                    format!(
                        "Tag keys beginning with \"aws:\" are AWS's own; {key:?} cannot be set. \
                         Rename the tag."
                    )
                })
        },
    )
}

/// The computed `tags_all` attribute.
pub fn tags_all_attribute() -> Attribute {
    Attribute::new(TAGS_ALL, Type::map(Type::String))
        .computed()
        .description("All tags of the resource, including the provider's `default_tags`.")
}

/// `default_tags` overlaid with the resource's `tags`.
pub fn merge(default_tags: &Tags, tags: &Tags) -> Tags {
    let mut all = default_tags.clone();
    all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// The `tags` a configuration or a plan holds, as a value (null when it has none): the
/// resource's own tags for the state after a create or an update, taken from the plan.
/// Not from the configuration: with `ignore_changes = [tags]` the plan keeps the tags
/// the state had (tags added outside Terraform included) while the configuration at
/// apply still has the written ones, and an update that followed the configuration
/// removed the others without the plan saying so.
pub fn configured(config_or_plan: &Value) -> Value {
    config_or_plan
        .get_attr(TAGS)
        .cloned()
        .unwrap_or(Value::Null)
}

/// The known tags of [`configured`]'s value.
pub fn own_tags(config_or_plan: &Value) -> Tags {
    value_to_tags(config_or_plan.get_attr(TAGS).unwrap_or(&Value::Null))
}

/// The planned `tags_all` for a configuration's `tags` value: known when the tags and the
/// default tags are.
pub fn planned_tags_all(default_tags: &DefaultTags, config_tags: &Value) -> Value {
    let DefaultTags::Known(default_tags) = default_tags else {
        return Value::Unknown;
    };
    match config_tags {
        Value::Null => to_map_value(default_tags),
        Value::Map(m) => {
            if m.values().any(|v| !matches!(v, Value::String(_))) {
                return Value::Unknown;
            }
            let tags = m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect();
            to_map_value(&merge(default_tags, &tags))
        }
        _ => Value::Unknown,
    }
}

/// The resource's own `tags` as read back from AWS: the remote tags without the provider's
/// default tags. A key the `prior` state's `tags` held is the resource's own (the user set
/// it). A default key whose remote value differs from the default is the resource's own
/// too (a configuration overriding the default, as an import sees it), unless the prior
/// `tags_all` held it with that value while `tags` did not: then it is a default tag whose
/// value the provider block has changed since, which the next apply updates through
/// `tags_all`. An empty result keeps the prior representation (null or empty map). While
/// the default tags are unknown, the defaults are those the prior `tags_all` held beyond
/// `tags`.
pub fn tags_from_remote(remote: &Tags, default_tags: &DefaultTags, prior: &Value) -> Value {
    let prior_tags = prior.get_attr(TAGS).unwrap_or(&Value::Null);
    let prior_own = value_to_tags(prior_tags);
    let prior_all = value_to_tags(prior.get_attr(TAGS_ALL).unwrap_or(&Value::Null));
    let prior_defaults: Tags;
    let default_tags = match default_tags {
        DefaultTags::Known(tags) => tags,
        DefaultTags::Unknown => {
            prior_defaults = prior_all
                .iter()
                .filter(|(k, _)| !prior_own.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            &prior_defaults
        }
    };
    let own: Tags = remote
        .iter()
        .filter(|(k, v)| {
            prior_own.contains_key(*k)
                || match default_tags.get(*k) {
                    None => true,
                    Some(default) => default != *v && prior_all.get(*k) != Some(*v),
                }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if own.is_empty() {
        return match prior_tags {
            Value::Map(_) => Value::Map(BTreeMap::new()),
            _ => Value::Null,
        };
    }
    to_map_value(&own)
}

/// Keys to remove and tags to set to go from `old` to `new`.
pub fn diff(old: &Tags, new: &Tags) -> (Vec<String>, Tags) {
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    let changed = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (removed, changed)
}

/// A tag map as a Terraform value.
pub fn to_map_value(tags: &Tags) -> Value {
    Value::Map(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::string(v.clone())))
            .collect(),
    )
}

/// The known string entries of a map value.
pub fn value_to_tags(v: &Value) -> Tags {
    match v {
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        _ => Tags::new(),
    }
}

#[cfg(test)]
mod tests {
    use tfplug::diag::Diagnostics;
    use tfplug::value::AttributePath;

    use super::*;

    #[test]
    fn keys_beginning_with_aws_are_refused_at_the_key() {
        let tags = Value::Map(
            [
                (
                    "aws:cloudformation:stack-name".to_string(),
                    Value::string("x"),
                ),
                ("AWS:Owner".to_string(), Value::string("y")),
                ("team".to_string(), Value::string("z")),
                ("awsome".to_string(), Value::string("w")),
            ]
            .into(),
        );
        let mut diags = Diagnostics::new();
        not_aws_prefixed().validate(&AttributePath::attr(TAGS), &tags, &mut diags);
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                AttributePath::attr(TAGS).child_key("AWS:Owner"),
                AttributePath::attr(TAGS).child_key("aws:cloudformation:stack-name"),
            ]
        );
    }

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn resource_tags_win_over_defaults() {
        let all = merge(
            &tags(&[("env", "dev"), ("team", "core")]),
            &tags(&[("env", "prod")]),
        );
        assert_eq!(all, tags(&[("env", "prod"), ("team", "core")]));
    }

    #[test]
    fn planned_tags_all_known_only_when_tags_are() {
        let d = DefaultTags::Known(tags(&[("team", "core")]));
        assert_eq!(planned_tags_all(&d, &Value::Null), to_map_value(&d));
        assert_eq!(planned_tags_all(&d, &Value::Unknown), Value::Unknown);
        let cfg = Value::map([("a", Value::Unknown)]);
        assert_eq!(planned_tags_all(&d, &cfg), Value::Unknown);
        let cfg = Value::map([("a", Value::string("1"))]);
        assert_eq!(
            planned_tags_all(&d, &cfg),
            to_map_value(&tags(&[("a", "1"), ("team", "core")]))
        );
    }

    #[test]
    fn remote_tags_drop_defaults_unless_set_explicitly() {
        let d = DefaultTags::Known(tags(&[("team", "core"), ("env", "dev")]));
        let remote = tags(&[("team", "core"), ("env", "dev"), ("app", "x")]);
        let prior = state(
            Value::map([("env", Value::string("dev")), ("app", Value::string("x"))]),
            Value::Null,
        );
        assert_eq!(
            tags_from_remote(&remote, &d, &prior),
            to_map_value(&tags(&[("app", "x"), ("env", "dev")]))
        );
        let nothing = state(Value::Null, Value::Null);
        assert_eq!(
            tags_from_remote(&tags(&[("team", "core")]), &d, &nothing),
            Value::Null
        );
        // A default key whose value differs remotely is the resource's own (an import of
        // a configuration that overrides the default).
        assert_eq!(
            tags_from_remote(&tags(&[("team", "other")]), &d, &nothing),
            to_map_value(&tags(&[("team", "other")]))
        );
    }

    #[test]
    fn a_changed_default_is_not_taken_for_the_resources_own_tag() {
        // Applied with default team = "core"; the provider block now says "platform".
        let d = DefaultTags::Known(tags(&[("team", "platform")]));
        let remote = tags(&[("team", "core"), ("app", "x")]);
        let prior = state(
            Value::map([("app", Value::string("x"))]),
            to_map_value(&tags(&[("team", "core"), ("app", "x")])),
        );
        assert_eq!(
            tags_from_remote(&remote, &d, &prior),
            to_map_value(&tags(&[("app", "x")]))
        );
    }

    #[test]
    fn unknown_default_tags_leave_tags_all_unknown_and_read_by_the_prior_state() {
        let cfg = Value::map([("a", Value::string("1"))]);
        assert_eq!(
            planned_tags_all(&DefaultTags::Unknown, &cfg),
            Value::Unknown
        );
        assert_eq!(
            planned_tags_all(&DefaultTags::Unknown, &Value::Null),
            Value::Unknown
        );
        // Applied with default team = "core" and own app = "x"; the plan now configures
        // the provider with default tags it does not know yet.
        let prior = state(
            Value::map([("app", Value::string("x"))]),
            to_map_value(&tags(&[("team", "core"), ("app", "x")])),
        );
        let remote = tags(&[("team", "core"), ("app", "x"), ("new", "y")]);
        assert_eq!(
            tags_from_remote(&remote, &DefaultTags::Unknown, &prior),
            to_map_value(&tags(&[("app", "x"), ("new", "y")]))
        );
    }

    /// A resource state with `tags` and `tags_all`.
    fn state(own: Value, all: Value) -> Value {
        Value::object([(TAGS, own), (TAGS_ALL, all)])
    }

    #[test]
    fn diff_finds_removed_and_changed() {
        let (removed, changed) = diff(
            &tags(&[("a", "1"), ("b", "2")]),
            &tags(&[("b", "3"), ("c", "4")]),
        );
        assert_eq!(removed, vec!["a".to_string()]);
        assert_eq!(changed, tags(&[("b", "3"), ("c", "4")]));
    }
}

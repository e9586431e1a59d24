//! Navigating and rewriting values by [`AttributePath`].

use super::data::Value;
use super::path::{AttributePath, PathStep};

impl Value {
    /// The value at `path`, looking through `Dynamic` wrappers.
    ///
    /// `Attribute` steps select object attributes, `ElementKeyString` map elements and
    /// `ElementKeyInt` list/tuple elements (and set elements by their stored position).
    /// Returns `None` if a step does not apply (including stepping into null/unknown).
    pub fn get_path(&self, path: &AttributePath) -> Option<&Value> {
        path.steps.iter().try_fold(self, |v, step| v.step(step))
    }

    /// Mutable access to the value at `path` (same rules as [`Value::get_path`]).
    pub fn get_path_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        path.steps.iter().try_fold(self, |v, step| v.step_mut(step))
    }

    /// One step down.
    pub fn step(&self, step: &PathStep) -> Option<&Value> {
        match (self, step) {
            (Value::Dynamic(inner), _) => inner.1.step(step),
            (Value::Object(attrs), PathStep::Attribute(name)) => attrs.get(name),
            (Value::Map(entries), PathStep::ElementKeyString(key)) => entries.get(key),
            (
                Value::List(items) | Value::Tuple(items) | Value::Set(items),
                PathStep::ElementKeyInt(i),
            ) => usize::try_from(*i).ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// One step down, mutably.
    pub fn step_mut(&mut self, step: &PathStep) -> Option<&mut Value> {
        match (self, step) {
            (Value::Dynamic(inner), _) => inner.1.step_mut(step),
            (Value::Object(attrs), PathStep::Attribute(name)) => attrs.get_mut(name),
            (Value::Map(entries), PathStep::ElementKeyString(key)) => entries.get_mut(key),
            (
                Value::List(items) | Value::Tuple(items) | Value::Set(items),
                PathStep::ElementKeyInt(i),
            ) => usize::try_from(*i).ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
    }

    /// Calls `f` on this value and every value nested in it (parents before children),
    /// with each one's path. `Dynamic` wrappers are visited and their inner value is
    /// visited at the same path.
    pub fn walk<F>(&self, f: &mut F)
    where
        F: FnMut(&AttributePath, &Value),
    {
        self.walk_at(&mut AttributePath::root(), f);
    }

    fn walk_at<F>(&self, path: &mut AttributePath, f: &mut F)
    where
        F: FnMut(&AttributePath, &Value),
    {
        f(path, self);
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.steps.push(PathStep::ElementKeyInt(index(i)));
                    v.walk_at(path, f);
                    path.steps.pop();
                }
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    path.steps.push(PathStep::ElementKeyString(k.clone()));
                    v.walk_at(path, f);
                    path.steps.pop();
                }
            }
            Value::Object(attrs) => {
                for (k, v) in attrs {
                    path.steps.push(PathStep::Attribute(k.clone()));
                    v.walk_at(path, f);
                    path.steps.pop();
                }
            }
            Value::Dynamic(inner) => inner.1.walk_at(path, f),
            Value::Null | Value::Unknown | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            }
        }
    }

    /// Rebuilds the value bottom-up: children are transformed first, then `f` is called
    /// on each (already rebuilt) value with its path, and its result replaces it.
    /// `Dynamic` inner values are transformed at the wrapper's path, then the wrapper.
    pub fn transform<F>(self, f: &mut F) -> Value
    where
        F: FnMut(&AttributePath, Value) -> Value,
    {
        self.transform_at(&mut AttributePath::root(), f)
    }

    fn transform_at<F>(self, path: &mut AttributePath, f: &mut F) -> Value
    where
        F: FnMut(&AttributePath, Value) -> Value,
    {
        let rebuilt = match self {
            Value::List(items) => Value::List(transform_items(items, path, f)),
            Value::Set(items) => Value::Set(transform_items(items, path, f)),
            Value::Tuple(items) => Value::Tuple(transform_items(items, path, f)),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        path.steps.push(PathStep::ElementKeyString(k.clone()));
                        let v = v.transform_at(path, f);
                        path.steps.pop();
                        (k, v)
                    })
                    .collect(),
            ),
            Value::Object(attrs) => Value::Object(
                attrs
                    .into_iter()
                    .map(|(k, v)| {
                        path.steps.push(PathStep::Attribute(k.clone()));
                        let v = v.transform_at(path, f);
                        path.steps.pop();
                        (k, v)
                    })
                    .collect(),
            ),
            Value::Dynamic(inner) => {
                let (ty, v) = *inner;
                Value::Dynamic(Box::new((ty, v.transform_at(path, f))))
            }
            leaf => leaf,
        };
        f(path, rebuilt)
    }
}

fn transform_items<F>(items: Vec<Value>, path: &mut AttributePath, f: &mut F) -> Vec<Value>
where
    F: FnMut(&AttributePath, Value) -> Value,
{
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            path.steps.push(PathStep::ElementKeyInt(index(i)));
            let v = v.transform_at(path, f);
            path.steps.pop();
            v
        })
        .collect()
}

fn index(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

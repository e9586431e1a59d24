//! Attribute paths: where a value sits inside a larger value.

use std::fmt;

/// One step of an [`AttributePath`], mirroring Terraform's `AttributePath.Step`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute (or nested block) by name.
    Attribute(String),
    /// A map element by key.
    ElementKeyString(String),
    /// A list or tuple element by index (also used for set elements in error paths).
    ElementKeyInt(i64),
}

/// A path from the root of a value to one of its parts, e.g. `vpc_config[0].subnet_ids["x"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    /// The steps from the root, outermost first.
    pub steps: Vec<PathStep>,
}

impl AttributePath {
    /// The empty path, pointing at the root value itself.
    pub fn root() -> Self {
        Self::default()
    }

    /// A path of one attribute step.
    pub fn attr(name: impl Into<String>) -> Self {
        Self {
            steps: vec![PathStep::Attribute(name.into())],
        }
    }

    /// This path extended by an attribute step.
    pub fn child_attr(&self, name: impl Into<String>) -> Self {
        self.child(PathStep::Attribute(name.into()))
    }

    /// This path extended by a list/tuple index step.
    pub fn child_index(&self, i: i64) -> Self {
        self.child(PathStep::ElementKeyInt(i))
    }

    /// This path extended by a map key step.
    pub fn child_key(&self, k: impl Into<String>) -> Self {
        self.child(PathStep::ElementKeyString(k.into()))
    }

    /// This path extended by any step.
    pub fn child(&self, step: PathStep) -> Self {
        let mut steps = Vec::with_capacity(self.steps.len() + 1);
        steps.extend_from_slice(&self.steps);
        steps.push(step);
        Self { steps }
    }

    /// Whether this is the root path (no steps).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether `self` starts with all the steps of `prefix`.
    pub fn starts_with(&self, prefix: &AttributePath) -> bool {
        self.steps.starts_with(&prefix.steps)
    }

    /// Inserts a step at the front (used to build error paths while unwinding).
    pub(crate) fn push_front(&mut self, step: PathStep) {
        self.steps.insert(0, step);
    }
}

impl From<Vec<PathStep>> for AttributePath {
    fn from(steps: Vec<PathStep>) -> Self {
        Self { steps }
    }
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Attribute(name) => f.write_str(name),
            PathStep::ElementKeyString(key) => write!(f, "[{key:?}]"),
            PathStep::ElementKeyInt(i) => write!(f, "[{i}]"),
        }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 && matches!(step, PathStep::Attribute(_)) {
                f.write_str(".")?;
            }
            step.fmt(f)?;
        }
        Ok(())
    }
}

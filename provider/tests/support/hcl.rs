//! Where an attribute path lands in the HCL a test wrote.
//!
//! Terraform's JSON diagnostics carry no attribute path: Terraform turns the provider's
//! path into a source range (the value of the attribute; for `tags["a"]` the value of
//! the `a = …` entry; for `list[2]` the third element). To assert the path, a test asks this module
//! where that path is in its own configuration and compares positions.
//!
//! This reads the simple HCL tests write (attributes, blocks with labels, lists, objects,
//! strings with interpolations, comments), not heredocs.

use std::fmt;

use serde_json::Value;

/// A position in a configuration file, with what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// File name relative to the working directory, as Terraform reports it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The whole line.
    pub code: String,
    /// What the test looked for (an attribute path or a text).
    pub what: String,
}

impl Location {
    /// True when a diagnostic's `range` starts here.
    pub fn matches(&self, range: &Value) -> bool {
        range["filename"] == self.file.as_str()
            && range["start"]["line"].as_u64() == Some(self.line as u64)
            && range["start"]["column"].as_u64() == Some(self.column as u64)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{} ({} on {:?})",
            self.file,
            self.line,
            self.column,
            self.what,
            self.code.trim()
        )
    }
}

/// One configuration file's text.
#[derive(Clone, Debug)]
pub struct Hcl {
    file: String,
    text: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Attr(String),
    Index(usize),
    Key(String),
}

#[derive(Clone, Debug)]
enum Item {
    Attr {
        name: String,
        value: usize,
    },
    Block {
        name: String,
        labels: Vec<String>,
        name_at: usize,
        open: usize,
        close: usize,
    },
}

impl Hcl {
    /// The text of `file` (e.g. `main.tf`, `modules/cp/main.tf`).
    pub fn new(file: &str, text: &str) -> Self {
        Self {
            file: file.to_string(),
            text: text.to_string(),
        }
    }

    /// Where Terraform points for `path` (e.g.
    /// `capacity_provider_scaling_config[0].scaling_policies[1].target_value`,
    /// `tags["a"]`) of the block at `address` (`TYPE.NAME` or `data.TYPE.NAME`, as
    /// written in this file). Panics if the configuration has no such path.
    pub fn at(&self, address: &str, path: &str) -> Location {
        let b = self.text.as_bytes();
        let (kind, labels) = match address.split('.').collect::<Vec<_>>()[..] {
            ["data", ty, name] => ("data", [ty, name]),
            [ty, name] => ("resource", [ty, name]),
            _ => panic!("not a resource address: {address}"),
        };
        let Some((mut open, mut close)) = items(b, 0, b.len()).into_iter().find_map(|i| match i {
            Item::Block {
                name,
                labels: l,
                open,
                close,
                ..
            } if name == kind && l == labels => Some((open, close)),
            _ => None,
        }) else {
            panic!("{}: no {kind} block {address}", self.file);
        };
        let steps = parse_path(path);
        let mut rest = steps.as_slice();
        while let [Step::Attr(name), tail @ ..] = rest {
            let here = items(b, open + 1, close);
            let blocks: Vec<&Item> = here
                .iter()
                .filter(|i| matches!(i, Item::Block { name: n, .. } if n == name))
                .collect();
            if !blocks.is_empty() {
                let (index, tail) = match tail {
                    [Step::Index(i), t @ ..] => (*i, t),
                    t => (0, t),
                };
                let Some(Item::Block {
                    name_at,
                    open: o,
                    close: c,
                    ..
                }) = blocks.get(index)
                else {
                    panic!(
                        "{}: {path}: only {} `{name}` blocks",
                        self.file,
                        blocks.len()
                    );
                };
                if tail.is_empty() {
                    return self.location(*name_at, path);
                }
                (open, close, rest) = (*o, *c, tail);
                continue;
            }
            let Some(value) = here.iter().find_map(|i| match i {
                Item::Attr { name: n, value } if n == name => Some(*value),
                _ => None,
            }) else {
                panic!("{}: {path}: no `{name}` in the block", self.file);
            };
            let at = match tail {
                [] => value,
                [Step::Index(i)] => element(b, value, *i),
                [Step::Key(k)] => entry(b, value, k),
                _ => panic!("{path}: paths into attribute values go one step deep"),
            };
            return self.location(at, path);
        }
        panic!("{path}: expected an attribute name at {rest:?}");
    }

    /// The first line containing `needle`, at its first character.
    pub fn find(&self, needle: &str) -> Location {
        match self.text.find(needle) {
            Some(at) => self.location(at, needle),
            None => panic!("{}: no {needle:?}", self.file),
        }
    }

    fn location(&self, at: usize, what: &str) -> Location {
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line_end = self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |n| at + n);
        Location {
            file: self.file.clone(),
            line: self.text[..at].matches('\n').count() + 1,
            column: self.text[line_start..at].chars().count() + 1,
            code: self.text[line_start..line_end].to_string(),
            what: what.to_string(),
        }
    }
}

fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut chars = path.chars().peekable();
    while chars.peek().is_some() {
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '.' && *c != '[')).collect();
        if !name.is_empty() {
            steps.push(Step::Attr(name));
        }
        while chars.next_if_eq(&'[').is_some() {
            let inner: String = std::iter::from_fn(|| chars.next_if(|c| *c != ']')).collect();
            chars.next();
            match inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                Some(key) => steps.push(Step::Key(key.to_string())),
                None => match inner.parse() {
                    Ok(i) => steps.push(Step::Index(i)),
                    Err(_) => panic!("{path}: bad index [{inner}]"),
                },
            }
        }
        chars.next_if_eq(&'.');
    }
    steps
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Skips spaces, comments and (with `newlines`) line ends.
fn skip_trivia(b: &[u8], mut i: usize, end: usize, newlines: bool) -> usize {
    while i < end {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' if newlines => i += 1,
            b'#' if newlines => i = line_end(b, i),
            b'/' if newlines && b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => i = block_comment_end(b, i),
            _ => break,
        }
    }
    i
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |n| i + n)
}

fn block_comment_end(b: &[u8], i: usize) -> usize {
    b[i + 2..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(b.len(), |n| i + 2 + n + 2)
}

/// From an opening quote to just after the closing one (interpolations included).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => i = matching(b, i + 1) + 1,
            _ => i += 1,
        }
    }
    panic!("unterminated string in the configuration")
}

/// The index of the bracket closing the one at `open`.
fn matching(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced brackets in the configuration")
}

/// The end of the expression starting at `i`: the first `stop` byte outside strings
/// and brackets, or `end`.
fn expression_end(b: &[u8], mut i: usize, end: usize, stop: &[u8]) -> usize {
    while i < end {
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'(' | b'[' | b'{' => i = matching(b, i) + 1,
            c if stop.contains(&c) => break,
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            _ => i += 1,
        }
    }
    i.min(end)
}

/// The attributes and blocks of the body between `start` and `end`.
fn items(b: &[u8], start: usize, end: usize) -> Vec<Item> {
    let text = |from: usize, to: usize| String::from_utf8_lossy(&b[from..to]).into_owned();
    let mut out = Vec::new();
    let mut i = start;
    loop {
        i = skip_trivia(b, i, end, true);
        if i >= end {
            return out;
        }
        let name_at = i;
        while i < end && is_ident(b[i]) {
            i += 1;
        }
        if i == name_at {
            panic!("cannot read the configuration at {:?}", text(i, end));
        }
        let name = text(name_at, i);
        i = skip_trivia(b, i, end, false);
        if b.get(i) == Some(&b'=') {
            let value = skip_trivia(b, i + 1, end, false);
            i = expression_end(b, value, end, b"\n");
            out.push(Item::Attr { name, value });
            continue;
        }
        let mut labels = Vec::new();
        while b.get(i) == Some(&b'"') {
            let after = skip_string(b, i);
            labels.push(text(i + 1, after - 1));
            i = skip_trivia(b, after, end, false);
        }
        if b.get(i) != Some(&b'{') {
            panic!("cannot read the configuration at {:?}", text(name_at, end));
        }
        let close = matching(b, i);
        out.push(Item::Block {
            name,
            labels,
            name_at,
            open: i,
            close,
        });
        i = close + 1;
    }
}

/// Where element `index` of the list (tuple) expression at `value` starts.
fn element(b: &[u8], value: usize, index: usize) -> usize {
    assert_eq!(
        b.get(value),
        Some(&b'['),
        "indexing a value that is not a list"
    );
    let close = matching(b, value);
    let mut starts = Vec::new();
    let mut i = value + 1;
    loop {
        i = skip_trivia(b, i, close, true);
        if i >= close {
            break;
        }
        starts.push(i);
        i = expression_end(b, i, close, b",");
        i += 1;
    }
    match starts.get(index) {
        Some(at) => *at,
        None => panic!("the list has {} elements, not {}", starts.len(), index + 1),
    }
}

/// Where the value of the entry `key` of the object (map) expression at `value` starts.
fn entry(b: &[u8], value: usize, key: &str) -> usize {
    assert_eq!(
        b.get(value),
        Some(&b'{'),
        "a key of a value that is not a map"
    );
    let close = matching(b, value);
    let mut i = value + 1;
    loop {
        i = skip_trivia(b, i, close, true);
        while b.get(i) == Some(&b',') {
            i = skip_trivia(b, i + 1, close, true);
        }
        if i >= close {
            panic!("the map has no key {key:?}");
        }
        let key_at = i;
        let name = if b[i] == b'"' {
            i = skip_string(b, i);
            String::from_utf8_lossy(&b[key_at + 1..i - 1]).into_owned()
        } else {
            i = expression_end(b, i, close, b"=: \t");
            String::from_utf8_lossy(&b[key_at..i]).into_owned()
        };
        i = skip_trivia(b, i, close, false);
        if name == key {
            // Terraform points a map element's path at its value expression.
            return skip_trivia(b, i + 1, close, false);
        }
        i = expression_end(b, i + 1, close, b",\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
resource "lambda_capacity_provider" "test" {
  name = "x" # a comment { with a brace
  capacity_provider_scaling_config {
    max_vcpu_count = 1
    scaling_policies {
      target_value = 50
    }
    scaling_policies {
      target_value = 150
    }
  }
  instance_requirements {
    allowed_instance_types = ["m7g.large", "m7g.xlarge", "m7g.large"]
  }
  tags = { "b" = "${upper("x")}", a = null }
  timeouts { create = "abc" }
}

data "lambda_capacity_provider" "x" {
  name = "y"
}
"#;

    fn at(path: &str) -> (usize, usize, String) {
        let l = Hcl::new("main.tf", CONFIG).at("lambda_capacity_provider.test", path);
        (l.line, l.column, l.code.trim().to_string())
    }

    #[test]
    fn nested_blocks_and_values() {
        assert_eq!(
            at("capacity_provider_scaling_config[0].scaling_policies[1].target_value"),
            (10, 22, "target_value = 150".to_string())
        );
        assert_eq!(
            at("capacity_provider_scaling_config[0].max_vcpu_count").0,
            5
        );
        assert_eq!(
            at("instance_requirements[0].allowed_instance_types[2]").1,
            58
        );
        assert_eq!(at("tags[\"a\"]").1, 39);
        assert_eq!(at("timeouts.create").1, 23);
        let ds = Hcl::new("main.tf", CONFIG).at("data.lambda_capacity_provider.x", "name");
        assert_eq!((ds.line, ds.column), (21, 10));
    }
}

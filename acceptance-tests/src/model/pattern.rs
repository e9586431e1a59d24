//! Translation of the model's ECMAScript-style `pattern` traits to the
//! `regex` crate.
//!
//! AWS validates patterns against the whole value (Java `matches()`), and
//! botocore strips the `^`/`$` anchors from most patterns, so every pattern
//! is anchored here. Look-around assertions (`(?=`, `(?!`, `(?<=`, `(?<!`)
//! have no equivalent in the `regex` crate: such patterns are skipped (not
//! enforced) and reported by [`crate::model::ServiceModel::skipped_patterns`].

use regex::Regex;

/// Compiles a model pattern, or returns `None` if it cannot be expressed.
pub fn compile(pattern: &str) -> Option<Regex> {
    if has_lookaround(pattern) {
        return None;
    }
    let translated = translate(pattern);
    Regex::new(&format!("^(?:{translated})$")).ok()
}

fn has_lookaround(pattern: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|needle| pattern.contains(needle))
}

/// Rewrites ECMAScript constructs the `regex` crate reads differently:
/// inside a character class a `-` that cannot start a range (it follows a
/// complete range, or precedes `]`) is a literal in ECMAScript, so it is
/// escaped.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let chars: Vec<char> = pattern.chars().collect();
    let mut in_class = false;
    // In a class: whether the previous item completed a range (`a-z`).
    let mut after_range = false;
    let mut class_start = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
            }
            // An escaped char may still be a range start; a range using an
            // escape is rare in the models and compiles either way.
            after_range = false;
            class_start = false;
            i += 2;
            continue;
        }
        if !in_class {
            if c == '[' {
                in_class = true;
                class_start = true;
                after_range = false;
                out.push(c);
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            } else {
                out.push(c);
            }
            i += 1;
            continue;
        }
        match c {
            ']' if !class_start => {
                in_class = false;
                out.push(c);
            }
            '-' => {
                let next = chars.get(i + 1).copied();
                if class_start || after_range || next == Some(']') {
                    out.push_str("\\-");
                    after_range = false;
                } else {
                    // A range `x-y`: copy the end point and mark the range.
                    out.push('-');
                    if let Some(end) = next {
                        if end == '\\' {
                            out.push('\\');
                            if let Some(&esc) = chars.get(i + 2) {
                                out.push(esc);
                            }
                            i += 1;
                        } else {
                            out.push(end);
                        }
                        i += 1;
                    }
                    after_range = true;
                }
            }
            _ => {
                out.push(c);
                after_range = false;
            }
        }
        class_start = false;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphen_after_range_is_literal() {
        let re = compile("[a-zA-Z0-9-_]+").expect("compiles");
        assert!(re.is_match("my-func_1"));
        assert!(!re.is_match("my func"));
        assert!(!re.is_match("a.b"));
    }

    #[test]
    fn patterns_are_anchored() {
        let re = compile("subnet-[0-9a-z]*").expect("compiles");
        assert!(re.is_match("subnet-0abc"));
        assert!(!re.is_match("xsubnet-0abc"));
        assert!(!re.is_match("subnet-0abc!"));
    }

    #[test]
    fn lookaround_is_skipped() {
        assert!(compile("[0-9A-Za-z\\.\\-_]*(?<!\\.)").is_none());
    }

    #[test]
    fn unicode_classes_work() {
        let re = compile("([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)").expect("compiles");
        assert!(re.is_match("Environment: prod"));
        assert!(!re.is_match("bad#tag"));
    }
}

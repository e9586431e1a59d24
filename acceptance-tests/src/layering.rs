//! The crate's modules import one way (see the crate documentation): these
//! tests read every `crate::…` path in each module's source and check it
//! against a table of allowed imports, whose order rules out cycles.

use std::collections::BTreeSet;

/// A module of the crate: its source files and the modules it may import.
struct Module {
    name: &'static str,
    /// `(path under src/, text)`; a directory module lists `mod.rs` and
    /// every submodule file.
    files: &'static [(&'static str, &'static str)],
    may_import: &'static [&'static str],
}

macro_rules! files {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_str!($path))),+]
    };
}

/// Top to bottom; a module may import only modules listed after it.
const MODULES: &[Module] = &[
    Module {
        name: "harness",
        files: files!("harness.rs"),
        may_import: &["server", "options", "ec2"],
    },
    Module {
        name: "server",
        files: files!("server.rs"),
        may_import: &[
            "router",
            "control",
            "app",
            "connection",
            "options",
            "sessions",
            "state",
            "faults",
            "model",
            "throttling",
        ],
    },
    Module {
        name: "router",
        files: files!("router.rs"),
        may_import: &[
            "control",
            "lambda",
            "sts",
            "ec2",
            "app",
            "connection",
            "faults",
            "model",
            "ids",
            "throttling",
        ],
    },
    Module {
        name: "control",
        files: files!("control.rs"),
        may_import: &[
            "lambda",
            "app",
            "faults",
            "state",
            "model",
            "ids",
            "throttling",
        ],
    },
    Module {
        name: "lambda",
        files: files!(
            "lambda/mod.rs",
            "lambda/capacity_providers.rs",
            "lambda/code.rs",
            "lambda/deletion.rs",
            "lambda/durable.rs",
            "lambda/error.rs",
            "lambda/executions.rs",
            "lambda/functions.rs",
            "lambda/invoke.rs",
            "lambda/names.rs",
            "lambda/scaling.rs",
            "lambda/tags.rs",
            "lambda/vpc.rs",
        ),
        may_import: &["ec2", "options", "state", "model", "clock", "ids"],
    },
    Module {
        name: "sts",
        files: files!("sts.rs"),
        may_import: &["ec2", "sessions", "model", "clock", "ids"],
    },
    Module {
        name: "ec2",
        files: files!("ec2.rs"),
        may_import: &["model"],
    },
    Module {
        name: "app",
        files: files!("app.rs"),
        may_import: &[
            "options",
            "sessions",
            "state",
            "faults",
            "clock",
            "throttling",
        ],
    },
    Module {
        name: "connection",
        files: files!("connection.rs"),
        may_import: &[],
    },
    Module {
        name: "options",
        files: files!("options.rs"),
        may_import: &["throttling"],
    },
    Module {
        name: "sessions",
        files: files!("sessions.rs"),
        may_import: &[],
    },
    Module {
        name: "state",
        files: files!("state.rs"),
        may_import: &[],
    },
    Module {
        name: "faults",
        files: files!("faults.rs"),
        may_import: &["ids"],
    },
    Module {
        name: "model",
        files: files!(
            "model/mod.rs",
            "model/output.rs",
            "model/pattern.rs",
            "model/query.rs",
            "model/rest.rs",
            "model/validate.rs",
        ),
        may_import: &["clock"],
    },
    Module {
        name: "clock",
        files: files!("clock.rs"),
        may_import: &[],
    },
    Module {
        name: "ids",
        files: files!("ids.rs"),
        may_import: &[],
    },
    Module {
        name: "throttling",
        files: files!("throttling.rs"),
        may_import: &[],
    },
    Module {
        name: "fixtures",
        files: files!("fixtures.rs"),
        may_import: &[],
    },
];

fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules named by `crate::…` paths in `text`, including
/// each item of `crate::{a, b::c}`.
fn imported_modules(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    for (at, prefix) in text.match_indices("crate::") {
        // `$crate::` in macros, or an identifier ending in `crate`.
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[at + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.insert(leading_ident(rest));
            continue;
        };
        let mut depth = 0_usize;
        let mut item_starts = true;
        for (i, c) in group.char_indices() {
            match c {
                '}' if depth == 0 => break,
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => item_starts = true,
                c if item_starts && depth == 0 && !c.is_whitespace() => {
                    found.insert(leading_ident(&group[i..]));
                    item_starts = false;
                }
                _ => {}
            }
        }
    }
    found.remove("self");
    found
}

/// The names of `mod NAME;` declarations in `text`.
fn declared_modules(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter_map(|line| {
            let declaration = line
                .strip_prefix("pub ")
                .or_else(|| line.strip_prefix("pub(crate) "))
                .unwrap_or(line);
            declaration.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect()
}

fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

#[test]
fn modules_import_only_what_the_table_allows() {
    let mut forbidden = Vec::new();
    for m in MODULES {
        for (path, text) in m.files {
            for import in imported_modules(text) {
                if import != m.name && !m.may_import.contains(&import) {
                    forbidden.push(format!("{path} imports crate::{import}"));
                }
            }
        }
    }
    assert!(
        forbidden.is_empty(),
        "imports against the layering (see the table in layering.rs and the crate docs):\n{}",
        forbidden.join("\n")
    );
}

#[test]
fn modules_never_reach_up_through_super() {
    for m in MODULES {
        for (path, text) in m.files {
            assert!(
                !text.contains("super::super::"),
                "{path} uses super::super::"
            );
            // Outside its tests, a top-level file's `super` is the crate root.
            let top_level = !path.contains('/') || path.ends_with("/mod.rs");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            assert!(
                !top_level || !code.contains("super::"),
                "{path} imports through super:: instead of crate::"
            );
        }
    }
}

#[test]
fn the_table_covers_every_module_and_file() {
    for name in declared_modules(include_str!("lib.rs")) {
        assert!(
            name == "layering" || module(name).is_some(),
            "module {name} is missing from the table in layering.rs"
        );
    }
    for m in MODULES {
        for (path, text) in m.files {
            let Some(dir) = path.strip_suffix("mod.rs") else {
                continue;
            };
            for submodule in declared_modules(text) {
                let file = format!("{dir}{submodule}.rs");
                assert!(
                    m.files.iter().any(|(p, _)| *p == file),
                    "{file} is missing from the table in layering.rs"
                );
            }
        }
        for import in m.may_import {
            assert!(module(import).is_some(), "{}: no module {import}", m.name);
        }
    }
}

#[test]
fn the_table_has_no_cycle() {
    // Every allowed import points further down the table, so no chain of
    // imports can come back up.
    let position = |name: &str| MODULES.iter().position(|m| m.name == name);
    for m in MODULES {
        for import in m.may_import {
            assert!(
                position(import) > position(m.name),
                "{} may import {import}, which is above it in the table",
                m.name
            );
        }
    }
}

#[test]
fn reads_crate_paths_and_module_declarations() {
    let text = "use crate::a::B;\nuse crate::{self, b, c::{d, e}};\n\
                let x = crate::f::g(); my_crate::h(); $crate::i!();";
    assert_eq!(imported_modules(text), BTreeSet::from(["a", "b", "c", "f"]));
    assert_eq!(
        declared_modules("pub mod a;\nmod b;\n#[cfg(test)]\nmod tests {\n"),
        ["a", "b"]
    );
}

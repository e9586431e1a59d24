//! Reads the configuration's `.tf` files for [`super::source`]: the root module's
//! directory and the modules it calls, found through `.terraform/modules/modules.json`
//! (what `terraform init` installed) or, for local paths, the `source` the plan's
//! `configuration` gives. Files are named relative to the repository root (the nearest
//! directory above with a `.git`), which is how code scanning resolves them, else as the
//! directory was given.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::source::Sources;

/// The `.tf` files of the configuration in `dir` whose plan is `plan`.
pub fn load(dir: &Path, plan: &Json) -> Sources {
    let root = repository_root(dir);
    let installed = installed_modules(dir);
    let mut sources = Sources::default();
    let mut pending = vec![(
        Vec::<String>::new(),
        dir.to_path_buf(),
        &plan["configuration"]["root_module"],
    )];
    while let Some((module, module_dir, config)) = pending.pop() {
        add_directory(&mut sources, &module, &module_dir, root.as_deref());
        for (name, call) in config["module_calls"].as_object().into_iter().flatten() {
            let mut path = module.clone();
            path.push(name.clone());
            let key = path.join(".");
            let called_dir = match installed.iter().find(|(k, _)| *k == key) {
                Some((_, d)) => dir.join(d),
                None => match call["source"].as_str() {
                    Some(s) if s.starts_with("./") || s.starts_with("../") => module_dir.join(s),
                    _ => continue,
                },
            };
            pending.push((path, called_dir, &call["module"]));
        }
    }
    sources
}

/// `Key` → `Dir` of `.terraform/modules/modules.json` (empty without one).
fn installed_modules(dir: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join(".terraform/modules/modules.json")) else {
        return Vec::new();
    };
    let json: Json = serde_json::from_str(&text).unwrap_or_default();
    json["Modules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m["Key"].as_str()?.to_string(),
                m["Dir"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn add_directory(sources: &mut Sources, module: &[String], dir: &Path, root: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        tracing::debug!(dir = %dir.display(), "configuration directory not readable");
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    for file in files {
        if let Ok(text) = std::fs::read_to_string(&file) {
            sources.add(module.to_vec(), &uri_of(&file, root), text);
        }
    }
}

/// The nearest directory at or above `dir` that holds `.git`.
fn repository_root(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `file` relative to `root` when under it, with `/` between parts.
fn uri_of(file: &Path, root: Option<&Path>) -> String {
    let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let shown = root
        .and_then(|r| absolute.strip_prefix(r).ok())
        .unwrap_or(file);
    shown
        .components()
        .filter_map(|c| match c {
            std::path::Component::CurDir => None,
            other => Some(other.as_os_str().to_string_lossy().into_owned()),
        })
        .collect::<Vec<_>>()
        .join("/")
}

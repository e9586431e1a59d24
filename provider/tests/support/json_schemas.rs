//! Checks against the JSON Schemas of `schemas/`, with Python's `jsonschema` (in the
//! venv `tools/install-sarif-schema` makes; `TF115_VENV` names another) and the
//! `schemas/check-plan.py` a policy tool runs (see `schemas/README.md`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository's `schemas/` directory.
pub fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// The venv's python, which has `jsonschema`.
pub fn python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = std::env::var_os("TF115_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/tf115-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run tools/install-sarif-schema (or set TF115_VENV)",
        python.display()
    );
    python
}

/// Writes `doc` to a fresh temporary file; the directory goes away when dropped.
fn temp_json(doc: &Value) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let file = dir.path().join("doc.json");
    if let Err(e) = std::fs::write(&file, doc.to_string()) {
        panic!("writing {}: {e}", file.display());
    }
    (dir, file)
}

/// Runs python with `args`: (success, stdout + stderr).
fn run_python(args: &[&std::ffi::OsStr]) -> (bool, String) {
    let python = python();
    match Command::new(&python).args(args).output() {
        Ok(o) => (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => panic!("running {}: {e}", python.display()),
    }
}

/// The errors of `doc` against the schema file `schema` (draft 2020-12), one a line;
/// empty when it validates.
pub fn errors(schema: &Path, doc: &Value) -> String {
    let (_dir, file) = temp_json(doc);
    let script = "import json,sys,jsonschema\n\
        schema=json.load(open(sys.argv[1]))\n\
        doc=json.load(open(sys.argv[2]))\n\
        errors=sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)\n\
        [print(e.message, list(e.absolute_path)) for e in errors]\n\
        sys.exit(1 if errors else 0)";
    let (ok, out) = run_python(&[
        "-c".as_ref(),
        script.as_ref(),
        schema.as_os_str(),
        file.as_os_str(),
    ]);
    if ok { String::new() } else { out }
}

/// `schemas/check-plan.py` on a `terraform show -json` document: (passed, its output).
pub fn check_plan(show: &Value) -> (bool, String) {
    let (_dir, file) = temp_json(show);
    let script = schemas_dir().join("check-plan.py");
    run_python(&[script.as_os_str(), file.as_os_str()])
}

/// Asserts every lambda_* resource of a `terraform show -json` document (a plan or the
/// state) validates against its schema, and that there is at least one.
pub fn assert_show_validates(what: &str, show: &Value) {
    let (ok, out) = check_plan(show);
    assert!(
        ok,
        "{what}: the configuration does not validate against schemas/:\n{out}"
    );
    eprintln!("{what}: {}", out.trim());
    assert!(
        !out.starts_with("0 resource(s) checked"),
        "{what}: no lambda_* resource was checked: {out}"
    );
}

//! The repository's examples (`examples/`) as test working directories: their files are
//! copied into the test's directory, which points the provider at the test's emulator.

use std::path::{Path, PathBuf};

use super::Acc;

/// The repository's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Copies the files of `from` into `to`, recursively, except an example's `run.sh`
/// (the script that does by hand what the tests do).
pub fn copy_example(from: &Path, to: &Path) {
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
    for entry in entries.filter_map(Result::ok) {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dst.display()));
            copy_example(&src, &dst);
        } else if entry.file_name() != "run.sh" {
            std::fs::copy(&src, &dst)
                .unwrap_or_else(|e| panic!("copying {} to {}: {e}", src.display(), dst.display()));
        }
    }
}

impl Acc {
    /// Copies `examples/NAME` into the test's working directory.
    pub fn use_example(&self, name: &str) {
        copy_example(&examples_dir().join(name), self.dir());
    }
}

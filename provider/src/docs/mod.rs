//! `terraform-provider-lambda docs`: the argument and attribute reference of every
//! resource, data source and action page under `docs/`, and the provider block's
//! arguments in `docs/index.md`, written from the schemas the provider declares, so the
//! pages cannot drift from the code.
//!
//! - [`render`]: a schema as Markdown.
//! - [`markers`]: putting generated text between markers in a hand-written page.
//! - [`hcl`]: HCL spelling of types and values.
//!
//! Those are pure; this module reads and writes the files.

pub mod hcl;
pub mod markers;
pub mod render;

use std::path::{Path, PathBuf};

use tfplug::provider::Provider;
use tfplug::schema::Schema;

use crate::LambdaProvider;

/// Whether a page documents a resource, a data source or an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A managed resource (`docs/resources/`).
    Resource,
    /// A data source (`docs/data-sources/`).
    DataSource,
    /// An action (`docs/actions/`, Terraform 1.14+): arguments only, nothing exported.
    Action,
    /// The provider block (`docs/index.md`): arguments only.
    Provider,
}

impl Kind {
    /// The directory of its pages under the docs directory.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
            Kind::Action => "actions",
            Kind::Provider => "",
        }
    }

    /// As in page titles: "Resource", "Data Source".
    pub fn title(self) -> &'static str {
        match self {
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
            Kind::Action => "Action",
            Kind::Provider => "Provider",
        }
    }

    /// In running text: "resource", "data source".
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::DataSource => "data source",
            Kind::Action => "action",
            Kind::Provider => "provider",
        }
    }
}

/// One resource, data source or action to document.
#[derive(Clone, Debug)]
pub struct Page {
    /// Resource, data source or action.
    pub kind: Kind,
    /// Its type name, e.g. `lambda_capacity_provider`.
    pub type_name: String,
    /// Its schema.
    pub schema: Schema,
}

impl Page {
    /// The page's path under the docs directory: the type name without the `lambda_`
    /// prefix, e.g. `resources/capacity_provider.md`.
    pub fn relative_path(&self) -> PathBuf {
        if self.kind == Kind::Provider {
            return PathBuf::from("index.md");
        }
        let bare = self
            .type_name
            .strip_prefix("lambda_")
            .unwrap_or(&self.type_name);
        Path::new(self.kind.dir()).join(format!("{bare}.md"))
    }

    /// The generated section, markers included.
    pub fn section(&self) -> String {
        markers::wrap(&render::reference(self.kind, &self.type_name, &self.schema))
    }

    /// The page's content: `existing` with the generated section spliced in, or a new
    /// page when there is none.
    pub fn content(&self, existing: Option<&str>) -> Result<String, markers::MarkerError> {
        let section = self.section();
        match existing {
            Some(page) => markers::splice(page, &section),
            None => Ok(render::new_page(
                self.kind,
                &self.type_name,
                &self.schema,
                &section,
            )),
        }
    }
}

/// The provider block, then every resource, data source and action of `provider`, in
/// type-name order.
pub fn pages(provider: &impl Provider) -> Vec<Page> {
    let mut pages: Vec<Page> = provider
        .resources()
        .iter()
        .map(|r| Page {
            kind: Kind::Resource,
            type_name: r.type_name().to_string(),
            schema: r.schema(),
        })
        .chain(provider.data_sources().iter().map(|d| Page {
            kind: Kind::DataSource,
            type_name: d.type_name().to_string(),
            schema: d.schema(),
        }))
        .chain(provider.actions().iter().map(|a| Page {
            kind: Kind::Action,
            type_name: a.type_name().to_string(),
            schema: a.schema(),
        }))
        .collect();
    pages.sort_by(|a, b| (a.kind.dir(), &a.type_name).cmp(&(b.kind.dir(), &b.type_name)));
    pages.insert(
        0,
        Page {
            kind: Kind::Provider,
            type_name: render::PROVIDER_NAME.to_string(),
            schema: provider.schema(),
        },
    );
    pages
}

/// Why the docs could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// The docs directory does not exist (the command was run from elsewhere).
    #[error(
        "{0} is not a directory: run from the repository root or pass --dir PATH to the docs directory"
    )]
    NoDocsDir(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A page's markers are malformed.
    #[error("{path}: {source}")]
    Markers {
        /// The page.
        path: PathBuf,
        /// What is wrong with its markers.
        source: markers::MarkerError,
    },
}

/// A page as the command would write it, next to what is on disk.
#[derive(Clone, Debug)]
pub struct DocFile {
    /// Path of the page (the docs directory joined with [`Page::relative_path`]).
    pub path: PathBuf,
    /// What the command writes.
    pub expected: String,
    /// What the file holds now; `None` when it does not exist.
    pub current: Option<String>,
}

impl DocFile {
    /// True when the file already holds what the command would write.
    pub fn is_fresh(&self) -> bool {
        self.current.as_deref() == Some(self.expected.as_str())
    }
}

/// The pages of this provider ([`LambdaProvider`]).
pub fn provider_pages() -> Vec<Page> {
    pages(&LambdaProvider::new())
}

/// What `pages` should contain under the docs directory `dir`, next to what the files
/// hold now (read only).
pub fn expected_files(dir: &Path, pages: &[Page]) -> Result<Vec<DocFile>, DocsError> {
    if !dir.is_dir() {
        return Err(DocsError::NoDocsDir(dir.to_path_buf()));
    }
    pages
        .iter()
        .map(|page| {
            let path = dir.join(page.relative_path());
            let current = read_if_exists(&path)?;
            let expected =
                page.content(current.as_deref())
                    .map_err(|source| DocsError::Markers {
                        path: path.clone(),
                        source,
                    })?;
            Ok(DocFile {
                path,
                expected,
                current,
            })
        })
        .collect()
}

fn read_if_exists(path: &Path) -> Result<Option<String>, DocsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(DocsError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// What a writer of generated files ([`write_docs`], `json_schema::write_files`) did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Files written (new or changed).
    pub written: Vec<PathBuf>,
    /// Files already up to date, left untouched.
    pub unchanged: Vec<PathBuf>,
}

/// Writes every page of `pages` under `dir` whose content differs from what the schemas
/// give. All pages are computed before any is written, so a malformed page writes
/// nothing.
pub fn write_docs(dir: &Path, pages: &[Page]) -> Result<Report, DocsError> {
    let files = expected_files(dir, pages)?;
    let mut report = Report::default();
    for file in files {
        if file.is_fresh() {
            report.unchanged.push(file.path);
            continue;
        }
        let io_error = |source| DocsError::Io {
            path: file.path.clone(),
            source,
        };
        if let Some(parent) = file.path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error)?;
        }
        std::fs::write(&file.path, &file.expected).map_err(io_error)?;
        tracing::debug!(path = %file.path.display(), "wrote docs page");
        report.written.push(file.path);
    }
    Ok(report)
}

//! Migration folders: which tool's layout, which order, which down script.
//!
//! Input is every file of the folder with its text; output is the ordered
//! list of [`Migration`]s with their up and (optional) down [`Script`]s, plus
//! diagnostics for files that fit no layout.

mod tool;

pub use tool::{discover, Layout, MigrationTool, Tool, TxMode, TOOLS};

use serde::Serialize;

/// A file handed to the analysis: its path relative to the migrations folder
/// (always `/`-separated) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile { path: path.into(), text: text.into() }
    }
}

/// A migrations folder: the prefix to show before each path (the folder
/// relative to the repository root, e.g. `db/migrations`) and its files.
#[derive(Debug, Clone, Default)]
pub struct MigrationSource {
    pub root: String,
    pub files: Vec<SourceFile>,
    /// The tool that runs them, when the configuration says (`tool = "…"`):
    /// file names alone do not tell sqlx from golang-migrate, nor refinery from Flyway.
    pub tool: Option<Tool>,
}

impl MigrationSource {
    pub fn new(root: impl Into<String>, files: Vec<SourceFile>) -> Self {
        MigrationSource { root: root.into(), files, tool: None }
    }

    /// The same folder, run by `tool`.
    pub fn with_tool(mut self, tool: Option<Tool>) -> Self {
        self.tool = tool;
        self
    }

    /// The path shown to users for a file of this folder.
    pub fn display_path(&self, rel: &str) -> String {
        if self.root.is_empty() || self.root == "." {
            rel.to_string()
        } else {
            format!("{}/{}", self.root.trim_end_matches('/'), rel)
        }
    }
}

/// One SQL script: the up or down half of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Script {
    /// Display path (folder prefix included).
    pub path: String,
    pub text: String,
    /// The line of `path` that `text` starts on (dbmate keeps up and down in one file).
    pub first_line: u32,
}

/// One migration: identity, order key, up script and its undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// Stable identity across revisions: the up script's path relative to the folder.
    pub id: String,
    /// The version as the tool writes it (`20240105093000`, `12`, `2023-11-02-101500`).
    pub version: String,
    pub name: String,
    pub layout: Layout,
    /// The tool that reads it (the folder's, or the one its file is in the form of).
    #[serde(skip)]
    pub tool: Tool,
    /// Whether the tool runs the up script in a transaction, decided at
    /// discovery from the tool and the markers it reads (sqlx's first-line
    /// `-- no-transaction`, diesel's `metadata.toml`, dbmate's
    /// `transaction:false`), as sqlx sets `no_tx`.
    pub transaction: TxMode,
    pub up: Script,
    pub down: Option<Script>,
}

//! An import from start to end, shared by the app and the command line: read the source,
//! choose the column mapping (remembered for this layout, else matched by header, then the
//! user's changes), prepare and check every row, and write — or stop at any step.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use crate::exchange::fields::{ImportKind, auto_map};
use crate::exchange::import::{self, ImportSettings, Prepared, layout_signature};
use crate::exchange::source::{self, ReadOptions, SourceError, Table};
use crate::exchange::values::match_key;
use crate::store::import::ImportOutcome;
use crate::store::{Store, StoreError};

/// Where the rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceInput {
    File(PathBuf),
    /// Cells copied from a spreadsheet and pasted (tab-separated).
    Pasted(String),
}

impl SourceInput {
    pub fn read(
        &self,
        options: &ReadOptions,
        progress: &dyn Fn(f32),
        cancel: &AtomicBool,
    ) -> Result<Table, SourceError> {
        match self {
            SourceInput::File(path) => source::read_path(path, options, progress, cancel),
            SourceInput::Pasted(text) => source::read_pasted(text),
        }
    }

    /// How the source is named in messages.
    pub fn name(&self) -> String {
        match self {
            SourceInput::File(path) => path.display().to_string(),
            SourceInput::Pasted(_) => "—".to_owned(),
        }
    }
}

/// The mapping to start from: the one remembered for this file layout, else the headers
/// matched to fields. Columns are padded or cut to the table's width.
pub fn initial_settings(store: &Store, kind: ImportKind, table: &Table) -> ImportSettings {
    let signature = layout_signature(kind, &table.headers);
    let mut settings = store
        .remembered_mapping(kind, &signature)
        .ok()
        .flatten()
        .unwrap_or_else(|| ImportSettings {
            kind: Some(kind),
            columns: auto_map(kind, &table.headers),
            ..Default::default()
        });
    settings.kind = Some(kind);
    settings.columns.resize(table.headers.len(), None);
    settings
}

/// Whether a product name (as typed in a file) names a product of the plan, directly or
/// through the alias table.
pub fn product_lookup(store: &Store) -> Result<impl Fn(&str) -> bool + use<>, StoreError> {
    let snap = store.snapshot()?;
    let mut known: std::collections::HashSet<String> =
        snap.products.iter().map(|p| match_key(&p.name)).collect();
    let aliases: std::collections::HashMap<String, String> = store
        .aliases()?
        .into_iter()
        .filter(|a| a.kind == "product")
        .map(|a| (match_key(&a.alias), match_key(&a.canonical)))
        .collect();
    // An alias counts when what it stands for is known.
    for (alias, canonical) in &aliases {
        if known.contains(canonical) {
            known.insert(alias.clone());
        }
    }
    Ok(move |name: &str| known.contains(&match_key(name)))
}

/// Checks every row against the plan.
pub fn prepare(
    store: &Store,
    table: &Table,
    settings: &ImportSettings,
    kind: ImportKind,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<Prepared, StoreError> {
    let known = product_lookup(store)?;
    import::prepare(table, settings, kind, &known, progress, cancel)
        .map_err(|_| StoreError::Cancelled)
}

/// Writes a prepared import and remembers its mapping for the next file with this layout.
pub fn write(
    store: &mut Store,
    table: &Table,
    settings: &ImportSettings,
    prepared: &Prepared,
    skip_invalid: bool,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<ImportOutcome, StoreError> {
    let signature = layout_signature(prepared.kind, &table.headers);
    store.apply_import(
        prepared,
        skip_invalid,
        Some((&signature, settings)),
        progress,
        cancel,
    )
}

//! An import from start to end, shared by the app and the command line: read the source,
//! choose the column mapping (remembered for this layout, else matched by header, then the
//! user's changes), prepare and check every row, and write — or stop at any step.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// The names the plan already has (by match key, aliases applied), to tell which names in a
/// file are new and which products are unknown. Cheap to clone into a worker thread.
#[derive(Clone, Debug, Default)]
pub struct KnownNames {
    people: HashSet<String>,
    customers: HashSet<String>,
    products: HashSet<String>,
    lines: HashSet<String>,
    units: HashSet<String>,
    /// (kind, alias key) → canonical key.
    aliases: HashMap<(String, String), String>,
}

impl KnownNames {
    pub fn load(store: &Store) -> Result<KnownNames, StoreError> {
        let snap = store.named()?;
        let keys = |names: &mut dyn Iterator<Item = &String>| -> HashSet<String> {
            names.map(|n| match_key(n)).collect()
        };
        Ok(KnownNames {
            people: keys(
                &mut snap
                    .nodes
                    .iter()
                    .filter(|n| n.kind.is_person())
                    .map(|n| &n.name),
            ),
            units: keys(
                &mut snap
                    .nodes
                    .iter()
                    .filter(|n| !n.kind.is_person())
                    .map(|n| &n.name),
            ),
            customers: keys(&mut snap.customers.iter().map(|c| &c.name)),
            products: keys(&mut snap.products.iter().map(|p| &p.name)),
            lines: keys(&mut snap.lines.iter().map(|l| &l.name)),
            aliases: store
                .aliases()?
                .into_iter()
                .map(|a| ((a.kind, match_key(&a.alias)), match_key(&a.canonical)))
                .collect(),
        })
    }

    fn key(&self, kind: &str, name: &str) -> String {
        let key = match_key(name);
        self.aliases
            .get(&(kind.to_owned(), key.clone()))
            .cloned()
            .unwrap_or(key)
    }

    pub fn product_known(&self, name: &str) -> bool {
        self.products.contains(&self.key("product", name))
    }

    /// The names a prepared import would create, by what they name ("person", "customer",
    /// "product_line", "region", "team"), sorted.
    pub fn new_names(&self, prepared: &Prepared) -> BTreeMap<&'static str, Vec<String>> {
        let mut out = BTreeMap::new();
        for (what, names) in import::referenced_names(prepared) {
            let (kind, known) = match what {
                "person" => ("person", &self.people),
                "customer" => ("customer", &self.customers),
                "product_line" => ("product_line", &self.lines),
                "region" | "team" => ("", &self.units),
                // Products are never created by reference (they are refused when unknown).
                _ => continue,
            };
            let mut seen = HashSet::new();
            let new: Vec<String> = names
                .into_iter()
                .filter(|n| !known.contains(&self.key(kind, n)))
                .filter(|n| seen.insert(match_key(n)))
                .collect();
            if !new.is_empty() {
                out.insert(what, new);
            }
        }
        out
    }
}

/// Checks every row (pure: usable on a worker thread).
pub fn prepare_with(
    known: &KnownNames,
    table: &Table,
    settings: &ImportSettings,
    kind: ImportKind,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<Prepared, StoreError> {
    import::prepare(
        table,
        settings,
        kind,
        &|name| known.product_known(name),
        progress,
        cancel,
    )
    .map_err(|_| StoreError::Cancelled)
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
    let known = KnownNames::load(store)?;
    prepare_with(&known, table, settings, kind, progress, cancel)
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

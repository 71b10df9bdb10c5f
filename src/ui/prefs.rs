//! The user's preferences, kept by the app between runs (not in the plan file, which a user
//! shares with colleagues who may prefer another language or unit).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::money::AmountUnit;
use crate::i18n::Lang;
use crate::ui::theme::ThemeChoice;

/// How many recent files the File menu lists.
pub const MAX_RECENT: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    pub theme: ThemeChoice,
    pub unit: AmountUnit,
    pub recent: Vec<PathBuf>,
    /// The getting-started path is shown beside the views.
    pub guide_open: bool,
    /// Per plan file: the getting-started steps done that the plan does not record
    /// (`guide::Seen`).
    pub guide_seen: std::collections::BTreeMap<PathBuf, u8>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            lang: Lang::from_system(),
            theme: ThemeChoice::System,
            unit: AmountUnit::Wan,
            recent: Vec::new(),
            guide_open: false,
            guide_seen: Default::default(),
        }
    }
}

impl Prefs {
    pub const STORAGE_KEY: &'static str = "salesplan.prefs";

    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: &std::path::Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// The getting-started steps done with the plan file at `path`.
    /// (The file's full path, as for the recent files: one file opened by two paths is one.)
    pub fn seen(&self, path: &std::path::Path) -> crate::ui::guide::Seen {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        crate::ui::guide::Seen(self.guide_seen.get(&path).copied().unwrap_or(0))
    }

    pub fn set_seen(&mut self, path: &std::path::Path, seen: crate::ui::guide::Seen) {
        if seen != self.seen(path) {
            let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
            self.guide_seen.insert(path, seen.0);
        }
    }

    pub fn forget(&mut self, path: &std::path::Path) {
        self.recent.retain(|p| p != path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_newest_first_and_capped() {
        let mut p = Prefs::default();
        for i in 0..10 {
            p.remember(std::path::Path::new(&format!("/nonexistent/{i}.salesplan")));
        }
        p.remember(std::path::Path::new("/nonexistent/5.salesplan"));
        assert_eq!(p.recent.len(), MAX_RECENT);
        assert_eq!(p.recent[0], PathBuf::from("/nonexistent/5.salesplan"));
        assert_eq!(
            p.recent
                .iter()
                .filter(|r| r.ends_with("5.salesplan"))
                .count(),
            1
        );
    }
}

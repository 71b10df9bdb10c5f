//! Translations: every user-visible text is looked up here by key, in Simplified Chinese or English.
//!
//! The tables live in `assets/translations/{zh-CN,en}.txt` as `key = text` lines; `{name}` in a
//! text is replaced by the argument of that name. Both tables must hold the same keys (a test
//! checks), so a missing translation is caught before release rather than shown to a user.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The user interface language.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The language of the operating system's locale: Chinese for any `zh*` locale, else English.
    pub fn from_system() -> Lang {
        Self::from_locale(sys_locale::get_locale().as_deref().unwrap_or(""))
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language's own name, for the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "简体中文",
            Lang::En => "English",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

const ZH_SOURCE: &str = include_str!("../assets/translations/zh-CN.txt");
const EN_SOURCE: &str = include_str!("../assets/translations/en.txt");

type Table = HashMap<&'static str, String>;

/// Parses a translation table. Lines are `key = text`; blank lines and lines starting with `#`
/// are skipped; `\n` in a text is a line break.
pub fn parse_table(source: &'static str) -> Result<Table, String> {
    let mut table = Table::new();
    for (number, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, text)) = line.split_once('=') else {
            return Err(format!("line {}: expected `key = text`", number + 1));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("line {}: empty key", number + 1));
        }
        if table
            .insert(key, text.trim().replace("\\n", "\n"))
            .is_some()
        {
            return Err(format!("line {}: key `{key}` defined twice", number + 1));
        }
    }
    Ok(table)
}

fn table(lang: Lang) -> &'static Table {
    static ZH: OnceLock<Table> = OnceLock::new();
    static EN: OnceLock<Table> = OnceLock::new();
    // The tables are compiled in and checked by tests, so a parse error can only come from a
    // broken build; fall back to an empty table (keys are shown) rather than failing.
    match lang {
        Lang::Zh => ZH.get_or_init(|| parse_table(ZH_SOURCE).unwrap_or_default()),
        Lang::En => EN.get_or_init(|| parse_table(EN_SOURCE).unwrap_or_default()),
    }
}

/// Both tables, for the consistency tests.
pub fn tables() -> [(Lang, &'static Table); 2] {
    [(Lang::Zh, table(Lang::Zh)), (Lang::En, table(Lang::En))]
}

/// The text for `key`. An unknown key is shown as itself, so it is visible but harmless.
pub fn tr(lang: Lang, key: &str) -> Cow<'static, str> {
    match table(lang).get(key) {
        Some(text) => Cow::Borrowed(text.as_str()),
        None => Cow::Owned(key.to_owned()),
    }
}

/// The text for `key` with each `{name}` replaced by its argument.
pub fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    fill(&tr(lang, key), args)
}

/// Replaces `{name}` placeholders in `text`.
pub fn fill(text: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message that can be shown in either language: errors and notices from the core carry a
/// key into the translation tables and the values to fill in.
pub trait Localized {
    fn message_key(&self) -> &'static str;
    fn message_args(&self) -> Vec<(&'static str, String)>;

    fn localize(&self, lang: Lang) -> String {
        let args = self.message_args();
        trf(lang, self.message_key(), &args)
    }
}

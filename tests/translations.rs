//! The two translation tables hold the same keys, every key the code uses exists, and every
//! placeholder in one language is in the other.

use std::collections::BTreeSet;

use salesplan::i18n::{self, Lang};

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

#[test]
fn both_tables_parse_and_hold_the_same_keys() {
    let [(_, zh), (_, en)] = i18n::tables();
    assert!(
        zh.len() > 300,
        "the Chinese table looks empty: {}",
        zh.len()
    );
    let zh_keys: BTreeSet<_> = zh.keys().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
    let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
    assert!(only_zh.is_empty(), "keys only in zh-CN: {only_zh:?}");
    assert!(only_en.is_empty(), "keys only in en: {only_en:?}");
}

#[test]
fn placeholders_match_between_languages() {
    let [(_, zh), (_, en)] = i18n::tables();
    for (key, zh_text) in zh.iter() {
        let en_text = &en[key];
        assert_eq!(
            placeholders(zh_text),
            placeholders(en_text),
            "placeholders differ for {key}"
        );
    }
}

/// Every string literal in the sources that looks like a translation key must be in the tables.
#[test]
fn every_key_used_in_the_code_exists() {
    let [(_, zh), _] = i18n::tables();
    let prefixes = [
        "err.",
        "view.",
        "menu.",
        "toast.",
        "dialog.",
        "status.",
        "nofile.",
        "new_plan.",
        "app.",
        "about.",
        "file.",
        "overview.",
        "col.",
        "org.",
        "products.",
        "targets.",
        "negotiation.",
        "funnel.",
        "monthly.",
        "accounts.",
        "expense.",
        "expenses.",
        "receivables.",
        "reviews.",
        "variance.",
        "attribution.",
        "forecast.",
        "export.",
        "grid_file.",
        "html.",
        "plan_file.",
        "settings.",
        "unit.",
        "metric.",
        "change.",
        "channel.",
        "version.",
        "derive.",
        "alloc.",
        "derivation.",
        "grid.",
        "actions.",
        "action.",
        "support.",
    ];
    // Settings keys stored in the plan file, not translations.
    let not_keys = [
        "funnel.deal_size_fen",
        "funnel.win_rate",
        "funnel.visits_per_week",
    ];
    let mut missing = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for literal in source.split('"').skip(1).step_by(2) {
                let is_key = prefixes.iter().any(|p| literal.starts_with(p))
                    && literal.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    })
                    && !literal.ends_with('.');
                if is_key && !not_keys.contains(&literal) && !zh.contains_key(literal) {
                    missing.push(format!("{}: {literal}", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys used but not translated: {missing:#?}"
    );
}

#[test]
fn months_are_translated() {
    for lang in Lang::ALL {
        for m in 1..=12 {
            let key = format!("month.{m}");
            assert_ne!(i18n::tr(lang, &key), key);
        }
    }
}

#[test]
fn placeholders_are_filled() {
    assert_eq!(
        i18n::trf(Lang::En, "toast.undone", &[("what", "Rename".into())]),
        "Undone: Rename"
    );
    assert_eq!(i18n::fill("a {x} b {y}", &[("x", "1".into())]), "a 1 b {y}");
    assert_eq!(i18n::tr(Lang::Zh, "no.such.key"), "no.such.key");
}

#[test]
fn allocation_methods_and_dimensions_are_translated() {
    let [(_, zh), (_, en)] = i18n::tables();
    for key in salesplan::domain::allocation::translation_keys() {
        assert!(zh.contains_key(key), "{key} missing in zh-CN");
        assert!(en.contains_key(key), "{key} missing in en");
    }
}

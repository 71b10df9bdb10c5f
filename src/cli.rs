//! The command-line interface: the same store, domain and report code as the app, for
//! automation. With no command the binary opens the app.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::domain::model::Metric;
use crate::domain::money::AmountUnit;
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::targets::TargetTable;
use crate::i18n::{Lang, Localized};
use crate::store::Store;

#[derive(Parser, Debug)]
#[command(
    name = "salesplan",
    version,
    about = "SalesPlan (销售作战计划): turn an annual sales target into an executable plan.",
    long_about = "SalesPlan (销售作战计划): turn an annual sales target into an executable plan.\n\n\
                  Without a command, opens the app on the default plan file in your data folder \
                  (created with the demo plan on first run), or on --db FILE."
)]
pub struct Cli {
    /// The plan file to open or work on.
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write the demo plan (the article's numbers) to a new plan file.
    Demo {
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Check a plan file: that this version can read it, and its integrity. Exit code 0 when
    /// it is sound, 1 otherwise.
    Check,
    /// Print the plan's structure and targets.
    Report {
        /// Print JSON (format described in docs/report-json.md).
        #[arg(long)]
        json: bool,
    },
}

/// Runs a command; returns the process exit code. Messages go to `out` and `err`.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some(command) = &cli.command else {
        return 0;
    };
    let Some(db) = &cli.db else {
        let _ = writeln!(
            err,
            "error: this command needs the plan file: add --db FILE (see salesplan --help)"
        );
        return 2;
    };
    let result = match command {
        Command::Demo { force } => demo(db, *force, out),
        Command::Check => check(db, out),
        Command::Report { json } => report(db, *json, out),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

fn demo(db: &Path, force: bool, out: &mut dyn Write) -> Result<(), String> {
    if db.exists() {
        if !force {
            return Err(format!(
                "{} already exists; choose another file or add --force to replace it",
                db.display()
            ));
        }
        // Refuse to replace something that is not a plan file: --force is for plans only.
        Store::check(db).map_err(|e| format!("{e} Not replacing it, even with --force."))?;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if p.exists() {
                std::fs::remove_file(&p)
                    .map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
            }
        }
    }
    let store = crate::demo::create_demo(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "wrote the demo plan \"{}\" to {}: {} people, {} product lines, {} customers",
        snap.plan.name,
        db.display(),
        snap.people().count(),
        snap.lines.len(),
        snap.customers.len()
    );
    Ok(())
}

fn check(db: &Path, out: &mut dyn Write) -> Result<(), String> {
    let report = Store::check(db).map_err(|e| e.localize(Lang::En))?;
    let _ = writeln!(
        out,
        "ok: {} is a sound plan file (\"{}\", schema version {}, integrity {})",
        db.display(),
        report.plan_name,
        report.schema_version,
        report.integrity
    );
    Ok(())
}

fn report(db: &Path, json: bool, out: &mut dyn Write) -> Result<(), String> {
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    if json {
        let report = crate::report::build(&snap);
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let _ = writeln!(out, "{} — {}", snap.plan.name, snap.plan.organisation);
    let _ = writeln!(
        out,
        "fiscal year {} ({} – {})",
        snap.plan.fiscal_year.year(),
        snap.plan.fiscal_year.start_date(),
        snap.plan.fiscal_year.end_date()
    );
    for (id, depth) in tree.walk() {
        let Some(node) = tree.get(id) else { continue };
        let value = table
            .node_value(&tree, id, None, Period::Year, Metric::ContractAmount)
            .map(|v| crate::domain::money::Money::from_fen(v).format_with_unit(AmountUnit::Wan))
            .unwrap_or_else(|| "—".to_owned());
        let name = format!("{}{}", "  ".repeat(depth), node.name);
        let pad = 28usize.saturating_sub(display_width(&name));
        let _ = writeln!(out, "{name}{} {value:>16}", " ".repeat(pad));
    }
    Ok(())
}

/// Columns a text takes in a terminal: East Asian wide characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c)
                || (0x20000..=0x3FFFD).contains(&c);
            if wide { 2 } else { 1 }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::display_width;

    #[test]
    fn chinese_characters_take_two_columns() {
        assert_eq!(display_width("张伟"), 4);
        assert_eq!(display_width("  ERP 套件"), 10);
        assert_eq!(display_width("（万元）"), 8);
    }
}

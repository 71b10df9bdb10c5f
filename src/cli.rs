//! The command-line interface: the same store, domain and report code as the app, for
//! automation. With no command the binary opens the app.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::domain::model::Metric;
use crate::domain::money::AmountUnit;
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::targets::TargetTable;
use crate::i18n::{Lang, Localized};
use crate::store::Store;

mod funnel;

#[derive(Parser, Debug)]
#[command(
    name = "salesplan",
    version,
    about = "SalesPlan (销售作战计划): turn an annual sales target into an executable plan.",
    long_about = "SalesPlan (销售作战计划): turn an annual sales target into an executable plan.\n\n\
                  Without a command, opens the app on the default plan file in your data folder \
                  (created with the demo plan on first run), or on the plan file given \
                  (salesplan FILE or --db FILE)."
)]
pub struct Cli {
    /// The plan file to open or work on.
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// The plan file to open in the app (as the file manager passes it; the same as --db).
    #[arg(value_name = "PLAN", conflicts_with = "db")]
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The plan file named on the command line, by --db or as the first argument.
    pub fn plan(&self) -> Option<&PathBuf> {
        self.db.as_ref().or(self.file.as_ref())
    }

    /// Why the app cannot start on the plan file given as the first argument: it names no
    /// file (a mistyped command, say). The file manager only passes files that exist; --db
    /// still creates the demo plan at a new path.
    pub fn start_error(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        if file.is_file() {
            return None;
        }
        Some(format!(
            "error: there is no plan file at {} (and it is not a command). To create a plan \
             there, run: salesplan demo --db {0}; the commands are listed by salesplan --help",
            file.display()
        ))
    }
}

/// How big a demo plan to write.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoScale {
    Small,
    Large,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write the demo plan (the article's numbers) to a new plan file.
    Demo {
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        /// `small`: the article's company (5 account managers); `large`: an organisation of
        /// 2,000 people, 20,000 customers, 200,000 opportunities and 1,000,000 lines of actuals
        /// (about 300 MB, a minute or two to write).
        #[arg(long, value_enum, default_value = "small")]
        scale: DemoScale,
    },
    /// Check a plan file: that this version can read it, and its integrity. Exit code 0 when
    /// it is sound, 1 otherwise.
    Check,
    /// Import people, products, customers, opportunities, history, actuals, expenses,
    /// payment schedules or receipts from a CSV, XLSX, XLS or ODS file. One transaction: with any problem nothing is written (unless
    /// --skip-invalid); importing the same file again changes nothing.
    Import {
        /// What the file holds: people, products, customers, opportunities, history, actuals,
        /// expenses, payment-schedules, receipts.
        kind: String,
        /// The file to read; its format is decided by its content, not its name. For `plan`,
        /// any number of submission files or folders of them.
        #[arg(required = true, num_args = 1..)]
        sources: Vec<PathBuf>,
        /// Map a column to a field, e.g. --map "签约额=amount" (the fields of each kind are
        /// listed in docs/import.md); `COLUMN=-` leaves a column out. Repeatable.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// Map a stage value, e.g. --stage "Engaging=3", --stage "Won=won", --stage "Lost=lost".
        #[arg(long = "stage", value_name = "VALUE=STAGE")]
        stages: Vec<String>,
        /// The sheet of a workbook (default: the first with data).
        #[arg(long)]
        sheet: Option<String>,
        /// The text encoding: utf-8, utf-16le, utf-16be, gbk or gb18030 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
        /// How to read dates like 1/5/2024 when the file does not tell: mdy or dmy.
        #[arg(long, value_name = "mdy|dmy")]
        day_order: Option<String>,
        /// Import the valid rows and skip the ones with problems (they are listed).
        #[arg(long)]
        skip_invalid: bool,
        /// Check the file and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// For `plan`: the password of protected files, on the first line of this file (`-`
        /// reads it from standard input).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Write a person's target responsibility letter (目标责任书) as a printable HTML page.
    Letter {
        /// The person's name.
        #[arg(long)]
        person: String,
        /// Where to write the page.
        #[arg(long, value_name = "FILE.html")]
        out: PathBuf,
        /// The letter's language: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// The reverse-funnel calculator (目标倒推), without a plan file: e.g. --target 5000万
    /// --people 5 --deal-size 100万 --win-rate 10% prints, per person and in total, the deals
    /// and leads the target needs.
    Funnel {
        /// The team's target, e.g. 5000万, 1.5亿, 50,000,000.
        #[arg(long)]
        target: String,
        /// How many people share the target (it is split exactly, to the fen).
        #[arg(long, default_value_t = 1)]
        people: u32,
        /// The average deal size, e.g. 100万.
        #[arg(long)]
        deal_size: String,
        /// The win rate of a new lead, e.g. 10%.
        #[arg(long)]
        win_rate: Option<String>,
        /// A multi-stage funnel instead: the conversion rates from stage 1 to 2, 2 to 3, … up
        /// to the won stage, e.g. "50%,60%,70%,60%,80%".
        #[arg(long)]
        stage_rates: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the plan for colleagues: a formatted workbook of every table (xlsx), one table as
    /// CSV, or the report as JSON. The file is written to a temporary file and renamed into
    /// place.
    Export {
        /// xlsx, csv, html, json; package (a person's targets and round, to open as their own
        /// plan file with `import plan`); or submission (their bottom-up figure for the round,
        /// for the leader's `import plan`).
        #[arg(long)]
        format: String,
        /// Where to write the file.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// For CSV, the table: targets, monthly, funnels, accounts, expenses, receivables,
        /// variance.
        #[arg(long, default_value = "monthly")]
        table: String,
        /// Amounts in yuan (元) or wan (万元).
        #[arg(long, default_value = "wan")]
        unit: String,
        /// The language of titles and names: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// The day receivables and the months closed are for (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// For HTML, one person's battle plan instead of the whole plan; for a submission, whose
        /// figure it is.
        #[arg(long)]
        person: Option<String>,
        /// For a submission, the comment that goes with the figure.
        #[arg(long)]
        comment: Option<String>,
        /// Protect a package or submission with the password on the first line of this file
        /// (`-` reads it from standard input): for files that travel by e-mail.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Take a backup of the plan file now (into the folder `FILE.backups` beside it), list
    /// the backups, or restore one. Backups are also taken automatically: on opening, before an
    /// upgrade, and hourly while editing.
    Backup {
        /// List the backups, newest first.
        #[arg(long)]
        list: bool,
        /// Replace the plan with this backup (the current state is backed up first, so
        /// restoring that undoes the restore).
        #[arg(long, value_name = "BACKUP")]
        restore: Option<PathBuf>,
    },
    /// Print the plan's structure and targets.
    Report {
        /// Print JSON (format described in docs/report-json.md).
        #[arg(long)]
        json: bool,
        /// The day the expense status, receivables and today's actions are for (YYYY-MM-DD;
        /// default today).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
}

/// Runs a command; returns the process exit code. Messages go to `out` and `err`.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some(command) = &cli.command else {
        return 0;
    };
    if let Command::Funnel {
        target,
        people,
        deal_size,
        win_rate,
        stage_rates,
        json,
    } = command
    {
        let args = funnel::FunnelArgs {
            target,
            people: *people,
            deal_size,
            win_rate: win_rate.as_deref(),
            stage_rates: stage_rates.as_deref(),
            json: *json,
        };
        return match funnel::run(&args, out) {
            Ok(()) => 0,
            Err(message) => {
                let _ = writeln!(err, "error: {message}");
                1
            }
        };
    }
    let Some(db) = cli.plan() else {
        let _ = writeln!(
            err,
            "error: this command needs the plan file: add --db FILE (see salesplan --help)"
        );
        return 2;
    };
    if let Command::Import { dry_run: false, .. } = command {
        before_writing(db, err);
    }
    let result = match command {
        Command::Demo { force, scale } => demo(db, *force, *scale, out),
        Command::Backup { list, restore } => backup(db, *list, restore.as_deref(), out),
        Command::Check => check(db, out),
        Command::Funnel { .. } => Ok(()),
        Command::Report { json, today } => report(db, *json, today.as_deref(), out),
        Command::Export {
            format,
            out: file,
            table,
            unit,
            lang,
            today,
            person,
            comment,
            password_file,
        } => export(
            db,
            ExportArgs {
                password_file: password_file.as_deref(),
                format,
                file,
                table,
                unit,
                lang,
                today: today.as_deref(),
                person: person.as_deref(),
                comment: comment.as_deref(),
            },
            out,
        ),
        Command::Letter {
            person,
            out: file,
            lang,
        } => letter(db, person, file, lang, out, err),
        Command::Import {
            kind,
            sources,
            skip_invalid,
            dry_run,
            password_file,
            ..
        } if kind == "plan" => import_plan(
            db,
            sources,
            PlanImport {
                skip_invalid: *skip_invalid,
                dry_run: *dry_run,
                password_file: password_file.as_deref(),
            },
            out,
        ),
        Command::Import {
            kind,
            sources,
            map,
            stages,
            sheet,
            encoding,
            day_order,
            skip_invalid,
            dry_run,
            password_file: _,
        } => import(
            db,
            ImportArgs {
                kind,
                source: match sources.as_slice() {
                    [one] => one,
                    _ => {
                        let _ = writeln!(
                            err,
                            "error: {kind} is imported from one file at a time (several files are for `import plan`)"
                        );
                        return 2;
                    }
                },
                map,
                stages,
                sheet: sheet.clone(),
                encoding: encoding.as_deref(),
                day_order: day_order.as_deref(),
                skip_invalid: *skip_invalid,
                dry_run: *dry_run,
            },
            out,
            err,
        ),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

/// Before a command writes to an existing plan file: warn about a risky location, and take a
/// backup (unless another program is editing the file; opening it will say so).
fn before_writing(db: &Path, err: &mut dyn Write) {
    if !db.exists() {
        return;
    }
    if let Some(risk) = crate::store::location::risk(db) {
        let _ = writeln!(err, "warning: {}", risk.localize(Lang::En));
    }
    if crate::store::lock::holder(db).is_none()
        && Store::check(db).is_ok()
        && let Err(e) = crate::store::backup::make(db, crate::store::backup::Reason::Open)
    {
        let _ = writeln!(err, "warning: no backup was taken: {e}");
    }
}

fn backup(
    db: &Path,
    list: bool,
    restore: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), String> {
    use crate::store::backup::{self, Reason};
    let describe = |b: &backup::Backup| {
        format!(
            "{}  {:<14}  {:>10} bytes  {}",
            b.taken.strftime("%Y-%m-%d %H:%M:%S"),
            b.reason.code(),
            b.bytes,
            b.path.display()
        )
    };
    if list {
        Store::check(db).map_err(|e| e.localize(Lang::En))?;
        let backups = backup::list(db).map_err(|e| e.to_string())?;
        if backups.is_empty() {
            let _ = writeln!(out, "no backups of {} yet", db.display());
        }
        for b in &backups {
            let _ = writeln!(out, "{}", describe(b));
        }
        return Ok(());
    }
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    if let Some(file) = restore {
        backup::verify(file).map_err(|e| e.to_string())?;
        let before =
            backup::make_or_newest(db, Reason::BeforeRestore).map_err(|e| e.to_string())?;
        store.restore_backup(file).map_err(|e| e.to_string())?;
        let _ = writeln!(out, "restored {} from {}", db.display(), file.display());
        let _ = writeln!(
            out,
            "to undo: salesplan backup --db {} --restore {}",
            db.display(),
            before.path.display()
        );
        return Ok(());
    }
    match backup::make(db, Reason::Manual).map_err(|e| e.to_string())? {
        Some(b) => {
            let _ = writeln!(out, "backed up to {}", describe(&b));
        }
        None => {
            let _ = writeln!(
                out,
                "nothing changed since the newest backup in {}",
                backup::folder(db).display()
            );
        }
    }
    Ok(())
}

fn demo(db: &Path, force: bool, scale: DemoScale, out: &mut dyn Write) -> Result<(), String> {
    if db.exists() {
        if let Some(holder) = crate::store::lock::holder(db) {
            return Err(crate::store::StoreError::Locked {
                path: db.to_owned(),
                holder,
            }
            .localize(Lang::En));
        }
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
    let store = match scale {
        DemoScale::Small => crate::demo::create_demo(db),
        DemoScale::Large => {
            // Progress in tenths on stderr: writing the large plan takes a while.
            let shown = std::cell::Cell::new(0u32);
            crate::demo::large::create_large(db, crate::demo::large::Shape::FULL, &|p| {
                let tenth = (p * 10.0) as u32;
                if tenth > shown.get() {
                    shown.set(tenth);
                    eprintln!("writing the large demo plan: {}%", tenth * 10);
                }
            })
        }
    }
    .map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "wrote the demo plan \"{}\" to {}: {} people, {} product lines, {} customers, {} opportunities, {} lines of actuals",
        snap.plan.name,
        db.display(),
        snap.people().count(),
        snap.lines.len(),
        snap.customers.len(),
        snap.opportunities.len(),
        snap.actuals.iter().map(|a| a.rows).sum::<u64>()
    );
    Ok(())
}

fn letter(
    db: &Path,
    person: &str,
    file: &Path,
    lang: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), String> {
    use crate::exchange::letter;
    let lang = match lang {
        "zh" | "zh-CN" => Lang::Zh,
        "en" => Lang::En,
        other => return Err(format!("--lang \"{other}\": use zh or en")),
    };
    let store = Store::open_for_reading(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let id = letter::find_person(&snap, person).ok_or_else(|| {
        letter::LetterError::NoSuchPerson {
            name: person.to_owned(),
        }
        .to_string()
    })?;
    let data = letter::letter_data(&snap, id, lang, AmountUnit::Wan).map_err(|e| e.to_string())?;
    if data.content_hash.is_none() {
        let _ = writeln!(
            err,
            "warning: the current version is not confirmed; the letter shows its draft targets"
        );
    }
    crate::exchange::export::write_atomic(file, letter::letter_html(&data).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let _ = writeln!(
        out,
        "wrote the letter of {} to {}",
        data.person,
        file.display()
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

fn report(db: &Path, json: bool, today: Option<&str>, out: &mut dyn Write) -> Result<(), String> {
    let day = parse_day(today)?;
    let store = Store::open_for_reading(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    if json {
        let report = crate::report::build(&snap, day);
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
    // Execution: what is signed so far and where the year is heading.
    let stats = crate::domain::stats::for_plan(&snap);
    let closed = crate::domain::variance::months_closed(&snap.plan.fiscal_year, day);
    let f = crate::domain::forecast::forecast(&snap, &stats, closed, snap.reviews.at_risk);
    if !f.people.is_empty() {
        let wan = |m: crate::domain::money::Money| m.format_with_unit(AmountUnit::Wan);
        let _ = writeln!(
            out,
            "\nre-forecast on {day} ({closed} months closed; at risk below {} of the target):",
            f.threshold.format_percent(2)
        );
        let mut line = |name: &str, target, actual, projected, attainment: Option<Ratio>, risk| {
            let pad = 16usize.saturating_sub(display_width(name));
            let _ = writeln!(
                out,
                "  {name}{} target {:>14}  signed {:>14}  projected {:>14} {:>8}{}",
                " ".repeat(pad),
                wan(target),
                wan(actual),
                wan(projected),
                attainment
                    .map(|a| a.format_percent_fixed(1))
                    .unwrap_or_else(|| "—".into()),
                if risk { "  AT RISK" } else { "" }
            );
        };
        for p in &f.people {
            line(
                &p.name,
                p.target,
                p.actual,
                p.projected,
                p.attainment,
                p.at_risk,
            );
        }
        line(
            "total",
            f.target,
            f.actual,
            f.projected,
            f.attainment,
            f.at_risk,
        );
    }
    for a in snap.reviews.open_follow_ups() {
        let _ = writeln!(
            out,
            "open action: {}{}{}",
            a.fields.description,
            a.fields
                .owner
                .and_then(|o| snap.node(o))
                .map(|n| format!(" — {}", n.name))
                .unwrap_or_default(),
            a.fields
                .due
                .map(|d| format!(
                    ", due {d}{}",
                    if a.overdue(day) { " (overdue)" } else { "" }
                ))
                .unwrap_or_default()
        );
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

struct ExportArgs<'a> {
    password_file: Option<&'a Path>,
    format: &'a str,
    file: &'a Path,
    table: &'a str,
    unit: &'a str,
    lang: &'a str,
    today: Option<&'a str>,
    person: Option<&'a str>,
    comment: Option<&'a str>,
}

fn parse_day(today: Option<&str>) -> Result<jiff::civil::Date, String> {
    match today {
        None => Ok(jiff::Zoned::now().date()),
        Some(t) => crate::domain::period::parse_date(t.trim()).map_err(|_| {
            format!("--today \"{t}\" is not a date: give it as YYYY-MM-DD, e.g. 2026-05-16")
        }),
    }
}

fn parse_lang(lang: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::ALL
        .into_iter()
        .find(|l| {
            l.code().eq_ignore_ascii_case(lang.trim())
                || (lang.trim() == "zh" && l.code().starts_with("zh"))
        })
        .ok_or_else(|| format!("--lang \"{lang}\": use zh or en"))
}

fn export(db: &Path, args: ExportArgs, out: &mut dyn Write) -> Result<(), String> {
    use crate::exchange::export;
    let day = parse_day(args.today)?;
    let lang = parse_lang(args.lang)?;
    let unit = match args.unit.trim() {
        "wan" | "万元" => AmountUnit::Wan,
        "yuan" | "元" => AmountUnit::Yuan,
        other => return Err(format!("--unit \"{other}\": use yuan or wan")),
    };
    let store = Store::open_for_reading(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let bytes = match args.format.trim() {
        "xlsx" => export::xlsx_bytes(&export::tables(&snap, lang, unit, day), unit)?,
        "csv" => {
            let tables = export::tables(&snap, lang, unit, day);
            let t = tables
                .iter()
                .find(|t| t.key == args.table.trim())
                .ok_or_else(|| {
                    format!(
                        "--table \"{}\": use one of {}",
                        args.table,
                        export::TABLES.join(", ")
                    )
                })?;
            export::csv_bytes(t, unit)?
        }
        "json" => {
            let report = crate::report::build(&snap, day);
            let mut text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        "package" => {
            let name = args
                .person
                .ok_or("--format package needs --person NAME (whom it is for)")?;
            let person = snap
                .people()
                .find(|p| p.name == name.trim())
                .map(|p| p.id)
                .ok_or_else(|| format!("--person \"{name}\": the plan has no such person"))?;
            let p = crate::exchange::plan_file::package(&snap, person, day)?;
            let mut text = serde_json::to_string_pretty(&p).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        "submission" => {
            let name = args
                .person
                .ok_or("--format submission needs --person NAME (whose figure it is)")?;
            let person = snap
                .people()
                .find(|p| p.name == name.trim())
                .map(|p| p.id)
                .ok_or_else(|| format!("--person \"{name}\": the plan has no such person"))?;
            let stored = crate::exchange::plan_file::stored_round(&store);
            let sub = crate::exchange::plan_file::submission(
                &snap,
                person,
                args.comment.unwrap_or(""),
                day,
                stored.as_ref(),
            )?;
            let mut text = serde_json::to_string_pretty(&sub).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        "html" => {
            let person = match args.person {
                None => None,
                Some(name) => Some(
                    snap.people()
                        .find(|p| p.name == name.trim())
                        .map(|p| p.id)
                        .ok_or_else(|| {
                            format!("--person \"{name}\": the plan has no such person")
                        })?,
                ),
            };
            crate::exchange::html::report(&snap, person, lang, unit, day).into_bytes()
        }
        other => {
            return Err(format!(
                "--format \"{other}\": use xlsx, csv, html, json, package or submission"
            ));
        }
    };
    let bytes = match args.password_file {
        None => bytes,
        Some(_) if !matches!(args.format.trim(), "package" | "submission") => {
            return Err(
                "--password-file protects packages and submissions only (--format package or submission)"
                    .to_owned(),
            );
        }
        Some(file) => {
            let password = read_password(file)?;
            crate::exchange::protect::protect(&bytes, &password).map_err(|e| e.to_string())?
        }
    };
    export::write_atomic(args.file, &bytes)
        .map_err(|e| format!("{}: could not write the file: {e}", args.file.display()))?;
    let _ = writeln!(out, "wrote {} ({} bytes)", args.file.display(), bytes.len());
    Ok(())
}

/// `import monthly FILE`: the monthly plan read back from an exported workbook or CSV, as one
/// change.
fn import_monthly(db: &Path, args: &ImportArgs, out: &mut dyn Write) -> Result<(), String> {
    let lang = crate::i18n::Lang::En;
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let encoding = args.encoding.map(parse_encoding).transpose()?;
    let (rows, cells) = crate::exchange::grid_file::read_file(
        &snap,
        args.source,
        encoding,
        args.sheet.clone(),
        lang,
    )
    .map_err(|problems| {
        format!(
            "{}: nothing was imported:\n  {}",
            args.source.display(),
            problems.join("\n  ")
        )
    })?;
    if args.dry_run {
        let _ = writeln!(
            out,
            "read {rows} rows: no problems (dry run: nothing written)"
        );
        return Ok(());
    }
    if cells.is_empty() {
        let _ = writeln!(
            out,
            "read {rows} rows: the monthly plan already holds these figures"
        );
        return Ok(());
    }
    let name = args
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store
        .set_targets("change.import_monthly", &name, &cells)
        .map_err(|e| e.localize(lang))?;
    let _ = writeln!(
        out,
        "imported the monthly plan: {rows} rows, {} cells",
        cells.len()
    );
    Ok(())
}

/// `import plan FILE...`: account managers' submissions read into the current round. The
/// preview lists what each file would do and every conflict; with a conflict nothing is
/// written unless --skip-invalid.
/// How `import plan` reads its files.
struct PlanImport<'a> {
    skip_invalid: bool,
    dry_run: bool,
    password_file: Option<&'a Path>,
}

/// The password on the first line of `file` (`-`: standard input).
fn read_password(file: &Path) -> Result<String, String> {
    let text = if file == Path::new("-") {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        line
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| format!("--password-file {}: {e}", file.display()))?
    };
    let password = text.lines().next().unwrap_or("").to_owned();
    if password.trim().is_empty() {
        return Err(format!(
            "--password-file {}: its first line is empty; write the password there",
            file.display()
        ));
    }
    Ok(password)
}

fn import_plan(
    db: &Path,
    sources: &[PathBuf],
    how: PlanImport,
    out: &mut dyn Write,
) -> Result<(), String> {
    use crate::exchange::plan_file;
    let PlanImport {
        skip_invalid,
        dry_run,
        ..
    } = how;
    let mut files: Vec<PathBuf> = Vec::new();
    for s in sources {
        if s.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(s)
                .map_err(|e| format!("{}: {e}", s.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                })
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(s.clone());
        }
    }
    if files.is_empty() {
        return Err("no submission files (*.json) found".to_owned());
    }
    let password = match how.password_file {
        Some(file) => Some(read_password(file)?),
        None => None,
    };
    // A package opens as the account manager's own, new plan file.
    let first = plan_file::read_file(&files[0], password.as_deref()).map_err(|e| {
        let hint = match e {
            plan_file::Conflict::Protection { .. } if password.is_none() => {
                " (give the password with --password-file FILE)"
            }
            _ => "",
        };
        format!("{}: {}{hint}", files[0].display(), e.message())
    })?;
    if plan_file::kind_of(&first).as_deref() == Some("package") {
        if files.len() > 1 {
            return Err("a package is read on its own: give one package file".to_owned());
        }
        if db.exists() {
            return Err(format!(
                "{} exists: a package opens as a new plan file; give a new --db path",
                db.display()
            ));
        }
        let p = plan_file::parse_package(&first)
            .map_err(|e| format!("{}: {}", files[0].display(), e.message()))?;
        if dry_run {
            let _ = writeln!(
                out,
                "the package of {} reads (dry run: nothing written)",
                p.person.name
            );
            return Ok(());
        }
        plan_file::create_from_package(db, &p)?;
        let _ = writeln!(
            out,
            "created {} for {} from the package{}",
            db.display(),
            p.person.name,
            p.round
                .as_ref()
                .map(|r| format!(" (round {}, to answer for {})", r.number, r.unit))
                .unwrap_or_default()
        );
        return Ok(());
    }
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    let snap = store.snapshot().map_err(|e| e.to_string())?;
    let parsed = plan_file::read_submissions(&files, password.as_deref());
    let checked = plan_file::check(&snap, &parsed);
    let tree = OrgTree::new(&snap.nodes);
    let mut accepted = Vec::new();
    let mut conflicts = 0;
    for (file, c) in files.iter().zip(&checked) {
        match c {
            Ok(a) => {
                let _ = writeln!(
                    out,
                    "ok       {}: {} → {}: {}",
                    file.display(),
                    tree.get(a.person).map(|n| n.name.as_str()).unwrap_or(""),
                    tree.get(a.unit).map(|n| n.name.as_str()).unwrap_or(""),
                    a.value.format_with_unit(AmountUnit::Wan)
                );
                accepted.push(a.clone());
            }
            Err(e) => {
                conflicts += 1;
                let _ = writeln!(out, "refused  {}: {}", file.display(), e.message());
            }
        }
    }
    let figures = plan_file::bottom_up_by_unit(&accepted, &tree);
    for (unit, value, _) in &figures {
        let _ = writeln!(
            out,
            "bottom-up of {}: {}",
            tree.get(*unit).map(|n| n.name.as_str()).unwrap_or(""),
            value.format_with_unit(AmountUnit::Wan)
        );
    }
    if conflicts > 0 && !skip_invalid {
        return Err(format!(
            "{conflicts} of {} files cannot be read into the round: nothing was written (fix them, or use --skip-invalid to read the others)",
            files.len()
        ));
    }
    if dry_run || figures.is_empty() {
        let _ = writeln!(
            out,
            "nothing written{}",
            if dry_run { " (dry run)" } else { "" }
        );
        return Ok(());
    }
    store
        .apply_submissions(&figures, &format!("{}", accepted.len()))
        .map_err(|e| e.localize(crate::i18n::Lang::En))?;
    let _ = writeln!(
        out,
        "read {} submissions into round {}",
        accepted.len(),
        snap.current_round().map(|r| r.number).unwrap_or(0)
    );
    Ok(())
}

struct ImportArgs<'a> {
    kind: &'a str,
    source: &'a Path,
    map: &'a [String],
    stages: &'a [String],
    sheet: Option<String>,
    encoding: Option<&'a str>,
    day_order: Option<&'a str>,
    skip_invalid: bool,
    dry_run: bool,
}

fn parse_encoding(name: &str) -> Result<crate::exchange::source::TextEncoding, String> {
    use crate::exchange::source::TextEncoding as E;
    match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "utf8" => Ok(E::Utf8),
        "utf16le" | "utf16" => Ok(E::Utf16Le),
        "utf16be" => Ok(E::Utf16Be),
        "gbk" | "gb18030" | "gb2312" | "cp936" => Ok(E::Gb18030),
        _ => Err(format!(
            "unknown encoding \"{name}\": use utf-8, utf-16le, utf-16be, gbk or gb18030"
        )),
    }
}

fn parse_stage(text: &str) -> Option<crate::exchange::fields::StageValue> {
    use crate::exchange::fields::StageValue;
    match text.trim().to_ascii_lowercase().as_str() {
        "won" => Some(StageValue::Won),
        "lost" => Some(StageValue::Lost),
        n => n
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=20).contains(n))
            .map(StageValue::Open),
    }
}

fn import(
    db: &Path,
    args: ImportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), String> {
    use std::sync::atomic::AtomicBool;

    use crate::exchange::fields::{Field, ImportKind};
    use crate::exchange::pipeline::{self, SourceInput};
    use crate::exchange::source::ReadOptions;
    use crate::exchange::values::{DayOrder, match_key};

    if args.kind == "monthly" {
        return import_monthly(db, &args, out);
    }
    let kinds = ImportKind::ALL.map(ImportKind::code).join(", ") + ", monthly";
    let kind = ImportKind::from_code(args.kind)
        .ok_or_else(|| format!("unknown kind \"{}\": use one of {kinds}", args.kind))?;
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    let options = ReadOptions {
        encoding: args.encoding.map(parse_encoding).transpose()?,
        delimiter: None,
        sheet: args.sheet,
    };
    let cancel = AtomicBool::new(false);
    let input = SourceInput::File(args.source.to_owned());
    let table = input
        .read(&options, &|_| {}, &cancel)
        .map_err(|e| format!("{}: {e}", args.source.display()))?;
    let mut settings = pipeline::initial_settings(&store, kind, &table);
    for m in args.map {
        let (column, field) = m
            .rsplit_once('=')
            .ok_or_else(|| format!("--map \"{m}\": write COLUMN=FIELD"))?;
        let index = table
            .headers
            .iter()
            .position(|h| match_key(h) == match_key(column))
            .ok_or_else(|| {
                format!(
                    "--map \"{m}\": the file has no column \"{column}\"; its columns are: {}",
                    table.headers.join(", ")
                )
            })?;
        let field = match field.trim() {
            "-" | "" => None,
            code => {
                let f = Field::from_code(code)
                    .filter(|f| kind.has_field(*f))
                    .ok_or_else(|| {
                        let fields: Vec<&str> =
                            kind.fields().iter().map(|(f, _, _)| f.code()).collect();
                        format!(
                            "--map \"{m}\": \"{code}\" is not a field of {}; use one of {}",
                            kind.code(),
                            fields.join(", ")
                        )
                    })?;
                // A field fills one column: take it away from any other.
                for c in settings.columns.iter_mut() {
                    if *c == Some(f) {
                        *c = None;
                    }
                }
                Some(f)
            }
        };
        if let Some(slot) = settings.columns.get_mut(index) {
            *slot = field;
        }
    }
    for s in args.stages {
        let (value, stage) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("--stage \"{s}\": write VALUE=STAGE"))?;
        let stage = parse_stage(stage).ok_or_else(|| {
            format!("--stage \"{s}\": the stage is a number 1-20, \"won\" or \"lost\"")
        })?;
        settings.stages.insert(match_key(value), stage);
    }
    settings.day_order = match args.day_order {
        None => None,
        Some("mdy") => Some(DayOrder::MonthFirst),
        Some("dmy") => Some(DayOrder::DayFirst),
        Some(other) => return Err(format!("--day-order \"{other}\": use mdy or dmy")),
    };

    let mapped: Vec<String> = table
        .headers
        .iter()
        .zip(&settings.columns)
        .filter_map(|(h, f)| f.map(|f| format!("{h} → {}", f.code())))
        .collect();
    let _ = writeln!(out, "columns: {}", mapped.join(", "));
    let prepared = pipeline::prepare(&store, &table, &settings, kind, &|_| {}, &cancel)
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "read {} rows: {} valid, {} with problems; {} amounts rounded to the fen",
        prepared.rows_read,
        prepared.records.len(),
        prepared.rows_refused,
        prepared.amounts_rounded
    );
    const SHOWN: usize = 200;
    // The problems go to standard error, with the message that ends the command.
    for p in prepared.problems.iter().take(SHOWN) {
        let _ = writeln!(err, "  {}", p.describe(Lang::En));
    }
    if prepared.problems.len() > SHOWN {
        let _ = writeln!(
            err,
            "  … and {} more problems",
            prepared.problems.len() - SHOWN
        );
    }
    let blocked = !prepared.problems.is_empty() && !args.skip_invalid;
    if args.dry_run {
        let _ = writeln!(out, "dry run: nothing written");
        return if prepared.problems.is_empty() {
            Ok(())
        } else {
            Err(problems_in_file(prepared.problems.len()))
        };
    }
    if blocked {
        return Err(format!(
            "{}; nothing imported (correct them, or add --skip-invalid)",
            problems_in_file(prepared.problems.len())
        ));
    }
    let outcome = pipeline::write(
        &mut store,
        &table,
        &settings,
        &prepared,
        args.skip_invalid,
        &|_| {},
        &cancel,
    )
    .map_err(|e| e.to_string())?;
    let created: Vec<String> = outcome
        .created
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    let _ = writeln!(
        out,
        "imported: {} new, {} updated, {} unchanged, {} rows skipped{}",
        outcome.inserted,
        outcome.updated,
        outcome.unchanged,
        outcome.skipped,
        if created.is_empty() {
            String::new()
        } else {
            format!("; created {}", created.join(", "))
        }
    );
    Ok(())
}

fn problems_in_file(count: usize) -> String {
    if count == 1 {
        "1 problem in the file".to_owned()
    } else {
        format!("{count} problems in the file")
    }
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

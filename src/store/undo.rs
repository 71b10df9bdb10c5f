//! Undo and redo for every change to the plan file, kept in the file itself.
//!
//! Each connection installs TEMP triggers on every plan table. While a change runs, they write
//! the SQL that reverses each row change into `undo_log` under the change's step number; a
//! step is one user change (one transaction). Undoing a step replays its statements newest
//! first, inside one transaction, while the triggers record the statements that reverse *that*
//! — which become the redo step. New tables added by later migrations are covered without any
//! extra code, because the triggers are generated from the schema when the file is opened.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// How many undo steps a file keeps.
pub const MAX_UNDO_STEPS: i64 = 500;

/// What a change was, for the Edit menu ("Undo: rename 张伟"): a translation key and a detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLabel {
    pub key: String,
    pub detail: String,
}

impl ChangeLabel {
    pub fn new(key: &str, detail: impl Into<String>) -> Self {
        ChangeLabel {
            key: key.to_owned(),
            detail: detail.into(),
        }
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The plan tables the triggers cover: every table but SQLite's own and the undo log.
fn plan_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
           AND name NOT LIKE 'undo\\_%' ESCAPE '\\'
         ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    names.collect()
}

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    names.collect()
}

const LOG: &str =
    "INSERT INTO main.undo_log (step, sql) VALUES ((SELECT step FROM temp.undo_ctl), ";
const WHEN: &str = "WHEN (SELECT recording FROM temp.undo_ctl)";

/// The name of a table's insert trigger, quoted.
fn insert_trigger_name(table: &str) -> String {
    format!("\"undo_{}_ins\"", table.replace('"', ""))
}

/// The statement creating a table's insert trigger: it records the `DELETE` of each new row.
fn insert_trigger(table: &str) -> String {
    let t = quote_ident(table);
    let t_lit = t.replace('\'', "''");
    format!(
        "CREATE TEMP TRIGGER {name} AFTER INSERT ON main.{t} {WHEN} BEGIN
           {LOG} 'DELETE FROM main.{t_lit} WHERE rowid = ' || new.rowid);
         END;",
        name = insert_trigger_name(table)
    )
}

/// Creates the recording switch and the triggers on this connection.
pub(crate) fn install(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS undo_ctl (recording INTEGER NOT NULL, step INTEGER NOT NULL);
         DELETE FROM temp.undo_ctl;
         INSERT INTO temp.undo_ctl VALUES (0, 0);",
    )?;
    for table in plan_tables(conn)? {
        let cols = columns(conn, &table)?;
        let t = quote_ident(&table);
        // The text of each reversing statement is built by SQL at trigger time; quote() turns
        // every value into an exact literal (text, integer, NULL or blob).
        let set_old = cols
            .iter()
            .map(|c| {
                format!(
                    "'{} = ' || quote(old.{})",
                    quote_ident(c).replace('\'', "''"),
                    quote_ident(c)
                )
            })
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let col_list = cols
            .iter()
            .map(|c| quote_ident(c).replace('\'', "''"))
            .collect::<Vec<_>>()
            .join(", ");
        let old_values = cols
            .iter()
            .map(|c| format!("quote(old.{})", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let name = table.replace('"', "");
        let t_lit = t.replace('\'', "''");
        let insert = insert_trigger(&table);
        conn.execute_batch(&format!(
            "DROP TRIGGER IF EXISTS temp.\"undo_{name}_ins\";
             DROP TRIGGER IF EXISTS temp.\"undo_{name}_upd\";
             DROP TRIGGER IF EXISTS temp.\"undo_{name}_del\";
             {insert}
             CREATE TEMP TRIGGER \"undo_{name}_upd\" AFTER UPDATE ON main.{t} {WHEN} BEGIN
               {LOG} 'UPDATE main.{t_lit} SET ' || {set_old} || ' WHERE rowid = ' || old.rowid);
             END;
             CREATE TEMP TRIGGER \"undo_{name}_del\" AFTER DELETE ON main.{t} {WHEN} BEGIN
               {LOG} 'INSERT INTO main.{t_lit} (rowid, {col_list}) VALUES (' || old.rowid || ', ' || {old_values} || ')');
             END;"
        ))?;
    }
    Ok(())
}

fn next_step(tx: &Transaction) -> rusqlite::Result<i64> {
    tx.query_row(
        "SELECT MAX(IFNULL((SELECT MAX(step) FROM main.undo_steps), 0),
                    IFNULL((SELECT MAX(step) FROM main.undo_log), 0)) + 1",
        [],
        |r| r.get(0),
    )
}

fn start_recording(tx: &Transaction, step: i64) -> rusqlite::Result<()> {
    tx.execute("UPDATE temp.undo_ctl SET recording = 1, step = ?1", [step])?;
    Ok(())
}

fn stop_recording(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute("UPDATE temp.undo_ctl SET recording = 0", [])?;
    Ok(())
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Starts recording a user change; returns its step number.
pub(crate) fn begin_change(tx: &Transaction) -> rusqlite::Result<i64> {
    let step = next_step(tx)?;
    start_recording(tx, step)?;
    Ok(step)
}

/// Ends a user change: keeps it as an undo step if it changed anything, drops the redo steps
/// (a new change starts a new branch) and the oldest steps beyond the limit.
pub(crate) fn end_change(
    tx: &Transaction,
    step: i64,
    label: &ChangeLabel,
) -> rusqlite::Result<bool> {
    stop_recording(tx)?;
    let changed: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.undo_log WHERE step = ?1)",
        [step],
        |r| r.get(0),
    )?;
    if !changed {
        return Ok(false);
    }
    tx.execute_batch(
        "DELETE FROM main.undo_log WHERE step IN (SELECT step FROM main.undo_steps WHERE kind = 'redo');
         DELETE FROM main.undo_steps WHERE kind = 'redo';",
    )?;
    tx.execute(
        "INSERT INTO main.undo_steps (step, kind, label, detail, at) VALUES (?1, 'undo', ?2, ?3, ?4)",
        params![step, label.key, label.detail, now()],
    )?;
    let oldest_kept: Option<i64> = tx
        .query_row(
            "SELECT step FROM main.undo_steps WHERE kind = 'undo' ORDER BY step DESC LIMIT 1 OFFSET ?1",
            [MAX_UNDO_STEPS - 1],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(oldest) = oldest_kept {
        tx.execute("DELETE FROM main.undo_log WHERE step < ?1", [oldest])?;
        tx.execute("DELETE FROM main.undo_steps WHERE step < ?1", [oldest])?;
    }
    Ok(true)
}

/// Rows a change inserts into one table in bulk (an import of a million lines), recorded for
/// undo as runs of consecutive rowids — one `DELETE … WHERE rowid BETWEEN a AND b` per run —
/// instead of one statement per row.
///
/// While it is open, the table's insert trigger is dropped (inside the change's transaction,
/// so a failed change gets it back with everything else): the rows inserted must be pushed
/// here, and nothing else may insert into the table. Updates and deletes are recorded by their
/// triggers as usual. Without a trigger, an insert also needs no statement journal (SQLite
/// copies every page a statement that fires a trigger changes, to undo just that statement).
/// [`BulkInserts::finish`] puts the trigger back and writes the runs last in the step, so
/// undoing deletes these rows before it reverses the rest of the step (such as the people they
/// refer to, created by the same change). Redo is recorded by the delete trigger as usual.
pub(crate) struct BulkInserts {
    table: String,
    runs: Vec<(i64, i64)>,
}

impl BulkInserts {
    pub(crate) fn start(tx: &Transaction, table: &str) -> rusqlite::Result<Self> {
        tx.execute_batch(&format!("DROP TRIGGER temp.{}", insert_trigger_name(table)))?;
        Ok(BulkInserts {
            table: table.to_owned(),
            runs: Vec::new(),
        })
    }

    /// A row inserted.
    pub(crate) fn push(&mut self, rowid: i64) {
        match self.runs.last_mut() {
            Some((_, last)) if rowid.checked_sub(1) == Some(*last) => *last = rowid,
            _ => self.runs.push((rowid, rowid)),
        }
    }

    /// Rows `first..=last` inserted.
    pub(crate) fn push_run(&mut self, first: i64, last: i64) {
        match self.runs.last_mut() {
            Some((_, end)) if first.checked_sub(1) == Some(*end) => *end = last,
            _ => self.runs.push((first, last)),
        }
    }

    /// Puts the insert trigger back and records the runs in the running step.
    pub(crate) fn finish(self, tx: &Transaction) -> rusqlite::Result<()> {
        tx.execute_batch(&insert_trigger(&self.table))?;
        let t = quote_ident(&self.table);
        let mut log = tx.prepare(
            "INSERT INTO main.undo_log (step, sql) VALUES ((SELECT step FROM temp.undo_ctl), ?1)",
        )?;
        for (first, last) in &self.runs {
            log.execute([format!(
                "DELETE FROM main.{t} WHERE rowid BETWEEN {first} AND {last}"
            )])?;
        }
        Ok(())
    }
}

/// Which stack a step is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stack {
    Undo,
    Redo,
}

impl Stack {
    fn code(self) -> &'static str {
        match self {
            Stack::Undo => "undo",
            Stack::Redo => "redo",
        }
    }

    fn other(self) -> Stack {
        match self {
            Stack::Undo => Stack::Redo,
            Stack::Redo => Stack::Undo,
        }
    }
}

/// The label of the step on top of a stack.
pub(crate) fn top(conn: &Connection, stack: Stack) -> rusqlite::Result<Option<ChangeLabel>> {
    conn.query_row(
        "SELECT label, detail FROM main.undo_steps WHERE kind = ?1 ORDER BY step DESC LIMIT 1",
        [stack.code()],
        |r| {
            Ok(ChangeLabel {
                key: r.get(0)?,
                detail: r.get(1)?,
            })
        },
    )
    .optional()
}

/// Reverses the step on top of `stack`, recording the reversal on the other stack. Returns
/// the label of what was reversed, or `None` when the stack is empty.
pub(crate) fn replay(tx: &Transaction, stack: Stack) -> rusqlite::Result<Option<ChangeLabel>> {
    let Some((step, label)) = tx
        .query_row(
            "SELECT step, label, detail FROM main.undo_steps WHERE kind = ?1 ORDER BY step DESC LIMIT 1",
            [stack.code()],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ChangeLabel {
                        key: r.get(1)?,
                        detail: r.get(2)?,
                    },
                ))
            },
        )
        .optional()?
    else {
        return Ok(None);
    };
    let statements: Vec<String> = {
        let mut stmt =
            tx.prepare("SELECT sql FROM main.undo_log WHERE step = ?1 ORDER BY seq DESC")?;
        let rows = stmt.query_map([step], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Rows come back in reverse order, so a child may return before its parent: check foreign
    // keys at commit, when the whole step is back.
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let reversal = next_step(tx)?;
    start_recording(tx, reversal)?;
    for sql in &statements {
        tx.execute_batch(sql)?;
    }
    stop_recording(tx)?;
    tx.execute("DELETE FROM main.undo_log WHERE step = ?1", [step])?;
    tx.execute("DELETE FROM main.undo_steps WHERE step = ?1", [step])?;
    tx.execute(
        "INSERT INTO main.undo_steps (step, kind, label, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            reversal,
            stack.other().code(),
            label.key,
            label.detail,
            now()
        ],
    )?;
    Ok(Some(label))
}

/// Forgets all undo history (after a migration the recorded SQL may no longer fit the schema).
pub(crate) fn clear(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DELETE FROM main.undo_log; DELETE FROM main.undo_steps;")
}

//! Reading a tabular source into rows of text, whatever its format.
//!
//! A source is a CSV/TSV text file in any common encoding, an XLSX, XLS or ODS workbook, or a
//! block of cells pasted from Excel. The format is decided by the file's content, never by its
//! name: real folders hold an `.xlsx` renamed `.csv` and a CSV named `.xls`.
//!
//! This module knows nothing about what the columns mean; it hands the importer a [`Table`]:
//! the header row (the first non-empty row) and the data rows after it, each cell as text with
//! its kind, and each row with the line number a user sees in Excel or a text editor.
//!
//! Nothing here may panic on any input: a colleague's file must never crash the app. Sizes are
//! bounded before anything large is allocated (file size, cell count, and the real uncompressed
//! size of zip-based workbooks, measured by streaming, so a zip bomb is refused cheaply).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::cell::Cell as StdCell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use calamine::{Data, Reader};

use crate::i18n::{Lang, Localized};

/// The format of a source, decided by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SourceFormat {
    Csv,
    Xlsx,
    Xls,
    Ods,
}

impl SourceFormat {
    /// A short, language-neutral name for the format.
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Csv => "CSV",
            SourceFormat::Xlsx => "XLSX",
            SourceFormat::Xls => "XLS",
            SourceFormat::Ods => "ODS",
        }
    }
}

/// The character encoding of a text source. GBK files are read as GB18030 (a superset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 4] = [
        TextEncoding::Utf8,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Gb18030,
    ];

    /// A short, language-neutral name for the encoding, for pickers and messages.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Gb18030 => "GB18030 (GBK)",
        }
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Gb18030 => encoding_rs::GB18030,
        }
    }

    fn is_utf16(self) -> bool {
        matches!(self, TextEncoding::Utf16Le | TextEncoding::Utf16Be)
    }
}

/// What the user chose in the import dialog; `None` everywhere means "work it out".
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `None` = detect.
    pub encoding: Option<TextEncoding>,
    /// `None` = sniff among `b','`, `b';'`, `b'\t'` and `b'|'`.
    pub delimiter: Option<u8>,
    /// `None` = the first sheet with data.
    pub sheet: Option<String>,
}

/// What a cell held in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Empty,
    Text,
    Number,
    Date,
    Bool,
}

/// One cell as text.
///
/// Number cells: `text` is the shortest decimal text that round-trips the spreadsheet's double
/// (`1234.56`, integers without `.0`, never an exponent). Date cells (a date-formatted
/// spreadsheet cell): ISO `2024-01-05`, or `2024-01-05T10:30:00` when it has a time
/// (`.250` is added for milliseconds). A time of day alone or a duration is Text (`10:30:00`,
/// `36:00:00`). Bool: `TRUE`/`FALSE`. Spreadsheet errors such as `#DIV/0!` are Text.
/// CSV cells are always Text, or Empty when the field is empty; the text is kept exactly as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub kind: CellKind,
    pub text: String,
}

impl Cell {
    pub fn empty() -> Cell {
        Cell {
            kind: CellKind::Empty,
            text: String::new(),
        }
    }

    /// A Text cell, or Empty when `text` is empty.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() {
            Cell::empty()
        } else {
            Cell {
                kind: CellKind::Text,
                text,
            }
        }
    }

    fn of(kind: CellKind, text: String) -> Cell {
        Cell { kind, text }
    }

    /// True when the cell shows nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// A source read into rows of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub format: SourceFormat,
    /// What was used for text sources.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// The sheet that was read (spreadsheets).
    pub sheet: Option<String>,
    /// All sheet names (spreadsheets), in workbook order.
    pub sheets: Vec<String>,
    /// The workbook uses the 1904 date system.
    pub date_1904: bool,
    /// The first non-empty row, trimmed, without BOM or zero-width characters.
    pub headers: Vec<String>,
    /// Data rows after the header; blank rows are skipped.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based row number in the source as a user would see it in Excel or a text editor.
    pub line: usize,
    pub cells: Vec<Cell>,
}

pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Cells of a workbook's sheet (where a small file can describe a huge sheet).
pub const MAX_CELLS: u64 = 5_000_000;
/// Cells of a CSV or text file: a million lines of 12 columns. A text file cannot describe
/// more cells than it has bytes, and its size is limited by [`MAX_FILE_BYTES`]; this keeps a
/// file of empty fields (`,,,,`) from taking gigabytes of memory.
pub const MAX_TEXT_CELLS: u64 = 12_000_000;
/// All entries of a zip-based workbook together.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 150 * 1024 * 1024;

/// Why a source could not be read. Every message says what is wrong, where, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceError {
    NotFound {
        path: PathBuf,
    },
    Unreadable {
        path: PathBuf,
        detail: String,
    },
    TooLarge {
        bytes: u64,
        max: u64,
    },
    TooManyCells {
        cells: u64,
        max: u64,
    },
    ZipBomb {
        max: u64,
    },
    /// The content is not a table. `what` names what it is instead (`PNG`, `PDF`, `.docx`…),
    /// or is empty when it is unrecognised binary data.
    NotSpreadsheet {
        what: String,
    },
    /// No non-empty row at all.
    Empty,
    BadEncoding {
        encoding: TextEncoding,
        line: usize,
    },
    /// Detected as one encoding, but a later line is not in it: lines in different encodings.
    MixedEncoding {
        encoding: TextEncoding,
        line: usize,
    },
    /// The file starts with the byte-order mark of `declared`, but its text is in `actual`
    /// (a GBK file an editor marked as UTF-8).
    MislabeledEncoding {
        declared: TextEncoding,
        actual: TextEncoding,
    },
    /// A byte-order mark after the start of the text: files joined together (`copy a+b`).
    BomInside {
        line: usize,
    },
    /// A web page (HTML, or a single-file MHTML page) with a spreadsheet's name, as some
    /// systems export "Excel" files.
    WebPage,
    /// Excel's XML Spreadsheet 2003 format.
    XmlSpreadsheet,
    Malformed {
        line: usize,
        detail: String,
    },
    /// A quoted CSV field opened on `line` is never closed.
    UnclosedQuote {
        line: usize,
    },
    NoSuchSheet {
        sheet: String,
        sheets: Vec<String>,
    },
    /// The workbook is encrypted with a password.
    Protected,
    Cancelled,
    Workbook {
        detail: String,
    },
}

impl Localized for SourceError {
    fn message_key(&self) -> &'static str {
        match self {
            SourceError::NotFound { .. } => "err.source.not_found",
            SourceError::Unreadable { .. } => "err.source.unreadable",
            SourceError::TooLarge { .. } => "err.source.too_large",
            SourceError::TooManyCells { .. } => "err.source.too_many_cells",
            SourceError::ZipBomb { .. } => "err.source.zip_bomb",
            SourceError::NotSpreadsheet { what } if what.is_empty() => {
                "err.source.not_spreadsheet_unknown"
            }
            SourceError::NotSpreadsheet { .. } => "err.source.not_spreadsheet",
            SourceError::Empty => "err.source.empty",
            SourceError::BadEncoding { .. } => "err.source.bad_encoding",
            SourceError::MixedEncoding { .. } => "err.source.mixed_encoding",
            SourceError::MislabeledEncoding { .. } => "err.source.mislabeled_encoding",
            SourceError::BomInside { .. } => "err.source.bom_inside",
            SourceError::WebPage => "err.source.web_page",
            SourceError::XmlSpreadsheet => "err.source.xml_spreadsheet",
            SourceError::Malformed { .. } => "err.source.malformed",
            SourceError::UnclosedQuote { .. } => "err.source.unclosed_quote",
            SourceError::NoSuchSheet { .. } => "err.source.no_such_sheet",
            SourceError::Protected => "err.source.protected",
            SourceError::Cancelled => "err.source.cancelled",
            SourceError::Workbook { .. } => "err.source.workbook",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            SourceError::NotFound { path } => vec![("path", path.display().to_string())],
            SourceError::Unreadable { path, detail } => vec![
                ("path", path.display().to_string()),
                ("detail", detail.clone()),
            ],
            SourceError::TooLarge { bytes, max } => vec![
                ("bytes", bytes.to_string()),
                ("max", max.to_string()),
                ("max_mb", (max / (1024 * 1024)).to_string()),
            ],
            SourceError::TooManyCells { cells, max } => {
                vec![("cells", cells.to_string()), ("max", max.to_string())]
            }
            SourceError::ZipBomb { max } => vec![
                ("max", max.to_string()),
                ("max_mb", (max / (1024 * 1024)).to_string()),
            ],
            SourceError::NotSpreadsheet { what } => vec![("what", what.clone())],
            SourceError::BadEncoding { encoding, line }
            | SourceError::MixedEncoding { encoding, line } => vec![
                ("encoding", encoding.label().to_owned()),
                ("line", line.to_string()),
            ],
            SourceError::MislabeledEncoding { declared, actual } => vec![
                ("declared", declared.label().to_owned()),
                ("actual", actual.label().to_owned()),
            ],
            SourceError::Malformed { line, detail } => {
                vec![("line", line.to_string()), ("detail", detail.clone())]
            }
            SourceError::UnclosedQuote { line } | SourceError::BomInside { line } => {
                vec![("line", line.to_string())]
            }
            SourceError::NoSuchSheet { sheet, sheets } => {
                vec![("sheet", sheet.clone()), ("sheets", sheets.join(", "))]
            }
            SourceError::Workbook { detail } => vec![("detail", detail.clone())],
            SourceError::Empty
            | SourceError::Protected
            | SourceError::Cancelled
            | SourceError::WebPage
            | SourceError::XmlSpreadsheet => Vec::new(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for SourceError {}

// ---------------------------------------------------------------------------------------------
// Progress and cancellation

/// How often long loops report progress and check for cancellation.
const PROGRESS_BYTES: usize = 64 * 1024;
const PROGRESS_ROWS: usize = 10_000;

/// Progress reporting over a sub-range of 0.0..=1.0, never going backwards, plus cancellation.
struct Ctl<'a> {
    progress: &'a dyn Fn(f32),
    cancel: &'a AtomicBool,
    lo: f32,
    hi: f32,
    last: &'a StdCell<f32>,
}

impl<'a> Ctl<'a> {
    /// Reports `fraction` of this part done, then checks for cancellation.
    fn at(&self, fraction: f32) -> Result<(), SourceError> {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let p = (self.lo + (self.hi - self.lo) * fraction).clamp(0.0, 1.0);
        if p > self.last.get() {
            self.last.set(p);
            (self.progress)(p);
        }
        self.check()
    }

    fn check(&self) -> Result<(), SourceError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(SourceError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The part `from..to` of this part.
    fn part(&self, from: f32, to: f32) -> Ctl<'a> {
        let span = self.hi - self.lo;
        Ctl {
            progress: self.progress,
            cancel: self.cancel,
            lo: self.lo + span * from,
            hi: self.lo + span * to,
            last: self.last,
        }
    }
}

fn ratio(done: usize, total: usize) -> f32 {
    if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64) as f32
    }
}

/// Runs `body` with progress and cancellation, reporting 1.0 on success.
fn with_ctl<T>(
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
    body: impl FnOnce(&Ctl<'_>) -> Result<T, SourceError>,
) -> Result<T, SourceError> {
    let last = StdCell::new(-1.0_f32);
    let ctl = Ctl {
        progress,
        cancel,
        lo: 0.0,
        hi: 1.0,
        last: &last,
    };
    ctl.at(0.0)?;
    let value = body(&ctl)?;
    ctl.at(1.0)?;
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/// Reads the file at `path`. Files over [`MAX_FILE_BYTES`] are refused before they are read.
pub fn read_path(
    path: &Path,
    options: &ReadOptions,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<Table, SourceError> {
    with_ctl(progress, cancel, |ctl| {
        let bytes = read_file(path, &ctl.part(0.0, 0.2))?;
        let name = path.to_string_lossy();
        read_any(&name, &bytes, options, &ctl.part(0.2, 1.0))
    })
}

/// Reads a source held in memory; `name` is only a hint (a `.tsv` name makes a single-column
/// file tab-separated), the format is decided by the content.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<Table, SourceError> {
    with_ctl(progress, cancel, |ctl| read_any(name, bytes, options, ctl))
}

/// Reads a tab-separated block copied from Excel (cells with tabs, line breaks or quotes are
/// quoted as Excel writes them). Row numbers are lines of the pasted text.
pub fn read_pasted(text: &str) -> Result<Table, SourceError> {
    let cancel = AtomicBool::new(false);
    with_ctl(&|_: f32| {}, &cancel, |ctl| {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut table = parse_delimited(text, b'\t', ctl)?;
        table.encoding = None;
        Ok(table)
    })
}

fn read_file(path: &Path, ctl: &Ctl<'_>) -> Result<Vec<u8>, SourceError> {
    let unreadable = |e: std::io::Error| SourceError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SourceError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            unreadable(e)
        }
    })?;
    if meta.is_dir() {
        return Err(SourceError::Unreadable {
            path: path.to_path_buf(),
            detail: "it is a folder, not a file".to_owned(),
        });
    }
    let size = meta.len();
    if size > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge {
            bytes: size,
            max: MAX_FILE_BYTES,
        });
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // The file may grow while it is read: never take more than the limit allows.
    let mut reader = file.take(MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut chunk = vec![0_u8; 1024 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        };
        bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(SourceError::TooLarge {
                bytes: bytes.len() as u64,
                max: MAX_FILE_BYTES,
            });
        }
        ctl.at(ratio(
            bytes.len(),
            usize::try_from(size).unwrap_or(usize::MAX),
        ))?;
    }
    Ok(bytes)
}

fn read_any(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    ctl: &Ctl<'_>,
) -> Result<Table, SourceError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge {
            bytes: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    match classify(bytes)? {
        Some(SourceFormat::Xlsx) => {
            check_zip_size(bytes, &ctl.part(0.0, 0.3))?;
            guard(|| read_xlsx(bytes, options, &ctl.part(0.3, 1.0)))
        }
        Some(SourceFormat::Ods) => {
            check_zip_size(bytes, &ctl.part(0.0, 0.2))?;
            check_ods(bytes, &ctl.part(0.2, 0.3))?;
            guard(|| read_ods(bytes, options, &ctl.part(0.3, 1.0)))
        }
        Some(SourceFormat::Xls) => guard(|| read_xls(bytes, options, ctl)),
        Some(SourceFormat::Csv) | None => read_text(name, bytes, options, ctl),
    }
}

/// Runs a third-party workbook parser; should it panic on a damaged file, the app gets an
/// error rather than a crash.
fn guard<T>(body: impl FnOnce() -> Result<T, SourceError>) -> Result<T, SourceError> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(_) => Err(SourceError::Workbook {
            detail: "the workbook's structure is not as expected".to_owned(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Format detection

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// The spreadsheet format of a file from its first bytes (a few KB are enough for files
/// written by Excel and LibreOffice), or `None` when it is not a spreadsheet; whether it is
/// text is then for the caller to decide.
pub fn detect_format(head: &[u8]) -> Option<SourceFormat> {
    if head.starts_with(OLE2_MAGIC) {
        return Some(SourceFormat::Xls);
    }
    if !is_zip(head) {
        return None;
    }
    // The whole file: its central directory lists every entry.
    if let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(head)) {
        return zip_format(&mut archive).ok();
    }
    // Only the head: walk the local entries it holds.
    scan_zip_head(head)
}

/// Looks at the local file headers in the start of a (possibly cut) zip file: an ODS file
/// begins with an uncompressed `mimetype` entry, an XLSX file has entries under `xl/`.
fn scan_zip_head(head: &[u8]) -> Option<SourceFormat> {
    let u16_at = |at: usize| -> Option<usize> {
        let b = head.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_le_bytes([*b.first()?, *b.get(1)?])))
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b = head.get(at..at.checked_add(4)?)?;
        let v = u32::from_le_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?]);
        usize::try_from(v).ok()
    };
    let mut at = 0;
    while let Some(found) = head
        .get(at..)
        .and_then(|rest| rest.windows(4).position(|w| w == b"PK\x03\x04"))
    {
        let header = at + found;
        at = header + 4;
        let (Some(method), Some(size), Some(name_len), Some(extra_len)) = (
            u16_at(header + 8),
            u32_at(header + 18),
            u16_at(header + 26),
            u16_at(header + 28),
        ) else {
            break;
        };
        let name_start = header + 30;
        let Some(name) = head.get(name_start..name_start + name_len) else {
            break;
        };
        if name == b"mimetype" && method == 0 {
            let data_start = name_start + name_len + extra_len;
            let mime = head.get(data_start..data_start.saturating_add(size))?;
            let mime = String::from_utf8_lossy(mime);
            let mime = mime.trim();
            return (mime == ODS_MIME || mime == ODS_TEMPLATE_MIME).then_some(SourceFormat::Ods);
        }
        if name.starts_with(b"xl/") {
            return Some(SourceFormat::Xlsx);
        }
    }
    None
}

const ODS_TEMPLATE_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet-template";

/// Reads at most `limit` bytes of a zip entry as text.
fn read_prefix(entry: impl Read, limit: u64) -> Option<String> {
    let mut out = Vec::new();
    entry.take(limit).read_to_end(&mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// What a zip archive holds: an XLSX or ODS workbook, or an error naming what it is instead.
fn zip_format<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Result<SourceFormat, SourceError> {
    if let Ok(entry) = archive.by_name("mimetype") {
        let mime = read_prefix(entry, 256).unwrap_or_default();
        let mime = mime.trim();
        if mime == ODS_MIME || mime == ODS_TEMPLATE_MIME {
            return Ok(SourceFormat::Ods);
        }
        let what = match mime {
            m if m.starts_with("application/vnd.oasis.opendocument.text") => ".odt",
            m if m.starts_with("application/vnd.oasis.opendocument.presentation") => ".odp",
            m if m.starts_with("application/vnd.oasis.opendocument") => "OpenDocument",
            m if m.starts_with("application/epub") => "EPUB",
            _ => "ZIP",
        };
        return Err(not_spreadsheet(what));
    }
    if let Ok(entry) = archive.by_name("[Content_Types].xml") {
        let types = read_prefix(entry, 1024 * 1024).unwrap_or_default();
        if types.contains("spreadsheetml") {
            return Ok(SourceFormat::Xlsx);
        }
        let what = if types.contains("ms-excel.sheet.binary") {
            ".xlsb"
        } else if types.contains("wordprocessingml") {
            ".docx"
        } else if types.contains("presentationml") {
            ".pptx"
        } else {
            "ZIP"
        };
        return Err(not_spreadsheet(what));
    }
    Err(not_spreadsheet("ZIP"))
}

fn not_spreadsheet(what: &str) -> SourceError {
    SourceError::NotSpreadsheet {
        what: what.to_owned(),
    }
}

/// Well-known binary formats that are not tables, by their magic bytes.
fn binary_magic(bytes: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"%PDF-", "PDF"),
        (b"Rar!\x1a\x07", "RAR"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"\x1f\x8b", "gzip"),
        (b"SQLite format 3\0", "SQLite"),
        (b"MZ", "EXE"),
        (b"\x7fELF", "ELF"),
    ];
    MAGICS
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

/// The format of a whole file: `Some` for spreadsheets, `None` for (possible) text.
fn classify(bytes: &[u8]) -> Result<Option<SourceFormat>, SourceError> {
    if bytes.starts_with(OLE2_MAGIC) {
        return Ok(Some(SourceFormat::Xls));
    }
    if is_zip(bytes) {
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SourceError::Workbook {
                detail: format!("the zip container is damaged or incomplete: {e}"),
            })?;
        return zip_format(&mut archive).map(Some);
    }
    if let Some(what) = binary_magic(bytes) {
        return Err(not_spreadsheet(what));
    }
    Ok(None)
}

/// Refuses a zip-based workbook whose entries together expand to more than
/// [`MAX_UNCOMPRESSED_BYTES`]. The sizes in the zip headers are not trusted: every entry is
/// decompressed as a stream and counted, through a bound, so memory stays small. Reading
/// every entry to its end also checks its CRC, so a damaged file stops here.
///
/// The shared-strings table is also checked: calamine reserves room for as many strings as
/// its `uniqueCount` attribute says, so that number must fit what the entry holds.
fn check_zip_size(bytes: &[u8], ctl: &Ctl<'_>) -> Result<(), SourceError> {
    let damaged = |e: &dyn fmt::Display| SourceError::Workbook {
        detail: format!("the zip container is damaged or incomplete: {e}"),
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut total: u64 = 0;
    let mut buf = vec![0_u8; PROGRESS_BYTES];
    let mut since_check = 0_usize;
    let entries = archive.len();
    for index in 0..entries {
        let entry = archive.by_index(index).map_err(|e| damaged(&e))?;
        let shared_strings = entry
            .name()
            .map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
            .unwrap_or(false);
        let mut head: Vec<u8> = Vec::new();
        let mut entry_size: u64 = 0;
        let remaining = MAX_UNCOMPRESSED_BYTES.saturating_sub(total);
        let mut limited = entry.take(remaining.saturating_add(1));
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(damaged(&e)),
            };
            total = total.saturating_add(n as u64);
            entry_size = entry_size.saturating_add(n as u64);
            if total > MAX_UNCOMPRESSED_BYTES {
                return Err(SourceError::ZipBomb {
                    max: MAX_UNCOMPRESSED_BYTES,
                });
            }
            if shared_strings && head.len() < SST_HEAD_BYTES {
                let take = n.min(SST_HEAD_BYTES - head.len());
                head.extend_from_slice(buf.get(..take).unwrap_or_default());
            }
            since_check += n;
            if since_check >= 16 * PROGRESS_BYTES {
                since_check = 0;
                ctl.check()?;
            }
        }
        if shared_strings {
            check_shared_strings(&head, entry_size)?;
        }
        ctl.at(ratio(index + 1, entries))?;
    }
    Ok(())
}

/// How much of the shared-strings XML must hold its root tag.
const SST_HEAD_BYTES: usize = 1024 * 1024;

/// Refuses a shared-strings table that declares more strings than its size can hold (each
/// takes at least `<si/>`, five bytes).
fn check_shared_strings(head: &[u8], entry_size: u64) -> Result<(), SourceError> {
    let refuse = || SourceError::Workbook {
        detail: "the shared strings table declares more strings than it holds".to_owned(),
    };
    // The root element's start tag: the first `<` that opens neither `<?` nor `<!`.
    let mut rest = head;
    let tag = loop {
        let Some(open) = rest.iter().position(|b| *b == b'<') else {
            // No element within the head: a file this odd is not passed on.
            return if entry_size as usize > head.len() {
                Err(refuse())
            } else {
                Ok(())
            };
        };
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.iter().position(|b| *b == b'>') else {
            return if entry_size as usize > head.len() {
                Err(refuse())
            } else {
                Ok(())
            };
        };
        let inside = after.get(..close).unwrap_or_default();
        rest = after.get(close + 1..).unwrap_or_default();
        if !matches!(inside.first(), Some(b'?' | b'!')) {
            break inside;
        }
    };
    let text = String::from_utf8_lossy(tag);
    let Some(at) = text.find("uniqueCount") else {
        return Ok(());
    };
    let value = text
        .get(at + "uniqueCount".len()..)
        .unwrap_or_default()
        .trim_start()
        .trim_start_matches('=')
        .trim_start()
        .trim_start_matches(['"', '\''])
        .trim_start();
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Ok(());
    }
    let declared: u64 = digits.parse().unwrap_or(u64::MAX);
    if declared > entry_size / 5 + 16 {
        return Err(refuse());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Text: encodings

/// The encoding of a text file: its BOM; else UTF-16 recognised by its pattern of NUL bytes;
/// else UTF-8 when the bytes are valid UTF-8; else what chardetng guesses, GB18030 for
/// Chinese (GBK) text.
///
/// The app's encodings are Unicode and GB18030: when chardetng finds a single-byte (Western)
/// encoding the file is read as UTF-8 with replacement characters, which a user sees at once.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16Le;
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16Be;
    }
    if let Some(utf16) = utf16_by_nul_pattern(bytes) {
        return utf16;
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => return TextEncoding::Utf8,
        // Only an incomplete character at the very end: a cut-off UTF-8 file.
        Err(e) if e.error_len().is_none() => return TextEncoding::Utf8,
        Err(_) => {}
    }
    let sample = bytes.get(..1024 * 1024).unwrap_or(bytes);
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(None, true);
    if guess == encoding_rs::UTF_8 || guess.is_single_byte() {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    }
}

/// UTF-16 without a BOM: text that is mostly ASCII (digits, commas, line breaks) has a NUL in
/// every other byte, odd positions for little-endian and even ones for big-endian.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = bytes.get(..8192).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let mut even = 0_usize;
    let mut odd = 0_usize;
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    // At least a fifth of the characters are ASCII, and the NULs sit on one side.
    if odd * 5 >= pairs && odd >= even.saturating_mul(4).max(1) {
        Some(TextEncoding::Utf16Le)
    } else if even * 5 >= pairs && even >= odd.saturating_mul(4).max(1) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

fn strip_bom(bytes: &[u8], encoding: TextEncoding) -> &[u8] {
    let bom: &[u8] = match encoding {
        TextEncoding::Utf8 => &[0xEF, 0xBB, 0xBF],
        TextEncoding::Utf16Le => &[0xFF, 0xFE],
        TextEncoding::Utf16Be => &[0xFE, 0xFF],
        TextEncoding::Gb18030 => &[0x84, 0x31, 0x95, 0x33],
    };
    bytes.strip_prefix(bom).unwrap_or(bytes)
}

/// Decodes `bytes` in chunks. `strict`: a malformed sequence is an error naming its line;
/// otherwise it becomes U+FFFD.
fn decode(
    bytes: &[u8],
    encoding: TextEncoding,
    strict: bool,
    ctl: &Ctl<'_>,
) -> Result<String, SourceError> {
    let mut decoder = encoding.encoding().new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len().saturating_add(bytes.len() / 2));
    let mut chunks = bytes.chunks(PROGRESS_BYTES).peekable();
    let mut done = 0_usize;
    if bytes.is_empty() {
        return Ok(out);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let mut rest = chunk;
        loop {
            if let Some(need) = decoder.max_utf8_buffer_length(rest.len()) {
                out.reserve(need);
            } else {
                out.reserve(rest.len().saturating_mul(3).saturating_add(16));
            }
            if strict {
                let (result, read) =
                    decoder.decode_to_string_without_replacement(rest, &mut out, last);
                rest = rest.get(read..).unwrap_or_default();
                match result {
                    encoding_rs::DecoderResult::InputEmpty => break,
                    encoding_rs::DecoderResult::OutputFull => continue,
                    encoding_rs::DecoderResult::Malformed(_, _) => {
                        let line = out.matches('\n').count() + 1;
                        return Err(SourceError::BadEncoding { encoding, line });
                    }
                }
            } else {
                let (result, read, _) = decoder.decode_to_string(rest, &mut out, last);
                rest = rest.get(read..).unwrap_or_default();
                match result {
                    encoding_rs::CoderResult::InputEmpty => break,
                    encoding_rs::CoderResult::OutputFull => continue,
                }
            }
        }
        done += chunk.len();
        ctl.at(ratio(done, bytes.len()))?;
    }
    Ok(out)
}

/// A web page or an XML spreadsheet with a spreadsheet's name, from its first bytes (markup
/// starts with ASCII in every encoding but UTF-16, which is not used for these).
fn markup(body: &[u8]) -> Option<SourceError> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = body.get(start..).unwrap_or_default();
    let head = head.get(..4096).unwrap_or(head);
    let lower = head.to_ascii_lowercase();
    let starts = |prefix: &str| lower.starts_with(prefix.as_bytes());
    let contains = |needle: &str| lower.windows(needle.len()).any(|w| w == needle.as_bytes());
    if starts("<!doctype html") || starts("<html") || starts("<table") || starts("mime-version:") {
        return Some(SourceError::WebPage);
    }
    if starts("<?xml") {
        if contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Some(SourceError::XmlSpreadsheet);
        }
        if contains("<html") {
            return Some(SourceError::WebPage);
        }
        return Some(not_spreadsheet("XML"));
    }
    None
}

/// True when decoded text looks like binary data: too many control or replacement characters.
fn looks_binary(text: &str) -> bool {
    let mut total = 0_usize;
    let mut bad = 0_usize;
    for c in text.chars().take(1_000_000) {
        total += 1;
        let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1a');
        if control || c == '\u{FFFD}' {
            bad += 1;
        }
    }
    bad > 0 && bad.saturating_mul(20) > total
}

// ---------------------------------------------------------------------------------------------
// Text: delimiters and quotes

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
const SNIFF_LINES: usize = 50;

/// Splits text into records (line breaks inside quotes do not end one) the way the csv crate
/// does: a quote opens a quoted field only at the start of a field; `""` inside it is a quote.
struct RecordScanner<'t> {
    bytes: &'t [u8],
    pos: usize,
    delimiter: u8,
}

/// One record found by [`RecordScanner`].
struct ScannedRecord {
    /// Delimiters outside quotes.
    delimiters: usize,
    /// The record has any content at all (csv skips empty lines).
    non_empty: bool,
    /// Byte offset where a quote opened that was never closed.
    open_quote: Option<usize>,
}

impl<'t> RecordScanner<'t> {
    fn new(text: &'t str, delimiter: u8) -> Self {
        RecordScanner {
            bytes: text.as_bytes(),
            pos: 0,
            delimiter,
        }
    }
}

impl Iterator for RecordScanner<'_> {
    type Item = ScannedRecord;

    fn next(&mut self) -> Option<ScannedRecord> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let mut delimiters = 0;
        let mut non_empty = false;
        let mut at_field_start = true;
        let mut in_quotes = false;
        let mut quote_at = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            if in_quotes {
                if b == b'"' {
                    if self.bytes.get(self.pos) == Some(&b'"') {
                        self.pos += 1;
                    } else {
                        in_quotes = false;
                    }
                }
                continue;
            }
            match b {
                b'\n' | b'\r' => {
                    return Some(ScannedRecord {
                        delimiters,
                        non_empty,
                        open_quote: None,
                    });
                }
                b'"' if at_field_start => {
                    in_quotes = true;
                    quote_at = self.pos - 1;
                    at_field_start = false;
                    non_empty = true;
                }
                _ if b == self.delimiter => {
                    delimiters += 1;
                    at_field_start = true;
                    non_empty = true;
                }
                _ => {
                    at_field_start = false;
                    non_empty = true;
                }
            }
        }
        Some(ScannedRecord {
            delimiters,
            non_empty,
            open_quote: in_quotes.then_some(quote_at),
        })
    }
}

/// The delimiter that gives the most consistent column count (more than one column) over the
/// first 50 non-empty records, among comma, semicolon, tab and pipe. A file with a single
/// column gets a comma.
pub fn sniff_delimiter(text: &str) -> u8 {
    sniff(text).unwrap_or(b',')
}

fn sniff(text: &str) -> Option<u8> {
    // 50 records rarely need more than this; a quote left open cannot make sniffing slow.
    let text = prefix_at_char_boundary(text, 256 * 1024);
    let mut best: Option<(usize, usize, u8)> = None;
    for delimiter in DELIMITERS {
        let counts: Vec<usize> = RecordScanner::new(text, delimiter)
            .filter(|r| r.non_empty)
            .take(SNIFF_LINES)
            .map(|r| r.delimiters)
            .collect();
        // The most frequent count (the larger on a tie) and how often it occurs.
        let mut freq: BTreeMap<usize, usize> = BTreeMap::new();
        for c in &counts {
            *freq.entry(*c).or_insert(0) += 1;
        }
        let Some((mode, times)) = freq
            .iter()
            .map(|(c, n)| (*c, *n))
            .max_by_key(|(c, n)| (*n, *c))
        else {
            continue;
        };
        if mode == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((best_times, best_mode, _)) => (times, mode) > (best_times, best_mode),
        };
        if better {
            best = Some((times, mode, delimiter));
        }
    }
    best.map(|(_, _, d)| d)
}

fn prefix_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or(text)
}

/// Counts physical lines (`\n`, `\r\n` or a lone `\r` each end one) up to byte offsets that
/// only move forward.
struct LineCounter<'t> {
    bytes: &'t [u8],
    pos: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line of byte `offset`.
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        while self.pos < offset {
            self.step();
        }
        self.line
    }

    /// The line where a record starts whose bytes begin at `offset` or, as the csv crate
    /// reports it, at the line breaks (empty lines included) just before it.
    fn record_line(&mut self, offset: usize) -> usize {
        self.line_at(offset);
        while matches!(self.bytes.get(self.pos), Some(b'\n' | b'\r')) {
            self.step();
        }
        self.line
    }

    fn step(&mut self) {
        match self.bytes.get(self.pos) {
            Some(b'\n') => self.line += 1,
            Some(b'\r') if self.bytes.get(self.pos + 1) != Some(&b'\n') => self.line += 1,
            _ => {}
        }
        self.pos += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Text: reading

fn read_text(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    ctl: &Ctl<'_>,
) -> Result<Table, SourceError> {
    let chosen = options.encoding;
    let encoding = chosen.unwrap_or_else(|| detect_encoding(bytes));
    let body = strip_bom(bytes, encoding);
    if let Some(e) = markup(body) {
        return Err(e);
    }
    if !encoding.is_utf16()
        && let Some(nul) = body.iter().position(|b| *b == 0)
    {
        // NUL bytes belong to UTF-16 or to binary data, never to 8-bit text.
        if chosen.is_some() {
            let line = body
                .get(..nul)
                .unwrap_or_default()
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(SourceError::BadEncoding { encoding, line });
        }
        return Err(not_spreadsheet(""));
    }
    // Always strict: a byte that is not text in the chosen or detected encoding is reported
    // with its line, never turned into a replacement character that would be imported as
    // part of a name (a file mixing UTF-8 and GBK lines is the usual cause).
    let labelled = body.len() < bytes.len();
    // Valid UTF-8 (most files) is used as it is: decoding it would only copy it.
    let valid_utf8 = match encoding {
        TextEncoding::Utf8 => std::str::from_utf8(body).ok(),
        _ => None,
    };
    let text: std::borrow::Cow<str> = match valid_utf8 {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(
            decode(body, encoding, true, &ctl.part(0.0, 0.3)).map_err(|e| match e {
                // The very first line is not in the encoding its byte-order mark declares:
                // the whole file is in another one (an editor put a UTF-8 mark in front of GBK
                // text).
                SourceError::BadEncoding { encoding, line: 1 }
                    if chosen.is_none()
                        && labelled
                        && encoding == TextEncoding::Utf8
                        && encoding_rs::GB18030
                            .decode_without_bom_handling_and_without_replacement(body)
                            .is_some() =>
                {
                    SourceError::MislabeledEncoding {
                        declared: encoding,
                        actual: TextEncoding::Gb18030,
                    }
                }
                SourceError::BadEncoding { encoding, line } if chosen.is_none() && line > 1 => {
                    SourceError::MixedEncoding { encoding, line }
                }
                e => e,
            })?,
        ),
    };
    if looks_binary(&text) {
        return Err(not_spreadsheet(""));
    }
    // A second BOM, or one that survived a user-chosen encoding, is not data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // One at the start of a later line marks another file joined to this one: its header row
    // would be imported as data, the mark hidden in the first name. (Elsewhere in a cell it is
    // a stray zero-width character, cleaned like the others.)
    if let Some((at, _)) = text
        .match_indices("\u{feff}")
        .find(|(at, _)| matches!(text.as_bytes().get(at.wrapping_sub(1)), Some(b'\n' | b'\r')))
    {
        let line = LineCounter::new(text).line_at(at);
        return Err(SourceError::BomInside { line });
    }
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => sniff(text).unwrap_or_else(|| {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".tsv") || lower.ends_with(".tab") {
                b'\t'
            } else {
                b','
            }
        }),
    };
    let mut table = parse_delimited(text, delimiter, &ctl.part(0.3, 1.0))?;
    table.encoding = Some(encoding);
    Ok(table)
}

/// Parses delimited text with the csv crate (quoted fields with delimiters, doubled quotes and
/// line breaks; rows of any length).
fn parse_delimited(text: &str, delimiter: u8, ctl: &Ctl<'_>) -> Result<Table, SourceError> {
    // A quote that never closes would swallow the rest of the file into one cell.
    if let Some(open) = RecordScanner::new(text, delimiter)
        .last()
        .and_then(|r| r.open_quote)
    {
        let line = LineCounter::new(text).line_at(open);
        return Err(SourceError::UnclosedQuote { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut builder = TableBuilder::with_max(MAX_TEXT_CELLS);
    let mut record = csv::StringRecord::new();
    let mut records = 0_usize;
    let mut next_report = PROGRESS_BYTES;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let offset = e
                    .position()
                    .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
                    .unwrap_or(0);
                return Err(SourceError::Malformed {
                    line: lines.line_at(offset),
                    detail: e.to_string(),
                });
            }
        }
        let start = record
            .position()
            .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .unwrap_or(0);
        let line = lines.record_line(start);
        builder.check_cells(record.len())?;
        let cells = record.iter().map(Cell::text).collect();
        builder.push(line, cells)?;
        records += 1;
        if records.is_multiple_of(PROGRESS_ROWS) || start >= next_report {
            next_report = start.saturating_add(PROGRESS_BYTES);
            ctl.at(ratio(start, text.len()))?;
        }
    }
    builder.finish(SourceFormat::Csv).map(|mut table| {
        table.delimiter = Some(delimiter);
        table
    })
}

// ---------------------------------------------------------------------------------------------
// Rows to table

/// Collects the header (the first row with any non-blank cell) and the non-blank rows after
/// it, counting cells against [`MAX_CELLS`] (workbooks) or [`MAX_TEXT_CELLS`] (text).
struct TableBuilder {
    headers: Option<Vec<String>>,
    rows: Vec<Row>,
    cells: u64,
    max: u64,
}

impl Default for TableBuilder {
    fn default() -> Self {
        TableBuilder::with_max(MAX_CELLS)
    }
}

impl TableBuilder {
    fn with_max(max: u64) -> Self {
        TableBuilder {
            headers: None,
            rows: Vec::new(),
            cells: 0,
            max,
        }
    }

    /// Refuses a row of `count` cells that would take the table over the limit, before the
    /// row is built.
    fn check_cells(&self, count: usize) -> Result<(), SourceError> {
        let cells = self.cells.saturating_add(count as u64);
        if cells > self.max {
            return Err(SourceError::TooManyCells {
                cells,
                max: self.max,
            });
        }
        Ok(())
    }

    fn push(&mut self, line: usize, cells: Vec<Cell>) -> Result<(), SourceError> {
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        self.check_cells(cells.len())?;
        self.cells = self.cells.saturating_add(cells.len() as u64);
        if self.headers.is_none() {
            self.headers = Some(cells.iter().map(|c| clean_header(&c.text)).collect());
        } else {
            self.rows.push(Row { line, cells });
        }
        Ok(())
    }

    fn finish(self, format: SourceFormat) -> Result<Table, SourceError> {
        let headers = self.headers.ok_or(SourceError::Empty)?;
        Ok(Table {
            format,
            encoding: None,
            delimiter: None,
            sheet: None,
            sheets: Vec::new(),
            date_1904: false,
            headers,
            rows: self.rows,
        })
    }
}

/// A header text trimmed, without BOM or zero-width characters.
fn clean_header(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            )
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet cells

/// A spreadsheet number as the shortest decimal text that round-trips it, without exponent,
/// integers without `.0`; `None` for NaN and infinities.
pub fn number_text(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some("0".to_owned());
    }
    // Rust's `Display` for f64 is the shortest round-trip text and never uses an exponent.
    Some(format!("{value}"))
}

fn cell_from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::empty(),
        Data::String(s) => Cell::text(s.as_str()),
        Data::Int(i) => Cell::of(CellKind::Number, i.to_string()),
        Data::Float(f) => match number_text(*f) {
            Some(text) => Cell::of(CellKind::Number, text),
            None => Cell::text(f.to_string()),
        },
        Data::Bool(b) => Cell::of(CellKind::Bool, if *b { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(dt) => excel_datetime_cell(dt),
        Data::DateTimeIso(s) => iso_datetime_cell(s),
        Data::DurationIso(s) => iso_duration_cell(s),
        Data::Error(e) => Cell::text(e.to_string()),
    }
}

/// A date-formatted Excel serial number as ISO text.
fn excel_datetime_cell(dt: &calamine::ExcelDateTime) -> Cell {
    let serial = dt.as_f64();
    if !serial.is_finite() {
        return Cell::text(serial.to_string());
    }
    if dt.is_duration() {
        return Cell::text(duration_text(serial * 86_400.0));
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let time = time_text(h, mi, s, ms);
    if (0.0..1.0).contains(&serial) {
        // A time of day without a date is not a date: Text, as Excel shows it.
        return Cell::text(time);
    }
    let date = format!("{y:04}-{mo:02}-{d:02}");
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        Cell::of(CellKind::Date, date)
    } else {
        Cell::of(CellKind::Date, format!("{date}T{time}"))
    }
}

fn time_text(h: u8, mi: u8, s: u8, ms: u16) -> String {
    if ms == 0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
    }
}

/// A duration in seconds as `h:mm:ss` (hours may exceed 24), as Excel shows `[h]:mm:ss`.
fn duration_text(seconds: f64) -> String {
    let negative = seconds < 0.0;
    let total = seconds.abs().round();
    let total = if total > 1e15 { 1e15 } else { total } as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    format!("{}{h}:{m:02}:{s:02}", if negative { "-" } else { "" })
}

/// An ISO date or date-time (ODS `date-value`, XLSX `t="d"`) in the form this module uses.
fn iso_datetime_cell(text: &str) -> Cell {
    let trimmed = text.trim();
    if let Ok(date) = trimmed.parse::<jiff::civil::Date>()
        && !trimmed.contains('T')
    {
        return Cell::of(CellKind::Date, date.to_string());
    }
    if let Ok(dt) = trimmed.parse::<jiff::civil::DateTime>() {
        let t = dt.time();
        let ms = u16::try_from(t.millisecond()).unwrap_or(0);
        let time = time_text(
            u8::try_from(t.hour()).unwrap_or(0),
            u8::try_from(t.minute()).unwrap_or(0),
            u8::try_from(t.second()).unwrap_or(0),
            ms,
        );
        let date = dt.date().to_string();
        if t == jiff::civil::Time::midnight() {
            return Cell::of(CellKind::Date, date);
        }
        return Cell::of(CellKind::Date, format!("{date}T{time}"));
    }
    if let Ok(t) = trimmed.parse::<jiff::civil::Time>() {
        let time = time_text(
            u8::try_from(t.hour()).unwrap_or(0),
            u8::try_from(t.minute()).unwrap_or(0),
            u8::try_from(t.second()).unwrap_or(0),
            u16::try_from(t.millisecond()).unwrap_or(0),
        );
        return Cell::text(time);
    }
    Cell::text(text)
}

/// An ISO duration (ODS `time-value`, e.g. `PT10H30M00S`) as Text: `10:30:00`, or `36:00:00`
/// past a day.
fn iso_duration_cell(text: &str) -> Cell {
    let Some(seconds) = parse_iso_duration(text.trim()) else {
        return Cell::text(text);
    };
    if (0.0..86_400.0).contains(&seconds) {
        let whole = seconds.floor();
        let ms = ((seconds - whole) * 1000.0).round().min(999.0) as u16;
        let whole = whole as u32;
        let h = u8::try_from(whole / 3600).unwrap_or(0);
        let m = u8::try_from(whole / 60 % 60).unwrap_or(0);
        let s = u8::try_from(whole % 60).unwrap_or(0);
        Cell::text(time_text(h, m, s, ms))
    } else {
        Cell::text(duration_text(seconds))
    }
}

/// Seconds in `[-]P[nD]T[nH][nM][n.nS]`.
fn parse_iso_duration(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let mut seconds = 0.0;
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            'T' if number.is_empty() => in_time = true,
            _ => {
                let value: f64 = number.parse().ok()?;
                number.clear();
                let unit = match (c, in_time) {
                    ('D', false) => 86_400.0,
                    ('W', false) => 7.0 * 86_400.0,
                    ('H', true) => 3600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
                seconds += value * unit;
                any = true;
            }
        }
    }
    if !number.is_empty() || !any || !seconds.is_finite() {
        return None;
    }
    Some(if negative { -seconds } else { seconds })
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets

/// The sheet the user asked for: its exact name, else the one sheet that matches ignoring case
/// and surrounding spaces (Excel's own rule for sheet names).
fn find_sheet(sheets: &[String], wanted: &str) -> Result<String, SourceError> {
    if let Some(s) = sheets.iter().find(|s| s.as_str() == wanted) {
        return Ok(s.clone());
    }
    let wanted_lower = wanted.trim().to_lowercase();
    let mut matches = sheets
        .iter()
        .filter(|s| s.trim().to_lowercase() == wanted_lower);
    match (matches.next(), matches.next()) {
        (Some(s), None) => Ok(s.clone()),
        _ => Err(SourceError::NoSuchSheet {
            sheet: wanted.to_owned(),
            sheets: sheets.to_vec(),
        }),
    }
}

fn workbook_error(e: impl fmt::Display) -> SourceError {
    SourceError::Workbook {
        detail: e.to_string(),
    }
}

fn xlsx_error(e: calamine::XlsxError) -> SourceError {
    match e {
        calamine::XlsxError::Password => SourceError::Protected,
        e => workbook_error(e),
    }
}

fn xls_error(e: calamine::XlsError, bytes: &[u8]) -> SourceError {
    match e {
        calamine::XlsError::Password => SourceError::Protected,
        calamine::XlsError::Cfb(_) => ole_contents(bytes).unwrap_or_else(|| workbook_error(e)),
        e => workbook_error(e),
    }
}

fn ods_error(e: calamine::OdsError) -> SourceError {
    match e {
        calamine::OdsError::Password => SourceError::Protected,
        e => workbook_error(e),
    }
}

/// What an OLE2 file without a workbook stream holds: an encrypted XLSX (password), a Word
/// or PowerPoint document. Stream names are UTF-16LE in the directory.
fn ole_contents(bytes: &[u8]) -> Option<SourceError> {
    let has = |name: &str| {
        let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    if has("EncryptedPackage") {
        Some(SourceError::Protected)
    } else if has("WordDocument") {
        Some(not_spreadsheet(".doc"))
    } else if has("PowerPoint Document") {
        Some(not_spreadsheet(".ppt"))
    } else {
        None
    }
}

/// Builds a table from rows of cells taken from the used range of a sheet.
fn table_from_range(
    range: &calamine::Range<Data>,
    ctl: &Ctl<'_>,
) -> Result<TableBuilder, SourceError> {
    let mut builder = TableBuilder::default();
    let Some((first_row, _)) = range.start() else {
        return Ok(builder);
    };
    let height = range.height();
    for (i, row) in range.rows().enumerate() {
        if row.iter().all(|d| cell_from_data(d).is_blank()) {
            continue;
        }
        builder.check_cells(row.len())?;
        let line = (first_row as usize).saturating_add(i).saturating_add(1);
        builder.push(line, row.iter().map(cell_from_data).collect())?;
        if i % PROGRESS_ROWS == 0 {
            ctl.at(ratio(i, height))?;
        }
    }
    Ok(builder)
}

fn range_has_data(range: &calamine::Range<Data>) -> bool {
    range
        .used_cells()
        .any(|(_, _, d)| !cell_from_data(d).is_blank())
}

fn spreadsheet_table(
    format: SourceFormat,
    builder: TableBuilder,
    sheet: String,
    sheets: Vec<String>,
    date_1904: bool,
) -> Result<Table, SourceError> {
    let mut table = builder.finish(format)?;
    table.sheet = Some(sheet);
    table.sheets = sheets;
    table.date_1904 = date_1904;
    Ok(table)
}

/// XLS and ODS: calamine reads a sheet's used range; pick the sheet, convert its rows.
fn read_ranges(
    format: SourceFormat,
    sheets: Vec<String>,
    date_1904: bool,
    options: &ReadOptions,
    ctl: &Ctl<'_>,
    mut range_of: impl FnMut(&str) -> Result<calamine::Range<Data>, SourceError>,
) -> Result<Table, SourceError> {
    if let Some(wanted) = &options.sheet {
        let name = find_sheet(&sheets, wanted)?;
        let range = range_of(&name)?;
        let builder = table_from_range(&range, &ctl.part(0.2, 1.0))?;
        return spreadsheet_table(format, builder, name, sheets, date_1904);
    }
    for name in &sheets {
        ctl.check()?;
        let range = range_of(name)?;
        if range_has_data(&range) {
            let builder = table_from_range(&range, &ctl.part(0.2, 1.0))?;
            return spreadsheet_table(format, builder, name.clone(), sheets.clone(), date_1904);
        }
    }
    Err(SourceError::Empty)
}

fn read_xls(bytes: &[u8], options: &ReadOptions, ctl: &Ctl<'_>) -> Result<Table, SourceError> {
    check_xls(bytes)?;
    let mut workbook: calamine::Xls<Cursor<&[u8]>> =
        calamine::Xls::new(Cursor::new(bytes)).map_err(|e| xls_error(e, bytes))?;
    ctl.at(0.2)?;
    let sheets = workbook.sheet_names();
    let date_1904 = workbook.has_1904_epoch();
    read_ranges(SourceFormat::Xls, sheets, date_1904, options, ctl, |name| {
        workbook
            .worksheet_range(name)
            .map_err(|e| xls_error(e, bytes))
    })
}

fn read_ods(bytes: &[u8], options: &ReadOptions, ctl: &Ctl<'_>) -> Result<Table, SourceError> {
    let mut workbook: calamine::Ods<Cursor<&[u8]>> =
        calamine::Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
    ctl.at(0.2)?;
    let sheets = workbook.sheet_names();
    read_ranges(SourceFormat::Ods, sheets, false, options, ctl, |name| {
        workbook.worksheet_range(name).map_err(ods_error)
    })
}

/// XLSX: the sheet XML is streamed cell by cell and only non-empty cells are kept, so a
/// stray cell far away (say XFD1048576) cannot make a huge grid before the cell limit applies.
fn read_xlsx(bytes: &[u8], options: &ReadOptions, ctl: &Ctl<'_>) -> Result<Table, SourceError> {
    let mut workbook: calamine::Xlsx<Cursor<&[u8]>> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    ctl.at(0.1)?;
    let sheets = workbook.sheet_names();
    let date_1904 = workbook.has_1904_epoch();
    let finish = |grid: SparseGrid, name: String, sheets: Vec<String>| {
        let builder = grid.into_builder(&ctl.part(0.8, 1.0))?;
        spreadsheet_table(SourceFormat::Xlsx, builder, name, sheets, date_1904)
    };
    if let Some(wanted) = &options.sheet {
        let name = find_sheet(&sheets, wanted)?;
        let grid = xlsx_sheet_cells(&mut workbook, &name, &ctl.part(0.1, 0.8))?;
        return finish(grid, name, sheets);
    }
    for name in &sheets {
        let grid = xlsx_sheet_cells(&mut workbook, name, &ctl.part(0.1, 0.8))?;
        if grid.has_data {
            return finish(grid, name.clone(), sheets.clone());
        }
    }
    Err(SourceError::Empty)
}

/// The non-blank cells of a sheet by row and column.
#[derive(Default)]
struct SparseGrid {
    rows: BTreeMap<u32, Vec<(u32, Cell)>>,
    /// Any cell shows more than white space.
    has_data: bool,
    first_col: u32,
    last_col: u32,
}

impl SparseGrid {
    fn into_builder(self, ctl: &Ctl<'_>) -> Result<TableBuilder, SourceError> {
        let mut builder = TableBuilder::default();
        let width = (self.last_col.saturating_sub(self.first_col) as usize).saturating_add(1);
        let total = self.rows.len();
        for (i, (row, cells)) in self.rows.into_iter().enumerate() {
            builder.check_cells(width)?;
            let mut dense = vec![Cell::empty(); width];
            for (col, cell) in cells {
                if let Some(slot) = dense.get_mut(col.saturating_sub(self.first_col) as usize) {
                    *slot = cell;
                }
            }
            builder.push((row as usize).saturating_add(1), dense)?;
            if i % PROGRESS_ROWS == 0 {
                ctl.at(ratio(i, total))?;
            }
        }
        Ok(builder)
    }
}

fn xlsx_sheet_cells(
    workbook: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    ctl: &Ctl<'_>,
) -> Result<SparseGrid, SourceError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet holds no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(SparseGrid::default()),
        Err(e) => return Err(xlsx_error(e)),
    };
    let last_row = reader.dimensions().end.0;
    let mut grid = SparseGrid {
        first_col: u32::MAX,
        ..SparseGrid::default()
    };
    let mut count: u64 = 0;
    let mut seen: usize = 0;
    while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
        seen += 1;
        if seen.is_multiple_of(PROGRESS_ROWS) {
            let (row, _) = cell.get_position();
            ctl.at(ratio(row as usize, last_row as usize))?;
        }
        let data: Data = cell.get_value().clone().into();
        let converted = cell_from_data(&data);
        if converted.kind == CellKind::Empty {
            continue;
        }
        grid.has_data |= !converted.is_blank();
        count += 1;
        if count > MAX_CELLS {
            return Err(SourceError::TooManyCells {
                cells: count,
                max: MAX_CELLS,
            });
        }
        let (row, col) = cell.get_position();
        grid.first_col = grid.first_col.min(col);
        grid.last_col = grid.last_col.max(col);
        grid.rows.entry(row).or_default().push((col, converted));
    }
    Ok(grid)
}

// ---------------------------------------------------------------------------------------------
// XLS pre-check
//
// calamine parses every sheet of an XLS file as it opens it and sizes its buffers from the
// file: from a sheet's DIMENSIONS record and from the span of its cell positions. A damaged
// file can declare billions of cells, and a failed allocation aborts the process (it cannot
// be caught like a panic). So before calamine sees an XLS file, the sheets are walked here the
// way calamine walks them: through the compound-file container to the workbook stream, then
// record by record. Where calamine would stop with an error on its own, the walk stops too
// and leaves the error to calamine.

const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const CFB_RESERVED: u32 = 0xFFFF_FFFA;
const CFB_DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
/// The largest grid a BIFF8 sheet can declare (65,536 rows by 256 columns).
const XLS_MAX_DECLARED_CELLS: u64 = 65_536 * 256;

fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(b.try_into().ok()?))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

fn le_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

fn u32_words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
}

fn damaged_xls(detail: &str) -> SourceError {
    SourceError::Workbook {
        detail: detail.to_owned(),
    }
}

/// What walking a part of the file found.
enum Walk<T> {
    /// The part, as calamine would read it.
    Read(T),
    /// calamine stops here with an error of its own: nothing large is allocated.
    CalamineFails,
}

/// The bytes after a compound file's header, read in order as calamine's reader reads them.
struct CfbReader<'b> {
    body: &'b [u8],
    pos: usize,
}

impl CfbReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> usize {
        let available = self.body.get(self.pos..).unwrap_or_default();
        let n = available.len().min(buf.len());
        for (to, from) in buf.iter_mut().zip(available) {
            *to = *from;
        }
        self.pos += n;
        n
    }
}

/// calamine's sector cache: sectors are loaded on demand, reading on from wherever the shared
/// reader is (past its end, a sector is cut short and the cache keeps zeros).
struct Sectors {
    data: Vec<u8>,
    size: usize,
    max_id: u64,
}

impl Sectors {
    /// The sector `id`, or `None` where calamine fails (an error or a caught panic).
    fn get(&mut self, id: u32, reader: &mut CfbReader<'_>) -> Option<Vec<u8>> {
        if u64::from(id) > self.max_id {
            return None;
        }
        let start = (id as usize).checked_mul(self.size)?;
        let end = start.checked_add(self.size)?;
        if end > self.data.len() {
            let mut len = self.data.len();
            self.data.resize(end, 0);
            while len < end {
                let n = reader.read(self.data.get_mut(len..end).unwrap_or_default());
                if n == 0 {
                    return self.data.get(start..len).map(<[u8]>::to_vec);
                }
                len += n;
            }
        }
        self.data.get(start..end).map(<[u8]>::to_vec)
    }

    /// Follows a chain through `fat` until `len` bytes are read or the chain ends. A chain
    /// that loops would make calamine read without end: the file is refused.
    fn chain(
        &mut self,
        start: u32,
        fat: &[u32],
        len: usize,
        reader: &mut CfbReader<'_>,
    ) -> Result<Walk<Vec<u8>>, SourceError> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps: u64 = 0;
        while id != CFB_END_OF_CHAIN {
            let Some(sector) = self.get(id, reader) else {
                return Ok(Walk::CalamineFails);
            };
            let remaining = len.saturating_sub(out.len());
            out.extend_from_slice(
                sector
                    .get(..sector.len().min(remaining))
                    .unwrap_or_default(),
            );
            if out.len() >= len {
                break;
            }
            steps += 1;
            if steps > self.max_id.saturating_add(2) {
                return Err(damaged_xls("a chain of sectors in the file loops"));
            }
            id = match fat.get(id as usize) {
                Some(next) => *next,
                None => return Ok(Walk::CalamineFails),
            };
        }
        Ok(Walk::Read(out))
    }
}

/// A directory entry: name, first sector, length.
struct DirEntry {
    name: String,
    start: u32,
    len: usize,
}

/// The workbook stream of an OLE2 file as calamine would read it.
fn xls_workbook_stream(bytes: &[u8]) -> Result<Walk<Vec<u8>>, SourceError> {
    use Walk::{CalamineFails, Read};
    let Some(header) = bytes.get(..512) else {
        return Ok(CalamineFails);
    };
    if !header.starts_with(OLE2_MAGIC) {
        return Ok(CalamineFails);
    }
    let size = match le_u16(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Ok(CalamineFails),
    };
    if le_u16(header, 32) != Some(6) || bytes.len() < size {
        return Ok(CalamineFails);
    }
    let mut reader = CfbReader {
        body: bytes.get(size..).unwrap_or_default(),
        pos: 0,
    };
    let max_id = (bytes.len() / size) as u64;
    let mut sectors = Sectors {
        data: Vec::new(),
        size,
        max_id,
    };
    let field = |at| le_u32(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start) = (field(48), field(60));
    let (mini_fat_len, difat_start) = (field(64) as usize, field(68));

    // The DIFAT lists the FAT sectors: 109 in the header, then a chain of its own.
    let mut difat: Vec<u32> = u32_words(header.get(76..512).unwrap_or_default()).collect();
    let mut id = difat_start;
    let mut steps: u64 = 0;
    while id < CFB_RESERVED {
        steps += 1;
        if steps > max_id.saturating_add(1) {
            return Ok(CalamineFails);
        }
        let Some(sector) = sectors.get(id, &mut reader) else {
            return Ok(CalamineFails);
        };
        difat.extend(u32_words(&sector));
        id = match difat.pop() {
            Some(next) => next,
            None => return Ok(CalamineFails),
        };
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < CFB_DIFAT_SECTOR) {
        let Some(sector) = sectors.get(id, &mut reader) else {
            return Ok(CalamineFails);
        };
        fat.extend(u32_words(&sector));
    }

    let Read(dir_bytes) = sectors.chain(dir_start, &fat, usize::MAX, &mut reader)? else {
        return Ok(CalamineFails);
    };
    let dirs: Vec<DirEntry> = dir_bytes
        .chunks_exact(128)
        .map(|entry| {
            let raw = entry.get(..64).unwrap_or_default();
            let (name, _, _) = encoding_rs::UTF_16LE.decode(raw);
            let name = name.split('\0').next().unwrap_or_default().to_owned();
            let start = le_u32(entry, 116).unwrap_or(0);
            let len = if size == 512 {
                le_u32(entry, 120).map(|l| l as usize)
            } else {
                le_u64(entry, 120).and_then(|l| usize::try_from(l).ok())
            };
            DirEntry {
                name,
                start,
                len: len.unwrap_or(0),
            }
        })
        .collect();
    let Some(root) = dirs.first() else {
        return Ok(CalamineFails);
    };
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let Read(mini_stream) = sectors.chain(root.start, &fat, root.len, &mut reader)? else {
            return Ok(CalamineFails);
        };
        let mini_fat_bytes = mini_fat_len.saturating_mul(size);
        let Read(mini_fat) = sectors.chain(mini_fat_start, &fat, mini_fat_bytes, &mut reader)?
        else {
            return Ok(CalamineFails);
        };
        (u32_words(&mini_fat).collect::<Vec<u32>>(), mini_stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut mini = Sectors {
        data: mini_stream,
        size: 64,
        max_id: max_id.saturating_mul(8),
    };

    // calamine asks for "Workbook", and for "Book" (BIFF5) when that fails.
    for name in ["Workbook", "Book"] {
        let Some(dir) = dirs.iter().find(|d| d.name.eq_ignore_ascii_case(name)) else {
            continue;
        };
        let walk = if dir.len < 4096 {
            mini.chain(dir.start, &mini_fat, dir.len, &mut reader)?
        } else {
            sectors.chain(dir.start, &fat, dir.len, &mut reader)?
        };
        if let Read(stream) = walk {
            return Ok(Read(stream));
        }
    }
    Ok(CalamineFails)
}

/// BIFF records as calamine's record iterator splits them (CONTINUE records are skipped).
struct BiffRecords<'s> {
    stream: &'s [u8],
}

impl<'s> Iterator for BiffRecords<'s> {
    /// `None` inside: calamine fails on this record.
    type Item = Option<(u16, &'s [u8])>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.len() < 4 {
            return if self.stream.is_empty() {
                None
            } else {
                self.stream = &[];
                Some(None)
            };
        }
        let (Some(typ), Some(len)) = (le_u16(self.stream, 0), le_u16(self.stream, 2)) else {
            return Some(None);
        };
        let end = usize::from(len) + 4;
        let (Some(data), Some(rest)) = (self.stream.get(4..end), self.stream.get(end..)) else {
            self.stream = &[];
            return Some(None);
        };
        self.stream = rest;
        if self.stream.len() > 4 && le_u16(self.stream, 0) == Some(0x003C) {
            while self.stream.len() > 4 && le_u16(self.stream, 0) == Some(0x003C) {
                let len = usize::from(le_u16(self.stream, 2).unwrap_or(0)) + 4;
                match self.stream.get(len..) {
                    Some(rest) => self.stream = rest,
                    None => {
                        self.stream = &[];
                        return Some(None);
                    }
                }
            }
        }
        Some(Some((typ, data)))
    }
}

/// The span of cell positions a sheet holds.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        let widen = |range: Option<(u32, u32)>, v: u32| match range {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        };
        self.rows = widen(self.rows, row);
        self.cols = widen(self.cols, col);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
            }
            _ => 0,
        }
    }
}

/// Refuses an XLS file that would make calamine allocate without bound.
fn check_xls(bytes: &[u8]) -> Result<(), SourceError> {
    let Walk::Read(stream) = xls_workbook_stream(bytes)? else {
        return Ok(());
    };
    // The globals: where each sheet's records start.
    let mut starts = Vec::new();
    for record in (BiffRecords { stream: &stream }) {
        let Some((typ, data)) = record else {
            return Ok(());
        };
        match typ {
            0x0085 => match le_u32(data, 0) {
                Some(pos) if data.len() > 4 => starts.push(pos as usize),
                _ => return Ok(()),
            },
            0x000A => break,
            _ => {}
        }
    }
    for start in starts {
        let Some(sheet) = stream.get(start..) else {
            return Ok(());
        };
        if !check_xls_sheet(sheet)? {
            return Ok(());
        }
    }
    Ok(())
}

/// Walks one sheet's records as calamine does. `Ok(false)`: calamine fails on this sheet.
fn check_xls_sheet(sheet: &[u8]) -> Result<bool, SourceError> {
    let mut span = Span::default();
    let mut seen_bof = false;
    let mut depth = 0_usize;
    let mut formula_at = (0_u32, 0_u32);
    let pos = |data: &[u8]| -> Option<(u32, u32)> {
        Some((u32::from(le_u16(data, 0)?), u32::from(le_u16(data, 2)?)))
    };
    for record in (BiffRecords { stream: sheet }) {
        let Some((typ, data)) = record else {
            return Ok(false);
        };
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x0200 => {
                // As calamine's `parse_dimensions` reads it.
                let fields = match data.len() {
                    10 => (
                        le_u16(data, 0).map(u32::from),
                        le_u16(data, 2).map(u32::from),
                        le_u16(data, 4),
                        le_u16(data, 6),
                    ),
                    14 | 16 => (
                        le_u32(data, 0),
                        le_u32(data, 4),
                        le_u16(data, 8),
                        le_u16(data, 10),
                    ),
                    _ => return Ok(false),
                };
                let (Some(first_row), Some(last_row), Some(first_col), Some(last_col)) = fields
                else {
                    return Ok(false);
                };
                let (first_col, last_col) = (u32::from(first_col), u32::from(last_col));
                let first_col = if first_col > 0xFF || last_col < first_col {
                    0
                } else {
                    first_col
                };
                let (end_row, end_col) = if last_row >= 1 && last_col >= 1 {
                    (last_row - 1, last_col - 1)
                } else {
                    (first_row, first_col)
                };
                // calamine reserves rows × columns cells, counted in u32 arithmetic that
                // wraps in release builds (an end one before the start gives 0).
                let rows = end_row.wrapping_sub(first_row).wrapping_add(1) as usize;
                let cols = end_col.wrapping_sub(first_col).wrapping_add(1) as usize;
                if rows.saturating_mul(cols) as u64 > XLS_MAX_DECLARED_CELLS {
                    return Err(damaged_xls("a sheet declares an impossible size"));
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let Some((row, col)) = pos(data) {
                    span.add(row, col);
                }
            }
            0x0207 => span.add(formula_at.0, formula_at.1),
            0x0006 => {
                if data.len() < 20 {
                    return Ok(false);
                }
                if let Some(at) = pos(data) {
                    formula_at = at;
                    span.add(at.0, at.1);
                }
            }
            0x00BD => {
                let (Some((row, first)), Some(last)) =
                    (pos(data), le_u16(data, data.len().saturating_sub(2)))
                else {
                    return Ok(false);
                };
                let last = u32::from(last);
                if data.len() < 6 || last < first {
                    return Ok(false);
                }
                span.add(row, first);
                span.add(row, last);
            }
            0x000A => break,
            _ => {}
        }
    }
    let cells = span.cells();
    if cells > MAX_CELLS {
        return Err(SourceError::TooManyCells {
            cells,
            max: MAX_CELLS,
        });
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// ODS pre-check
//
// calamine reads every sheet of an ODS file as it opens it and expands repeated rows and
// columns (`table:number-rows-repeated`, `table:number-columns-repeated`) into cells, cloning
// their text, up to 100 million cells. A column filled to the bottom of the sheet can ask for
// that many, and so can a crafted file ask for more memory than there is. So the sheets'
// content is walked here first, counting what calamine would build, tag by tag.

/// The longest start tag accepted: far above any cell's (Excel keeps 32,767 characters).
const ODS_MAX_TAG_BYTES: usize = 1024 * 1024;
/// calamine's caps on a sheet's rows and a row's columns.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;
/// Cells calamine may hold for all sheets together.
const ODS_MAX_WORKBOOK_CELLS: u64 = 4 * MAX_CELLS;
/// Bytes of cell text calamine may hold, clones of repeated cells included.
const ODS_MAX_TEXT_BYTES: u64 = 1024 * 1024 * 1024;

/// The attributes of a start tag, as (name, raw value) pairs.
fn tag_attributes(tag: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.iter().position(|b| *b == b'=') {
        let name = rest.get(..eq).unwrap_or_default();
        let name_start = name
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        let name = name.get(name_start..).unwrap_or_default();
        let after = rest.get(eq + 1..).unwrap_or_default();
        let Some(open) = after.iter().position(|b| *b == b'"' || *b == b'\'') else {
            break;
        };
        let quote = after.get(open).copied().unwrap_or(b'"');
        let value_and_rest = after.get(open + 1..).unwrap_or_default();
        let close = value_and_rest
            .iter()
            .position(|b| *b == quote)
            .unwrap_or(value_and_rest.len());
        out.push((name, value_and_rest.get(..close).unwrap_or_default()));
        rest = value_and_rest.get(close + 1..).unwrap_or_default();
    }
    out
}

fn attribute_number(attrs: &[(&[u8], &[u8])], name: &[u8]) -> Option<u64> {
    let (_, value) = attrs.iter().find(|(n, _)| *n == name)?;
    let text = std::str::from_utf8(value).ok()?.trim();
    // calamine parses these as usize: an unparsable one is an error there.
    Some(text.parse::<u64>().unwrap_or(u64::MAX))
}

/// Where in the sheet content the walk is, as calamine's reader sees it.
#[derive(Default, PartialEq)]
enum OdsLevel {
    /// Outside any sheet.
    #[default]
    Document,
    Sheet,
    Row,
    /// In a cell whose text is its content (a string cell): calamine reads on to the first
    /// cell end tag, taking `text:s` spaces and ignoring other tags.
    CellText,
    /// In a comment of a string cell: skipped to its end.
    Annotation,
    /// In another cell: calamine skips to the end tag that matches, nested ones counted.
    CellSkip {
        name: Vec<u8>,
        depth: u32,
    },
    /// calamine stops here with an error: nothing more is built.
    Failed,
}

/// What calamine would build for the sheets of an ODS file, counted as its XML streams by.
#[derive(Default)]
struct OdsCount {
    level: OdsLevel,
    // The tag being read.
    in_tag: bool,
    tag: Vec<u8>,
    quote: Option<u8>,
    // The sheet.
    sheet_rows: u64,
    stored_cells: u64,
    rows_in_range: u64,
    empty_rows_pending: u64,
    any_row: bool,
    first_col: u64,
    last_col: u64,
    // The row.
    row_repeats: u64,
    row_len: u64,
    row_first: Option<u64>,
    row_last: u64,
    row_text: u64,
    deferred_empty: u64,
    // The open cell: its repeats, whether it holds a value, its text bytes so far.
    cell: (u64, bool, u64),
    // The workbook.
    workbook_cells: u64,
    text_bytes: u64,
}

impl OdsCount {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), SourceError> {
        for &b in bytes {
            if self.level == OdsLevel::Failed {
                return Ok(());
            }
            if !self.in_tag {
                if b == b'<' {
                    self.in_tag = true;
                    self.tag.clear();
                    self.quote = None;
                } else if self.level == OdsLevel::CellText {
                    self.cell.2 += 1;
                } else if self.level == OdsLevel::Row {
                    // Text between a row's cells is an error for calamine.
                    self.level = OdsLevel::Failed;
                }
                continue;
            }
            let markup = matches!(self.tag.first(), Some(b'!' | b'?'));
            match self.quote {
                Some(q) if b == q => self.quote = None,
                None if !markup && (b == b'"' || b == b'\'') => self.quote = Some(b),
                None if b == b'>'
                    && (!self.tag.starts_with(b"!--") || self.tag.ends_with(b"--")) =>
                {
                    self.in_tag = false;
                    let tag = std::mem::take(&mut self.tag);
                    self.on_tag(&tag)?;
                    self.tag = tag;
                    continue;
                }
                _ => {}
            }
            if self.tag.len() >= ODS_MAX_TAG_BYTES {
                return Err(damaged_ods("a tag in the sheet content is far too long"));
            }
            self.tag.push(b);
        }
        Ok(())
    }

    /// A tag, as the events calamine's reader makes of it (`<a/>` is a start and an end).
    fn on_tag(&mut self, tag: &[u8]) -> Result<(), SourceError> {
        if matches!(tag.first(), Some(b'!' | b'?')) {
            // A comment, declaration or processing instruction.
            if self.level == OdsLevel::Row {
                self.level = OdsLevel::Failed;
            }
            return Ok(());
        }
        let closing = tag.first() == Some(&b'/');
        let body = tag.get(usize::from(closing)..).unwrap_or_default();
        let name_end = body
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(body.len());
        let name = body.get(..name_end).unwrap_or_default();
        if closing {
            return self.on_end(name);
        }
        self.on_start(name, tag)?;
        if tag.ends_with(b"/") {
            self.on_end(name)?;
        }
        Ok(())
    }

    fn on_start(&mut self, name: &[u8], tag: &[u8]) -> Result<(), SourceError> {
        let is_cell = name == b"table:table-cell" || name == b"table:covered-table-cell";
        match &mut self.level {
            OdsLevel::Document => {
                if name == b"table:table"
                    && tag_attributes(tag).iter().any(|(n, _)| *n == b"table:name")
                {
                    self.start_sheet();
                }
            }
            OdsLevel::Sheet => {
                if name == b"table:table-row" {
                    self.start_row(tag);
                }
            }
            OdsLevel::Row => {
                if is_cell {
                    let (repeats, has_value, text, text_content) = cell_start(tag);
                    self.cell = (repeats, has_value, text);
                    self.level = if text_content {
                        OdsLevel::CellText
                    } else {
                        OdsLevel::CellSkip {
                            name: name.to_vec(),
                            depth: 0,
                        }
                    };
                } else {
                    // Anything else in a row is an error for calamine.
                    self.level = OdsLevel::Failed;
                }
            }
            OdsLevel::CellText => {
                if name == b"text:s" {
                    let spaces = match attribute_number(&tag_attributes(tag), b"text:c") {
                        None => 1,
                        Some(u64::MAX) => {
                            self.level = OdsLevel::Failed;
                            return Ok(());
                        }
                        Some(n) => n,
                    };
                    if spaces > 65_536 {
                        return Err(damaged_ods("a cell asks for millions of spaces"));
                    }
                    self.cell.2 = self.cell.2.saturating_add(spaces);
                    self.check_text(self.cell.2)?;
                } else if name == b"text:p" {
                    self.cell.2 = self.cell.2.saturating_add(1);
                } else if name == b"office:annotation" {
                    self.level = OdsLevel::Annotation;
                }
            }
            OdsLevel::CellSkip { name: cell, depth } => {
                if name == cell.as_slice() {
                    *depth += 1;
                }
            }
            OdsLevel::Annotation | OdsLevel::Failed => {}
        }
        Ok(())
    }

    fn on_end(&mut self, name: &[u8]) -> Result<(), SourceError> {
        let is_cell = name == b"table:table-cell" || name == b"table:covered-table-cell";
        match &mut self.level {
            OdsLevel::Document | OdsLevel::Failed => {}
            OdsLevel::Sheet => {
                if name == b"table:table" {
                    self.end_sheet()?;
                }
            }
            OdsLevel::Row => {
                if name == b"table:table-row" {
                    self.end_row()?;
                } else {
                    self.level = OdsLevel::Failed;
                }
            }
            OdsLevel::CellText => {
                if is_cell {
                    self.level = OdsLevel::Row;
                    self.end_cell()?;
                }
            }
            OdsLevel::Annotation => {
                if name == b"office:annotation" {
                    self.level = OdsLevel::CellText;
                }
            }
            OdsLevel::CellSkip { name: cell, depth } => {
                if name == cell.as_slice() {
                    if *depth == 0 {
                        self.level = OdsLevel::Row;
                        self.end_cell()?;
                    } else {
                        *depth -= 1;
                    }
                }
            }
        }
        Ok(())
    }

    fn start_sheet(&mut self) {
        self.level = OdsLevel::Sheet;
        self.sheet_rows = 0;
        self.stored_cells = 0;
        self.rows_in_range = 0;
        self.empty_rows_pending = 0;
        self.any_row = false;
        self.first_col = u64::MAX;
        self.last_col = 0;
    }

    fn start_row(&mut self, tag: &[u8]) {
        let attrs = tag_attributes(tag);
        let repeats = attribute_number(&attrs, b"table:number-rows-repeated").unwrap_or(1);
        let capped = repeats.min(ODS_MAX_ROWS.saturating_sub(self.sheet_rows));
        self.sheet_rows += capped;
        self.row_repeats = capped;
        self.row_len = 0;
        self.row_first = None;
        self.row_text = 0;
        self.deferred_empty = 0;
        self.level = OdsLevel::Row;
    }

    fn check_text(&self, pending: u64) -> Result<(), SourceError> {
        if self.text_bytes.saturating_add(pending) > ODS_MAX_TEXT_BYTES {
            return Err(damaged_ods(
                "its sheets repeat more text than the app can hold",
            ));
        }
        Ok(())
    }

    fn check_cells(&self, cells: u64) -> Result<(), SourceError> {
        if cells > MAX_CELLS {
            return Err(SourceError::TooManyCells {
                cells,
                max: MAX_CELLS,
            });
        }
        if self.workbook_cells.saturating_add(cells) > ODS_MAX_WORKBOOK_CELLS {
            return Err(SourceError::TooManyCells {
                cells: self.workbook_cells.saturating_add(cells),
                max: MAX_CELLS,
            });
        }
        Ok(())
    }

    /// A cell as calamine's `read_row` stores it: empty cells are held back and stored only
    /// when another cell follows in the row.
    fn end_cell(&mut self) -> Result<(), SourceError> {
        let (repeats, has_value, text) = std::mem::take(&mut self.cell);
        let room = ODS_MAX_COLUMNS.saturating_sub(self.row_len);
        self.row_len += self.deferred_empty.min(room);
        self.deferred_empty = 0;
        let capped = repeats.min(ODS_MAX_COLUMNS.saturating_sub(self.row_len));
        if has_value {
            self.row_first.get_or_insert(self.row_len);
            self.row_len += capped;
            self.row_last = self.row_len.saturating_sub(1);
            let bytes = text.saturating_mul(capped);
            self.row_text = self.row_text.saturating_add(bytes);
            self.text_bytes = self.text_bytes.saturating_add(bytes);
        } else {
            self.deferred_empty = capped;
        }
        self.check_cells(self.stored_cells.saturating_add(self.row_len))?;
        self.check_text(0)
    }

    /// A row as calamine's `get_range` expands it: every repeat of it, and of the empty rows
    /// between the sheet's first and last rows with values.
    fn end_row(&mut self) -> Result<(), SourceError> {
        self.level = OdsLevel::Sheet;
        self.stored_cells = self.stored_cells.saturating_add(self.row_len);
        if let Some(first) = self.row_first.take() {
            self.first_col = self.first_col.min(first);
            self.last_col = self.last_col.max(self.row_last);
            let rows = if self.any_row {
                self.empty_rows_pending.saturating_add(self.row_repeats)
            } else {
                self.row_repeats
            };
            self.rows_in_range = self.rows_in_range.saturating_add(rows);
            self.empty_rows_pending = 0;
            self.any_row = true;
            let clones = self
                .row_text
                .saturating_mul(self.row_repeats.saturating_sub(1));
            self.text_bytes = self.text_bytes.saturating_add(clones);
        } else {
            self.empty_rows_pending = self.empty_rows_pending.saturating_add(self.row_repeats);
        }
        self.row_len = 0;
        self.row_text = 0;
        self.deferred_empty = 0;
        self.check_cells(self.stored_cells)?;
        self.check_text(0)
    }

    fn end_sheet(&mut self) -> Result<(), SourceError> {
        self.level = OdsLevel::Document;
        let width = if self.any_row {
            self.last_col
                .saturating_sub(self.first_col)
                .saturating_add(1)
        } else {
            0
        };
        let cells = self
            .rows_in_range
            .saturating_mul(width)
            .max(self.stored_cells);
        self.check_cells(cells)?;
        self.workbook_cells = self.workbook_cells.saturating_add(cells);
        self.check_text(0)
    }
}

/// A cell's start tag: its repeats, whether it holds a value, the bytes of text in its
/// attributes, and whether its content is its text (a string cell without `string-value`).
fn cell_start(tag: &[u8]) -> (u64, bool, u64, bool) {
    let attrs = tag_attributes(tag);
    let repeats = attribute_number(&attrs, b"table:number-columns-repeated").unwrap_or(1);
    let mut has_value = false;
    let mut value_set = false;
    let mut text = 0_u64;
    let mut string_type = false;
    let mut error_type = false;
    for (name, value) in &attrs {
        match *name {
            b"office:value"
            | b"office:date-value"
            | b"office:time-value"
            | b"office:boolean-value" => {
                has_value = true;
                value_set = true;
            }
            b"office:string-value" => {
                has_value = true;
                value_set = true;
                text += value.len() as u64;
            }
            b"table:formula" => {
                has_value = true;
                text += value.len() as u64;
            }
            b"office:value-type" if *value == b"string" => string_type = true,
            b"calcext:value-type" if *value == b"error" => error_type = true,
            _ => {}
        }
    }
    // LibreOffice keeps an error's text in the content, with an empty `string-value`.
    let empty_string_value = attrs
        .iter()
        .any(|(n, v)| *n == b"office:string-value" && v.is_empty());
    let text_content = (string_type && !value_set) || (error_type && empty_string_value);
    (repeats, has_value || text_content, text, text_content)
}

fn damaged_ods(detail: &str) -> SourceError {
    SourceError::Workbook {
        detail: detail.to_owned(),
    }
}

/// Refuses an ODS file whose sheets would make calamine build more than the limits allow.
fn check_ods(bytes: &[u8], ctl: &Ctl<'_>) -> Result<(), SourceError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine fails on its own
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let size = content.size();
    // The total was measured already: this cannot read more than the limit.
    let mut content = content.take(MAX_UNCOMPRESSED_BYTES);
    let mut count = OdsCount::default();
    let mut buf = vec![0_u8; PROGRESS_BYTES];
    let mut done = 0_u64;
    loop {
        let n = match content.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Ok(()), // calamine fails on its own
        };
        count.feed(buf.get(..n).unwrap_or_default())?;
        done += n as u64;
        if done % (16 * PROGRESS_BYTES as u64) < n as u64 {
            ctl.at(ratio(done as usize, size as usize))?;
        }
    }
    Ok(())
}

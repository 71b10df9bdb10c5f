//! Reading tabular sources: CSV/TSV in any common encoding, XLSX, XLS, ODS, pasted cells.
//!
//! Fixtures are built here where possible (temp files). `tests/fixtures/source/sample.xls` and
//! `sample.ods` were made by LibreOffice from the workbook that `sample_workbook()` builds
//! (see `regenerate_sample_xlsx`, ignored by default).

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use salesplan::exchange::source::{
    Cell, CellKind, MAX_CELLS, MAX_FILE_BYTES, MAX_TEXT_CELLS, MAX_UNCOMPRESSED_BYTES, ReadOptions,
    Row, SourceError, SourceFormat, Table, TextEncoding, detect_encoding, detect_format,
    number_text, read_bytes, read_pasted, read_path, sniff_delimiter,
};
use salesplan::i18n::{Lang, Localized, tables};

// ---------------------------------------------------------------------------------------------
// Helpers

fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

fn read(name: &str, bytes: &[u8]) -> Result<Table, SourceError> {
    read_bytes(name, bytes, &ReadOptions::default(), &|_| {}, &no_cancel())
}

fn read_with(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Table, SourceError> {
    read_bytes(name, bytes, options, &|_| {}, &no_cancel())
}

fn read_file(path: &Path) -> Result<Table, SourceError> {
    read_path(path, &ReadOptions::default(), &|_| {}, &no_cancel())
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text(s: &str) -> Cell {
    Cell {
        kind: CellKind::Text,
        text: s.to_owned(),
    }
}

fn cell(kind: CellKind, s: &str) -> Cell {
    Cell {
        kind,
        text: s.to_owned(),
    }
}

fn empty() -> Cell {
    Cell {
        kind: CellKind::Empty,
        text: String::new(),
    }
}

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/source")
        .join(name);
    std::fs::read(path).unwrap()
}

/// Two sheets: "Sales" (strings, 1234.56 and 1054, a date and a date-time, booleans, a blank
/// row) and "Targets" (starting at B2: a huge number, a formula error, a merged cell).
fn sample_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm");

    let sales = workbook.add_worksheet();
    sales.set_name("Sales").unwrap();
    sales.write_string(0, 0, "销售员").unwrap();
    sales.write_string(0, 1, " 金额 ").unwrap();
    sales.write_string(0, 2, "日期").unwrap();
    sales.write_string(0, 3, "完成").unwrap();
    sales.write_string(1, 0, "张伟").unwrap();
    sales.write_number(1, 1, 1234.56).unwrap();
    let jan5 = ExcelDateTime::from_ymd(2024, 1, 5).unwrap();
    sales
        .write_datetime_with_format(1, 2, &jan5, &date)
        .unwrap();
    sales.write_boolean(1, 3, true).unwrap();
    sales.write_string(3, 0, "Li Na").unwrap();
    sales.write_number(3, 1, 1054.0).unwrap();
    let feb29 = ExcelDateTime::from_ymd(2024, 2, 29)
        .unwrap()
        .and_hms(10, 30, 0)
        .unwrap();
    sales
        .write_datetime_with_format(3, 2, &feb29, &date_time)
        .unwrap();
    sales.write_boolean(3, 3, false).unwrap();

    let targets = workbook.add_worksheet();
    targets.set_name("Targets").unwrap();
    targets.write_string(1, 1, "区域").unwrap();
    targets.write_string(1, 2, "目标").unwrap();
    targets.write_string(2, 1, "华东").unwrap();
    targets.write_number(2, 2, 1e20).unwrap();
    targets.write_string(3, 1, "华北").unwrap();
    targets
        .write_formula(3, 2, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    targets
        .merge_range(4, 1, 4, 2, "合计", &Format::new())
        .unwrap();
    workbook.save_to_buffer().unwrap()
}

/// `bools`: the two cells of the "完成" column; LibreOffice stores booleans as the numbers 1
/// and 0 (formatted TRUE/FALSE) when it writes ODS, so they read as numbers there.
fn assert_sales_sheet(table: &Table, bools: [Cell; 2]) {
    let [yes, no] = bools;
    assert_eq!(table.sheet.as_deref(), Some("Sales"));
    assert_eq!(table.sheets, vec!["Sales".to_owned(), "Targets".to_owned()]);
    assert!(!table.date_1904);
    assert_eq!(table.headers, vec!["销售员", "金额", "日期", "完成"]);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].line, 2);
    assert_eq!(
        table.rows[0].cells,
        vec![
            text("张伟"),
            cell(CellKind::Number, "1234.56"),
            cell(CellKind::Date, "2024-01-05"),
            yes,
        ]
    );
    assert_eq!(table.rows[1].line, 4, "the blank row 3 is skipped");
    assert_eq!(
        table.rows[1].cells,
        vec![
            text("Li Na"),
            cell(CellKind::Number, "1054"),
            cell(CellKind::Date, "2024-02-29T10:30:00"),
            no,
        ]
    );
}

fn assert_targets_sheet(table: &Table) {
    assert_eq!(table.sheet.as_deref(), Some("Targets"));
    assert_eq!(table.headers, vec!["区域", "目标"]);
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 4, 5]);
    assert_eq!(
        table.rows[0].cells,
        vec![
            text("华东"),
            cell(CellKind::Number, "100000000000000000000")
        ]
    );
    assert_eq!(table.rows[1].cells, vec![text("华北"), text("#DIV/0!")]);
    assert_eq!(table.rows[2].cells, vec![text("合计"), empty()]);
}

fn excel_bools() -> [Cell; 2] {
    [cell(CellKind::Bool, "TRUE"), cell(CellKind::Bool, "FALSE")]
}

// ---------------------------------------------------------------------------------------------
// CSV: encodings

#[test]
fn utf8_csv_without_bom_is_read_as_text_cells() {
    let table = read("a.csv", "销售员,金额\n张伟,1234.56\n".as_bytes()).unwrap();
    assert_eq!(table.format, SourceFormat::Csv);
    assert_eq!(table.encoding, Some(TextEncoding::Utf8));
    assert_eq!(table.delimiter, Some(b','));
    assert_eq!(table.sheet, None);
    assert!(table.sheets.is_empty());
    assert_eq!(table.headers, vec!["销售员", "金额"]);
    assert_eq!(
        table.rows,
        vec![Row {
            line: 2,
            cells: vec![text("张伟"), text("1234.56")]
        }]
    );
}

#[test]
fn utf8_bom_is_stripped_from_the_first_header() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice("销售员,金额\r\n张伟,1\r\n".as_bytes());
    let table = read("a.csv", &bytes).unwrap();
    assert_eq!(table.encoding, Some(TextEncoding::Utf8));
    assert_eq!(table.headers, vec!["销售员", "金额"]);
    assert_eq!(table.rows[0].cells, vec![text("张伟"), text("1")]);
}

#[test]
fn utf16le_with_bom_is_detected_and_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16le("销售员\t金额\r\n张伟\t1,000\r\n"));
    assert_eq!(detect_encoding(&bytes), TextEncoding::Utf16Le);
    let table = read("export.txt", &bytes).unwrap();
    assert_eq!(table.encoding, Some(TextEncoding::Utf16Le));
    assert_eq!(table.delimiter, Some(b'\t'));
    assert_eq!(table.headers, vec!["销售员", "金额"]);
    assert_eq!(table.rows[0].cells, vec![text("张伟"), text("1,000")]);
}

#[test]
fn utf16le_without_bom_is_detected_by_its_nul_pattern() {
    let bytes = utf16le("name,amount\n张伟,12\nLi,7\n");
    assert_eq!(detect_encoding(&bytes), TextEncoding::Utf16Le);
    let table = read("a.csv", &bytes).unwrap();
    assert_eq!(table.encoding, Some(TextEncoding::Utf16Le));
    assert_eq!(table.headers, vec!["name", "amount"]);
    assert_eq!(texts(&table.rows[0]), vec!["张伟", "12"]);
    assert_eq!(texts(&table.rows[1]), vec!["Li", "7"]);
}

#[test]
fn utf16be_without_bom_is_detected() {
    let bytes: Vec<u8> = "name,amount\n王芳,3\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(detect_encoding(&bytes), TextEncoding::Utf16Be);
    let table = read("a.csv", &bytes).unwrap();
    assert_eq!(texts(&table.rows[0]), vec!["王芳", "3"]);
}

#[test]
fn gbk_csv_is_detected_as_gb18030_and_decoded_exactly() {
    let source = "销售员,金额\n张伟,\"1,000\"\n";
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(source);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    assert_eq!(detect_encoding(&bytes), TextEncoding::Gb18030);
    let table = read("gbk.csv", &bytes).unwrap();
    assert_eq!(table.encoding, Some(TextEncoding::Gb18030));
    assert_eq!(table.headers, vec!["销售员", "金额"]);
    assert_eq!(
        table.rows,
        vec![Row {
            line: 2,
            cells: vec![text("张伟"), text("1,000")]
        }]
    );
}

#[test]
fn chosen_encoding_is_used_and_a_bad_byte_is_reported_with_its_line() {
    let (bytes, _, _) = encoding_rs::GBK.encode("name,amount\nok,1\n张伟,2\n");
    let utf8 = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_with("a.csv", &bytes, &utf8),
        Err(SourceError::BadEncoding {
            encoding: TextEncoding::Utf8,
            line: 3
        })
    );
    let gb = ReadOptions {
        encoding: Some(TextEncoding::Gb18030),
        ..ReadOptions::default()
    };
    let table = read_with("a.csv", &bytes, &gb).unwrap();
    assert_eq!(texts(&table.rows[1]), vec!["张伟", "2"]);
}

// ---------------------------------------------------------------------------------------------
// CSV: delimiters, quotes, rows

#[test]
fn semicolon_delimiter_is_sniffed_even_with_decimal_commas() {
    let csv = "Name;Amount;Region\nA;1,50;North\nB;2,30;South\nC;7;East\n";
    assert_eq!(sniff_delimiter(csv), b';');
    let table = read("eu.csv", csv.as_bytes()).unwrap();
    assert_eq!(table.delimiter, Some(b';'));
    assert_eq!(texts(&table.rows[0]), vec!["A", "1,50", "North"]);
}

#[test]
fn tab_and_pipe_delimiters_are_sniffed() {
    assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    assert_eq!(sniff_delimiter("a|b\n1|2\n3|4\n"), b'|');
    let table = read("t.txt", b"a\tb\n1\t2,5\n").unwrap();
    assert_eq!(table.delimiter, Some(b'\t'));
    assert_eq!(texts(&table.rows[0]), vec!["1", "2,5"]);
}

#[test]
fn single_column_file_defaults_to_comma() {
    assert_eq!(sniff_delimiter("name\nZhang\nLi\n"), b',');
    let table = read("one.csv", b"name\nZhang\nLi\n").unwrap();
    assert_eq!(table.delimiter, Some(b','));
    assert_eq!(table.headers, vec!["name"]);
    assert_eq!(table.rows.len(), 2);
}

#[test]
fn delimiters_inside_quotes_do_not_fool_the_sniffer() {
    let csv = "name;note\n\"Wang, Fang\";\"a, b, c\"\n\"Li\";\"x,y\"\n";
    assert_eq!(sniff_delimiter(csv), b';');
}

#[test]
fn chosen_delimiter_overrides_sniffing() {
    let options = ReadOptions {
        delimiter: Some(b';'),
        ..ReadOptions::default()
    };
    let table = read_with("a.csv", b"a,b;c\n1,2;3\n", &options).unwrap();
    assert_eq!(table.headers, vec!["a,b", "c"]);
}

#[test]
fn quoted_fields_keep_commas_doubled_quotes_and_newlines() {
    let csv = "name,note,amount\n\"Wang, Fang\",\"He said \"\"hi\"\"\nnext line\",5\nLi,ok,6\n";
    let table = read("q.csv", csv.as_bytes()).unwrap();
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].line, 2);
    assert_eq!(
        texts(&table.rows[0]),
        vec!["Wang, Fang", "He said \"hi\"\nnext line", "5"]
    );
    assert_eq!(table.rows[1].line, 4, "the record after a two-line cell");
    assert_eq!(texts(&table.rows[1]), vec!["Li", "ok", "6"]);
}

#[test]
fn row_numbers_are_physical_lines_and_blank_rows_are_skipped() {
    let csv = "\n\n h1 ,h2\n\n1,2\n,\n  ,\t\n3,4\r\n5,6\r7,8\n";
    let table = read("b.csv", csv.as_bytes()).unwrap();
    assert_eq!(table.headers, vec!["h1", "h2"]);
    let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![5, 8, 9, 10]);
    assert_eq!(texts(&table.rows[3]), vec!["7", "8"]);
}

#[test]
fn rows_keep_their_own_number_of_cells_and_text_as_is() {
    let table = read("r.csv", b"a,b,c\n1, 2 \n3,,5,6\n").unwrap();
    assert_eq!(table.rows[0].cells, vec![text("1"), text(" 2 ")]);
    assert_eq!(
        table.rows[1].cells,
        vec![text("3"), empty(), text("5"), text("6")]
    );
}

#[test]
fn headers_are_trimmed_and_lose_zero_width_characters() {
    let table = read(
        "h.csv",
        "\u{200b}Name\u{feff} ,\u{a0}Amount\u{200d}\n1,2\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(table.headers, vec!["Name", "Amount"]);
}

#[test]
fn a_second_file_joined_on_is_refused_at_its_byte_order_mark() {
    let mut bytes = b"\xef\xbb\xbfname,amount\r\na,1\r\n".to_vec();
    bytes.extend_from_slice(b"\xef\xbb\xbfname,amount\r\nb,2\r\n");
    assert_eq!(
        read("joined.csv", &bytes),
        Err(SourceError::BomInside { line: 3 })
    );
    // Inside a cell it is a stray zero-width character, not a second file.
    let table = read("cell.csv", "name,amount\na\u{feff}b,1\n".as_bytes()).unwrap();
    assert_eq!(table.rows.len(), 1);
}

#[test]
fn gbk_text_behind_a_utf8_byte_order_mark_is_named_as_mislabelled() {
    let (gbk, _, _) = encoding_rs::GBK.encode("客户名称,行业\n华瑞银行,金融\n");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(&gbk);
    assert_eq!(
        read("c.csv", &bytes),
        Err(SourceError::MislabeledEncoding {
            declared: TextEncoding::Utf8,
            actual: TextEncoding::Gb18030,
        })
    );
    // Chosen by hand, it reads.
    let gb = ReadOptions {
        encoding: Some(TextEncoding::Gb18030),
        ..ReadOptions::default()
    };
    let table = read_with("c.csv", &gbk, &gb).unwrap();
    assert_eq!(table.headers, vec!["客户名称", "行业"]);
}

#[test]
fn web_pages_and_xml_spreadsheets_named_xls_are_named_as_such() {
    for page in [
        "<html><body><table><tr><td>a</td></tr></table></body></html>",
        "\r\n  <!DOCTYPE html><html></html>",
        "<table border=1><tr><td>a</td></tr></table>",
        "MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n",
    ] {
        assert_eq!(
            read("a.xls", page.as_bytes()),
            Err(SourceError::WebPage),
            "{page}"
        );
    }
    let xml = r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#;
    assert_eq!(
        read("a.xls", xml.as_bytes()),
        Err(SourceError::XmlSpreadsheet)
    );
    assert_eq!(
        read("a.csv", b"<?xml version=\"1.0\"?><root/>"),
        Err(SourceError::NotSpreadsheet {
            what: "XML".to_owned()
        })
    );
    // Text that merely mentions markup further in is still a table.
    let table = read("a.csv", b"name,note\na,<html>\n").unwrap();
    assert_eq!(table.rows.len(), 1);
}

#[test]
fn an_unclosed_quote_is_reported_with_its_line() {
    let csv = "a,b\n1,2\n3,\"oops\n4,5\n6,7\n";
    assert_eq!(
        read("u.csv", csv.as_bytes()),
        Err(SourceError::UnclosedQuote { line: 3 })
    );
}

#[test]
fn quotes_inside_an_unquoted_field_are_plain_text() {
    let table = read("i.csv", b"size,name\n5\" screen,TV\n").unwrap();
    assert_eq!(texts(&table.rows[0]), vec!["5\" screen", "TV"]);
}

#[test]
fn empty_file_is_empty_error() {
    assert_eq!(read("e.csv", b""), Err(SourceError::Empty));
    assert_eq!(read("e.csv", b"\n , \r\n\t\n"), Err(SourceError::Empty));
    assert_eq!(read("e.csv", &[0xEF, 0xBB, 0xBF]), Err(SourceError::Empty));
}

#[test]
fn header_only_file_gives_a_table_without_rows() {
    let table = read("h.csv", b"name,amount\n").unwrap();
    assert_eq!(table.headers, vec!["name", "amount"]);
    assert!(table.rows.is_empty());
}

#[test]
fn csv_named_xlsx_is_read_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "really-a-csv.xlsx", b"name,amount\nZhang,3\n");
    let table = read_file(&path).unwrap();
    assert_eq!(table.format, SourceFormat::Csv);
    assert_eq!(texts(&table.rows[0]), vec!["Zhang", "3"]);
}

#[test]
fn tsv_name_makes_a_single_column_file_tab_separated() {
    let table = read("list.tsv", b"name\nZhang\n").unwrap();
    assert_eq!(table.delimiter, Some(b'\t'));
}

// ---------------------------------------------------------------------------------------------
// Pasted cells

#[test]
fn pasted_block_with_quoted_tab_is_split_like_excel() {
    let table = read_pasted("a\tb\n1\t\"x\ty\"\n").unwrap();
    assert_eq!(table.format, SourceFormat::Csv);
    assert_eq!(table.delimiter, Some(b'\t'));
    assert_eq!(table.headers, vec!["a", "b"]);
    assert_eq!(
        table.rows,
        vec![Row {
            line: 2,
            cells: vec![text("1"), text("x\ty")]
        }]
    );
}

#[test]
fn pasted_block_with_multiline_cell_and_crlf() {
    let table = read_pasted("a\tb\r\n\"line1\nline2\"\t\"say \"\"hi\"\"\"\r\n3\t\r\n").unwrap();
    assert_eq!(texts(&table.rows[0]), vec!["line1\nline2", "say \"hi\""]);
    assert_eq!(table.rows[1].line, 4);
    assert_eq!(table.rows[1].cells, vec![text("3"), empty()]);
    assert_eq!(read_pasted(""), Err(SourceError::Empty));
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets

#[test]
fn xlsx_is_read_by_content_with_exact_cells_and_kinds() {
    let bytes = sample_workbook();
    let dir = tempfile::tempdir().unwrap();
    // The extension lies: content decides.
    let path = write_temp(&dir, "sales.csv", &bytes);
    let table = read_file(&path).unwrap();
    assert_eq!(table.format, SourceFormat::Xlsx);
    assert_eq!(table.encoding, None);
    assert_eq!(table.delimiter, None);
    assert_sales_sheet(&table, excel_bools());
}

#[test]
fn xlsx_second_sheet_is_chosen_by_name() {
    let options = ReadOptions {
        sheet: Some("Targets".to_owned()),
        ..ReadOptions::default()
    };
    let table = read_with("s.xlsx", &sample_workbook(), &options).unwrap();
    assert_targets_sheet(&table);
}

#[test]
fn wrong_sheet_name_is_an_error_listing_the_sheets() {
    let options = ReadOptions {
        sheet: Some("Nope".to_owned()),
        ..ReadOptions::default()
    };
    let err = read_with("s.xlsx", &sample_workbook(), &options).unwrap_err();
    assert_eq!(
        err,
        SourceError::NoSuchSheet {
            sheet: "Nope".to_owned(),
            sheets: vec!["Sales".to_owned(), "Targets".to_owned()],
        }
    );
    let message = err.to_string();
    assert!(message.contains("Nope") && message.contains("Sales, Targets"));
}

#[test]
fn sheet_name_matches_ignoring_case_like_excel() {
    let options = ReadOptions {
        sheet: Some("targets".to_owned()),
        ..ReadOptions::default()
    };
    let table = read_with("s.xlsx", &sample_workbook(), &options).unwrap();
    assert_eq!(table.sheet.as_deref(), Some("Targets"));
}

#[test]
fn first_sheet_with_data_is_chosen_when_none_is_given() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet().set_name("Cover").unwrap();
    let data = workbook.add_worksheet();
    data.set_name("Data").unwrap();
    data.write_string(2, 3, "客户").unwrap();
    data.write_number(3, 3, 0.1 + 0.2).unwrap();
    data.write_number(4, 3, -0.0).unwrap();
    let table = read("w.xlsx", &workbook.save_to_buffer().unwrap()).unwrap();
    assert_eq!(table.sheet.as_deref(), Some("Data"));
    assert_eq!(table.headers, vec!["客户"]);
    assert_eq!(table.rows[0].line, 4);
    assert_eq!(
        table.rows[0].cells,
        vec![cell(CellKind::Number, "0.30000000000000004")]
    );
    assert_eq!(table.rows[1].cells, vec![cell(CellKind::Number, "0")]);
}

#[test]
fn workbook_without_any_data_is_empty_error() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    assert_eq!(
        read("w.xlsx", &workbook.save_to_buffer().unwrap()),
        Err(SourceError::Empty)
    );
}

#[test]
fn date_and_time_formats_become_iso_text() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "when").unwrap();
    let chinese = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let day = ExcelDateTime::from_ymd(2023, 12, 31).unwrap();
    sheet
        .write_datetime_with_format(1, 0, &day, &chinese)
        .unwrap();
    let time = Format::new().set_num_format("hh:mm");
    let at = ExcelDateTime::from_hms(10, 30, 0).unwrap();
    sheet.write_datetime_with_format(2, 0, &at, &time).unwrap();
    let seconds = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss.000");
    let moment = ExcelDateTime::from_ymd(2024, 7, 1)
        .unwrap()
        .and_hms(8, 5, 9.25)
        .unwrap();
    sheet
        .write_datetime_with_format(3, 0, &moment, &seconds)
        .unwrap();
    let hours = Format::new().set_num_format("[h]:mm:ss");
    sheet.write_number_with_format(4, 0, 1.5, &hours).unwrap();
    let table = read("d.xlsx", &workbook.save_to_buffer().unwrap()).unwrap();
    let cells: Vec<Cell> = table.rows.iter().map(|r| r.cells[0].clone()).collect();
    assert_eq!(
        cells,
        vec![
            cell(CellKind::Date, "2023-12-31"),
            text("10:30:00"),
            cell(CellKind::Date, "2024-07-01T08:05:09.250"),
            text("36:00:00"),
        ]
    );
}

/// Rewrites one entry of a zip archive.
fn rewrite_entry(bytes: &[u8], name: &str, change: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if entry_name == name {
            data = change(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn workbook_in_the_1904_date_system_is_flagged_and_dated_as_excel_shows_it() {
    let bytes = rewrite_entry(&sample_workbook(), "xl/workbook.xml", |xml| {
        xml.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
    });
    let table = read("mac.xlsx", &bytes).unwrap();
    assert!(table.date_1904);
    // The same serial number is four years and a day later in the 1904 system.
    assert_eq!(table.rows[0].cells[2], cell(CellKind::Date, "2028-01-06"));
}

#[test]
fn xlsx_declaring_a_billion_shared_strings_is_refused_not_allocated() {
    let bytes = rewrite_entry(&sample_workbook(), "xl/sharedStrings.xml", |xml| {
        let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + xml[at..].find('"').unwrap();
        format!("{}1000000000{}", &xml[..at], &xml[end..])
    });
    match read("strings.xlsx", &bytes) {
        Err(SourceError::Workbook { detail }) => assert!(detail.contains("strings"), "{detail}"),
        other => panic!("expected a Workbook error, got {other:?}"),
    }
}

/// An ODS file whose first sheet's content is `rows` (table-row elements).
fn ods_with_rows(rows: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#)
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn hand_made_ods_is_read() {
    let bytes = ods_with_rows(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>区域</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/></table:table-row><table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
    );
    let table = read("h.ods", &bytes).unwrap();
    assert_eq!(table.format, SourceFormat::Ods);
    assert_eq!(table.headers, vec!["区域", "a  b"]);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[1].line, 3);
    assert_eq!(
        table.rows[1].cells,
        vec![cell(CellKind::Number, "7"), empty()]
    );
}

#[test]
fn ods_value_filled_down_a_million_rows_is_refused_before_it_is_expanded() {
    // Ten values repeated over a million rows: ten million cells once expanded.
    let bytes = ods_with_rows(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="0" table:number-columns-repeated="10"><text:p>0</text:p></table:table-cell></table:table-row>"#,
    );
    assert!(bytes.len() < 4096);
    assert_eq!(
        read("filled.ods", &bytes),
        Err(SourceError::TooManyCells {
            cells: 10_000_000,
            max: MAX_CELLS
        })
    );
}

#[test]
fn ods_asking_for_billions_of_spaces_is_refused() {
    let bytes = ods_with_rows(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#,
    );
    assert!(matches!(
        read("spaces.ods", &bytes),
        Err(SourceError::Workbook { .. })
    ));
}

#[test]
fn xls_fixture_made_by_libreoffice_is_read() {
    let bytes = fixture("sample.xls");
    assert_eq!(detect_format(&bytes[..512]), Some(SourceFormat::Xls));
    let table = read("sample.xls", &bytes).unwrap();
    assert_eq!(table.format, SourceFormat::Xls);
    assert_sales_sheet(&table, excel_bools());
    let options = ReadOptions {
        sheet: Some("Targets".to_owned()),
        ..ReadOptions::default()
    };
    assert_targets_sheet(&read_with("sample.xls", &bytes, &options).unwrap());
}

/// The offset of the first BIFF record of type `typ` and length `len` in an XLS file.
fn find_record(bytes: &[u8], typ: u16, len: u16) -> usize {
    let mut needle = typ.to_le_bytes().to_vec();
    needle.extend(len.to_le_bytes());
    bytes
        .windows(4)
        .position(|w| w == needle.as_slice())
        .unwrap()
}

#[test]
fn xls_declaring_an_impossible_sheet_size_is_refused_not_allocated() {
    let mut bytes = fixture("sample.xls");
    // DIMENSIONS: first row after the last one; calamine would reserve billions of cells.
    let at = find_record(&bytes, 0x0200, 14) + 4;
    bytes[at..at + 4].copy_from_slice(&0x7FFF_FFFF_u32.to_le_bytes());
    bytes[at + 4..at + 8].copy_from_slice(&5_u32.to_le_bytes());
    match read("bad.xls", &bytes) {
        Err(SourceError::Workbook { detail }) => assert!(detail.contains("size"), "{detail}"),
        other => panic!("expected a Workbook error, got {other:?}"),
    }
}

#[test]
fn xls_with_cells_spread_over_a_huge_range_is_refused_not_allocated() {
    let mut bytes = fixture("sample.xls");
    // One LABELSST cell moved to the sheet's last row and column (IV65536).
    let at = find_record(&bytes, 0x00FD, 10) + 4;
    bytes[at..at + 2].copy_from_slice(&0xFFFF_u16.to_le_bytes());
    bytes[at + 2..at + 4].copy_from_slice(&0x00FF_u16.to_le_bytes());
    assert_eq!(
        read("spread.xls", &bytes),
        Err(SourceError::TooManyCells {
            cells: 65_536 * 256,
            max: MAX_CELLS
        })
    );
}

#[test]
fn ods_fixture_made_by_libreoffice_is_read() {
    let bytes = fixture("sample.ods");
    assert_eq!(detect_format(&bytes[..2048]), Some(SourceFormat::Ods));
    let table = read("sample.ods", &bytes).unwrap();
    assert_eq!(table.format, SourceFormat::Ods);
    assert_sales_sheet(
        &table,
        [cell(CellKind::Number, "1"), cell(CellKind::Number, "0")],
    );
    let options = ReadOptions {
        sheet: Some("Targets".to_owned()),
        ..ReadOptions::default()
    };
    assert_targets_sheet(&read_with("sample.ods", &bytes, &options).unwrap());
}

#[test]
fn number_text_is_shortest_round_trip_without_exponent() {
    assert_eq!(number_text(1234.56).as_deref(), Some("1234.56"));
    assert_eq!(number_text(1054.0).as_deref(), Some("1054"));
    assert_eq!(number_text(1e20).as_deref(), Some("100000000000000000000"));
    assert_eq!(number_text(1.5e-7).as_deref(), Some("0.00000015"));
    assert_eq!(number_text(-0.0).as_deref(), Some("0"));
    assert_eq!(number_text(-12.5).as_deref(), Some("-12.5"));
    assert_eq!(number_text(f64::NAN), None);
    for v in [0.1, 1.0 / 3.0, 123456789.123, 9007199254740993.0, 1e300] {
        let s = number_text(v).unwrap();
        assert!(!s.contains('e'), "{s}");
        assert_eq!(s.parse::<f64>().unwrap(), v);
    }
}

// ---------------------------------------------------------------------------------------------
// Not a table, damaged, too big

#[test]
fn format_is_detected_from_the_head_of_the_file() {
    let xlsx = sample_workbook();
    assert_eq!(detect_format(&xlsx), Some(SourceFormat::Xlsx));
    assert_eq!(
        detect_format(&xlsx[..xlsx.len().min(4096)]),
        Some(SourceFormat::Xlsx)
    );
    assert_eq!(detect_format(b"a,b\n1,2\n"), None);
    assert_eq!(detect_format(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
    assert_eq!(detect_format(b""), None);
}

#[test]
fn png_renamed_xlsx_is_not_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend(std::iter::repeat_n(0x5a_u8, 200));
    let path = write_temp(&dir, "chart.xlsx", &png);
    assert_eq!(
        read_file(&path),
        Err(SourceError::NotSpreadsheet {
            what: "PNG".to_owned()
        })
    );
}

#[test]
fn pdf_and_unknown_binary_are_not_spreadsheets() {
    let err = read("r.xls", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap_err();
    assert_eq!(
        err,
        SourceError::NotSpreadsheet {
            what: "PDF".to_owned()
        }
    );
    let binary: Vec<u8> = (0..600_u32).map(|i| (i * 7 % 256) as u8).collect();
    let err = read("r.csv", &binary).unwrap_err();
    assert_eq!(
        err,
        SourceError::NotSpreadsheet {
            what: String::new()
        }
    );
    assert_eq!(err.message_key(), "err.source.not_spreadsheet_unknown");
}

#[test]
fn zip_that_is_not_a_workbook_is_not_a_spreadsheet() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(detect_format(&bytes), None);
    assert_eq!(
        read("n.xlsx", &bytes),
        Err(SourceError::NotSpreadsheet {
            what: "ZIP".to_owned()
        })
    );
}

#[test]
fn truncated_xlsx_is_a_clean_error() {
    let bytes = sample_workbook();
    let half = &bytes[..bytes.len() / 2];
    match read("cut.xlsx", half) {
        Err(SourceError::Workbook { detail }) => assert!(!detail.is_empty()),
        other => panic!("expected a Workbook error, got {other:?}"),
    }
}

#[test]
fn damaged_entries_inside_xlsx_are_clean_errors() {
    let bytes = sample_workbook();
    // Overwrite stretches in the middle (compressed XML) and check nothing panics.
    for start in (100..bytes.len().saturating_sub(100)).step_by(97) {
        let mut damaged = bytes.clone();
        for b in &mut damaged[start..start + 16] {
            *b ^= 0x5a;
        }
        let _ = read("d.xlsx", &damaged);
    }
}

#[test]
fn missing_file_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.csv");
    assert_eq!(read_file(&path), Err(SourceError::NotFound { path }));
}

#[test]
fn file_over_the_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap(); // sparse: nothing is written
    let err = read_file(&path).unwrap_err();
    assert_eq!(
        err,
        SourceError::TooLarge {
            bytes: MAX_FILE_BYTES + 1,
            max: MAX_FILE_BYTES
        }
    );
    assert_eq!(
        err.to_string(),
        "The file is larger than 200 MB (209715201 bytes). Split it, or export only the rows you need."
    );
}

#[test]
fn table_over_the_cell_limit_is_refused() {
    // One row of MAX_TEXT_CELLS + 1 cells is refused before it is stored (a CSV file may hold
    // more cells than a workbook's sheet, MAX_CELLS: a million lines of actuals).
    let mut csv = "1,".repeat(MAX_TEXT_CELLS as usize);
    csv.push_str("1\n");
    assert_eq!(
        read("wide.csv", csv.as_bytes()),
        Err(SourceError::TooManyCells {
            cells: MAX_TEXT_CELLS + 1,
            max: MAX_TEXT_CELLS
        })
    );
}

/// An XLSX whose sheet XML is 300 MB of spaces, about 300 KB on disk.
fn write_zip_bomb(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
    )
    .unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().flush().unwrap();
}

const BOMB_ENV: &str = "SALESPLAN_TEST_ZIP_BOMB";

#[test]
fn zip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    write_zip_bomb(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 2 * 1024 * 1024, "the bomb is small on disk: {size}");
    assert_eq!(
        read_file(&path),
        Err(SourceError::ZipBomb {
            max: MAX_UNCOMPRESSED_BYTES
        })
    );

    // Peak memory is measured in a process of its own, where no other test allocates.
    if !Path::new("/proc/self/status").exists() {
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "zip_bomb_child", "--test-threads=1"])
        .env(BOMB_ENV, &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// Peak resident memory of this process in bytes (Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Run by `zip_bomb_is_refused` in a child process.
#[test]
#[ignore]
fn zip_bomb_child() {
    let path = PathBuf::from(std::env::var_os(BOMB_ENV).unwrap());
    assert_eq!(
        read_file(&path),
        Err(SourceError::ZipBomb {
            max: MAX_UNCOMPRESSED_BYTES
        })
    );
    let peak = peak_memory().unwrap();
    assert!(peak < 64 * 1024 * 1024, "peak memory {peak} bytes");
}

// ---------------------------------------------------------------------------------------------
// Progress and cancellation

fn big_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from("salesperson,amount,region\n");
    for i in 0..rows {
        csv.push_str(&format!("person {i},{}.5,\"East, {}\"\n", i * 3, i % 7));
    }
    csv.into_bytes()
}

#[test]
fn progress_rises_to_one() {
    let bytes = big_csv(30_000);
    let seen = RefCell::new(Vec::new());
    let table = read_bytes(
        "p.csv",
        &bytes,
        &ReadOptions::default(),
        &|p| seen.borrow_mut().push(p),
        &no_cancel(),
    )
    .unwrap();
    assert_eq!(table.rows.len(), 30_000);
    let seen = seen.into_inner();
    assert!(seen.len() >= 10, "reported {} times", seen.len());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "never goes back");
    assert!(seen.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!(seen.last().copied(), Some(1.0));
}

#[test]
fn progress_reaches_one_for_files_and_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "s.xlsx", &sample_workbook());
    let last = RefCell::new(0.0_f32);
    read_path(
        &path,
        &ReadOptions::default(),
        &|p| *last.borrow_mut() = p,
        &no_cancel(),
    )
    .unwrap();
    assert_eq!(*last.borrow(), 1.0);
}

#[test]
fn cancel_stops_reading() {
    let bytes = big_csv(30_000);
    let cancel = AtomicBool::new(false);
    let result = read_bytes(
        "c.csv",
        &bytes,
        &ReadOptions::default(),
        &|p| {
            if p > 0.4 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    assert_eq!(result, Err(SourceError::Cancelled));

    let cancelled = AtomicBool::new(true);
    let result = read_bytes(
        "s.xlsx",
        &sample_workbook(),
        &ReadOptions::default(),
        &|_| {},
        &cancelled,
    );
    assert_eq!(result, Err(SourceError::Cancelled));
}

// ---------------------------------------------------------------------------------------------
// Messages

fn every_error() -> Vec<SourceError> {
    vec![
        SourceError::NotFound {
            path: PathBuf::from("/data/sales.csv"),
        },
        SourceError::Unreadable {
            path: PathBuf::from("/data/sales.csv"),
            detail: "Permission denied".to_owned(),
        },
        SourceError::TooLarge {
            bytes: MAX_FILE_BYTES + 1,
            max: MAX_FILE_BYTES,
        },
        SourceError::TooManyCells {
            cells: MAX_CELLS + 1,
            max: MAX_CELLS,
        },
        SourceError::ZipBomb {
            max: MAX_UNCOMPRESSED_BYTES,
        },
        SourceError::NotSpreadsheet {
            what: "PNG".to_owned(),
        },
        SourceError::NotSpreadsheet {
            what: String::new(),
        },
        SourceError::Empty,
        SourceError::BadEncoding {
            encoding: TextEncoding::Gb18030,
            line: 7,
        },
        SourceError::Malformed {
            line: 3,
            detail: "x".to_owned(),
        },
        SourceError::UnclosedQuote { line: 9 },
        SourceError::NoSuchSheet {
            sheet: "X".to_owned(),
            sheets: vec!["A".to_owned(), "B".to_owned()],
        },
        SourceError::Protected,
        SourceError::Cancelled,
        SourceError::Workbook {
            detail: "bad".to_owned(),
        },
        SourceError::MixedEncoding {
            encoding: TextEncoding::Utf8,
            line: 4,
        },
        SourceError::MislabeledEncoding {
            declared: TextEncoding::Utf8,
            actual: TextEncoding::Gb18030,
        },
        SourceError::BomInside { line: 5 },
        SourceError::WebPage,
        SourceError::XmlSpreadsheet,
    ]
}

#[test]
fn every_error_has_a_message_in_both_languages_with_its_values() {
    for err in every_error() {
        let key = err.message_key();
        assert!(key.starts_with("err.source."), "{key}");
        for (lang, table) in tables() {
            assert!(table.contains_key(key), "{key} missing for {lang:?}");
            let message = err.localize(lang);
            assert!(!message.contains('{'), "unfilled placeholder in {message}");
            for (name, value) in err.message_args() {
                let shown = [
                    "path", "detail", "what", "encoding", "line", "sheet", "sheets", "declared",
                    "actual",
                ];
                if shown.contains(&name) {
                    assert!(message.contains(&value), "{message} lacks {value}");
                }
            }
        }
        assert_eq!(err.to_string(), err.localize(Lang::En));
    }
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn both_languages_use_the_same_placeholders() {
    let [(_, zh), (_, en)] = tables();
    for err in every_error() {
        let key = err.message_key();
        assert_eq!(placeholders(&zh[key]), placeholders(&en[key]), "{key}");
    }
}

#[test]
fn password_protected_workbook_is_reported_as_such() {
    // An encrypted XLSX is an OLE2 container with an `EncryptedPackage` stream.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(2048, 0);
    assert_eq!(read("locked.xlsx", &bytes), Err(SourceError::Protected));
}

// ---------------------------------------------------------------------------------------------
// Never panic

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn read_bytes_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read("any.csv", &bytes);
    }

    #[test]
    fn read_bytes_never_panics_on_bytes_that_start_like_a_workbook(
        magic in 0..3_usize,
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = match magic {
            0 => b"PK\x03\x04".to_vec(),
            1 => vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            _ => vec![0xFF, 0xFE],
        };
        bytes.extend(tail);
        let _ = read("any.xlsx", &bytes);
        let _ = detect_format(&bytes);
    }

    #[test]
    fn read_bytes_never_panics_on_odd_ods_content(
        parts in proptest::collection::vec((0..9_usize, 0..3_000_000_u64), 0..40),
    ) {
        let mut rows = String::new();
        for (kind, n) in parts {
            rows.push_str(&match kind {
                0 => format!(r#"<table:table-row table:number-rows-repeated="{n}">"#),
                1 => "</table:table-row>".to_owned(),
                2 => format!(r#"<table:table-cell office:value-type="float" office:value="{n}" table:number-columns-repeated="{}"/>"#, n % 20_000),
                3 => format!(r#"<table:table-cell table:number-columns-repeated="{n}"/>"#),
                4 => r#"<table:table-cell office:value-type="string"><text:p>x"#.to_owned(),
                5 => "</text:p></table:table-cell>".to_owned(),
                6 => format!(r#"<text:s text:c="{}"/>"#, n % 70_000),
                7 => "</table:table><table:table table:name=\"T\">".to_owned(),
                _ => "<table:table-row/>".to_owned(),
            });
        }
        let _ = read("odd.ods", &ods_with_rows(&rows));
    }

    #[test]
    fn read_pasted_never_panics_and_keeps_cells(text in "[a-z\t\n\"\r ,;|]{0,300}") {
        let _ = read_pasted(&text);
        let _ = read("p.csv", text.as_bytes());
    }
}

/// Writes the sample workbook to `tests/fixtures/source/sample.xlsx`, from which LibreOffice
/// made the committed fixtures:
/// `soffice --headless --convert-to xls sample.xlsx` and `... --convert-to ods sample.xlsx`.
#[test]
#[ignore]
fn regenerate_sample_xlsx() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/source/sample.xlsx");
    std::fs::write(path, sample_workbook()).unwrap();
}

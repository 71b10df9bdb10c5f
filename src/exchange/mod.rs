//! Files that cross the boundary: reading CSV and spreadsheet exports, mapping their columns,
//! checking their values, and turning them into plan data.

/// The demand letter (催款函) for an overdue installment.
pub mod demand;
/// Exports: the plan as tables, written as a workbook or CSV, atomically.
pub mod export;
/// What an import can fill in: kinds, fields, header synonyms, stage names.
pub mod fields;
/// Reading the monthly plan back from an exported workbook or CSV.
pub mod grid_file;
/// The self-contained HTML report of the plan or of one person's battle plan.
pub mod html;
/// Preparing an import: mapped, checked records and the problems found.
pub mod import;
/// The target responsibility letter (目标责任书) as a printable page.
pub mod letter;
/// An import from start to end, for the app and the command line.
pub mod pipeline;
/// Plan exchange files: account managers' submissions read into the leader's round.
pub mod plan_file;
/// Password protection (authenticated encryption) of exported plan files.
pub mod protect;
/// Reading CSV, XLSX, XLS, ODS and pasted cells into rows of text.
pub mod source;
/// Turning cell text into typed values (dates, amounts, counts, names).
pub mod values;

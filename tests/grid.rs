//! The month grid's rules: reading typed and pasted cells, tab-separated blocks as
//! spreadsheets copy them, all-or-nothing pastes with every problem named, years as the sum of
//! the months.

use salesplan::domain::grid::{
    CellEdit, CellReason, format_block, format_cell, parse_block, parse_cell, paste,
    with_year_totals,
};
use salesplan::domain::model::{Metric, NodeId};
use salesplan::domain::money::AmountUnit;
use salesplan::domain::period::Period;

const WAN: i64 = 1_000_000;

#[test]
fn cells_are_read_in_the_display_unit_or_their_own() {
    let amount = Metric::ContractAmount;
    assert_eq!(
        parse_cell("100", amount, AmountUnit::Wan),
        Ok(Some(100 * WAN))
    );
    assert_eq!(
        parse_cell("1,234.5", amount, AmountUnit::Wan),
        Ok(Some(1_234_500_000))
    );
    assert_eq!(
        parse_cell("100", amount, AmountUnit::Yuan),
        Ok(Some(10_000))
    );
    assert_eq!(
        parse_cell("1.5亿", amount, AmountUnit::Wan),
        Ok(Some(15_000 * WAN))
    );
    assert_eq!(parse_cell("  ", amount, AmountUnit::Wan), Ok(None));
    assert_eq!(
        parse_cell("-5", amount, AmountUnit::Wan),
        Err(CellReason::Negative)
    );
    assert!(matches!(
        parse_cell("abc", amount, AmountUnit::Wan),
        Err(CellReason::NotAmount(_))
    ));
    assert_eq!(
        parse_cell("1,200", Metric::Leads, AmountUnit::Wan),
        Ok(Some(1_200))
    );
    assert_eq!(
        parse_cell("１２", Metric::Leads, AmountUnit::Wan),
        Ok(Some(12))
    );
    assert_eq!(
        parse_cell("2.5", Metric::Leads, AmountUnit::Wan),
        Err(CellReason::NotWholeCount)
    );
    assert_eq!(
        parse_cell("-1", Metric::Visits, AmountUnit::Wan),
        Err(CellReason::Negative)
    );
}

#[test]
fn copied_cells_read_back_as_the_same_values() {
    for (fen, unit) in [
        (416_666_667, AmountUnit::Wan),
        (12_345_678_901, AmountUnit::Yuan),
        (1, AmountUnit::Wan),
    ] {
        let text = format_cell(Some(fen), Metric::ContractAmount, unit);
        assert!(!text.contains(','), "{text}");
        assert_eq!(
            parse_cell(&text, Metric::ContractAmount, unit),
            Ok(Some(fen)),
            "{text}"
        );
    }
    assert_eq!(format_cell(None, Metric::Leads, AmountUnit::Wan), "");
    assert_eq!(format_cell(Some(42), Metric::Leads, AmountUnit::Wan), "42");
}

#[test]
fn blocks_are_split_like_spreadsheets_copy_them() {
    assert_eq!(
        parse_block("1\t2\r\n3\t4\r\n"),
        vec![vec!["1", "2"], vec!["3", "4"]]
    );
    assert_eq!(parse_block("1\t\t3"), vec![vec!["1", "", "3"]]);
    // A quoted cell keeps its tab and line break; doubled quotes are one quote.
    assert_eq!(
        parse_block("\"a\tb\nc\"\t\"say \"\"hi\"\"\"\n"),
        vec![vec!["a\tb\nc", "say \"hi\""]]
    );
    let rows = vec![
        vec!["1".to_owned(), "a\tb".to_owned()],
        vec!["".to_owned(), "x\"y".to_owned()],
    ];
    assert_eq!(parse_block(&format_block(&rows)), rows);
    assert!(parse_block("").is_empty());
}

#[test]
fn a_paste_is_all_or_nothing_and_names_every_problem() {
    let people = [NodeId(1), NodeId(2)];
    let unlocked = |_: NodeId, _: u8| false;
    let block = parse_block("10\t20\n30\t40\n");
    let edits = paste(
        &block,
        &people,
        0,
        11,
        Metric::Leads,
        AmountUnit::Wan,
        &unlocked,
    )
    .unwrap();
    assert_eq!(
        edits,
        vec![
            CellEdit {
                node: NodeId(1),
                month: 11,
                value: Some(10)
            },
            CellEdit {
                node: NodeId(1),
                month: 12,
                value: Some(20)
            },
            CellEdit {
                node: NodeId(2),
                month: 11,
                value: Some(30)
            },
            CellEdit {
                node: NodeId(2),
                month: 12,
                value: Some(40)
            },
        ]
    );
    // Past December, past the last person, and a bad number: three problems.
    let locked = |n: NodeId, m: u8| n == NodeId(2) && m == 1;
    let block = parse_block("1\tx\t3\n4\n5\n");
    let problems = paste(
        &block,
        &people,
        0,
        11,
        Metric::Leads,
        AmountUnit::Wan,
        &locked,
    )
    .unwrap_err();
    let reasons: Vec<(usize, usize, CellReason)> = problems
        .into_iter()
        .map(|p| (p.row, p.column, p.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (1, 2, CellReason::NotWholeCount),
            (1, 3, CellReason::OutsideGrid),
            (3, 1, CellReason::OutsideGrid),
        ]
    );
    let problems = paste(
        &parse_block("7"),
        &people,
        1,
        1,
        Metric::Leads,
        AmountUnit::Wan,
        &locked,
    )
    .unwrap_err();
    assert_eq!(problems[0].reason, CellReason::Locked);
}

#[test]
fn years_are_the_sum_of_the_months() {
    let current = |n: NodeId, m: u8| (n == NodeId(1)).then_some(i64::from(m));
    let edits = [
        CellEdit {
            node: NodeId(1),
            month: 1,
            value: Some(100),
        },
        CellEdit {
            node: NodeId(2),
            month: 5,
            value: Some(7),
        },
        CellEdit {
            node: NodeId(1),
            month: 12,
            value: None,
        },
    ];
    let cells = with_year_totals(&edits, &current);
    // Person 1: months 2–11 as they were (2 + … + 11 = 65), January 100, December cleared.
    assert!(cells.contains(&(NodeId(1), Period::Year, Some(165))));
    assert!(cells.contains(&(NodeId(2), Period::Year, Some(7))));
    assert!(cells.contains(&(NodeId(1), Period::Month(12), None)));
    // Clearing every month clears the year.
    let all: Vec<CellEdit> = (1..=12)
        .map(|m| CellEdit {
            node: NodeId(3),
            month: m,
            value: None,
        })
        .collect();
    assert!(with_year_totals(&all, &|_, _| Some(1)).contains(&(NodeId(3), Period::Year, None)));
}

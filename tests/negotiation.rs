//! Negotiation: every cell of the transition table, applying events to rows, round states,
//! totals, diffs, the content hash and the bottom-up roll-up.

use std::collections::HashMap;

use proptest::prelude::*;
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{
    NegotiationError, Party, RoundEvent, RoundState, Totals, UnitDiff, UnitRow, UnitStatus,
    all_agreed, apply, check_editable, content_hash, diff, next_status, roll_up, totals,
};
use salesplan::i18n::{Lang, Localized, tables};
use sha2::{Digest, Sha256};

use Party::{Leader, Unit};
use RoundEvent::{Agree, Counter, Propose, Reopen};
use UnitStatus::{Agreed, Countered, Draft, Proposed};

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn row(
    unit: &'static str,
    top: Option<i64>,
    bottom: Option<i64>,
    status: UnitStatus,
) -> UnitRow<&'static str> {
    UnitRow {
        top_down: top.map(wan),
        bottom_up: bottom.map(wan),
        status,
        ..UnitRow::draft(unit)
    }
}

// ---- The transition table, every cell ----

/// The whole table: (from, event, by) → Ok(to) or the key of the error that explains it.
fn expected(from: UnitStatus, event: RoundEvent, by: Party) -> Result<UnitStatus, &'static str> {
    match (from, event, by) {
        (Draft, Propose, Leader) => Ok(Proposed),
        (Draft, Propose, Unit) => Err("err.negotiation.propose_by_unit"),
        (Draft, Counter, Leader) => Err("err.negotiation.counter_by_leader"),
        (Draft, Counter, Unit) => Err("err.negotiation.counter_before_propose"),
        (Draft, Agree, Leader) => Err("err.negotiation.agree_before_propose"),
        (Draft, Agree, Unit) => Err("err.negotiation.agree_before_propose"),
        (Draft, Reopen, Leader) => Err("err.negotiation.reopen_not_agreed"),
        (Draft, Reopen, Unit) => Err("err.negotiation.reopen_by_unit"),

        (Proposed, Propose, Leader) => Err("err.negotiation.propose_waiting"),
        (Proposed, Propose, Unit) => Err("err.negotiation.propose_by_unit"),
        (Proposed, Counter, Leader) => Err("err.negotiation.counter_by_leader"),
        (Proposed, Counter, Unit) => Ok(Countered),
        (Proposed, Agree, Leader) => Err("err.negotiation.agree_own_proposal"),
        (Proposed, Agree, Unit) => Ok(Agreed),
        (Proposed, Reopen, Leader) => Err("err.negotiation.reopen_not_agreed"),
        (Proposed, Reopen, Unit) => Err("err.negotiation.reopen_by_unit"),

        (Countered, Propose, Leader) => Ok(Proposed),
        (Countered, Propose, Unit) => Err("err.negotiation.propose_by_unit"),
        (Countered, Counter, Leader) => Err("err.negotiation.counter_by_leader"),
        (Countered, Counter, Unit) => Err("err.negotiation.counter_waiting"),
        (Countered, Agree, Leader) => Ok(Agreed),
        (Countered, Agree, Unit) => Err("err.negotiation.agree_own_counter"),
        (Countered, Reopen, Leader) => Err("err.negotiation.reopen_not_agreed"),
        (Countered, Reopen, Unit) => Err("err.negotiation.reopen_by_unit"),

        (Agreed, Propose, Leader) => Err("err.negotiation.propose_agreed"),
        (Agreed, Propose, Unit) => Err("err.negotiation.propose_by_unit"),
        (Agreed, Counter, Leader) => Err("err.negotiation.counter_by_leader"),
        (Agreed, Counter, Unit) => Err("err.negotiation.counter_agreed"),
        (Agreed, Agree, Leader) => Err("err.negotiation.already_agreed"),
        (Agreed, Agree, Unit) => Err("err.negotiation.already_agreed"),
        (Agreed, Reopen, Leader) => Ok(Proposed),
        (Agreed, Reopen, Unit) => Err("err.negotiation.reopen_by_unit"),
    }
}

#[test]
fn every_cell_of_the_transition_table() {
    let mut cells = 0;
    let mut allowed = 0;
    for from in UnitStatus::ALL {
        for event in RoundEvent::ALL {
            for by in Party::ALL {
                cells += 1;
                let got = next_status(from, event, by);
                match expected(from, event, by) {
                    Ok(to) => {
                        allowed += 1;
                        assert_eq!(got, Ok(to), "{from:?} {event:?} by {by:?}");
                    }
                    Err(key) => {
                        let err = got.unwrap_err();
                        assert_eq!(err, NegotiationError::NotAllowed { from, event, by });
                        assert_eq!(err.message_key(), key, "{from:?} {event:?} by {by:?}");
                    }
                }
            }
        }
    }
    assert_eq!((cells, allowed), (32, 6));
}

#[test]
fn refusals_say_who_may_do_what() {
    let text = |from, event, by| next_status(from, event, by).unwrap_err().to_string();
    assert!(text(Draft, Counter, Unit).contains("leader has not sent a top-down target"));
    assert!(text(Proposed, Propose, Unit).starts_with("Only the leader sends"));
    assert!(text(Proposed, Counter, Leader).starts_with("Only the unit answers"));
    assert!(text(Agreed, Reopen, Unit).starts_with("Only the leader can reopen"));
    assert!(text(Agreed, Counter, Unit).contains("Only the leader can reopen"));
    assert!(text(Proposed, Agree, Leader).contains("The unit agrees to it or counters"));
    let zh = next_status(Draft, Counter, Unit)
        .unwrap_err()
        .localize(Lang::Zh);
    assert!(zh.contains("上级尚未下达"), "{zh}");
}

#[test]
fn only_open_rounds_are_editable() {
    assert_eq!(check_editable(RoundState::Open), Ok(()));
    for state in [RoundState::Superseded, RoundState::Confirmed] {
        let err = check_editable(state).unwrap_err();
        assert_eq!(err, NegotiationError::RoundNotEditable { state });
        assert!(err.to_string().contains("cannot be changed"), "{err}");
    }
    assert!(
        check_editable(RoundState::Confirmed)
            .unwrap_err()
            .to_string()
            .contains("start a new round")
    );
}

// ---- apply ----

#[test]
fn a_full_negotiation_round() {
    let r = UnitRow::draft("East");
    let r = apply(&r, Propose, Leader, Some(wan(1_000)), "Market grows 15%").unwrap();
    assert_eq!(
        (r.status, r.top_down, r.bottom_up),
        (Proposed, Some(wan(1_000)), None)
    );
    assert_eq!(r.leader_comment, "Market grows 15%");
    assert_eq!(r.gap(), None);
    assert_eq!(r.agreed_value(), None);

    let r = apply(&r, Counter, Unit, Some(wan(850)), "Two key accounts churn").unwrap();
    assert_eq!((r.status, r.bottom_up), (Countered, Some(wan(850))));
    assert_eq!(r.unit_comment, "Two key accounts churn");
    assert_eq!(r.gap(), Some(wan(-150)));

    let r = apply(&r, Propose, Leader, Some(wan(920)), "").unwrap();
    assert_eq!((r.status, r.top_down), (Proposed, Some(wan(920))));
    assert_eq!(
        r.leader_comment, "Market grows 15%",
        "an empty comment keeps the old one"
    );

    let r = apply(&r, Counter, Unit, Some(wan(900)), "").unwrap();
    // The leader accepts the bottom-up: it becomes the top-down, the agreed figure.
    let r = apply(&r, Agree, Leader, None, "OK").unwrap();
    assert_eq!(r.status, Agreed);
    assert_eq!(r.top_down, Some(wan(900)));
    assert_eq!(r.agreed_value(), Some(wan(900)));
    assert_eq!(r.gap(), Some(Money::ZERO));

    // Reopened before confirmation: the figures stay until a new top-down is given.
    let reopened = apply(&r, Reopen, Leader, None, "Budget changed").unwrap();
    assert_eq!(
        (reopened.status, reopened.top_down),
        (Proposed, Some(wan(900)))
    );
    assert_eq!(reopened.agreed_value(), None);
    let reopened = apply(&r, Reopen, Leader, Some(wan(950)), "").unwrap();
    assert_eq!(
        (reopened.status, reopened.top_down),
        (Proposed, Some(wan(950)))
    );

    // The unit accepts the top-down: the figures stay, the unit's own estimate is kept.
    let agreed = apply(&reopened, Agree, Unit, Some(wan(950)), "").unwrap();
    assert_eq!(agreed.agreed_value(), Some(wan(950)));
    assert_eq!(agreed.bottom_up, Some(wan(900)));
}

#[test]
fn apply_refuses_what_next_status_refuses() {
    let r = UnitRow::draft(1u8);
    assert_eq!(
        apply(&r, Counter, Unit, Some(wan(1)), "x"),
        Err(NegotiationError::NotAllowed {
            from: Draft,
            event: Counter,
            by: Unit
        })
    );
}

#[test]
fn apply_needs_figures_and_refuses_negative_or_changed_ones() {
    let draft = UnitRow::draft("A");
    let err = apply(&draft, Propose, Leader, None, "").unwrap_err();
    assert_eq!(err, NegotiationError::MissingValue { event: Propose });
    assert!(err.to_string().contains("top-down target"), "{err}");

    let proposed = row("A", Some(100), None, Proposed);
    let err = apply(&proposed, Counter, Unit, None, "").unwrap_err();
    assert_eq!(err, NegotiationError::MissingValue { event: Counter });
    assert!(err.to_string().contains("bottom-up figure"), "{err}");

    let err = apply(&proposed, Counter, Unit, Some(wan(-1)), "").unwrap_err();
    assert_eq!(err, NegotiationError::NegativeValue { value: wan(-1) });
    assert!(err.to_string().contains("-10,000.00元"), "{err}");

    let err = apply(&proposed, Agree, Unit, Some(wan(99)), "").unwrap_err();
    assert_eq!(
        err,
        NegotiationError::AgreeMismatch {
            on_table: wan(100),
            given: wan(99)
        }
    );
    assert!(err.to_string().contains("1,000,000.00元"), "{err}");

    // A row loaded from a file in an inconsistent state: nothing to agree to.
    let broken = row("A", None, None, Proposed);
    assert_eq!(
        apply(&broken, Agree, Unit, None, ""),
        Err(NegotiationError::MissingValue { event: Agree })
    );
    let broken = row("A", Some(1), None, Countered);
    assert_eq!(
        apply(&broken, Agree, Leader, None, ""),
        Err(NegotiationError::MissingValue { event: Agree })
    );
}

#[test]
fn comments_go_to_the_acting_party() {
    let r = row("A", Some(1), None, Proposed);
    let r = apply(&r, Counter, Unit, Some(wan(2)), "unit says").unwrap();
    assert_eq!(
        (r.leader_comment.as_str(), r.unit_comment.as_str()),
        ("", "unit says")
    );
    let r = apply(&r, Agree, Leader, None, "leader says").unwrap();
    assert_eq!(
        (r.leader_comment.as_str(), r.unit_comment.as_str()),
        ("leader says", "unit says")
    );
}

#[test]
fn all_agreed_needs_at_least_one_row() {
    let none: [UnitRow<u8>; 0] = [];
    assert!(!all_agreed(&none));
    assert!(all_agreed(&[row("A", Some(1), None, Agreed)]));
    assert!(!all_agreed(&[
        row("A", Some(1), None, Agreed),
        row("B", Some(1), Some(2), Countered)
    ]));
}

// ---- totals ----

#[test]
fn totals_with_missing_numbers() {
    let rows = [
        row("A", Some(1_000), Some(900), Countered),
        row("B", Some(800), None, Proposed),
        row("C", None, None, Draft),
        row("D", Some(500), Some(500), Agreed),
        row("E", None, Some(300), Draft),
    ];
    assert_eq!(
        totals(&rows),
        Totals {
            top_down: wan(2_300),
            bottom_up: wan(1_700),
            // Only A (-100) and D (0) have both figures.
            gap: wan(-100),
            units: 5,
            agreed: 1,
        }
    );
    let none: [UnitRow<u8>; 0] = [];
    assert_eq!(
        totals(&none),
        Totals {
            top_down: Money::ZERO,
            bottom_up: Money::ZERO,
            gap: Money::ZERO,
            units: 0,
            agreed: 0
        }
    );
    // Extreme figures saturate instead of panicking.
    let huge = [
        UnitRow {
            top_down: Some(Money::from_fen(i64::MAX)),
            bottom_up: Some(Money::from_fen(i64::MIN)),
            ..UnitRow::draft(1)
        },
        UnitRow {
            top_down: Some(Money::from_fen(i64::MAX)),
            ..UnitRow::draft(2)
        },
    ];
    let t = totals(&huge);
    assert_eq!(t.top_down, Money::from_fen(i64::MAX));
    assert_eq!(t.gap, Money::from_fen(i64::MIN));
    assert_eq!(huge[0].gap(), None);
}

// ---- diff ----

#[test]
fn diff_reports_added_removed_and_changed_units() {
    let before = [
        row("A", Some(100), None, Proposed),
        row("B", Some(200), Some(180), Countered),
        row("C", Some(300), None, Proposed),
        row("D", Some(50), None, Proposed),
    ];
    let mut same_numbers_new_comment = before[3].clone();
    same_numbers_new_comment.leader_comment = "only a comment".into();
    let after = [
        // Added.
        row("E", Some(70), None, Draft),
        // Numbers and status changed.
        row("B", Some(180), Some(180), Agreed),
        // Bottom-up and status changed.
        row("A", Some(100), Some(90), Countered),
        // Unchanged: comments are not compared. C is gone.
        same_numbers_new_comment,
    ];
    let d = diff(&before, &after);
    assert_eq!(
        d,
        vec![
            UnitDiff {
                unit: "E",
                before: None,
                after: Some((Some(wan(70)), None, Draft)),
            },
            UnitDiff {
                unit: "B",
                before: Some((Some(wan(200)), Some(wan(180)), Countered)),
                after: Some((Some(wan(180)), Some(wan(180)), Agreed)),
            },
            UnitDiff {
                unit: "A",
                before: Some((Some(wan(100)), None, Proposed)),
                after: Some((Some(wan(100)), Some(wan(90)), Countered)),
            },
            UnitDiff {
                unit: "C",
                before: Some((Some(wan(300)), None, Proposed)),
                after: None,
            },
        ]
    );
}

#[test]
fn diff_of_identical_rounds_is_empty_and_status_only_changes_count() {
    let rows = [
        row("A", Some(1), Some(2), Countered),
        row("B", None, None, Draft),
    ];
    assert!(diff(&rows, &rows).is_empty());
    let none: [UnitRow<&str>; 0] = [];
    assert!(diff(&none, &none).is_empty());
    let mut changed = rows.clone();
    changed[1].status = Proposed;
    let d = diff(&rows, &changed);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].unit, "B");
    // Everything removed.
    let d = diff(&rows, &none);
    assert_eq!(d.iter().map(|x| x.unit).collect::<Vec<_>>(), vec!["A", "B"]);
    assert!(d.iter().all(|x| x.after.is_none()));
}

#[test]
fn diff_uses_the_first_row_of_a_repeated_unit() {
    let before = [
        row("A", Some(1), None, Proposed),
        row("A", Some(9), None, Proposed),
    ];
    let after = [
        row("A", Some(1), None, Proposed),
        row("A", Some(5), None, Agreed),
    ];
    assert!(diff(&before, &after).is_empty());
}

// ---- content hash ----

fn cell(
    node: i64,
    line: Option<i64>,
    period: &str,
    metric: &str,
    value: i64,
) -> (i64, Option<i64>, String, String, i64) {
    (node, line, period.to_owned(), metric.to_owned(), value)
}

fn fixed_cells() -> Vec<(i64, Option<i64>, String, String, i64)> {
    vec![
        cell(2, None, "2026", "target", 500_000_000_000),
        cell(1, None, "2026", "target", 5_000_000_000),
        cell(1, Some(1), "2026-01", "target", 416_666_667),
        cell(3, Some(2), "2026-Q1", "deals", 12),
        cell(1, Some(1), "2026-02", "target", -5),
    ]
}

/// Computed independently with Python:
/// ```text
/// import hashlib
/// text = "1|1|2026-01|target|416666667\n1|1|2026-02|target|-5\n1||2026|target|5000000000\n2||2026|target|500000000000\n3|2|2026-Q1|deals|12"
/// hashlib.sha256(text.encode("utf-8")).hexdigest()
/// ```
const FIXED_HASH: &str = "db631896fd9fcfc8d7f384394631cfb303a8ab19d505b8af8f45e7b2279e4ff8";

#[test]
fn content_hash_matches_an_independent_computation() {
    // The canonical text, sorted by bytes ("1|1|…" before "1||…" because '1' < '|').
    let canonical = "1|1|2026-01|target|416666667\n\
                     1|1|2026-02|target|-5\n\
                     1||2026|target|5000000000\n\
                     2||2026|target|500000000000\n\
                     3|2|2026-Q1|deals|12";
    assert_eq!(canonical.lines().count(), 5);
    let digest = Sha256::digest(canonical.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex, FIXED_HASH,
        "the canonical text above is what Python hashed"
    );
    assert_eq!(content_hash(&fixed_cells()), FIXED_HASH);
}

#[test]
fn content_hash_escapes_separators_and_handles_chinese() {
    // Python: "\n".join(sorted(["7||2026-01|目标\\|额|100", "7||a\\\\b|x\\ny|1"])) → sha256
    let cells = [
        cell(7, None, "2026-01", "目标|额", 100),
        cell(7, None, "a\\b", "x\ny", 1),
    ];
    assert_eq!(
        content_hash(&cells),
        "d65ef6924f9278c689cf1bf8e617e4e67ab98904bbfee4599c5427807ada4b6c"
    );
    // A '|' inside a text cannot make two different cells look the same.
    let a = [cell(1, None, "a|b", "c", 1)];
    let b = [cell(1, None, "a", "b|c", 1)];
    assert_ne!(content_hash(&a), content_hash(&b));
}

#[test]
fn content_hash_of_nothing_is_the_hash_of_the_empty_text() {
    assert_eq!(
        content_hash(&[]),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn content_hash_is_independent_of_order_and_changes_with_any_value() {
    let cells = fixed_cells();
    let mut reversed = cells.clone();
    reversed.reverse();
    assert_eq!(content_hash(&reversed), FIXED_HASH);
    let mut rotated = cells.clone();
    rotated.rotate_left(2);
    assert_eq!(content_hash(&rotated), FIXED_HASH);

    for i in 0..cells.len() {
        let mut changed = cells.clone();
        changed[i].4 += 1;
        assert_ne!(content_hash(&changed), FIXED_HASH, "value of cell {i}");
        let mut changed = cells.clone();
        changed[i].0 += 100;
        assert_ne!(content_hash(&changed), FIXED_HASH, "node of cell {i}");
        let mut changed = cells.clone();
        changed[i].1 = changed[i].1.map_or(Some(0), |_| None);
        assert_ne!(content_hash(&changed), FIXED_HASH, "line of cell {i}");
        let mut changed = cells.clone();
        changed[i].2.push('x');
        assert_ne!(content_hash(&changed), FIXED_HASH, "period of cell {i}");
        let mut changed = cells.clone();
        changed[i].3.push('x');
        assert_ne!(content_hash(&changed), FIXED_HASH, "metric of cell {i}");
    }
    let mut fewer = cells.clone();
    fewer.pop();
    assert_ne!(content_hash(&fewer), FIXED_HASH);
    let mut more = cells.clone();
    more.push(cells[0].clone());
    assert_ne!(content_hash(&more), FIXED_HASH, "a repeated cell counts");
}

// ---- roll-up ----

#[test]
fn roll_up_store_region_headquarters() {
    let nodes = [
        ("HQ", None),
        ("North", Some("HQ")),
        ("South", Some("HQ")),
        ("West", Some("HQ")),
        ("n1", Some("North")),
        ("n2", Some("North")),
        ("s1", Some("South")),
        ("s2", Some("South")),
        ("w1", Some("West")),
    ];
    let own: HashMap<&str, Money> = [
        ("n1", wan(100)),
        ("n2", wan(250)),
        ("s1", wan(40)),
        ("s2", wan(60)),
        // South's manager entered a region figure: it wins over the stores' sum.
        ("South", wan(120)),
        // w1 has not answered: West has no figure at all.
    ]
    .into_iter()
    .collect();
    let r = roll_up(&nodes, &own);
    assert_eq!(r["n1"], wan(100));
    assert_eq!(r["North"], wan(350));
    assert_eq!(r["South"], wan(120));
    assert_eq!(r["HQ"], wan(470));
    assert!(!r.contains_key("West"));
    assert!(!r.contains_key("w1"));
    assert_eq!(r.len(), 7);
}

#[test]
fn roll_up_survives_cycles_unknown_parents_and_repeats() {
    // a ↔ b is a cycle; c's parent is not listed so c is a root; d is listed twice.
    let nodes = [
        ("a", Some("b")),
        ("b", Some("a")),
        ("c", Some("nowhere")),
        ("d", Some("c")),
        ("d", Some("a")),
        ("self", Some("self")),
    ];
    let own: HashMap<&str, Money> = [
        ("a", wan(1)),
        ("d", wan(4)),
        ("self", wan(9)),
        ("zz", wan(5)),
    ]
    .into_iter()
    .collect();
    let r = roll_up(&nodes, &own);
    assert_eq!(r["a"], wan(1));
    assert!(!r.contains_key("b"));
    assert_eq!(r["c"], wan(4));
    assert_eq!(r["d"], wan(4));
    assert_eq!(r["self"], wan(9));
    assert!(!r.contains_key("zz"));
}

#[test]
fn roll_up_of_a_long_chain_does_not_overflow_the_stack() {
    let nodes: Vec<(u32, Option<u32>)> = (0..200_000u32).map(|i| (i, i.checked_sub(1))).collect();
    let own: HashMap<u32, Money> = [(199_999, wan(3))].into_iter().collect();
    let r = roll_up(&nodes, &own);
    assert_eq!(r.len(), 200_000);
    assert_eq!(r[&0], wan(3));
}

// ---- messages, serde ----

fn every_error() -> Vec<NegotiationError> {
    let mut all = Vec::new();
    for from in UnitStatus::ALL {
        for event in RoundEvent::ALL {
            for by in Party::ALL {
                all.push(NegotiationError::NotAllowed { from, event, by });
            }
        }
    }
    for state in [
        RoundState::Open,
        RoundState::Superseded,
        RoundState::Confirmed,
    ] {
        all.push(NegotiationError::RoundNotEditable { state });
    }
    for event in RoundEvent::ALL {
        all.push(NegotiationError::MissingValue { event });
    }
    all.push(NegotiationError::NegativeValue { value: wan(-1) });
    all.push(NegotiationError::AgreeMismatch {
        on_table: wan(1),
        given: wan(2),
    });
    all
}

#[test]
fn every_error_has_a_complete_message_in_both_languages() {
    for err in every_error() {
        let key = err.message_key();
        assert!(key.starts_with("err.negotiation."), "{key}");
        for (lang, table) in tables() {
            assert!(table.contains_key(key), "{key} missing in {lang:?}");
            let text = err.localize(lang);
            assert!(!text.contains('{'), "unfilled placeholder in {key}: {text}");
        }
        assert_eq!(err.to_string(), err.localize(Lang::En));
        let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
        assert!(!boxed.to_string().is_empty());
    }
}

#[test]
fn rows_and_enums_round_trip_through_json() {
    let r = UnitRow {
        leader_comment: "增长 15%".into(),
        ..row("A", Some(1), Some(2), Countered)
    };
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<UnitRow<&str>>(&json).unwrap(), r);
    for s in UnitStatus::ALL {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<UnitStatus>(&json).unwrap(), s);
    }
    assert!(serde_json::to_string(&totals(std::slice::from_ref(&r))).is_ok());
    assert!(serde_json::to_string(&diff(&[], &[r])).is_ok());
}

// ---- properties ----

fn event_strategy() -> impl Strategy<Value = (RoundEvent, Party, Option<i64>)> {
    (
        proptest::sample::select(RoundEvent::ALL.to_vec()),
        proptest::sample::select(Party::ALL.to_vec()),
        proptest::option::of(-10i64..=1_000),
    )
}

proptest! {
    /// Any sequence of events keeps a row consistent: an allowed step moves exactly as
    /// `next_status` says, a refused one changes nothing, and an agreed row has a top-down.
    #[test]
    fn random_event_sequences_keep_rows_consistent(events in proptest::collection::vec(event_strategy(), 0..40)) {
        let mut r = UnitRow::draft(0u8);
        for (event, by, value) in events {
            let value = value.map(Money::from_fen);
            match apply(&r, event, by, value, "c") {
                Ok(next) => {
                    prop_assert_eq!(Ok(next.status), next_status(r.status, event, by));
                    if next.status == Agreed {
                        prop_assert!(next.agreed_value().is_some());
                    }
                    if let Some(top) = next.top_down {
                        prop_assert!(!top.is_negative());
                    }
                    if let Some(bottom) = next.bottom_up {
                        prop_assert!(!bottom.is_negative());
                    }
                    r = next;
                }
                // A refusal for a step the table allows must be about the figure.
                Err(e) if next_status(r.status, event, by).is_ok() => {
                    let about_figure = matches!(
                        e,
                        NegotiationError::MissingValue { .. }
                            | NegotiationError::NegativeValue { .. }
                            | NegotiationError::AgreeMismatch { .. }
                    );
                    prop_assert!(about_figure, "{:?}", e);
                }
                Err(e) => {
                    let not_allowed = matches!(e, NegotiationError::NotAllowed { .. });
                    prop_assert!(not_allowed, "{:?}", e);
                }
            }
        }
    }

    #[test]
    fn content_hash_ignores_order(
        cells in proptest::collection::vec((any::<i64>(), proptest::option::of(any::<i64>()), "[a-z0-9|\\\\\n-]{0,6}", "\\PC{0,4}", any::<i64>()), 0..12),
        seed in any::<u64>(),
    ) {
        let mut shuffled = cells.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (s >> 33) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        let h = content_hash(&cells);
        prop_assert_eq!(h.len(), 64);
        prop_assert!(h.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        prop_assert_eq!(content_hash(&shuffled), h);
    }

    #[test]
    fn roll_up_of_random_trees_sums_children(
        parents in proptest::collection::vec(any::<proptest::sample::Index>(), 0..40),
        leaf_values in proptest::collection::vec(0i64..=1_000_000_000, 41),
    ) {
        let mut nodes = vec![(0usize, None)];
        let mut has_child = vec![false; parents.len() + 1];
        for (i, index) in parents.iter().enumerate() {
            let parent = index.index(i + 1);
            nodes.push((i + 1, Some(parent)));
            has_child[parent] = true;
        }
        let own: HashMap<usize, Money> = (0..nodes.len())
            .filter(|&i| !has_child[i])
            .map(|i| (i, Money::from_fen(leaf_values[i])))
            .collect();
        let r = roll_up(&nodes, &own);
        prop_assert_eq!(r.len(), nodes.len());
        for (node, _) in &nodes {
            if has_child[*node] {
                let sum: Money = nodes
                    .iter()
                    .filter(|(_, p)| *p == Some(*node))
                    .map(|(c, _)| r[c])
                    .sum();
                prop_assert_eq!(r[node], sum);
            }
        }
        let leaves: Money = own.values().copied().sum();
        prop_assert_eq!(r[&0], leaves);
    }
}

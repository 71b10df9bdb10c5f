//! Exports and the monthly plan's round trip through the app, headless: Ctrl+E writes the
//! workbook; an edited monthly plan dropped on the window is read back as one change (and
//! undone); a bad one is refused with a message that says where, and nothing changes.

mod common;

use common::{app, demo, drop_file, type_into};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use salesplan::domain::model::Metric;
use salesplan::domain::money::AmountUnit;
use salesplan::domain::period::Period;
use salesplan::i18n::Lang;

#[test]
fn the_workbook_is_exported_and_an_edited_monthly_plan_dropped_back_is_one_change() {
    let (dir, path) = demo();
    let mut h = app(path);
    h.run();
    // Ctrl+E: the export dialog, a workbook by default.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    let book = dir.path().join("导出.xlsx");
    type_into(&mut h, "保存位置", book.to_str().unwrap());
    h.get_by_label("导出").click();
    h.run();
    assert!(book.exists());
    assert!(h.query_by_label_contains("已导出到").is_some());

    // The monthly plan as CSV, with 李娜's March raised to 100万, dropped on the window.
    let snap = h.state().doc.as_ref().unwrap().snap.clone();
    let day = salesplan::domain::period::parse_date("2026-04-15").unwrap();
    let tables = salesplan::exchange::export::tables(&snap, Lang::Zh, AmountUnit::Wan, day);
    let monthly = tables.iter().find(|t| t.key == "monthly").unwrap();
    let csv = String::from_utf8(
        salesplan::exchange::export::csv_bytes(monthly, AmountUnit::Wan).unwrap(),
    )
    .unwrap();
    let edited: Vec<String> = csv
        .lines()
        .map(|l| {
            if l.starts_with("李娜,签约额") {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[6] = "100";
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let file = dir.path().join("月度计划.csv");
    std::fs::write(&file, edited.join("\n")).unwrap();
    drop_file(&mut h, &file);
    let li = snap.nodes.iter().find(|n| n.name == "李娜").unwrap().id;
    let march = |h: &egui_kittest::Harness<'_, salesplan::ui::SalesPlanApp>| {
        salesplan::domain::targets::TargetTable::new(&h.state().doc.as_ref().unwrap().snap.targets)
            .get(li, None, Period::Month(3), Metric::ContractAmount)
    };
    assert_eq!(march(&h), Some(100_000_000));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(march(&h), Some(92_204_443));

    // A bad one: refused, with where and what.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "人员,指标,指标代码,单位,1,2,3,4,5,6,7,8,9,10,11,12,全年\n\
         李娜,签约额,contract_amount,万元,1,abc,1,1,1,1,1,1,1,1,1,1,12\n",
    )
    .unwrap();
    drop_file(&mut h, &bad);
    assert!(h.query_by_label("未导入月度计划").is_some());
    assert!(
        h.query_by_label_contains("第 2 行，“2”列：“abc”不是按该行单位填写的不小于 0 的金额。")
            .is_some()
    );
    assert_eq!(march(&h), Some(92_204_443));
}

#[test]
fn submissions_are_previewed_with_their_conflicts_and_read_into_the_round() {
    use salesplan::domain::negotiation::{Party, RoundEvent, UnitStatus};
    let (dir, path) = demo();
    // The leader's round over the five people, 1,000万 proposed to each but 陈静.
    {
        let mut store = salesplan::store::Store::open(&path).unwrap();
        let snap = store.snapshot().unwrap();
        let people: Vec<_> = snap.people().map(|p| (p.id, p.name.clone())).collect();
        let ids: Vec<_> = people.iter().map(|p| p.0).collect();
        store.start_round(&ids, "第 1 轮").unwrap();
        for (id, name) in &people {
            if name != "陈静" {
                store
                    .round_event(
                        *id,
                        RoundEvent::Propose,
                        Party::Leader,
                        Some(salesplan::domain::money::Money::from_wan(1_000).unwrap()),
                        "",
                    )
                    .unwrap();
            }
        }
    }
    // Everyone's submission from the plan as it stands.
    let snap = salesplan::store::Store::open(&path)
        .unwrap()
        .snapshot()
        .unwrap();
    let day = salesplan::domain::period::parse_date("2026-12-01").unwrap();
    let files: Vec<std::path::PathBuf> = snap
        .people()
        .map(|p| {
            let s = salesplan::exchange::plan_file::submission(&snap, p.id, "可以完成", day, None)
                .unwrap();
            let f = dir.path().join(format!("{}.json", p.name));
            std::fs::write(&f, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
            f
        })
        .collect();
    let mut h = app(path);
    h.run();
    h.state_mut().preview_submissions(&files);
    h.run();
    assert!(
        h.query_by_label_contains("● 李娜.json：李娜 → 李娜：1,000.00万元")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("▲ 陈静.json：本轮尚未向“陈静”下达目标")
            .is_some()
    );
    h.get_by_label("读入 4 份有效文件").click();
    h.run();
    let round = h
        .state()
        .doc
        .as_ref()
        .unwrap()
        .snap
        .current_round()
        .unwrap()
        .clone();
    let countered = round
        .rows
        .iter()
        .filter(|r| r.status == UnitStatus::Countered)
        .count();
    assert_eq!(countered, 4);
    // One change.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let round = h
        .state()
        .doc
        .as_ref()
        .unwrap()
        .snap
        .current_round()
        .unwrap()
        .clone();
    assert!(round.rows.iter().all(|r| r.status != UnitStatus::Countered));
}

#[test]
fn a_dropped_package_opens_as_the_persons_own_plan_and_dropped_submissions_are_previewed() {
    let (dir, path) = demo();
    let snap = salesplan::store::Store::open(&path)
        .unwrap()
        .snapshot()
        .unwrap();
    let li = snap.people().find(|p| p.name == "李娜").unwrap().id;
    let day = salesplan::domain::period::parse_date("2026-12-01").unwrap();
    let package = salesplan::exchange::plan_file::package(&snap, li, day).unwrap();
    let file = dir.path().join("李娜-package.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&package).unwrap()).unwrap();
    let mut h = app(path.clone());
    h.run();
    drop_file(&mut h, &file);
    let doc = h.state().doc.as_ref().unwrap();
    assert_ne!(doc.store.path(), path.as_path());
    assert_eq!(
        doc.snap
            .people()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>(),
        ["李娜"]
    );
    assert!(
        h.query_by_label_contains("已将计划包打开为您自己的计划文件")
            .is_some()
    );
    // A submission dropped on a plan that is not in a round: previewed, refused, saying why.
    let sub = dir.path().join("sub.json");
    let s = salesplan::exchange::plan_file::submission(
        &snap,
        li,
        "",
        day,
        Some(
            &package
                .round
                .clone()
                .unwrap_or(salesplan::exchange::plan_file::RoundOffer {
                    number: 1,
                    unit: "李娜".into(),
                    top_down_fen: None,
                    comment: String::new(),
                }),
        ),
    );
    std::fs::write(&sub, serde_json::to_vec_pretty(&s.unwrap()).unwrap()).unwrap();
    drop_file(&mut h, &sub);
    assert!(
        h.query_by_label_contains("计划当前不在进行中的谈判轮次")
            .is_some()
    );
}

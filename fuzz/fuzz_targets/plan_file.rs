//! Plan exchange files (docs/plan-file.md) as a colleague's laptop may send them: the kind a file
//! declares, a submission read and checked against the leader's plan in an open round, and a
//! package read and opened as a person's own new plan file. No input may panic.
//!
//! Input: the file's bytes.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use salesplan::domain::model::PlanSnapshot;
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{Party, RoundEvent};
use salesplan::domain::org::OrgTree;
use salesplan::exchange::plan_file::{self, Conflict};
use salesplan::i18n::Lang;

/// The leader's plan: the demo plan in an open round over its people, each proposed 1,000万,
/// written once to a temporary folder (where packages are then opened) and read as a snapshot.
fn leader() -> &'static (PlanSnapshot, PathBuf) {
    static LEADER: OnceLock<(PlanSnapshot, PathBuf)> = OnceLock::new();
    LEADER.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("salesplan-fuzz-plan-file-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let mut store =
            salesplan::demo::create_demo(&dir.join("leader.salesplan")).expect("the demo plan");
        let people: Vec<_> = store
            .snapshot()
            .expect("a snapshot")
            .people()
            .map(|p| p.id)
            .collect();
        store.start_round(&people, "第 1 轮").expect("a round");
        for p in &people {
            store
                .round_event(
                    *p,
                    RoundEvent::Propose,
                    Party::Leader,
                    Money::from_wan(1_000),
                    "",
                )
                .expect("a proposal");
        }
        let snap = store.snapshot().expect("a snapshot");
        drop(store);
        // Only the snapshot is needed from here on; packages are opened in the same folder.
        let _ = std::fs::remove_file(dir.join("leader.salesplan"));
        (snap, dir)
    })
}

fuzz_target!(|data: &[u8]| {
    let (snap, dir) = leader();
    let _ = plan_file::kind_of(data);

    let submission = plan_file::parse(data);
    if let Err(conflict) = &submission {
        messages(conflict);
    }
    let files = [submission.clone(), submission];
    let checked = plan_file::check(snap, &files);
    assert_eq!(checked.len(), files.len());
    let accepted: Vec<_> = checked
        .iter()
        .filter_map(|c| match c {
            Ok(a) => Some(a.clone()),
            Err(conflict) => {
                messages(conflict);
                None
            }
        })
        .collect();
    // The same person twice: the second is a duplicate.
    assert!(accepted.len() <= 1, "{checked:?}");
    let _ = plan_file::bottom_up_by_unit(&accepted, &OrgTree::new(&snap.nodes));

    match plan_file::parse_package(data) {
        Ok(package) => {
            let path = dir.join("package.salesplan");
            let _ = std::fs::remove_file(&path);
            if let Ok(store) = plan_file::create_from_package(&path, &package) {
                let _ = plan_file::stored_round(&store);
                let _ = store.snapshot();
            }
            let _ = std::fs::remove_file(&path);
        }
        Err(conflict) => messages(&conflict),
    }
});

fn messages(conflict: &Conflict) {
    let _ = conflict.message();
    let _ = conflict.localize(Lang::En);
    let _ = conflict.localize(Lang::Zh);
}

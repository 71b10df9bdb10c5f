//! `salesplan funnel`: the reverse-funnel calculator without a plan file. The target is split
//! exactly over the people (largest remainder), each person's funnel is computed on their own
//! share, and the totals are the sums of the per-person whole numbers.

use std::io::Write;

use serde::Serialize;

use crate::domain::funnel::FunnelInputError;
use crate::domain::money::Money;
use crate::domain::person_funnel::{
    DEFAULT_BID_STAGE, DEFAULT_VISITS_PER_OPPORTUNITY, FunnelModel, PersonFunnel, PersonInputs,
    Source, person_funnel, team_totals,
};
use crate::domain::ratio::Ratio;
use crate::domain::split::split_even;
use crate::i18n::{Lang, Localized};

pub struct FunnelArgs<'a> {
    pub target: &'a str,
    pub people: u32,
    pub deal_size: &'a str,
    pub win_rate: Option<&'a str>,
    pub stage_rates: Option<&'a str>,
    pub json: bool,
}

#[derive(Serialize)]
struct Output {
    target_fen: i64,
    people: u32,
    deal_size_fen: i64,
    /// The win rate of a new lead (the product of the stage rates).
    win_rate: String,
    /// One entry per distinct per-person target (the split differs by at most 1 fen).
    groups: Vec<Group>,
    total: Total,
}

#[derive(Serialize)]
struct Group {
    people: u32,
    target_fen: i64,
    deals: i64,
    leads: i64,
    stages: Vec<StageCount>,
}

#[derive(Serialize)]
struct StageCount {
    stage: u8,
    count: i64,
}

fn stage_counts(stages: &[(u8, i64)]) -> Vec<StageCount> {
    stages
        .iter()
        .map(|&(stage, count)| StageCount { stage, count })
        .collect()
}

#[derive(Serialize)]
struct Total {
    target_fen: i64,
    deals: i64,
    leads: i64,
    stages: Vec<StageCount>,
}

fn rate(text: &str, what: &str) -> Result<Ratio, String> {
    let r = Ratio::parse(text.trim())
        .map_err(|e| format!("{what} \"{text}\": {}", e.localize(Lang::En)))?;
    if r.is_zero() || r.is_negative() || r > Ratio::ONE {
        return Err(format!(
            "{what} \"{text}\" must be above 0% and at most 100%, e.g. 10%"
        ));
    }
    Ok(r)
}

fn money(text: &str, what: &str) -> Result<Money, String> {
    Money::parse(text).map_err(|e| format!("{what} \"{text}\": {}", e.localize(Lang::En)))
}

fn funnel_error(e: FunnelInputError) -> String {
    e.localize(Lang::En)
}

pub fn run(args: &FunnelArgs, out: &mut dyn Write) -> Result<(), String> {
    let target = money(args.target, "--target")?;
    if target.is_negative() {
        return Err(format!(
            "--target \"{}\" is negative; enter 0 or more",
            args.target
        ));
    }
    let deal_size = money(args.deal_size, "--deal-size")?;
    if deal_size.fen() <= 0 {
        return Err(format!(
            "--deal-size \"{}\" must be above 0, e.g. 100万",
            args.deal_size
        ));
    }
    if args.people == 0 || args.people > 100_000 {
        return Err("--people must be between 1 and 100000".into());
    }
    let model = match (args.win_rate, args.stage_rates) {
        (Some(_), Some(_)) => {
            return Err(
                "give either --win-rate or --stage-rates (the win rate is the product of the \
                 stage rates)"
                    .into(),
            );
        }
        (None, None) => return Err("give --win-rate, e.g. 10%, or --stage-rates".into()),
        (Some(w), None) => {
            FunnelModel::single(2, rate(w, "--win-rate")?, Source::Entered).map_err(funnel_error)?
        }
        (None, Some(list)) => {
            let rates = list
                .split([',', '，'])
                .enumerate()
                .map(|(i, r)| rate(r, &format!("--stage-rates (rate {})", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            FunnelModel::from_rates(&rates, Source::Entered).map_err(funnel_error)?
        }
    };
    let shares = split_even(target.fen(), args.people as usize);
    let mut funnels: Vec<PersonFunnel> = Vec::with_capacity(shares.len());
    let mut groups: Vec<Group> = Vec::new();
    for share in shares {
        let f = person_funnel(&PersonInputs {
            target: Money::from_fen(share),
            contracted: Money::ZERO,
            deal_size,
            deal_size_source: Source::Entered,
            model: model.clone(),
            open: Vec::new(),
            visits_per_week: 0,
            working_days: 0,
            visits_per_opportunity: DEFAULT_VISITS_PER_OPPORTUNITY,
            bid_stage: DEFAULT_BID_STAGE,
        })
        .map_err(funnel_error)?;
        match groups.iter_mut().find(|g| g.target_fen == share) {
            Some(g) => g.people += 1,
            None => groups.push(Group {
                people: 1,
                target_fen: share,
                deals: f.deals,
                leads: f.leads,
                stages: f
                    .stages
                    .iter()
                    .map(|s| StageCount {
                        stage: s.stage,
                        count: s.count,
                    })
                    .collect(),
            }),
        }
        funnels.push(f);
    }
    let t = team_totals(&funnels);
    let output = Output {
        target_fen: target.fen(),
        people: args.people,
        deal_size_fen: deal_size.fen(),
        win_rate: model.win_rate().format_percent(4),
        groups,
        total: Total {
            target_fen: t.target.fen(),
            deals: t.deals,
            leads: t.leads,
            stages: stage_counts(&t.stages),
        },
    };
    if args.json {
        let text = serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?;
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    // Exact: a split 1 fen apart must not print as two equal figures.
    let wan = |fen: i64| format!("{}万元", Money::from_fen(fen).format_exact_wan());
    let people = |n: u32| {
        if n == 1 {
            "1 person".to_owned()
        } else {
            format!("{n} people")
        }
    };
    let _ = writeln!(
        out,
        "{} over {} at {} a deal, win rate {}:",
        wan(output.target_fen),
        people(output.people),
        wan(output.deal_size_fen),
        output.win_rate
    );
    let stage_text = |stages: &[StageCount]| {
        stages
            .iter()
            .map(|s| format!("stage {}: {}", s.stage, s.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let multi = model.steps.len() > 1;
    for g in &output.groups {
        let who = people(g.people);
        let _ = write!(
            out,
            "  per person ({who}): {} → {} deals, {} leads",
            wan(g.target_fen),
            g.deals,
            g.leads
        );
        if multi {
            let _ = write!(out, " ({})", stage_text(&g.stages));
        }
        let _ = writeln!(out);
    }
    let _ = write!(
        out,
        "  total ({}): {} → {} deals, {} leads",
        people(output.people),
        wan(output.total.target_fen),
        output.total.deals,
        output.total.leads
    );
    if multi {
        let _ = write!(out, " ({})", stage_text(&output.total.stages));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  (totals are sums of the per-person whole numbers: each person closes whole deals)"
    );
    Ok(())
}

//! Confidence (domain §4, beyond the article): the year simulated many times to give the
//! chance of reaching the committed target and the P10 / P50 / P90 outcome.
//!
//! In each run every new lead is won or not with the person's win rate from stage 1 (the
//! product of the stage rates: converting stage by stage with independent chances is the same
//! draw), a won deal's value is drawn from the history's won deals scaled to the planned deal
//! size (or is the deal size when there is no history), and every open opportunity closes with
//! its stage's chance at its own value. Chances are exact fractions drawn with an unbiased
//! integer generator; amounts stay in fen. The generator is seeded, so a result can be
//! reproduced exactly.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::domain::money::Money;
use crate::domain::person_funnel::{FunnelModel, OpenDeal};
use crate::domain::ratio::Ratio;

/// Runs of a standard simulation.
pub const DEFAULT_RUNS: u32 = 10_000;
/// The seed of a standard simulation (any fixed number: the same inputs give the same result).
pub const DEFAULT_SEED: u64 = 20_260_101;
/// The confidence the "leads needed" figure is for.
pub const TARGET_CONFIDENCE_PERCENT: i64 = 80;
/// The most leads the search for the 80% figure tries.
pub const MAX_LEADS_SEARCHED: i64 = 1_000_000;

/// SplitMix64: small, fast, and good enough for sampling (not for cryptography).
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` without modulo bias (rejection of the incomplete last block).
    pub fn below(&mut self, n: u128) -> u128 {
        if n <= 1 {
            return 0;
        }
        let draw = |r: &mut Rng| (u128::from(r.next_u64()) << 64) | u128::from(r.next_u64());
        let zone = u128::MAX - (u128::MAX % n) - 1;
        loop {
            let x = draw(self);
            if x <= zone {
                return x % n;
            }
        }
    }

    /// Uniform in `0..n` for `n` that fits 64 bits (one draw, nearly always).
    pub fn below_u64(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n) - 1;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }

    /// True with probability exactly `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: Ratio) -> bool {
        if !p.is_positive() {
            return false;
        }
        if p >= Ratio::ONE {
            return true;
        }
        let (num, den) = (p.num().unsigned_abs(), p.den().unsigned_abs());
        match u64::try_from(den) {
            Ok(den) => u128::from(self.below_u64(den)) < num,
            Err(_) => self.below(den) < num,
        }
    }
}

/// A chance prepared for many draws.
#[derive(Clone, Copy, Debug)]
struct Bernoulli {
    num: u64,
    /// 0: use the general path.
    den: u64,
    /// The largest draw `Rng::below_u64(den)` accepts (worked out once).
    zone: u64,
    p: Ratio,
}

impl Bernoulli {
    fn new(p: Ratio) -> Bernoulli {
        let p = if p.is_negative() {
            Ratio::ZERO
        } else if p > Ratio::ONE {
            Ratio::ONE
        } else {
            p
        };
        match (u64::try_from(p.num()), u64::try_from(p.den())) {
            (Ok(num), Ok(den)) if den > 0 => Bernoulli {
                num,
                den,
                zone: u64::MAX - (u64::MAX % den) - 1,
                p,
            },
            _ => Bernoulli {
                num: 0,
                den: 0,
                zone: 0,
                p,
            },
        }
    }

    fn sample(&self, rng: &mut Rng) -> bool {
        if self.den == 0 {
            return rng.chance(self.p);
        }
        if self.num == self.den {
            return true;
        }
        if self.num == 0 {
            return false;
        }
        if self.den == 1 {
            // `below_u64(1)` draws nothing.
            return false;
        }
        // `rng.below_u64(self.den) < self.num`, with the zone worked out once.
        loop {
            let x = rng.next_u64();
            if x <= self.zone {
                return x % self.den < self.num;
            }
        }
    }
}

/// What a simulation is run on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimInputs {
    /// The target whose chance is asked for (the committed target).
    pub committed: Money,
    /// Already signed.
    pub contracted: Money,
    /// New leads worked over the year.
    pub leads: i64,
    pub model: FunnelModel,
    pub deal_size: Money,
    /// Won deal values from history (the spread); empty = every deal is `deal_size`.
    pub history: Vec<Money>,
    pub open: Vec<OpenDeal>,
    pub runs: u32,
    pub seed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Confidence {
    pub runs: u32,
    pub seed: u64,
    /// Runs that reached the committed target, over all runs.
    pub chance: Ratio,
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
    /// The simulated mean outcome (rounded to the fen).
    pub mean: Money,
    /// The expected outcome computed exactly: signed + Σ open value × chance + leads × win
    /// rate × deal size (rounded to the fen).
    pub analytic_mean: Money,
    /// The fewest leads with at least an 80% chance (same seed); None when even
    /// [`MAX_LEADS_SEARCHED`] are not enough.
    pub leads_for_80: Option<i64>,
}

/// Draws won deal values: history values scaled so their mean is the deal size.
struct DealDraw {
    /// Each history value × deal size / mean of the values, rounded to the fen (worked out
    /// once: a simulation draws millions of them); empty = every deal is the deal size.
    scaled: Vec<i128>,
    deal_size: i128,
}

impl DealDraw {
    fn new(values: &[Money], deal_size: Money) -> DealDraw {
        let positive = values.iter().all(|v| v.fen() > 0);
        let sum: i128 = values.iter().map(|v| i128::from(v.fen())).sum();
        let scale = if positive && !values.is_empty() {
            Ratio::new(
                i128::from(deal_size.fen()) * values.len() as i128,
                sum.max(1),
            )
        } else {
            None
        };
        let deal_size = i128::from(deal_size.fen());
        let scaled = match scale {
            Some(scale) => values
                .iter()
                .map(|v| {
                    Ratio::from_integer(i128::from(v.fen()))
                        .checked_mul(scale)
                        .map(|r| r.round_half_away())
                        .unwrap_or(deal_size)
                })
                .collect(),
            None => Vec::new(),
        };
        DealDraw { scaled, deal_size }
    }

    fn draw(&self, rng: &mut Rng) -> i128 {
        if self.scaled.is_empty() {
            return self.deal_size;
        }
        self.scaled[rng.below(self.scaled.len() as u128) as usize]
    }
}

/// One run's outcome in fen.
fn run_once(
    contracted: i128,
    open: &[(Bernoulli, i128)],
    leads: i64,
    draw: &DealDraw,
    win: Bernoulli,
    rng: &mut Rng,
) -> i128 {
    let mut total = contracted;
    for (chance, value) in open {
        if chance.sample(rng) {
            total += value;
        }
    }
    for _ in 0..leads {
        if win.sample(rng) {
            total += draw.draw(rng);
        }
    }
    total
}

/// Runs the year `runs` times; None when `cancel` is raised meanwhile.
fn outcomes_cancellable(i: &SimInputs, leads: i64, cancel: &AtomicBool) -> Option<Vec<i128>> {
    let mut rng = Rng::new(i.seed);
    let draw = DealDraw::new(&i.history, i.deal_size);
    let win = Bernoulli::new(i.model.win_rate());
    let open: Vec<(Bernoulli, i128)> = i
        .open
        .iter()
        .map(|d| {
            (
                Bernoulli::new(i.model.win_from(d.stage)),
                i128::from(d.value.fen()),
            )
        })
        .collect();
    let contracted = i128::from(i.contracted.fen());
    let mut out = Vec::with_capacity(i.runs.max(1) as usize);
    for run in 0..i.runs.max(1) {
        if run % 256 == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        out.push(run_once(contracted, &open, leads, &draw, win, &mut rng));
    }
    Some(out)
}

fn hits(outcomes: &[i128], target: Money) -> usize {
    outcomes
        .iter()
        .filter(|&&o| o >= i128::from(target.fen()))
        .count()
}

/// Nearest-rank percentile of sorted outcomes: the smallest value with at least `p`% at or
/// below it.
fn percentile(sorted: &[i128], p: i64) -> Money {
    if sorted.is_empty() {
        return Money::ZERO;
    }
    let n = sorted.len() as i128;
    let rank = (i128::from(p) * n + 99) / 100;
    let index = (rank.max(1) - 1).min(n - 1) as usize;
    Money::from_fen(i64::try_from(sorted[index]).unwrap_or(i64::MAX))
}

/// Whether `leads` reach 80% confidence; None when cancelled.
fn reaches(i: &SimInputs, leads: i64, cancel: &AtomicBool) -> Option<bool> {
    let o = outcomes_cancellable(i, leads, cancel)?;
    // hits / runs ≥ 80%, in integers.
    Some((hits(&o, i.committed) as i64) * 100 >= TARGET_CONFIDENCE_PERCENT * o.len() as i64)
}

/// The fewest leads reaching 80% confidence: growing from the funnel's own lead count by a
/// quarter at a time, then bisection (same seed each time). Outer None: cancelled.
fn leads_for_80(i: &SimInputs, cancel: &AtomicBool) -> Option<Option<i64>> {
    if reaches(i, 0, cancel)? {
        return Some(Some(0));
    }
    if i.model.win_rate().is_zero() {
        return Some(None);
    }
    let mut lo = 0i64;
    let mut hi = i.leads.max(1);
    while !reaches(i, hi, cancel)? {
        lo = hi;
        if hi >= MAX_LEADS_SEARCHED {
            return Some(None);
        }
        hi = (hi + hi / 4 + 1).min(MAX_LEADS_SEARCHED);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reaches(i, mid, cancel)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(Some(hi))
}

/// The exact expected outcome.
pub fn analytic_mean(i: &SimInputs) -> Money {
    let mut total = Ratio::from_integer(i128::from(i.contracted.fen()));
    for d in &i.open {
        if let Some(v) = Ratio::from_integer(i128::from(d.value.fen()))
            .checked_mul(i.model.win_from(d.stage))
            .and_then(|v| total.checked_add(v))
        {
            total = v;
        }
    }
    if let Some(v) = Ratio::from_integer(i128::from(i.leads))
        .checked_mul(i.model.win_rate())
        .and_then(|r| r.checked_mul(Ratio::from_integer(i128::from(i.deal_size.fen()))))
        .and_then(|v| total.checked_add(v))
    {
        total = v;
    }
    Money::from_fen(i64::try_from(total.round_half_away()).unwrap_or(i64::MAX))
}

/// Runs the simulation (and the search for the 80% lead count, which reruns it).
pub fn simulate(i: &SimInputs) -> Confidence {
    let never = AtomicBool::new(false);
    // Never cancelled, so always Some; the fallback only keeps this free of panics.
    simulate_cancellable(i, &never).unwrap_or(Confidence {
        runs: 0,
        seed: i.seed,
        chance: Ratio::ZERO,
        p10: Money::ZERO,
        p50: Money::ZERO,
        p90: Money::ZERO,
        mean: Money::ZERO,
        analytic_mean: analytic_mean(i),
        leads_for_80: None,
    })
}

/// [`simulate_cancellable`] for many people at once, on every core: the results come back in
/// the order of `sims`, the same as one by one (each simulation has its own seed).
/// `progress` is told how many are done; None once `cancel` is raised.
pub fn simulate_all<T: Copy + Send + Sync>(
    sims: &[(T, SimInputs)],
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Vec<(T, Confidence)>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Confidence>>> = Mutex::new(vec![None; sims.len()]);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sims.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, inputs)) = sims.get(k) else {
                        return;
                    };
                    let Some(c) = simulate_cancellable(inputs, cancel) else {
                        return;
                    };
                    if let Ok(mut r) = results.lock() {
                        r[k] = Some(c);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    let results = results.into_inner().ok()?;
    sims.iter()
        .zip(results)
        .map(|((id, _), c)| c.map(|c| (*id, c)))
        .collect()
}

/// [`simulate`], stopping early (None) once `cancel` is raised.
pub fn simulate_cancellable(i: &SimInputs, cancel: &AtomicBool) -> Option<Confidence> {
    let mut o = outcomes_cancellable(i, i.leads.max(0), cancel)?;
    let runs = o.len();
    let hit = hits(&o, i.committed);
    o.sort_unstable();
    let sum: i128 = o.iter().sum();
    let mean = Ratio::new(sum, runs as i128)
        .map(|r| r.round_half_away())
        .unwrap_or(0);
    let leads_for_80 = leads_for_80(i, cancel)?;
    Some(Confidence {
        runs: runs as u32,
        seed: i.seed,
        chance: Ratio::new(hit as i128, runs as i128).unwrap_or(Ratio::ZERO),
        p10: percentile(&o, 10),
        p50: percentile(&o, 50),
        p90: percentile(&o, 90),
        mean: Money::from_fen(i64::try_from(mean).unwrap_or(i64::MAX)),
        analytic_mean: analytic_mean(i),
        leads_for_80,
    })
}

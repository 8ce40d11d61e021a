//! Times the popup search natively: index build, then every keystroke of a
//! few typed queries, over generated lists of 500, 5,000 and 20,000
//! environments. The goal is a re-filter well under 8 ms per keystroke. It
//! also times the index as the popup gets it: written as text by the service
//! worker (`prepare`) and loaded from it (`load`, the best of 5).
//!
//! ```text
//! cargo run --release --example search_bench
//! ```
//!
//! Native figures; the wasm build runs the same code somewhat slower.

use std::time::{Duration, Instant};

use roleswitch::{Environment, SearchIndex, DEFAULT_ROLE_NAME};

const SIZES: [usize; 3] = [500, 5_000, 20_000];
/// Each query is typed one character at a time; every prefix is a keystroke.
const TYPED: [&str; 4] = ["payments prod", "1234", "prod eu", "oaar"];
/// Rows the popup shows, each highlighted after a keystroke.
const VISIBLE_ROWS: usize = 15;
const ROUNDS: usize = 15;

const TEAMS: [&str; 16] = [
    "payments", "identity", "data", "platform", "search", "ml", "billing", "growth", "mobile",
    "security", "checkout", "ledger", "risk", "catalog", "media", "support",
];
const SERVICES: [&str; 10] = [
    "api", "web", "workers", "etl", "lake", "ci", "edge", "db", "queue", "auth",
];
const STAGES: [&str; 5] = ["dev", "test", "staging", "prod", "sandbox"];
const REGIONS: [(&str, &str); 4] = [
    ("eu", "eu-west-1"),
    ("us", "us-east-1"),
    ("ap", "ap-southeast-2"),
    ("ca", "ca-central-1"),
];
const ROLES: [&str; 5] = [
    DEFAULT_ROLE_NAME,
    "AdministratorAccess",
    "ReadOnly",
    "team/Admin",
    "platform/PowerUser",
];
const GROUPS: [&str; 5] = [
    "Workloads/Prod",
    "Workloads/NonProd",
    "Sandbox",
    "Security",
    "Infrastructure",
];

/// A small deterministic generator (64-bit LCG), so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}

fn environments(n: usize) -> Vec<Environment> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let team = rng.pick(&TEAMS);
            let service = rng.pick(&SERVICES);
            let stage = rng.pick(&STAGES);
            let (short, region) = REGIONS[rng.next() as usize % REGIONS.len()];
            let account_id = format!("{:06}{:06}", rng.next() % 1_000_000, rng.next() % 1_000_000);
            Environment {
                id: format!("env-{i}"),
                account_id,
                role_name: rng.pick(&ROLES).to_string(),
                display_name: format!("{team}-{service}-{stage}-{short}"),
                color: "#b7ca9d".into(),
                region: Some(region.into()),
                partition: None,
                production: stage == "prod",
                group: Some(rng.pick(&GROUPS).to_string()),
                base: None,
                title_prefix: None,
                portal_url: None,
            }
        })
        .collect()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// (median, p95, max) in microseconds.
fn summary(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), at(1.0))
}

fn main() {
    let keystrokes: Vec<&str> = TYPED
        .iter()
        .flat_map(|q| q.char_indices().map(move |(i, c)| &q[..i + c.len_utf8()]))
        .collect();
    println!(
        "{} keystrokes per round ({}), {ROUNDS} rounds; search returns all matches, \
         then {VISIBLE_ROWS} rows are highlighted.\n",
        keystrokes.len(),
        TYPED.join(" / ")
    );
    println!(
        "{:>7} | {:>9} | {:>10} {:>10} {:>10} | {:>10} {:>10} | {:>8} | {:>10} {:>7} {:>10}",
        "envs",
        "build ms",
        "search med",
        "p95",
        "max",
        "+hl med",
        "p95",
        "matches",
        "prepare ms",
        "load ms",
        "chars"
    );
    println!("{}", "-".repeat(127));
    for n in SIZES {
        let envs = environments(n);
        let started = Instant::now();
        let index = SearchIndex::new(&envs);
        let build = started.elapsed();
        let started = Instant::now();
        let prepared = index
            .to_prepared()
            .expect("generated names hold no control characters");
        let prepare = started.elapsed();
        let load = (0..5)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(SearchIndex::from_prepared(&prepared));
                started.elapsed()
            })
            .min()
            .unwrap_or_default();

        let mut search_times = Vec::new();
        let mut total_times = Vec::new();
        let mut matches = 0usize;
        for _ in 0..ROUNDS {
            for query in &keystrokes {
                let started = Instant::now();
                let found = index.search(query, usize::MAX);
                let searched = started.elapsed();
                let mut ranges = 0;
                for &i in found.iter().take(VISIBLE_ROWS) {
                    let h = index.highlight(i, query);
                    ranges += h.display_name.len() + h.account_id.len() + h.role_name.len();
                }
                let total = started.elapsed();
                std::hint::black_box(ranges);
                matches = matches.max(found.len());
                search_times.push(micros(searched));
                total_times.push(micros(total));
            }
        }
        let (med, p95, max) = summary(search_times);
        let (tmed, tp95, _) = summary(total_times);
        println!(
            "{n:>7} | {:>9.2} | {med:>8.0}µs {p95:>8.0}µs {max:>8.0}µs | {tmed:>8.0}µs {tp95:>8.0}µs | {matches:>8} | {:>10.2} {:>7.2} {:>10}",
            build.as_secs_f64() * 1e3,
            prepare.as_secs_f64() * 1e3,
            load.as_secs_f64() * 1e3,
            prepared.chars().count()
        );
    }

    println!("\nPer keystroke at 5,000 (median µs, matches):");
    let envs = environments(5_000);
    let index = SearchIndex::new(&envs);
    for query in &keystrokes {
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            count = index.search(query, usize::MAX).len();
            times.push(micros(started.elapsed()));
        }
        let (med, _, _) = summary(times);
        println!("  {:<16} {med:>7.0}µs {count:>6}", format!("{query:?}"));
    }
}

//! Times parsing + validating a generated AWS Extend Switch Roles file natively:
//! `cargo run --release --example parse_bench [profiles]`.
use std::time::Instant;

use roleswitch::{check_list, parse, Format, ImportOptions};

/// A realistic AESR file: a base account and `n` targets in three styles.
pub fn generate(n: usize) -> String {
    let mut out = String::from("[org-management]\naws_account_id = 999988887777\n\n");
    for i in 0..n {
        let account = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919);
        match i % 3 {
            0 => out.push_str(&format!(
                "[profile team-{i}-prod]\naws_account_id = {account}\nrole_name = Admin\ncolor = f2b0a9\nregion = eu-west-1\n\n"
            )),
            1 => out.push_str(&format!(
                "[team-{i}-dev]\nrole_arn = arn:aws:iam::{account}:role/path/Developer\nsource_profile = org-management\ncolor = b7ca9d\n\n"
            )),
            _ => out.push_str(&format!(
                "[profile team-{i}-test]\naws_account_id = {account}\nrole_name = ReadOnly\nsource_profile = org-management\n; comment\n\n"
            )),
        }
    }
    out
}

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let text = generate(n);
    let start = Instant::now();
    let parsed = parse(&text, Format::AesrIni, &ImportOptions::default());
    let parse_time = start.elapsed();
    let envs = parsed.map(|p| p.environments).unwrap_or_default();
    let start = Instant::now();
    let problems = check_list(&envs);
    println!(
        "{n} profiles, {} bytes: parse+validate {:?}, check_list alone {:?} ({} problems)",
        text.len(),
        parse_time,
        start.elapsed(),
        problems.len()
    );
}

//! Times what the options page's import does with a generated AWS Extend Switch
//! Roles file, natively: detect the format, parse and validate, write the list's
//! JSON (the facade's `parseImport` without the wasm and JS around it). The file
//! is the one `tools/bench.mjs`'s parse section generates (`aesrFile`).
//!
//! `cargo run --release --example parse_bench [profiles] [runs]`
use std::time::{Duration, Instant};

use roleswitch::{check_list, environments_json, parse_any, Format, ImportOptions};

/// The bench's AESR file: a base account and `n` targets in three styles.
pub fn generate(n: usize) -> String {
    let mut lines = vec![
        "; generated for the benchmark".to_string(),
        "[org-management]".into(),
        "aws_account_id = 999988887777".into(),
        String::new(),
    ];
    for i in 0..n {
        let account = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919);
        let profile: [&str; 6] = match i % 3 {
            0 => [
                &format!("[profile team-{i}-prod]"),
                &format!("aws_account_id = {account}"),
                "role_name = Admin",
                "color = f2b0a9",
                "region = eu-west-1",
                "",
            ],
            1 => [
                &format!("[team-{i}-dev]"),
                &format!("role_arn = arn:aws:iam::{account}:role/path/Developer"),
                "source_profile = org-management",
                "color = b7ca9d",
                "",
                "",
            ],
            _ => [
                &format!("[profile team-{i}-test]"),
                &format!("aws_account_id = {account}"),
                "role_name = ReadOnly",
                "source_profile = org-management",
                "; a comment",
                "",
            ],
        };
        let len = if i % 3 == 1 { 5 } else { 6 };
        lines.extend(profile[..len].iter().map(|s| s.to_string()));
    }
    lines.join("\n")
}

fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let mut args = std::env::args().skip(1).map(|s| s.parse().ok());
    let n = args.next().flatten().unwrap_or(5000);
    let runs = args.next().flatten().unwrap_or(30usize).max(1);
    let text = generate(n);
    let import = || {
        let (format, parsed) = parse_any(&text, None, &ImportOptions::default())
            .expect("the generated file's format is detected");
        assert_eq!(format, Format::AesrIni);
        let envs = parsed.expect("the generated file parses").environments;
        assert_eq!(envs.len(), n);
        (environments_json(&envs).len(), envs)
    };
    for _ in 0..3 {
        import();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(import());
            start.elapsed()
        })
        .collect();
    times.sort();
    let (json_len, envs) = import();
    let start = Instant::now();
    let problems = check_list(&envs);
    println!(
        "{n} profiles, {} KiB: detect + parse + validate + list JSON ({} KiB), median / p95 of {runs}: \
         {:.2} / {:.2} ms; check_list alone {:?} ({} problems)",
        text.len() / 1024,
        json_len / 1024,
        quantile(&times, 0.5),
        quantile(&times, 0.95),
        start.elapsed(),
        problems.len()
    );
}

//! The `roleswitch` binary on the sample files: output, messages, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roleswitch"))
        .args(args)
        .current_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/formats"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs each `(arguments, exit code, text in stdout, text in stderr)` case.
#[allow(clippy::type_complexity)] // table rows
fn assert_cases(cases: &[(&[&str], i32, &str, &str)]) {
    for (args, code, out, err) in cases {
        let output = run(args, None);
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{args:?}\nstdout: {stdout}\nstderr: {stderr}"
        );
        assert!(
            stdout.contains(out),
            "{args:?}: stdout\n{stdout}\nwant\n{out}"
        );
        assert!(
            stderr.contains(err),
            "{args:?}: stderr\n{stderr}\nwant\n{err}"
        );
    }
}

#[test]
fn commands_exit_codes_and_messages() {
    // (arguments, exit code, text in stdout, text in stderr)
    let cases: &[(&[&str], i32, &str, &str)] = &[
        (&["--help"], 0, "roleswitch check [--strict] [--from FORMAT] FILE...", ""),
        (
            &["check", "aesr.ini", "aws-config", "organizations.json", "roleswitch.json"],
            0,
            "aesr.ini: ok, 4 environments (AWS Extend Switch Roles config)\naws-config: ok, 4 environments",
            "aws-config: warning: line 20, profile \"prod\": Ignored mfa_serial, duration_seconds",
        ),
        (
            &["check", "aesr.ini", "aesr-broken.ini"],
            1,
            "aesr.ini: ok",
            "aesr-broken.ini: line 3, profile \"base\": Base account: Account ID \"12345\" must be 12 digits; it has 5.\naesr-broken.ini: line 9, profile \"prod\"",
        ),
        (
            &["check", "aws-config-with-secret"],
            1,
            "",
            "aws-config-with-secret: line 6, profile \"legacy\": This file contains credentials",
        ),
        (
            &["check", "roleswitch-broken.json"],
            1,
            "",
            "roleswitch-broken.json: environments[0].accountId (\"prod\"): Account ID \"4444-5555-666\" must be 12 digits",
        ),
        (&["check", "--from", "json", "aesr.ini"], 1, "", "aesr.ini: line 1: This is not valid JSON"),
        (
            &["check", "--from", "organizations", "--role", "Admin", "organizations.json"],
            0,
            "organizations.json: ok, 4 environments",
            "warning: Accounts[0] (\"acme-management\"): This is the management account; Admin",
        ),
        (
            &["convert", "--to", "aws-config", "aesr.ini"],
            0,
            "[profile Acme Prod]\nrole_arn = arn:aws:iam::444455556666:role/PlatformAdmin\nsource_profile = acme-mgmt-Ops\nregion = eu-west-1\n",
            "",
        ),
        (&["convert", "--to", "json", "organizations.json"], 0, "\"displayName\": \"workloads-prod\",\n      \"color\": \"#f2b0a9\",\n      \"production\": true", ""),
        (&["convert", "--to", "aesr", "roleswitch.json"], 0, "[profile acme-mgmt-Ops]\naws_account_id = 999988887777\naws_account_alias = acme-mgmt\nrole_name = Ops\ntarget_role_name = PlatformAdmin\n", ""),
        (
            &["policy", "--group", "workloads", "roleswitch.json"],
            0,
            "\"Resource\": [\n        \"arn:aws:iam::444455556666:role/PlatformAdmin\",\n        \"arn:aws:iam::555566667777:role/PlatformAdmin\"\n      ],\n      \"Condition\"",
            "",
        ),
        (&["policy", "--group", "nope", "roleswitch.json"], 1, "", "roleswitch.json: No environment is in group \"nope\"; the groups are \"Workloads\"."),
        (&["policy", "aesr-broken.ini"], 1, "", "aesr-broken.ini: line 3"),
        (
            &["check", "aws-sso.json"],
            1,
            "",
            "aws-sso.json: These accounts are opened through your AWS access portal",
        ),
        (
            &["check", "--portal", "https://acme.awsapps.com/start", "aws-sso.json"],
            0,
            "aws-sso.json: ok, 3 environments (IAM Identity Center",
            "warning: [document 1].accountList[2] (\"workloads-staging\"): Skipped",
        ),
        (
            &["convert", "--to", "aws-config", "--portal", "https://acme.awsapps.com/start", "--permission-set", "ReadOnlyAccess", "aws-sso.json"],
            0,
            "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n",
            "",
        ),
        (
            &["convert", "--to", "json", "aws-config"],
            0,
            "\"roleName\": \"AdministratorAccess\",\n      \"displayName\": \"acme-mgmt\"",
            "",
        ),
        (&[], 2, "", "roleswitch: give a command"),
        (&["lint", "aesr.ini"], 2, "", "roleswitch: unknown command \"lint\""),
        (&["check"], 2, "", "check needs at least one FILE"),
        (&["check", "--verbose", "aesr.ini"], 2, "", "Unknown option --verbose"),
        (&["convert", "aesr.ini"], 2, "", "convert needs --to"),
        (&["convert", "--to", "yaml", "aesr.ini"], 2, "", "Unknown format \"yaml\""),
        (&["convert", "--to", "organizations", "aesr.ini"], 2, "", "organizations can only be read"),
        (&["convert", "--to", "json", "aesr.ini", "aws-config"], 2, "", "convert takes one FILE"),
        (&["check", "missing.ini"], 2, "", "missing.ini: cannot read this file"),
        (&["policy", "--group"], 2, "", "--group needs a value"),
    ];
    assert_cases(cases);
}

#[test]
fn policy_without_mfa_has_no_condition() {
    let output = run(&["policy", "--no-mfa", "roleswitch.json"], None);
    assert_eq!(output.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(doc["Statement"][0].get("Condition").is_none(), "{doc}");
    assert_eq!(doc["Statement"][0]["Resource"].as_array().unwrap().len(), 3);
}

#[test]
fn stdin_is_read_for_dash_and_named_in_messages() {
    let output = run(
        &["check", "-"],
        Some("[profile a]\nrole_arn = arn:aws:iam::12345:role/R\n"),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).starts_with("<stdin>: line 2, profile \"a\": In role ARN"),
        "{}",
        text(&output.stderr)
    );
    let output = run(&["check", "-"], Some("no format at all"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("cannot tell which format"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn converting_round_trips_through_every_format() {
    let json = text(&run(&["convert", "--to", "json", "roleswitch.json"], None).stdout);
    assert_eq!(
        json,
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/formats/roleswitch.json"
        ))
        .unwrap()
    );
    for format in ["aesr", "aws-config"] {
        let ini = run(&["convert", "--to", format, "roleswitch.json"], None);
        assert_eq!(ini.status.code(), Some(0));
        let back = run(&["convert", "--to", format, "-"], Some(&text(&ini.stdout)));
        assert_eq!(text(&back.stdout), text(&ini.stdout), "{format}");
        assert_eq!(text(&back.stderr), "", "{format}");
    }
}

#[test]
fn check_lists_the_first_two_hundred_problems_and_counts_the_rest() {
    let input = format!("[profile a]\n{}", "[\n".repeat(100_000));
    let output = run(&["check", "-"], Some(&input));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("<stdin>: warning: "))
        .collect();
    assert_eq!(lines.len(), 201, "{}", &stderr[..stderr.len().min(500)]);
    assert!(lines[0].starts_with("<stdin>: line 2: "), "{}", lines[0]);
    assert_eq!(
        lines[200],
        "<stdin>: … and 99,800 more problems not listed; fix the ones above and check again to see the rest."
    );
}

#[test]
fn credentials_make_every_command_fail_without_repeating_them() {
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let assume_role = format!(
        "{{\n  \"Credentials\": {{\n    \"AccessKeyId\": \"ASIAIOSFODNN7EXAMPLE\",\n    \"SecretAccessKey\": \"{SECRET}\"\n  }}\n}}\n"
    );
    // (input, the line stderr must have)
    let cases = [
        (
            format!("[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\naws_security_token: {SECRET}\n"),
            "<stdin>: line 3, profile \"a\": This file contains credentials (aws_security_token).",
        ),
        (
            format!("[a]\naws_account_id = 111122223333\nrole_name = R\nAWS_Secret_Access_Key={SECRET}\n"),
            "<stdin>: line 4, profile \"a\": This file contains credentials (aws_secret_access_key).",
        ),
        (
            format!("[a]\naws_account_id = 111122223333\nrole_name = R\n{SECRET}\n"),
            "<stdin>: line 4, profile \"a\": This line cannot be read",
        ),
        (
            assume_role,
            "<stdin>: Credentials.AccessKeyId: This file contains credentials (AccessKeyId).",
        ),
    ];
    for (input, want) in &cases {
        for args in [
            &["check", "-"][..],
            &["check", "--from", "aesr", "-"],
            &["convert", "--to", "json", "-"],
            &["policy", "-"],
        ] {
            let output = run(args, Some(input));
            let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
            assert_eq!(output.status.code(), Some(1), "{args:?} {input}\n{stderr}");
            assert_eq!(stdout, "", "{args:?}");
            if args[1] != "--from" {
                assert!(
                    stderr.lines().any(|l| l.starts_with(want)),
                    "{args:?}: {stderr}\nwant {want}"
                );
            }
            assert!(
                !stderr.contains(&SECRET[..8]) && !stderr.contains(&SECRET[20..28]),
                "{stderr}"
            );
        }
    }
}

/// A file in a fresh temporary directory, for commands that read two files.
fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("roleswitch-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A Roleswitch JSON list of `n` accounts from `first`.
fn list(first: u64, n: u64) -> String {
    let entries: Vec<String> = (first..first + n)
        .map(|a| {
            format!(r#"{{"accountId": "{a:012}", "roleName": "Admin", "displayName": "acct {a}"}}"#)
        })
        .collect();
    format!(
        r#"{{"version": 1, "environments": [{}]}}"#,
        entries.join(", ")
    )
}

#[test]
fn check_strict_fails_on_warnings() {
    // (arguments, exit code, text in stdout, text in stderr)
    let cases: &[(&[&str], i32, &str, &str)] = &[
        (
            &["check", "--strict", "roleswitch.json"],
            0,
            "roleswitch.json: ok, 3 environments",
            "",
        ),
        (
            &["check", "aws-config"],
            0,
            "aws-config: ok",
            "aws-config: warning: line 1",
        ),
        (
            &["check", "--strict", "aws-config", "roleswitch.json"],
            1,
            "roleswitch.json: ok",
            "aws-config: 4 warnings, and --strict fails on warnings.",
        ),
        (
            &["check", "--strict", "aesr-broken.ini"],
            1,
            "",
            "aesr-broken.ini: line 3",
        ),
    ];
    assert_cases(cases);
    // A file that fails is not called ok.
    let output = run(&["check", "--strict", "aws-config"], None);
    assert_eq!(text(&output.stdout), "");
}

#[test]
fn diff_shows_what_subscribers_see_change() {
    let old = temp_file("old.json", &list(1, 4));
    let new = list(2, 4)
        .replace("\"acct 3\"", "\"acct three\", \"color\": \"red\"")
        .replace("\"acct 4\"", "\"acct 4\", \"production\": true");
    let output = run(&["diff", &old, "-"], Some(&new));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "+ \"acct 5\" (0000-0000-0005, Admin)\n\
         ~ \"acct 3\" (0000-0000-0003, Admin): name \"acct 3\" → \"acct three\", color #83d4e8 → #f2b0a9\n\
         ~ \"acct 4\" (0000-0000-0004, Admin): color #83d4e8 → #f2b0a9, production false → true\n\
         - \"acct 1\" (0000-0000-0001, Admin)\n\
         1 added, 2 changed, 1 removed, 1 unchanged\n"
    );
    assert_eq!(text(&output.stderr), "");
    // The same list in another format changes nothing.
    let same = run(&["convert", "--to", "aesr", &old], None);
    let output = run(&["diff", &old, "-"], Some(&text(&same.stdout)));
    assert_eq!(
        text(&output.stdout),
        "0 added, 0 changed, 0 removed, 4 unchanged\n"
    );
}

#[test]
fn diff_warns_of_a_shrink_subscribers_would_not_take() {
    let old = temp_file("big.json", &list(1, 20));
    let small = temp_file("small.json", &list(1, 9));
    let half = temp_file("half.json", &list(1, 10));
    // (arguments, exit code, warned)
    let cases: &[(&[&str], i32, bool)] = &[
        (&["diff", &old, &small], 0, true),
        (&["diff", "--strict", &old, &small], 1, true),
        (&["diff", "--strict", &old, &half], 0, false),
        (&["diff", "--strict", &small, &old], 0, false),
    ];
    for (args, code, warned) in cases {
        let output = run(args, None);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(*code), "{args:?}\n{stderr}");
        assert_eq!(
            stderr.contains("warning: subscribers would keep their last good copy. The new file holds 9 valid entries instead of 20"),
            *warned,
            "{args:?}\n{stderr}"
        );
    }
    // Usage errors.
    for args in [&["diff", "roleswitch.json"][..], &["diff", "a", "b", "c"]] {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(text(&output.stderr).contains("diff takes two files: OLD NEW"));
    }
    // An invalid NEW fails as check does.
    let output = run(&["diff", "roleswitch.json", "roleswitch-broken.json"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("roleswitch-broken.json: environments[0].accountId"));
}

#[test]
fn convert_publishes_every_readable_format_as_json_that_passes_strict_check() {
    for file in [
        "aesr.ini",
        "aws-config",
        "organizations.json",
        "roleswitch.json",
    ] {
        let json = run(&["convert", "--to", "json", file], None);
        assert_eq!(json.status.code(), Some(0), "{file}");
        let published = text(&json.stdout);
        let check = run(&["check", "--strict", "-"], Some(&published));
        assert_eq!(
            check.status.code(),
            Some(0),
            "{file}: {}",
            text(&check.stderr)
        );
        assert!(text(&check.stdout).contains("(Roleswitch JSON)"), "{file}");
        // What subscribers get is the source's list, entry for entry.
        let source = temp_file(
            &format!("source-{file}"),
            &std::fs::read_to_string(
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/").to_string() + file,
            )
            .unwrap(),
        );
        let diff = run(&["diff", &source, "-"], Some(&published));
        assert!(
            text(&diff.stdout).starts_with("0 added, 0 changed, 0 removed"),
            "{file}: {}",
            text(&diff.stdout)
        );
    }
}

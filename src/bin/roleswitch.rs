//! `roleswitch`: check, convert and turn into an IAM policy the environment
//! lists the extension imports, so that teams can keep theirs in git and lint
//! it in CI. Same core, same messages as the extension.

use std::io::Read;
use std::process::ExitCode;

use roleswitch::{
    export, is_sudden_shrink, parse_any, plan_import, policy, Environment, ExportOptions, Format,
    ImportMode, ImportOptions, PolicyOptions, StaleReason,
};

const USAGE: &str = "\
roleswitch: check and convert Roleswitch environment lists

Usage:
  roleswitch check [--strict] [--from FORMAT] FILE...
  roleswitch diff [--strict] [--from FORMAT] OLD NEW
  roleswitch convert --to FORMAT [--from FORMAT] FILE
  roleswitch policy [--group GROUP] [--no-mfa] [--from FORMAT] FILE
  roleswitch --help

Commands:
  check     Validate each file; print every problem and exit 1 if one is invalid
            (with --strict, also if one has a warning).
  diff      What subscribers of a list see change when OLD is replaced by NEW:
            entries added (+), changed (~) and removed (-), matched by account
            and role, as the import preview shows them. Warns when subscribers
            would keep their last good copy because NEW holds less than half
            of OLD's entries (with --strict, exits 1 then).
  convert   Write the list in another format to standard output (--to json
            publishes any format as Roleswitch JSON).
  policy    Write the IAM policy that allows sts:AssumeRole on exactly the
            list's roles (requiring MFA unless --no-mfa), for an IAM group.

Formats (detected from the content unless --from is given):
  json           Roleswitch's own JSON (version 1)
  aesr           AWS Extend Switch Roles configuration
  aws-config     AWS CLI ~/.aws/config
  organizations  output of `aws organizations list-accounts` (read only)
  aws-sso        output of `aws sso list-accounts` and `aws sso list-account-roles`,
                 one or several documents (read only; needs --portal)
IAM Identity Center assignments (account + permission set, opened through the
access portal) are read from aws-config profiles with sso_account_id and
sso_role_name, and written back with an [sso-session] section.
A file that holds credentials or tokens is refused (exit 1) whatever its
format; no message repeats a secret.

Options:
  --from FORMAT  Read FILE as FORMAT instead of detecting it.
  --to FORMAT    Format to convert to: json, aesr or aws-config.
  --role ROLE    Role to use in every account of an Organizations list
                 (default OrganizationAccountAccessRole).
  --portal URL   AWS access portal of an aws-sso list, e.g.
                 https://acme.awsapps.com/start.
  --permission-set NAME
                 Permission set for the accounts of an aws-sso list that no
                 list-account-roles output gives one for.
  --group GROUP  Policy for the environments of one group only.
  --no-mfa       Policy without the MFA condition.
  --strict       check: warnings fail too; diff: a sudden shrink fails.

FILE `-` reads standard input. Exit status: 0 valid, 1 invalid input, 2 usage error.
";

/// Exit status for invalid input.
const INVALID: u8 = 1;
/// Exit status for a wrong command line or an unreadable file.
const USAGE_ERROR: u8 = 2;

#[derive(Default)]
struct Args {
    command: String,
    files: Vec<String>,
    from: Option<Format>,
    to: Option<Format>,
    role: Option<String>,
    portal: Option<String>,
    permission_set: Option<String>,
    group: Option<String>,
    no_mfa: bool,
    strict: bool,
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    let value = |raw: &mut dyn Iterator<Item = String>, flag: &str| {
        raw.next()
            .ok_or_else(|| format!("{flag} needs a value; see roleswitch --help."))
    };
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--from" => args.from = Some(value(&mut raw, "--from")?.parse()?),
            "--to" => args.to = Some(value(&mut raw, "--to")?.parse()?),
            "--role" => args.role = Some(value(&mut raw, "--role")?),
            "--portal" => args.portal = Some(value(&mut raw, "--portal")?),
            "--permission-set" => args.permission_set = Some(value(&mut raw, "--permission-set")?),
            "--group" => args.group = Some(value(&mut raw, "--group")?),
            "--no-mfa" => args.no_mfa = true,
            "--strict" => args.strict = true,
            "-" => args.files.push(arg),
            flag if flag.starts_with('-') => {
                return Err(format!("Unknown option {flag}; see roleswitch --help."))
            }
            _ if args.command.is_empty() => args.command = arg,
            _ => args.files.push(arg),
        }
    }
    Ok(args)
}

/// Reads a file, or standard input for `-`.
fn read(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("cannot read this file: {e}"))
    }
}

fn shown(file: &str) -> &str {
    if file == "-" {
        "<stdin>"
    } else {
        file
    }
}

/// A file read and validated.
struct Loaded {
    format: Format,
    environments: Vec<Environment>,
    warnings: usize,
}

/// Reads and validates one file, printing its warnings and errors to stderr
/// prefixed by the file name. `Err` carries the exit status.
fn load(file: &str, args: &Args) -> Result<Loaded, u8> {
    let name = shown(file);
    let text = read(file).map_err(|m| {
        eprintln!("{name}: {m}");
        USAGE_ERROR
    })?;
    let mut options = ImportOptions::default();
    if let Some(role) = &args.role {
        options.organizations_role = role.clone();
    }
    options.portal_url = args.portal.clone();
    options.permission_set = args.permission_set.clone();
    let Some((format, parsed)) = parse_any(&text, args.from, &options) else {
        eprintln!(
            "{name}: cannot tell which format this is; pass --from json, aesr, aws-config, organizations or aws-sso."
        );
        return Err(INVALID);
    };
    match parsed {
        Ok(parsed) => {
            for w in &parsed.warnings {
                eprintln!("{name}: warning: {w}");
            }
            Ok(Loaded {
                format,
                environments: parsed.environments,
                warnings: parsed.warnings.len(),
            })
        }
        Err(e) => {
            for w in &e.warnings {
                eprintln!("{name}: warning: {w}");
            }
            for err in &e.errors {
                eprintln!("{name}: {err}");
            }
            Err(INVALID)
        }
    }
}

fn one_file(args: &Args) -> Result<&str, u8> {
    match args.files.as_slice() {
        [file] => Ok(file),
        [] => usage(&format!(
            "{} needs a FILE (or - for standard input).",
            args.command
        )),
        _ => usage(&format!("{} takes one FILE.", args.command)),
    }
}

fn usage<T>(message: &str) -> Result<T, u8> {
    eprintln!("roleswitch: {message}");
    Err(USAGE_ERROR)
}

fn run(args: &Args) -> Result<(), u8> {
    match args.command.as_str() {
        "check" => {
            if args.files.is_empty() {
                return usage("check needs at least one FILE (or - for standard input).");
            }
            let mut status = Ok(());
            for file in &args.files {
                let result = load(file, args).and_then(|loaded| {
                    if args.strict && loaded.warnings > 0 {
                        eprintln!(
                            "{}: {} warning{}, and --strict fails on warnings.",
                            shown(file),
                            loaded.warnings,
                            plural(loaded.warnings)
                        );
                        return Err(INVALID);
                    }
                    Ok(loaded)
                });
                match result {
                    Ok(Loaded {
                        format,
                        environments: envs,
                        ..
                    }) => println!(
                        "{}: ok, {} environment{} ({})",
                        shown(file),
                        envs.len(),
                        plural(envs.len()),
                        format.label()
                    ),
                    Err(code) => status = Err(status.err().map_or(code, |s: u8| s.max(code))),
                }
            }
            status
        }
        "convert" => {
            let Some(to) = args.to else {
                return usage("convert needs --to json, aesr or aws-config.");
            };
            if !to.can_export() {
                return usage(&format!(
                    "{} can only be read; convert --to json, aesr or aws-config.",
                    to.name()
                ));
            }
            let file = one_file(args)?;
            let envs = load(file, args)?.environments;
            match export(&envs, to, &ExportOptions::default()) {
                Ok(text) => {
                    print!("{text}");
                    Ok(())
                }
                Err(e) => usage(&e.to_string()),
            }
        }
        "policy" => {
            let file = one_file(args)?;
            let envs = load(file, args)?.environments;
            let options = PolicyOptions {
                group: args.group.clone(),
                require_mfa: !args.no_mfa,
            };
            match policy(&envs, &options) {
                Ok(text) => {
                    print!("{text}");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{}: {e}", shown(file));
                    Err(INVALID)
                }
            }
        }
        "diff" => {
            let [old, new] = args.files.as_slice() else {
                return usage(
                    "diff takes two files: OLD NEW (either may be - for standard input).",
                );
            };
            let old = load(old, args)?.environments;
            let new = load(new, args)?.environments;
            print!("{}", diff(&old, &new));
            if is_sudden_shrink(old.len(), new.len()) {
                let reason = StaleReason::Shrink {
                    previous: old.len(),
                    now: new.len(),
                };
                eprintln!("warning: subscribers would keep their last good copy. {reason}");
                if args.strict {
                    return Err(INVALID);
                }
            }
            Ok(())
        }
        "" => usage("give a command: check, diff, convert or policy; see roleswitch --help."),
        other => usage(&format!(
            "unknown command {other:?}; use check, diff, convert or policy (see roleswitch --help)."
        )),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `"Acme Prod" (4444-5555-6666, PlatformAdmin)`.
fn entry(env: &Environment) -> String {
    format!(
        "{:?} ({}, {})",
        env.display_name,
        env.account_display(),
        env.role_name
    )
}

/// The import preview's plan for replacing `old` by `new`, one line per entry
/// added, changed (with what) or removed, then the counts.
fn diff(old: &[Environment], new: &[Environment]) -> String {
    let plan = plan_import(old, new, ImportMode::Replace);
    let mut out = String::new();
    for env in &plan.added {
        out.push_str(&format!("+ {}\n", entry(env)));
    }
    for change in &plan.changed {
        out.push_str(&format!(
            "~ {}: {}\n",
            entry(&change.before),
            change
                .fields
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for env in &plan.removed {
        out.push_str(&format!("- {}\n", entry(env)));
    }
    out.push_str(&format!(
        "{} added, {} changed, {} removed, {} unchanged\n",
        plan.added.len(),
        plan.changed.len(),
        plan.removed.len(),
        plan.unchanged.len()
    ));
    out
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.iter().any(|a| a == "--help" || a == "-h") || raw.first().is_some_and(|a| a == "help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(raw.into_iter()) {
        Ok(args) => args,
        Err(m) => {
            eprintln!("roleswitch: {m}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

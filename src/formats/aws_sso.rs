//! IAM Identity Center assignments in the files users have:
//!
//! - `~/.aws/config` (AWS CLI v2): a profile with `sso_account_id` and
//!   `sso_role_name` (the permission set) and no `role_arn` is an assignment;
//!   its portal is the `sso_start_url` of the `[sso-session NAME]` its
//!   `sso_session` names, or (the legacy form) its own `sso_start_url`. The
//!   reader in `aws_config.rs` calls [`read_assignment`]; the writer calls
//!   [`write_config`], which gives each portal an `[sso-session]` section.
//! - The JSON of `aws sso list-accounts` (`accountList`: `accountId`,
//!   `accountName`, `emailAddress`) and `aws sso list-account-roles`
//!   (`roleList`: `roleName`, `accountId`), one document or several one after
//!   another (as a shell loop prints them): one environment per account and
//!   role. The portal URL is not in that output: it is an import option
//!   ([`ImportOptions::portal_url`]), and its absence is the first problem
//!   reported.
//!
//! Tokens (`accessToken`, `~/.aws/sso/cache`) and credentials are refused as
//! everywhere else: the JSON goes through the same credential check as every
//! JSON import, the INI through the lexer's.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::{Environment, EnvironmentInput};
use crate::validate::{parse_permission_set, parse_portal_url, quote, Field};

use super::ini::{self, Section};
use super::organizations::looks_like_production;
use super::own_json::{read_json, type_name};
use super::{Collected, Diagnostic, Diagnostics, ExportOptions, ImportOptions, Origin, Unique};

/// The keys an assignment profile is read from (the rest are reported as ignored).
const ASSIGNMENT_KEYS: [&str; 10] = [
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "sso_region",
    "region",
    "color",
    "roleswitch_group",
    "roleswitch_production",
    "roleswitch_title_prefix",
];

/// The `[sso-session NAME]` sections of a config: name → the section.
pub(crate) struct Sessions<'s, 'a>(HashMap<&'a str, &'s Section<'a>>);

impl<'s, 'a> Sessions<'s, 'a> {
    pub(crate) fn of(sections: &'s [Section<'a>]) -> Self {
        Sessions(
            sections
                .iter()
                .filter_map(|s| {
                    let name = s.header.strip_prefix("sso-session ")?.trim();
                    Some((name, s))
                })
                .collect(),
        )
    }
}

/// Whether a `~/.aws/config` section is an `[sso-session NAME]`.
pub(crate) fn is_session(header: &str) -> bool {
    header.starts_with("sso-session ")
}

/// Whether a profile is an Identity Center assignment: no `role_arn`, and
/// both `sso_account_id` and `sso_role_name` (with only the account, it is
/// only the base account of the profiles that name it in `source_profile`).
pub(crate) fn is_assignment(s: &Section) -> bool {
    s.get("role_arn").is_none()
        && s.get("sso_account_id").is_some()
        && s.get("sso_role_name").is_some()
}

/// Reads an assignment profile (see [`is_assignment`]) into `out`.
pub(crate) fn read_assignment(name: &str, s: &Section, sessions: &Sessions, out: &mut Collected) {
    let line_of = |key: &str| s.get(key).map(|e| e.line);
    // Where the portal comes from: the named session's sso_start_url, or the profile's own.
    let (portal, portal_line) = match s.get("sso_session") {
        Some(session) => match sessions.0.get(session.value.trim()) {
            Some(section) => match section.get("sso_start_url") {
                Some(url) => (Some(url.value), url.line),
                None => {
                    out.errors.push(Diagnostic::at_line(
                        section.line,
                        Some(name),
                        format!(
                            "[sso-session {}] has no sso_start_url; add the AWS access portal URL, e.g. sso_start_url = https://acme.awsapps.com/start.",
                            session.value.trim()
                        ),
                    ));
                    return;
                }
            },
            None => {
                out.errors.push(Diagnostic::at_line(
                    session.line,
                    Some(name),
                    format!(
                        "sso_session {} names no [sso-session {}] section in this file; paste that section too (it holds the portal's sso_start_url).",
                        quote(session.value),
                        session.value.trim()
                    ),
                ));
                return;
            }
        },
        None => match s.get("sso_start_url") {
            Some(url) => (Some(url.value), url.line),
            None => (None, s.line),
        },
    };
    let Some(portal) = portal else {
        out.errors.push(Diagnostic::at_line(
            s.line,
            Some(name),
            "This Identity Center profile names neither sso_session nor sso_start_url, so its access portal is unknown; add sso_session = NAME with an [sso-session NAME] section.".into(),
        ));
        return;
    };
    let mut input = EnvironmentInput {
        account_id: s.value("sso_account_id"),
        role_name: s.value("sso_role_name"),
        portal_url: Some(portal),
        display_name: Some(name),
        color: s.value("color"),
        region: s.value("region"),
        group: s.value("roleswitch_group"),
        title_prefix: s.value("roleswitch_title_prefix"),
        ..Default::default()
    };
    if let Some(e) = s.get("roleswitch_production") {
        input.production = ini::read_bool(e, name, &mut out.errors);
    }
    ini::warn_unread(s, &ASSIGNMENT_KEYS, &mut out.warnings);
    let header = s.line;
    let locate = |field: Field| {
        let line = match field {
            Field::AccountId => line_of("sso_account_id"),
            Field::RoleName => line_of("sso_role_name"),
            Field::PortalUrl => Some(portal_line),
            Field::Color => line_of("color"),
            Field::Region => line_of("region"),
            Field::Group => line_of("roleswitch_group"),
            Field::TitlePrefix => line_of("roleswitch_title_prefix"),
            _ => None,
        };
        Origin::at_line(line.unwrap_or(header), name)
    };
    out.validate(&input, Origin::at_line(header, name), locate);
}

/// The `[sso-session]` name for a portal: its host's first label
/// (`acme` for `https://acme.awsapps.com/start`), or the GovCloud directory.
fn session_name(portal: &str) -> String {
    let rest = portal.strip_prefix("https://").unwrap_or(portal);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let first = host.split('.').next().unwrap_or(host);
    let base = match path.strip_prefix("directory/") {
        Some(directory) if first == "start" => directory,
        _ => first,
    };
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.is_empty() {
        "portal".into()
    } else {
        clean
    }
}

/// Writes the Identity Center assignments of a config export: one
/// `[sso-session]` per portal, then a profile per assignment. `names` are
/// the profiles' section names (unique in the file); `used` the names given out.
pub(crate) fn write_config(
    out: &mut String,
    assignments: &[(&Environment, &String)],
    used: &mut Unique,
    options: &ExportOptions,
) {
    let mut sessions: Vec<(&str, String)> = Vec::new();
    for (env, _) in assignments {
        let portal = env.portal_url.as_deref().unwrap_or("");
        if !sessions.iter().any(|(p, _)| *p == portal) {
            let name = used.take(&session_name(portal), |n, i| format!("{n}-{i}"));
            sessions.push((portal, name));
        }
    }
    for (portal, name) in &sessions {
        out.push_str(&format!("[sso-session {name}]\nsso_start_url = {portal}\n"));
        if options.header_comment {
            out.push_str(
                "# The AWS CLI also needs sso_region = the region of your IAM Identity Center instance.\n",
            );
        }
        out.push_str("sso_registration_scopes = sso:account:access\n\n");
    }
    for (env, name) in assignments {
        let portal = env.portal_url.as_deref().unwrap_or("");
        let session = sessions
            .iter()
            .find(|(p, _)| *p == portal)
            .map_or("", |(_, n)| n.as_str());
        out.push_str(&format!("[profile {name}]\n"));
        out.push_str(&format!("sso_session = {session}\n"));
        out.push_str(&format!("sso_account_id = {}\n", env.account_id));
        out.push_str(&format!("sso_role_name = {}\n", env.role_name));
        if let Some(region) = &env.region {
            out.push_str(&format!("region = {region}\n"));
        }
        out.push_str(&format!("color = {}\n", env.color.trim_start_matches('#')));
        ini::write_roleswitch_keys(out, env);
        out.push('\n');
    }
}

/// An AESR export: AESR switches roles only, so Identity Center assignments
/// are listed in a comment at the end (the list's own JSON or an AWS config
/// export keeps them).
pub(crate) fn aesr_export(
    envs: &[Environment],
    options: &ExportOptions,
    write: impl Fn(&[Environment], &ExportOptions) -> String,
) -> String {
    if envs.iter().all(|e| e.portal_url.is_none()) {
        return write(envs, options);
    }
    let (assignments, roles): (Vec<Environment>, Vec<Environment>) =
        envs.iter().cloned().partition(|e| e.portal_url.is_some());
    let mut out = write(&roles, options);
    out.push_str(
        "; Not written: IAM Identity Center assignments, which AWS Extend Switch Roles cannot open.\n\
         ; Export to Roleswitch JSON or the AWS CLI config to keep them:\n",
    );
    for env in &assignments {
        out.push_str(&format!(
            ";   {} = account {}, permission set {}, portal {}\n",
            env.display_name.replace(['\n', '\r'], " "),
            env.account_id,
            env.role_name,
            env.portal_url.as_deref().unwrap_or("")
        ));
    }
    out
}

// ------------------------------------------------- aws sso list-accounts / list-account-roles

/// One account as `list-accounts` names it.
struct Account {
    name: Option<String>,
    path: String,
}

/// Reads the output of `aws sso list-accounts` and `aws sso list-account-roles`.
pub(crate) fn parse(text: &str, options: &ImportOptions) -> Collected {
    let mut out = Collected::default();
    let what = "output of aws sso list-accounts or aws sso list-account-roles";
    let mut docs = Vec::new();
    for (offset, doc) in documents(text) {
        let lines_before = text[..offset].matches('\n').count();
        match read_json(doc, what) {
            Ok(value) => docs.push(value),
            Err(errors) => {
                for mut e in errors.into_list("problems") {
                    e.line = e.line.map(|l| l + lines_before);
                    out.errors.push(e);
                }
            }
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    let portal = match options.portal_url.as_deref().map(str::trim) {
        None | Some("") => {
            out.errors.push(Diagnostic::general(
                "These accounts are opened through your AWS access portal, which this output does not name: give its URL (e.g. https://acme.awsapps.com/start, as IAM Identity Center's settings show it).".into(),
            ));
            return out;
        }
        Some(raw) => match parse_portal_url(raw) {
            Ok(url) => url,
            Err(m) => {
                out.errors
                    .push(Diagnostic::general(format!("The access portal URL: {m}")));
                return out;
            }
        },
    };
    // Accounts by ID (first listing wins), and (account, permission set) pairs in order.
    let mut accounts: Vec<(String, Account)> = Vec::new();
    let mut roles: Vec<(String, String, String)> = Vec::new(); // account, set, path
    let mut saw_list = false;
    for (d, doc) in docs.iter().enumerate() {
        let prefix = if docs.len() > 1 {
            format!("[document {}].", d + 1)
        } else {
            String::new()
        };
        let Value::Object(obj) = doc else {
            out.errors.push(Diagnostic::at_path(
                prefix.trim_end_matches('.').to_string(),
                None,
                format!("This is {}; paste the JSON object aws sso list-accounts or list-account-roles prints.", type_name(doc)),
            ));
            continue;
        };
        if obj.get("nextToken").is_some_and(|t| !t.is_null()) {
            out.warnings.push(Diagnostic::at_path(
                format!("{prefix}nextToken"),
                None,
                "The list continues on another page; run the command without --max-items (or with --no-paginate off) to import every entry.".into(),
            ));
        }
        if let Some(list) = list_of(obj, "accountList", &prefix, &mut out.errors) {
            saw_list = true;
            for (i, item) in list.iter().enumerate() {
                let path = format!("{prefix}accountList[{i}]");
                if let Some((id, name)) =
                    read_pair(item, &path, "accountId", "accountName", &mut out.errors)
                {
                    if !accounts.iter().any(|(a, _)| *a == id) {
                        accounts.push((id, Account { name, path }));
                    }
                }
            }
        }
        if let Some(list) = list_of(obj, "roleList", &prefix, &mut out.errors) {
            saw_list = true;
            for (i, item) in list.iter().enumerate() {
                let path = format!("{prefix}roleList[{i}]");
                if let Some((id, set)) =
                    read_pair(item, &path, "accountId", "roleName", &mut out.errors)
                {
                    match set {
                        Some(set) => roles.push((id, set, path)),
                        None => out.errors.push(Diagnostic::at_path(
                            format!("{path}.roleName"),
                            None,
                            "roleName is missing; each role of list-account-roles names its permission set.".into(),
                        )),
                    }
                }
            }
        }
        if !obj.contains_key("accountList") && !obj.contains_key("roleList") {
            out.errors.push(Diagnostic::general(format!(
                "{}There is no accountList or roleList; paste the output of aws sso list-accounts or aws sso list-account-roles (JSON output).",
                if prefix.is_empty() { String::new() } else { format!("{}: ", prefix.trim_end_matches('.')) }
            )));
        }
    }
    if !saw_list || !out.errors.is_empty() {
        return out;
    }
    // Accounts no role was listed for: the permission set option, or a warning.
    let given_set = options
        .permission_set
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(set) = given_set {
        if let Err(m) = parse_permission_set(set) {
            out.errors.push(Diagnostic::general(format!(
                "The permission set to use: {m}"
            )));
            return out;
        }
    }
    for (id, account) in &accounts {
        if roles.iter().any(|(a, _, _)| a == id) {
            continue;
        }
        match given_set {
            Some(set) => roles.push((id.clone(), set.to_string(), account.path.clone())),
            None => out.warnings.push(Diagnostic::at_path(
                account.path.clone(),
                account.name.as_deref(),
                format!(
                    "Skipped: no permission set is listed for this account; also paste aws sso list-account-roles --account-id {id}, or give the permission set to use in every account."
                ),
            )),
        }
    }
    let mut per_account: HashMap<&str, usize> = HashMap::new();
    for (id, _, _) in &roles {
        *per_account.entry(id.as_str()).or_default() += 1;
    }
    for (id, set, path) in &roles {
        let account = accounts.iter().find(|(a, _)| a == id).map(|(_, a)| a);
        let name = account
            .and_then(|a| a.name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let mut display = match name {
            Some(name) => name.to_string(),
            None => crate::aws::format_account_id(id),
        };
        if per_account.get(id.as_str()).copied().unwrap_or(0) > 1 || name.is_none() {
            display = format!("{display} {set}");
        }
        let display: String = display
            .chars()
            .take(crate::validate::MAX_DISPLAY_NAME)
            .collect();
        let production = options.guess_production && name.is_some_and(looks_like_production);
        let input = EnvironmentInput {
            account_id: Some(id.as_str()),
            role_name: Some(set.as_str()),
            portal_url: Some(portal.as_str()),
            display_name: Some(display.trim()),
            production: Some(production),
            ..Default::default()
        };
        let origin = Origin::at_path(path.clone(), name);
        out.validate(&input, origin, |field| {
            let at = match field {
                Field::AccountId => format!("{path}.accountId"),
                Field::RoleName => format!("{path}.roleName"),
                _ => path.clone(),
            };
            Origin::at_path(at, name)
        });
    }
    out
}

/// The JSON documents of a text, one after another (whitespace between):
/// each with its byte offset. A text that does not split cleanly is one
/// document (whose syntax error is then reported).
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    while let Some(next) = stream.next() {
        if next.is_err() {
            return vec![(0, text)];
        }
        let end = stream.byte_offset();
        let doc = &text[start..end];
        let lead = doc.len() - doc.trim_start().len();
        docs.push((start + lead, doc.trim_start()));
        start = end;
    }
    if docs.is_empty() {
        docs.push((0, text));
    }
    docs
}

/// The array under `key`, reporting another type.
fn list_of<'v>(
    obj: &'v serde_json::Map<String, Value>,
    key: &str,
    prefix: &str,
    errors: &mut Diagnostics,
) -> Option<&'v Vec<Value>> {
    match obj.get(key)? {
        Value::Array(list) => Some(list),
        other => {
            errors.push(Diagnostic::at_path(
                format!("{prefix}{key}"),
                None,
                format!(
                    "{key} is {}; it must be the list the AWS CLI prints.",
                    type_name(other)
                ),
            ));
            None
        }
    }
}

/// An entry's account ID (text, required) and one other text field (optional).
fn read_pair(
    item: &Value,
    path: &str,
    id_key: &str,
    other_key: &str,
    errors: &mut Diagnostics,
) -> Option<(String, Option<String>)> {
    let Value::Object(obj) = item else {
        errors.push(Diagnostic::at_path(
            path.to_string(),
            None,
            format!(
                "This entry is {}; each is an object with {id_key}.",
                type_name(item)
            ),
        ));
        return None;
    };
    let other = obj.get(other_key).and_then(Value::as_str).map(String::from);
    match obj.get(id_key) {
        Some(Value::String(id)) => match crate::validate::parse_account_id(id) {
            Ok(id) => Some((id, other)),
            Err(m) => {
                errors.push(Diagnostic::at_path(
                    format!("{path}.{id_key}"),
                    other.as_deref(),
                    m.message,
                ));
                None
            }
        },
        Some(other_value) => {
            errors.push(Diagnostic::at_path(
                format!("{path}.{id_key}"),
                other.as_deref(),
                format!(
                    "{id_key} is {}; it must be the account ID as text.",
                    type_name(other_value)
                ),
            ));
            None
        }
        None => {
            errors.push(Diagnostic::at_path(
                format!("{path}.{id_key}"),
                other.as_deref(),
                format!("{id_key} is missing; each entry names its 12-digit account."),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::formats::{export, parse, ExportOptions, Format, ImportOptions, Parsed};

    fn options(portal: Option<&str>, set: Option<&str>) -> ImportOptions {
        ImportOptions {
            portal_url: portal.map(String::from),
            permission_set: set.map(String::from),
            ..Default::default()
        }
    }

    fn read(text: &str, format: Format, o: &ImportOptions) -> Result<Parsed, Vec<String>> {
        parse(text, format, o).map_err(|e| e.errors.iter().map(ToString::to_string).collect())
    }

    const ACCOUNTS: &str = r#"{"accountList": [
        {"accountId": "111122223333", "accountName": "workloads-prod", "emailAddress": "prod@example.com"},
        {"accountId": "444455556666", "accountName": "sandbox", "emailAddress": "sb@example.com"},
        {"accountId": "777788889999", "accountName": "audit", "emailAddress": "audit@example.com"}
    ]}"#;
    const ROLES_1: &str = r#"{"roleList": [
        {"roleName": "AdministratorAccess", "accountId": "111122223333"},
        {"roleName": "ReadOnly_Access", "accountId": "111122223333"}
    ]}"#;
    const ROLES_2: &str = r#"{"roleList": [{"roleName": "PowerUser", "accountId": "444455556666"}], "nextToken": "x"}"#;

    #[test]
    fn accounts_and_roles_become_one_environment_per_pair() {
        let text = format!("{ACCOUNTS}\n{ROLES_1}\n{ROLES_2}\n");
        assert_eq!(Format::detect(&text), Some(Format::AwsSso));
        let p = read(
            &text,
            Format::AwsSso,
            &options(Some("https://acme.awsapps.com/start/"), None),
        )
        .unwrap();
        let got: Vec<(&str, &str, &str, bool)> = p
            .environments
            .iter()
            .map(|e| {
                (
                    e.display_name.as_str(),
                    e.account_id.as_str(),
                    e.role_name.as_str(),
                    e.production,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "workloads-prod AdministratorAccess",
                    "111122223333",
                    "AdministratorAccess",
                    true
                ),
                (
                    "workloads-prod ReadOnly_Access",
                    "111122223333",
                    "ReadOnly_Access",
                    true
                ),
                ("sandbox", "444455556666", "PowerUser", false),
            ]
        );
        assert!(p
            .environments
            .iter()
            .all(|e| e.portal_url.as_deref() == Some("https://acme.awsapps.com/start")));
        let warnings: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(
            warnings[0].starts_with("[document 3].nextToken: The list continues"),
            "{warnings:#?}"
        );
        assert!(
            warnings[1]
                .starts_with("[document 1].accountList[2] (\"audit\"): Skipped: no permission set"),
            "{warnings:#?}"
        );

        // With a permission set for every account without a listed one.
        let p = read(
            &text,
            Format::AwsSso,
            &options(Some("https://acme.awsapps.com/start"), Some("Auditor")),
        )
        .unwrap();
        assert_eq!(p.environments.len(), 4);
        assert_eq!(p.environments[3].role_name, "Auditor");
        assert_eq!(p.environments[3].display_name, "audit");
    }

    #[test]
    fn every_problem_names_its_place() {
        let cases: &[(&str, ImportOptions, &str)] = &[
            (ACCOUNTS, options(None, None), "These accounts are opened through your AWS access portal"),
            (ACCOUNTS, options(Some("http://acme.awsapps.com/start"), None), "The access portal URL: Access portal URL \"http://acme.awsapps.com/start\" uses http"),
            (ACCOUNTS, options(Some("https://acme.awsapps.com/start"), Some("a b")), "The permission set to use: Permission set name \"a b\""),
            (r#"{"roleList": [{"roleName": "Admin", "accountId": "12"}]}"#, options(Some("https://acme.awsapps.com/start"), None), "roleList[0].accountId (\"Admin\"): Account ID \"12\" must be 12 digits"),
            (r#"{"roleList": [{"roleName": "A B", "accountId": "111122223333"}]}"#, options(Some("https://acme.awsapps.com/start"), None), "roleList[0].roleName: Permission set name \"A B\""),
            (r#"{"roleList": {"x": 1}}"#, options(Some("https://acme.awsapps.com/start"), None), "roleList: roleList is an object"),
            (r#"{"roleList": [1]}"#, options(Some("https://acme.awsapps.com/start"), None), "roleList[0]: This entry is a number"),
            ("{\"roleList\": [\n{\"roleName\": ", options(Some("https://acme.awsapps.com/start"), None), "line 2: This is not valid JSON"),
            ("{\"accountList\": []}\n{\"accessToken\": \"SECRETTOKEN\"}", options(Some("https://acme.awsapps.com/start"), None), "accessToken"),
        ];
        for (text, o, want) in cases {
            let got = read(text, Format::AwsSso, o).expect_err(text);
            assert!(
                got[0].contains(want),
                "{text}:\n got  {got:#?}\n want {want}"
            );
            assert!(got.iter().all(|g| !g.contains("SECRETTOKEN")), "{got:#?}");
        }
    }

    #[test]
    fn config_profiles_with_a_permission_set_are_assignments() {
        let text = "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile admin]
sso_session = acme
sso_account_id = 111122223333
sso_role_name = Admin_Access
region = eu-central-1
output = json

[profile legacy]
sso_start_url = https://start.us-gov-home.awsapps.com/directory/d-9067abcdef
sso_region = us-gov-west-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile ops]
role_arn = arn:aws:iam::555566667777:role/Ops
source_profile = admin
";
        let p = read(text, Format::AwsConfig, &ImportOptions::default()).unwrap();
        let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = p
            .environments
            .iter()
            .map(|e| {
                (
                    e.display_name.as_str(),
                    e.role_name.as_str(),
                    e.portal_url.as_deref(),
                    e.region.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "admin",
                    "Admin_Access",
                    Some("https://acme.awsapps.com/start"),
                    Some("eu-central-1")
                ),
                (
                    "legacy",
                    "ReadOnly",
                    Some("https://start.us-gov-home.awsapps.com/directory/d-9067abcdef"),
                    None
                ),
                ("ops", "Ops", None, None),
            ]
        );
        // The assignment is still the base of the role switched into from it.
        assert_eq!(
            p.environments[2]
                .base
                .as_ref()
                .and_then(|b| b.account_id.as_deref()),
            Some("111122223333")
        );
        assert_eq!(
            p.environments[1].partition(),
            crate::aws::Partition::AwsUsGov
        );
        let warnings: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            vec!["line 11, profile \"admin\": Ignored output (they do not concern the console)."]
        );
    }

    #[test]
    fn config_problems_name_line_and_profile() {
        let cases: &[(&str, &str)] = &[
            ("[profile a]\nsso_session = nope\nsso_account_id = 111122223333\nsso_role_name = Admin\n", "line 2, profile \"a\": sso_session \"nope\" names no [sso-session nope] section"),
            ("[sso-session s]\nsso_region = eu-west-1\n[profile a]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = Admin\n", "line 1, profile \"a\": [sso-session s] has no sso_start_url"),
            ("[profile a]\nsso_account_id = 111122223333\nsso_role_name = Admin\n", "line 1, profile \"a\": This Identity Center profile names neither sso_session nor sso_start_url"),
            ("[profile a]\nsso_start_url = https://acme.example.com/start\nsso_account_id = 111122223333\nsso_role_name = Admin\n", "line 2, profile \"a\": \"acme.example.com\" is not an AWS access portal host"),
            ("[profile a]\nsso_start_url = https://acme.awsapps.com/start\nsso_account_id = 1111\nsso_role_name = Admin\n", "line 3, profile \"a\": Account ID \"1111\" must be 12 digits"),
            ("[profile a]\nsso_start_url = https://acme.awsapps.com/start\nsso_account_id = 111122223333\nsso_role_name = Admin Access\n", "line 4, profile \"a\": Permission set name \"Admin Access\""),
        ];
        for (text, want) in cases {
            let got = read(text, Format::AwsConfig, &ImportOptions::default()).expect_err(text);
            assert!(
                got[0].starts_with(want),
                "{text}:\n got  {got:#?}\n want {want}"
            );
        }
    }

    #[test]
    fn config_export_writes_sso_sessions_and_reads_back() {
        let text = "\
[sso-session acme]
sso_start_url = https://acme.awsapps.com/start

[profile admin]
sso_session = acme
sso_account_id = 111122223333
sso_role_name = Admin
region = eu-west-1
roleswitch_production = true

[profile gov]
sso_start_url = https://start.us-gov-home.awsapps.com/directory/d-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile ops]
role_arn = arn:aws:iam::555566667777:role/Ops
source_profile = admin
";
        let first = read(text, Format::AwsConfig, &ImportOptions::default()).unwrap();
        let written = export(
            &first.environments,
            Format::AwsConfig,
            &ExportOptions::default(),
        )
        .unwrap();
        assert!(
            written
                .contains("[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"),
            "{written}"
        );
        assert!(written.contains("[sso-session d-1]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/d-1\n"), "{written}");
        assert!(written.contains("[profile admin]\nsso_session = acme\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n"), "{written}");
        let back = read(&written, Format::AwsConfig, &ImportOptions::default()).unwrap();
        for (a, b) in first.environments.iter().zip(&back.environments) {
            let mut a = a.clone();
            a.id = b.id.clone();
            assert_eq!(&a, b);
        }
        assert_eq!(back.environments.len(), first.environments.len());

        // AESR cannot hold them: they are named in a comment, the roles written.
        let aesr = export(
            &first.environments,
            Format::AesrIni,
            &ExportOptions::default(),
        )
        .unwrap();
        assert!(aesr.contains(";   admin = account 111122223333, permission set Admin, portal https://acme.awsapps.com/start\n"), "{aesr}");
        assert!(aesr.contains("[profile ops]"), "{aesr}");
        assert!(!aesr.contains("[profile admin]\naws_account_id"), "{aesr}");
    }
}

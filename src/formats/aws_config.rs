//! The AWS CLI's `~/.aws/config`.
//!
//! Every `[profile x]` with a `role_arn` is an environment named `x`; its
//! `region` is kept, and its `source_profile` says which account it is
//! switched into from: that profile's own `role_arn` (a role chain), its
//! `sso_account_id`, or the `aws_account_id`/`aws_account_alias`/`role_name`
//! keys that Roleswitch writes. Keys that do not concern the console (`output`,
//! `sso_*`, `mfa_serial`, `duration_seconds`, …) are reported as ignored.
//! Roleswitch also reads `color` (as AWS Extend Switch Roles does),
//! `roleswitch_group`, `roleswitch_production` and `roleswitch_title_prefix`
//! (`""`: no tab title prefix), which the CLI ignores.
//!
//! Credentials are never read: a file with `aws_secret_access_key` or
//! `aws_session_token` is refused as a whole.

use crate::fnv::FnvMap;
use crate::model::{BaseAccountInput, Environment, EnvironmentInput};
use crate::validate::{parse_role, quote, validate_environment, Field};

use super::aws_sso;
use super::ini::{self, Section};
use super::{role_arn, Collected, Diagnostic, ExportOptions, Origin, Unique};

const TARGET_KEYS: [&str; 7] = [
    "role_arn",
    "source_profile",
    "region",
    "color",
    "roleswitch_group",
    "roleswitch_production",
    "roleswitch_title_prefix",
];

/// The base account a source profile stands for, if it says.
enum SourceBase {
    Known(BaseAccountInput),
    /// The profile exists but does not say which account it signs in to.
    Unknown,
    /// The profile's account information is invalid (already reported).
    Invalid,
}

fn read_source(name: &str, s: &Section, out: &mut Collected) -> SourceBase {
    let mut input = BaseAccountInput::default();
    if let Some(arn) = s.value("role_arn") {
        match parse_role(arn) {
            Ok(role) => {
                input.account_id = role.account_id;
                input.role_name = Some(role.role_name);
            }
            // Reported when the profile itself is read as an environment.
            Err(_) => return SourceBase::Invalid,
        }
    } else if let Some(id) = s.value("sso_account_id") {
        // sso_role_name is a permission set, not the IAM role the console shows.
        input.account_id = Some(id.to_string());
    } else {
        match s.value("aws_account_id") {
            Some(v) if v.chars().any(|c| c.is_ascii_alphabetic()) => {
                input.alias = Some(v.to_string())
            }
            v => input.account_id = v.map(str::to_string),
        }
        if let Some(alias) = s.value("aws_account_alias") {
            input.alias = Some(alias.to_string());
        }
        input.role_name = s.value("role_name").map(str::to_string);
    }
    if input.account_id.is_none() && input.alias.is_none() {
        return SourceBase::Unknown;
    }
    let probe = EnvironmentInput {
        account_id: Some("000000000000".into()),
        display_name: Some("base".into()),
        base: Some(input.clone()),
        ..Default::default()
    };
    match validate_environment(&probe, "base") {
        Ok(_) => SourceBase::Known(input),
        Err(errors) => {
            let line = [
                "sso_account_id",
                "aws_account_id",
                "aws_account_alias",
                "role_name",
            ]
            .iter()
            .find_map(|k| s.get(k))
            .map_or(s.line, |e| e.line);
            for e in errors {
                out.errors
                    .push(Diagnostic::at_line(line, Some(name), e.message));
            }
            SourceBase::Invalid
        }
    }
}

/// Reads a lexed text (without credentials: the caller refuses those).
pub(crate) fn parse(lexed: ini::Lexed) -> Collected {
    let sections = lexed.sections;
    let sessions = aws_sso::Sessions::of(&sections);
    let mut out = Collected {
        errors: lexed.errors,
        ..Collected::default()
    };

    // Only [profile x] and [default] are profiles for the CLI.
    let mut kept = Vec::with_capacity(sections.len());
    for s in &sections {
        let (name, prefixed) = ini::profile_name(s.header);
        if prefixed || s.header == "default" {
            kept.push(s);
            continue;
        }
        if aws_sso::is_session(s.header) {
            continue; // read by the Identity Center profiles that name it
        }
        let what = if name.starts_with("sso-session ") || name.starts_with("services ") {
            "Roleswitch does not sign in or call services, so this section is not used.".to_string()
        } else {
            format!(
                "The AWS CLI only reads [profile {name}] and [default], so this section is skipped; if this is an AWS Extend Switch Roles file, import it as that format."
            )
        };
        out.warnings
            .push(Diagnostic::at_line(s.line, Some(name), what));
    }
    let profiles = ini::unique_profiles(kept, &mut out.errors);
    for (_, s) in &profiles {
        ini::repeated_keys(s, &mut out.errors);
    }
    if !profiles
        .iter()
        .any(|(_, s)| s.get("role_arn").is_some() || aws_sso::is_assignment(s))
        && out.errors.is_empty()
    {
        out.errors.push(Diagnostic::general(
            "No profile in this file has a role_arn or an Identity Center sso_account_id and sso_role_name, so there is nothing to switch into; paste the profiles that assume roles or sign in through the access portal.".into(),
        ));
    }

    // Who names each profile in source_profile (only environments count).
    let mut referrer_lists: Vec<Vec<&str>> = Vec::new();
    let mut referrers_of: FnvMap<&str, usize> = FnvMap::default();
    for (name, t) in &profiles {
        if let (Some(source), Some(_)) = (t.value("source_profile"), t.get("role_arn")) {
            match referrers_of.get(source) {
                Some(&i) => referrer_lists[i].push(name),
                None => {
                    referrers_of.insert(source, referrer_lists.len());
                    referrer_lists.push(vec![*name]);
                }
            }
        }
    }
    let mut sources: Vec<(&str, SourceBase)> = Vec::new();
    for (name, s) in &profiles {
        let referrers = referrers_of
            .get(name)
            .map_or(&[][..], |&i| referrer_lists[i].as_slice());
        if referrers.is_empty() {
            if s.get("role_arn").is_none() && !aws_sso::is_assignment(s) {
                out.warnings.push(Diagnostic::at_line(
                    s.line,
                    Some(*name),
                    "This profile has no role_arn, so it is not an environment (it is where you sign in, not where you switch to).".into(),
                ));
            }
            continue;
        }
        let base = read_source(name, s, &mut out);
        if matches!(base, SourceBase::Unknown) {
            out.warnings.push(Diagnostic::at_line(
                s.line,
                Some(*name),
                format!(
                    "This profile does not say which account it signs in to, so {} can be switched into from any account; add aws_account_id = its 12-digit ID to tie them to it.",
                    ini::some_of(referrers.iter().map(|r| quote(r)), referrers.len(), "more")
                ),
            ));
        }
        sources.push((name, base));
    }
    let sources_by_name: FnvMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();

    for (name, s) in &profiles {
        let Some(_) = s.get("role_arn") else {
            if aws_sso::is_assignment(s) {
                aws_sso::read_assignment(name, s, &sessions, &mut out);
            }
            continue;
        };
        let mut base = None;
        if let Some(src) = s.get("source_profile") {
            match sources_by_name.get(src.value).map(|i| &sources[*i]) {
                Some((_, SourceBase::Known(b))) => base = Some(b.clone()),
                Some(_) => {}
                None => out.warnings.push(Diagnostic::at_line(
                    src.line,
                    Some(*name),
                    format!(
                        "source_profile {} is not in this file (it may be in ~/.aws/credentials), so this environment can be switched into from any account.",
                        quote(src.value)
                    ),
                )),
            }
        }
        read_target(name, s, base, &mut out);
    }
    out
}

fn read_target(name: &str, s: &Section, base: Option<BaseAccountInput>, out: &mut Collected) {
    let line_of = |key: &str| s.get(key).map(|e| e.line);
    let mut input = EnvironmentInput {
        role_name: s.value("role_arn").map(str::to_string),
        display_name: Some(name.to_string()),
        color: s.value("color").map(str::to_string),
        region: s.value("region").map(str::to_string),
        group: s.value("roleswitch_group").map(str::to_string),
        title_prefix: s.value("roleswitch_title_prefix").map(str::to_string),
        base,
        ..Default::default()
    };
    if !s
        .value("role_arn")
        .is_some_and(|v| v.trim().starts_with("arn:"))
    {
        out.errors.push(Diagnostic::at_line(
            line_of("role_arn").unwrap_or(s.line),
            Some(name),
            format!(
                "role_arn {} is not a role ARN; write it as arn:aws:iam::111122223333:role/RoleName.",
                quote(s.value("role_arn").unwrap_or(""))
            ),
        ));
        return;
    }
    if let Some(e) = s.get("roleswitch_production") {
        input.production = ini::read_bool(e, name, &mut out.errors);
    }
    ini::warn_unread(s, &TARGET_KEYS, &mut out.warnings);
    let header = s.line;
    let locate = |field: Field| {
        let line = match field {
            Field::AccountId | Field::RoleName => line_of("role_arn"),
            Field::Color => line_of("color"),
            Field::Region => line_of("region"),
            Field::Group => line_of("roleswitch_group"),
            Field::TitlePrefix => line_of("roleswitch_title_prefix"),
            Field::Base => line_of("source_profile"),
            _ => None,
        };
        Origin::at_line(line.unwrap_or(header), name)
    };
    out.validate(&input.as_view(), Origin::at_line(header, name), locate);
}

pub(crate) fn export(envs: &[Environment], options: &ExportOptions) -> String {
    let mut out = String::new();
    if options.header_comment {
        out.push_str(
            "# AWS CLI profiles, exported by Roleswitch. No credentials are written:\n\
             # sign in to each source_profile with SSO or keys in ~/.aws/credentials, and give\n\
             # profiles without source_profile a source_profile or credential_source of your own.\n\
             # color, roleswitch_group, roleswitch_production and roleswitch_title_prefix are read\n\
             # back by Roleswitch; the AWS CLI ignores them.\n\n",
        );
    }
    let mut used = Unique::default();
    let names: Vec<String> = envs
        .iter()
        .map(|e| ini::unique_name(&e.display_name, &mut used))
        .collect();
    let (bases, base_of) = ini::bases(envs, &mut used);
    for (b, name) in &bases {
        out.push_str(&format!("[profile {name}]\n"));
        if options.header_comment {
            out.push_str("# Base account: the profiles below switch from here.\n");
        }
        if let Some(id) = &b.account_id {
            out.push_str(&format!("aws_account_id = {id}\n"));
        }
        if let Some(alias) = &b.alias {
            out.push_str(&format!("aws_account_alias = {alias}\n"));
        }
        if let Some(role) = &b.role_name {
            out.push_str(&format!("role_name = {role}\n"));
        }
        out.push('\n');
    }
    let assignments: Vec<(&Environment, &String)> = envs
        .iter()
        .zip(&names)
        .filter(|(e, _)| e.portal_url.is_some())
        .collect();
    aws_sso::write_config(&mut out, &assignments, &mut used, options);
    for ((env, name), base) in envs.iter().zip(&names).zip(base_of) {
        if env.portal_url.is_some() {
            continue; // written above
        }
        out.push_str(&format!("[profile {name}]\n"));
        out.push_str(&format!("role_arn = {}\n", role_arn(env)));
        if let Some((_, src)) = base.map(|i| &bases[i]) {
            out.push_str(&format!("source_profile = {src}\n"));
        }
        if let Some(region) = &env.region {
            out.push_str(&format!("region = {region}\n"));
        }
        out.push_str(&format!("color = {}\n", env.color.trim_start_matches('#')));
        ini::write_roleswitch_keys(&mut out, env);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::formats::{export, parse, ExportOptions, Format, ImportOptions, Parsed};
    use crate::model::{example_environments, BaseAccount};

    fn read(text: &str) -> Result<Parsed, Vec<String>> {
        parse(text, Format::AwsConfig, &ImportOptions::default())
            .map_err(|e| e.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn reads_profiles_chains_and_sso_bases() {
        let text = "\
[default]
region = eu-west-1
output = json

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start

[profile mgmt]
sso_session = acme
sso_account_id = 999988887777
sso_role_name = AdministratorAccess

[profile ops]
role_arn = arn:aws:iam::111122223333:role/Ops
source_profile = mgmt
mfa_serial = arn:aws:iam::999988887777:mfa/me

[profile prod]
role_arn = arn:aws-us-gov:iam::444455556666:role/team/Admin
source_profile = ops
region = us-gov-west-1
color = f2b0a9

[profile sandbox]
role_arn = arn:aws:iam::555566667777:role/Dev
source_profile = default

[profile local]
role_arn = arn:aws:iam::666677778888:role/Dev
source_profile = from-credentials-file
";
        let p = read(text).unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = p
            .environments
            .iter()
            .map(|e| {
                (
                    e.display_name.as_str(),
                    e.role_name.as_str(),
                    e.base.as_ref().and_then(|b| b.account_id.as_deref()),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // An Identity Center assignment, and the base of ops.
                ("mgmt", "AdministratorAccess", None),
                ("ops", "Ops", Some("999988887777")),
                ("prod", "team/Admin", Some("111122223333")),
                ("sandbox", "Dev", None),
                ("local", "Dev", None),
            ]
        );
        assert_eq!(
            p.environments[0].portal_url.as_deref(),
            Some("https://acme.awsapps.com/start")
        );
        assert_eq!(
            p.environments[2]
                .base
                .as_ref()
                .unwrap()
                .role_name
                .as_deref(),
            Some("Ops")
        );
        assert_eq!(p.environments[1].base.as_ref().unwrap().role_name, None);
        let warnings: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        let want = [
            "line 1, profile \"default\": This profile does not say which account",
            "line 16, profile \"ops\": Ignored mfa_serial",
            "line 30, profile \"local\": source_profile \"from-credentials-file\" is not in this file",
        ];
        assert_eq!(warnings.len(), want.len(), "{warnings:#?}");
        for (g, w) in warnings.iter().zip(want) {
            assert!(g.starts_with(w), "got {g}\nwant {w}");
        }
    }

    #[test]
    fn every_error_names_line_and_profile() {
        let cases: &[(&str, &[&str])] = &[
            ("[default]\nregion = eu-west-1\n", &["No profile in this file has a role_arn"]),
            (
                "[profile a]\nrole_arn = Admin\n",
                &["line 2, profile \"a\": role_arn \"Admin\" is not a role ARN"],
            ),
            (
                "[profile a]\nrole_arn = arn:aws:iam::12345:role/R\n",
                &["line 2, profile \"a\": In role ARN"],
            ),
            (
                "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\nregion = Europe\n",
                &["line 3, profile \"a\": Region \"Europe\""],
            ),
            (
                "[profile b]\nsso_account_id = 12\n[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = b\n",
                &["line 2, profile \"b\": Base account: Account ID \"12\""],
            ),
            (
                "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\naws_access_key_id = AKIA\naws_secret_access_key = SECRETVALUE\n[profile b]\naws_session_token = SECRETTOKEN\n",
                &[
                    "line 3, profile \"a\": This file contains credentials (aws_access_key_id). Roleswitch never reads or stores credentials",
                    "line 4, profile \"a\": This file contains credentials (aws_secret_access_key). Roleswitch never reads or stores credentials",
                    "line 6, profile \"b\": This file contains credentials (aws_session_token)",
                ],
            ),
        ];
        for (text, want) in cases {
            let got = read(text).expect_err(text);
            assert_eq!(got.len(), want.len(), "{text}: {got:#?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text}:\n got  {g}\n want {w}");
                assert!(!g.contains("SECRET"), "a secret leaked: {g}");
            }
        }
    }

    #[test]
    fn export_round_trips_up_to_ids() {
        let mut envs = example_environments();
        envs[1].base = Some(BaseAccount {
            account_id: Some("999988887777".into()),
            alias: None,
            role_name: Some("Ops".into()),
        });
        envs[1].region = Some("cn-north-1".into());
        let text = export(&envs, Format::AwsConfig, &ExportOptions::default()).unwrap();
        assert!(text.contains("role_arn = arn:aws-cn:iam::444455556666:role/OrganizationAccountAccessRole\nsource_profile = 999988887777-Ops\n"), "{text}");
        let back = read(&text).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        for (a, b) in envs.iter().zip(&back.environments) {
            let mut a = a.clone();
            a.id = b.id.clone();
            assert_eq!(&a, b);
        }
    }
}

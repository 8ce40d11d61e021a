//! The config of AWS Extend Switch Roles (AESR), the migration path for its users.
//!
//! ```ini
//! [organization1]              ; a base account: referenced by source_profile
//! aws_account_id = acme-mgmt   ; its ID or alias
//! role_name = Ops              ; optional: the role signed in to there
//! target_role_name = Admin     ; optional: role of targets that name none
//! target_region = eu-west-1    ; optional: region of targets that name none
//!
//! [profile prod]               ; a target: the section name is the display name
//! aws_account_id = 444455556666
//! role_name = Admin            ; or role_arn = arn:aws:iam::444455556666:role/Admin
//! source_profile = organization1
//! color = f2b0a9               ; hex without #
//! region = us-east-1
//! ```
//!
//! A section that another one names in `source_profile` is a base account and
//! not an environment. Roleswitch also reads and writes `roleswitch_group`,
//! `roleswitch_production` and `roleswitch_title_prefix` (`""`: no tab title
//! prefix), which AESR ignores; `image` is read and ignored.

use crate::model::{BaseAccountInput, Environment, EnvironmentInput};
use crate::validate::{quote, validate_environment, Field};

use super::ini::{self, Entry, Section};
use super::{Collected, Diagnostic, ExportOptions, Origin};

const TARGET_KEYS: [&str; 9] = [
    "role_arn",
    "aws_account_id",
    "role_name",
    "source_profile",
    "color",
    "region",
    "roleswitch_group",
    "roleswitch_production",
    "roleswitch_title_prefix",
];
const BASE_KEYS: [&str; 6] = [
    "aws_account_id",
    "aws_account_alias",
    "role_name",
    "role_arn",
    "target_role_name",
    "target_region",
];

/// A base section, validated once.
struct Base<'a> {
    section: &'a Section<'a>,
    /// `None` when the base itself is invalid (already reported).
    input: Option<BaseAccountInput>,
}

/// Whether an `aws_account_id` value is an alias rather than an ID.
fn is_alias(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_alphabetic())
}

/// Reads a base section into a base account input and checks it with the core
/// validator, reporting its problems once, at the section.
fn read_base(name: &str, s: &Section, out: &mut Collected) -> Option<BaseAccountInput> {
    let mut input = BaseAccountInput::default();
    match s.value("aws_account_id") {
        Some(v) if is_alias(v) => input.alias = Some(v.to_string()),
        v => input.account_id = v.map(str::to_string),
    }
    if let Some(alias) = s.value("aws_account_alias") {
        input.alias = Some(alias.to_string());
    }
    input.role_name = s.value("role_name").map(str::to_string);
    if let Some(arn) = s.value("role_arn") {
        input.role_name = Some(arn.to_string());
        if input.account_id.is_none() {
            if let Ok(role) = crate::validate::parse_role(arn) {
                input.account_id = role.account_id;
            }
        }
    }
    if let Some(e) = s.get("source_profile") {
        out.errors.push(Diagnostic::at_line(
            e.line,
            Some(name.into()),
            "A base account cannot itself have a source_profile; AWS Extend Switch Roles and Roleswitch switch one level deep. Remove this line.".into(),
        ));
    }
    if input.account_id.is_none() && input.alias.is_none() {
        out.errors.push(Diagnostic::at_line(
            s.line,
            Some(name.into()),
            "This base account (named in source_profile) has no aws_account_id; add aws_account_id = its 12-digit ID or alias.".into(),
        ));
        return None;
    }
    // The core validates bases as part of an environment: check it on a stand-in.
    let probe = EnvironmentInput {
        account_id: Some("000000000000".into()),
        display_name: Some("base".into()),
        base: Some(input.clone()),
        ..Default::default()
    };
    if let Err(errors) = validate_environment(&probe, "base") {
        let line = s
            .get("role_name")
            .or_else(|| s.get("role_arn"))
            .filter(|_| errors.iter().any(|e| e.message.contains("Role")))
            .or_else(|| s.get("aws_account_id"))
            .map_or(s.line, |e| e.line);
        for e in errors {
            out.errors
                .push(Diagnostic::at_line(line, Some(name.into()), e.message));
        }
        return None;
    }
    let ignored: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| e.nested || !(BASE_KEYS.contains(&&*e.key) || e.key == "source_profile"))
        .collect();
    ini::warn_ignored(s, &ignored, "not used in a base account", &mut out.warnings);
    Some(input)
}

pub(crate) fn parse(text: &str) -> Collected {
    let mut out = Collected::default();
    let (sections, lex_errors) = ini::lex(text);
    let secrets = ini::refuse_credentials(&sections);
    if !secrets.is_empty() {
        out.errors = secrets;
        return out;
    }
    out.errors = lex_errors;
    let profiles = ini::unique_profiles(&sections, &mut out.errors);
    if profiles.is_empty() && out.errors.is_empty() {
        out.errors.push(Diagnostic::general(
            "There is no [profile name] section in this text; paste the whole AWS Extend Switch Roles configuration.".into(),
        ));
    }
    for (_, s) in &profiles {
        ini::repeated_keys(s, &mut out.errors);
    }

    // Which sections are bases: the ones named by a source_profile.
    let mut bases: std::collections::HashMap<&str, Base> = std::collections::HashMap::new();
    let names: std::collections::HashSet<&str> = profiles.iter().map(|(n, _)| *n).collect();
    let referenced: std::collections::HashSet<&str> = profiles
        .iter()
        .filter_map(|(_, t)| t.value("source_profile"))
        .collect();
    for (name, s) in &profiles {
        let Some(src) = s.get("source_profile") else {
            continue;
        };
        match names.get(src.value) {
            Some(_) => {}
            None => out.errors.push(Diagnostic::at_line(
                src.line,
                Some((*name).into()),
                format!(
                    "source_profile {} names no section of this file; add a [{}] section with its aws_account_id, or fix the name.",
                    quote(&src.value),
                    src.value
                ),
            )),
        }
    }
    for (name, s) in &profiles {
        if referenced.contains(name) {
            let input = read_base(name, s, &mut out);
            bases.insert(name, Base { section: s, input });
        }
    }

    for (name, s) in &profiles {
        if bases.contains_key(name) {
            continue;
        }
        let base = s.value("source_profile").and_then(|src| bases.get(src));
        read_target(name, s, base, &mut out);
    }
    out
}

fn read_target(name: &str, s: &Section, base: Option<&Base>, out: &mut Collected) {
    let line_of = |key: &str| s.get(key).map(|e| e.line);
    let base_line = |key: &str| base.and_then(|b| b.section.get(key)).map(|e| e.line);
    let base_value = |key: &str| base.and_then(|b| b.section.value(key));

    let mut input = EnvironmentInput {
        account_id: s.value("aws_account_id").map(str::to_string),
        display_name: Some(name.to_string()),
        color: s.value("color").map(str::to_string),
        region: s
            .value("region")
            .or_else(|| base_value("target_region"))
            .map(str::to_string),
        group: s.value("roleswitch_group").map(str::to_string),
        title_prefix: s.value("roleswitch_title_prefix").map(str::to_string),
        base: base.and_then(|b| b.input.clone()),
        ..Default::default()
    };
    let mut ignored: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| e.nested || !TARGET_KEYS.contains(&&*e.key))
        .collect();
    input.role_name = match (s.get("role_arn"), s.get("role_name")) {
        (Some(arn), Some(role)) => {
            ignored.push(role);
            Some(arn.value.to_string())
        }
        (Some(arn), None) => Some(arn.value.to_string()),
        (None, Some(role)) => Some(role.value.to_string()),
        (None, None) => match base_value("target_role_name") {
            Some(role) => Some(role.to_string()),
            None => {
                out.errors.push(Diagnostic::at_line(
                    s.line,
                    Some(name.into()),
                    "This profile has no role: add role_name = … (with aws_account_id) or role_arn = arn:aws:iam::…:role/…. If it is a base account, name it in its targets' source_profile.".into(),
                ));
                return;
            }
        },
    };
    if let Some(e) = s.get("roleswitch_production") {
        input.production = ini::read_bool(e, name, &mut out.errors);
    }
    ignored.sort_by_key(|e| e.line);
    let (images, unknown): (Vec<&Entry>, Vec<&Entry>) =
        ignored.into_iter().partition(|e| e.key == "image");
    ini::warn_ignored(
        s,
        &images,
        "the banner shows the color, not an image",
        &mut out.warnings,
    );
    ini::warn_ignored(
        s,
        &unknown,
        "unknown to AWS Extend Switch Roles and Roleswitch, or overridden by role_arn",
        &mut out.warnings,
    );
    let header = s.line;
    let locate = |field: Field| {
        let line = match field {
            Field::AccountId => line_of("aws_account_id").or(line_of("role_arn")),
            Field::RoleName => line_of("role_arn")
                .or(line_of("role_name"))
                .or(base_line("target_role_name")),
            Field::Color => line_of("color"),
            Field::Region => line_of("region").or(base_line("target_region")),
            Field::Group => line_of("roleswitch_group"),
            Field::TitlePrefix => line_of("roleswitch_title_prefix"),
            Field::Base => line_of("source_profile"),
            _ => None,
        };
        Origin::at_line(line.unwrap_or(header), name)
    };
    out.validate(&input, Origin::at_line(header, name), locate);
}

/// The value that all items share, when there are at least two of them.
fn shared<'a, T: PartialEq>(mut items: impl Iterator<Item = &'a T>) -> Option<&'a T> {
    let first = items.next()?;
    let mut count = 1;
    for item in items {
        if item != first {
            return None;
        }
        count += 1;
    }
    (count >= 2).then_some(first)
}

pub(crate) fn export(envs: &[Environment], options: &ExportOptions) -> String {
    let mut out = String::new();
    if options.header_comment {
        out.push_str(
            "; AWS Extend Switch Roles configuration, exported by Roleswitch.\n\
             ; roleswitch_group, roleswitch_production and roleswitch_title_prefix are read back by Roleswitch;\n\
             ; AESR ignores them.\n\
             ; Not kept: Roleswitch ids (made again from account and role on import).\n\n",
        );
    }
    // Target names first: they are what users see; base sections avoid them.
    let mut used = std::collections::HashSet::new();
    let names: Vec<String> = envs
        .iter()
        .map(|e| ini::unique_name(&e.display_name, &mut used))
        .collect();
    let mut bases: Vec<(&crate::model::BaseAccount, String)> = Vec::new();
    for env in envs {
        if let Some(b) = &env.base {
            if !bases.iter().any(|(known, _)| *known == b) {
                let name = ini::unique_name(&ini::base_section_name(b), &mut used);
                bases.push((b, name));
            }
        }
    }
    let mut written: Vec<&crate::model::BaseAccount> = Vec::new();
    for (env, name) in envs.iter().zip(&names) {
        let mut target_role = None;
        let mut target_region = None;
        let mut source = None;
        if let Some((b, base_section)) = env
            .base
            .as_ref()
            .and_then(|b| bases.iter().find(|(k, _)| *k == b))
        {
            let members = || envs.iter().filter(|e| e.base.as_ref() == Some(*b));
            target_role = shared(members().map(|e| &e.role_name));
            target_region = shared(members().map(|e| &e.region)).and_then(Option::as_ref);
            source = Some(base_section);
            if !written.contains(b) {
                written.push(b);
                out.push_str(&format!("[profile {base_section}]\n"));
                match (&b.account_id, &b.alias) {
                    (Some(id), Some(alias)) => out.push_str(&format!(
                        "aws_account_id = {id}\naws_account_alias = {alias}\n"
                    )),
                    (Some(id), None) => out.push_str(&format!("aws_account_id = {id}\n")),
                    // AESR's own way to give an alias; one without letters would read as an ID.
                    (None, Some(alias)) if is_alias(alias) => {
                        out.push_str(&format!("aws_account_id = {alias}\n"))
                    }
                    (None, Some(alias)) => out.push_str(&format!("aws_account_alias = {alias}\n")),
                    (None, None) => {}
                }
                if let Some(role) = &b.role_name {
                    out.push_str(&format!("role_name = {role}\n"));
                }
                if let Some(role) = target_role {
                    out.push_str(&format!("target_role_name = {role}\n"));
                }
                if let Some(region) = target_region {
                    out.push_str(&format!("target_region = {region}\n"));
                }
                out.push('\n');
            }
        }
        out.push_str(&format!("[profile {name}]\n"));
        out.push_str(&format!("aws_account_id = {}\n", env.account_id));
        if target_role != Some(&env.role_name) {
            out.push_str(&format!("role_name = {}\n", env.role_name));
        }
        if let Some(src) = source {
            out.push_str(&format!("source_profile = {src}\n"));
        }
        out.push_str(&format!("color = {}\n", env.color.trim_start_matches('#')));
        if let (Some(region), None) = (&env.region, target_region) {
            out.push_str(&format!("region = {region}\n"));
        }
        ini::write_roleswitch_keys(&mut out, env);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::formats::{export, parse, ExportOptions, Format, ImportOptions};
    use crate::model::{example_environments, BaseAccount};

    fn read(text: &str) -> Result<crate::formats::Parsed, Vec<String>> {
        parse(text, Format::AesrIni, &ImportOptions::default())
            .map_err(|e| e.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn title_prefixes_are_kept_and_an_empty_one_means_none() {
        let text = "[profile a]\naws_account_id = 111122223333\nrole_name = R\nroleswitch_title_prefix = \"[A] ; x\"\n\n\
                    [profile b]\naws_account_id = 444455556666\nrole_name = R\nroleswitch_title_prefix = \"\"\n\n\
                    [profile c]\naws_account_id = 777788889999\nrole_name = R\n";
        let envs = read(text).unwrap().environments;
        let prefixes: Vec<Option<&str>> = envs.iter().map(|e| e.title_prefix.as_deref()).collect();
        assert_eq!(prefixes, [Some("[A] ; x"), Some(""), None]);
        let out = export(&envs, Format::AesrIni, &ExportOptions::default()).unwrap();
        assert!(
            out.contains("roleswitch_title_prefix = \"[A] ; x\"\n"),
            "{out}"
        );
        assert!(out.contains("roleswitch_title_prefix = \"\"\n"), "{out}");
        assert_eq!(
            out.matches("roleswitch_title_prefix = ").count(),
            2,
            "{out}"
        );
    }

    #[test]
    fn reads_targets_bases_and_defaults() {
        let text = "\
; Team accounts
[organization1]
aws_account_id = acme-mgmt
role_name = Ops
target_role_name = Admin
target_region = eu-west-1

[profile prod]
aws_account_id = 4444-5555-6666
source_profile = organization1
color = F2B0A9
roleswitch_production = true
roleswitch_group = \"Team ; A\"

[dev]
role_arn = arn:aws:iam::111122223333:role/team/Dev
region = us-east-1
image = \"https://example.com/x.png\"
";
        let p = read(text).unwrap();
        assert_eq!(p.environments.len(), 2);
        let prod = &p.environments[0];
        assert_eq!(prod.id, "444455556666-admin");
        assert_eq!(prod.display_name, "prod");
        assert_eq!(prod.role_name, "Admin");
        assert_eq!(prod.region.as_deref(), Some("eu-west-1"));
        assert_eq!(prod.color, "#f2b0a9");
        assert!(prod.production);
        assert_eq!(prod.group.as_deref(), Some("Team ; A"));
        let base = prod.base.as_ref().unwrap();
        assert_eq!(
            (
                base.alias.as_deref(),
                base.role_name.as_deref(),
                base.account_id.as_deref()
            ),
            (Some("acme-mgmt"), Some("Ops"), None)
        );
        let dev = &p.environments[1];
        assert_eq!(
            (
                dev.account_id.as_str(),
                dev.role_name.as_str(),
                dev.color.as_str()
            ),
            ("111122223333", "team/Dev", "#83d4e8")
        );
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(18));
        assert!(p.warnings[0].message.contains("image"), "{:?}", p.warnings);
    }

    #[test]
    fn every_error_names_line_and_profile() {
        let cases: &[(&str, &[&str])] = &[
            ("", &["There is no [profile name] section"]),
            ("role_arn = x\n", &["line 1: The setting \"role_arn\" comes before any section"]),
            (
                "[a]\naws_account_id = 12345\nrole_name = R\n",
                &["line 2, profile \"a\": Account ID \"12345\" must be 12 digits; it has 5."],
            ),
            ("[a]\naws_account_id = 111122223333\n", &["line 1, profile \"a\": This profile has no role"]),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\ncolor = pink\nregion = mars\n",
                &["line 3, profile \"a\": Color \"pink\"", "line 4, profile \"a\": Region \"mars\""],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = nope\n",
                &["line 3, profile \"a\": source_profile \"nope\" names no section"],
            ),
            (
                "[b]\nrole_name = Ops\n[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = b\n",
                &["line 1, profile \"b\": This base account (named in source_profile) has no aws_account_id"],
            ),
            (
                "[b]\naws_account_id = Acme Corp\n[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = b\n",
                &["line 2, profile \"b\": Base account alias \"Acme Corp\""],
            ),
            (
                "[c]\naws_account_id = 999988887777\n[b]\naws_account_id = 999988887777\nsource_profile = c\n[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = b\n",
                &["line 5, profile \"b\": A base account cannot itself have a source_profile"],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\n[profile a]\nrole_arn = arn:aws:iam::111122223333:role/S\n",
                &["line 3, profile \"a\": Profile \"a\" is defined twice (first on line 1)"],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\ncolor = red\ncolor = blue\n",
                &["line 4, profile \"a\": color is set twice"],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nroleswitch_production = maybe\n",
                &["line 3, profile \"a\": roleswitch_production is \"maybe\"; write true or false."],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\n[b]\naws_account_id = 111122223333\nrole_name = r\n",
                &["line 3, profile \"b\": Account 1111-2222-3333 with role r is already in the list as \"a\"."],
            ),
            (
                "[a]\naws_account_id = 444455556666\nrole_arn = arn:aws:iam::111122223333:role/R\n",
                &["line 3, profile \"a\": Role ARN is in account 111122223333, but the account ID is 444455556666"],
            ),
            (
                "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\nroleswitch_title_prefix = [a long, long prefix]\n",
                &["line 3, profile \"a\": The tab title prefix \"[a long, long prefix]\" is 21 characters long; keep it to 16."],
            ),
            (
                "[a]\naws_secret_access_key = SECRETVALUE\n",
                &["line 2, profile \"a\": This file contains credentials (aws_secret_access_key)"],
            ),
        ];
        for (text, want) in cases {
            let got = read(text).expect_err(text);
            assert_eq!(got.len(), want.len(), "{text}: {got:#?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text}:\n got  {g}\n want {w}");
                assert!(!g.contains("SECRETVALUE"), "{g}");
            }
        }
    }

    #[test]
    fn export_groups_bases_and_round_trips() {
        let mut envs = example_environments();
        let base = BaseAccount {
            account_id: Some("999988887777".into()),
            alias: Some("acme-mgmt".into()),
            role_name: None,
        };
        for e in &mut envs {
            e.base = Some(base.clone());
            e.region = Some("eu-west-1".into());
        }
        let text = export(&envs, Format::AesrIni, &ExportOptions::default()).unwrap();
        assert!(text.contains("[profile acme-mgmt]\naws_account_id = 999988887777\naws_account_alias = acme-mgmt\ntarget_role_name = OrganizationAccountAccessRole\ntarget_region = eu-west-1\n"), "{text}");
        assert_eq!(
            text.matches("source_profile = acme-mgmt").count(),
            2,
            "{text}"
        );
        let back = read(&text).unwrap().environments;
        for (a, b) in envs.iter().zip(&back) {
            let mut a = a.clone();
            a.id = b.id.clone();
            assert_eq!(&a, b);
        }
    }

    #[test]
    fn export_renames_repeated_display_names() {
        let mut envs = example_environments();
        envs[1].display_name = envs[0].display_name.clone();
        let text = export(&envs, Format::AesrIni, &ExportOptions::default()).unwrap();
        assert!(
            text.contains("[profile test]") && text.contains("[profile test (2)]"),
            "{text}"
        );
    }
}

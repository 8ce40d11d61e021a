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

use crate::aws::role_arn_parts;
use crate::fnv::FnvMap;
use crate::model::{BaseAccountInput, Environment, EnvironmentInput};
use crate::validate::{parse_role, quote, validate_input, Field};

use super::ini::{self, Entry, Section};
use super::{Collected, Diagnostic, ExportOptions, Origin, Unique};

/// The keys AESR and Roleswitch read. A section's entries are sorted into
/// these once; each reader then looks its keys up by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    AccountId,
    AccountAlias,
    RoleName,
    RoleArn,
    SourceProfile,
    TargetRoleName,
    TargetRegion,
    Color,
    Region,
    Group,
    Production,
    TitlePrefix,
    Image,
}

const KEYS: [Key; 13] = [
    Key::AccountId,
    Key::AccountAlias,
    Key::RoleName,
    Key::RoleArn,
    Key::SourceProfile,
    Key::TargetRoleName,
    Key::TargetRegion,
    Key::Color,
    Key::Region,
    Key::Group,
    Key::Production,
    Key::TitlePrefix,
    Key::Image,
];

impl Key {
    fn of(key: &str) -> Option<Key> {
        Some(match key {
            "aws_account_id" => Key::AccountId,
            "aws_account_alias" => Key::AccountAlias,
            "role_name" => Key::RoleName,
            "role_arn" => Key::RoleArn,
            "source_profile" => Key::SourceProfile,
            "target_role_name" => Key::TargetRoleName,
            "target_region" => Key::TargetRegion,
            "color" => Key::Color,
            "region" => Key::Region,
            "roleswitch_group" => Key::Group,
            "roleswitch_production" => Key::Production,
            "roleswitch_title_prefix" => Key::TitlePrefix,
            "image" => Key::Image,
            _ => return None,
        })
    }

    /// Whether a target (an environment) reads this key.
    fn in_target(self) -> bool {
        !matches!(
            self,
            Key::AccountAlias | Key::TargetRoleName | Key::TargetRegion | Key::Image
        )
    }

    /// Whether a base account reads this key (`source_profile` is refused there, apart).
    fn in_base(self) -> bool {
        matches!(
            self,
            Key::AccountId
                | Key::AccountAlias
                | Key::RoleName
                | Key::RoleArn
                | Key::TargetRoleName
                | Key::TargetRegion
                | Key::SourceProfile
        )
    }
}

/// A profile section, its entries sorted by key.
struct Profile<'s, 'a> {
    name: &'a str,
    section: &'s Section<'a>,
    known: [Option<&'s Entry<'a>>; KEYS.len()],
    /// Nested entries and keys neither tool reads, in line order.
    unknown: Vec<&'s Entry<'a>>,
}

impl<'s, 'a> Profile<'s, 'a> {
    /// Sorts a section's entries; of a key set twice (reported by
    /// [`ini::repeated_keys`]) the first one counts.
    fn read(name: &'a str, section: &'s Section<'a>) -> Self {
        let mut known = [None; KEYS.len()];
        let mut unknown: Vec<&Entry> = Vec::new();
        for e in &section.entries {
            match Key::of(&e.key).filter(|_| !e.nested) {
                Some(key) => {
                    known[key as usize].get_or_insert(e);
                }
                None => unknown.push(e),
            }
        }
        Profile {
            name,
            section,
            known,
            unknown,
        }
    }

    fn get(&self, key: Key) -> Option<&'s Entry<'a>> {
        self.known[key as usize]
    }

    fn value(&self, key: Key) -> Option<&'a str> {
        self.get(key).map(|e| e.value)
    }

    fn line(&self, key: Key) -> Option<usize> {
        self.get(key).map(|e| e.line)
    }

    /// The entries a kind of section does not read, in line order.
    fn unused(&self, reads: impl Fn(Key) -> bool) -> Vec<&'s Entry<'a>> {
        let mut unused = self.unknown.clone();
        for (key, e) in KEYS.iter().zip(self.known) {
            if let Some(e) = e.filter(|_| !reads(*key)) {
                unused.push(e);
            }
        }
        unused.sort_by_key(|e| e.line);
        unused
    }
}

/// A base section, validated once.
struct Base<'p, 's, 'a> {
    profile: &'p Profile<'s, 'a>,
    /// `None` when the base itself is invalid (already reported).
    input: Option<BaseAccountInput<&'a str>>,
}

/// Whether an `aws_account_id` value is an alias rather than an ID.
fn is_alias(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_alphabetic())
}

/// Reads a base section into a base account input and checks it with the core
/// validator, reporting its problems once, at the section.
fn read_base<'a>(p: &Profile<'_, 'a>, out: &mut Collected) -> Option<BaseAccountInput<&'a str>> {
    let name = p.name;
    let mut input = BaseAccountInput::default();
    match p.value(Key::AccountId) {
        Some(v) if is_alias(v) => input.alias = Some(v),
        v => input.account_id = v,
    }
    if let Some(alias) = p.value(Key::AccountAlias) {
        input.alias = Some(alias);
    }
    input.role_name = p.value(Key::RoleName);
    if let Some(arn) = p.value(Key::RoleArn) {
        input.role_name = Some(arn);
        if input.account_id.is_none() && parse_role(arn).is_ok() {
            input.account_id = role_arn_parts(arn).map(|(account, _)| account);
        }
    }
    if let Some(e) = p.get(Key::SourceProfile) {
        out.errors.push(Diagnostic::at_line(
            e.line,
            Some(name),
            "A base account cannot itself have a source_profile; AWS Extend Switch Roles and Roleswitch switch one level deep. Remove this line.".into(),
        ));
    }
    if input.account_id.is_none() && input.alias.is_none() {
        out.errors.push(Diagnostic::at_line(
            p.section.line,
            Some(name),
            "This base account (named in source_profile) has no aws_account_id; add aws_account_id = its 12-digit ID or alias.".into(),
        ));
        return None;
    }
    // The core validates bases as part of an environment: check it on a stand-in.
    let probe = EnvironmentInput {
        account_id: Some("000000000000"),
        display_name: Some("base"),
        base: Some(input.clone()),
        ..Default::default()
    };
    if let Err(errors) = validate_input(&probe, "base") {
        let line = p
            .get(Key::RoleName)
            .or_else(|| p.get(Key::RoleArn))
            .filter(|_| errors.iter().any(|e| e.message.contains("Role")))
            .or_else(|| p.get(Key::AccountId))
            .map_or(p.section.line, |e| e.line);
        for e in errors {
            out.errors
                .push(Diagnostic::at_line(line, Some(name), e.message));
        }
        return None;
    }
    let ignored = p.unused(Key::in_base);
    ini::warn_ignored(
        p.section,
        &ignored,
        "not used in a base account",
        &mut out.warnings,
    );
    Some(input)
}

/// Reads a lexed text (without credentials: the caller refuses those).
pub(crate) fn parse(lexed: ini::Lexed) -> Collected {
    let sections = lexed.sections;
    let mut out = Collected {
        errors: lexed.errors,
        ..Collected::default()
    };
    let profiles: Vec<Profile> = ini::unique_profiles(&sections, &mut out.errors)
        .into_iter()
        .map(|(name, s)| Profile::read(name, s))
        .collect();
    if profiles.is_empty() && out.errors.is_empty() {
        out.errors.push(Diagnostic::general(
            "There is no [profile name] section in this text; paste the whole AWS Extend Switch Roles configuration.".into(),
        ));
    }
    for p in &profiles {
        ini::repeated_keys(p.section, &mut out.errors);
    }

    // Which sections are bases: the ones named by a source_profile.
    let mut index: FnvMap<&str, usize> = FnvMap::default();
    index.reserve(profiles.len());
    for (i, p) in profiles.iter().enumerate() {
        index.insert(p.name, i);
    }
    let mut source_of: Vec<Option<usize>> = vec![None; profiles.len()];
    let mut is_base = vec![false; profiles.len()];
    for (i, p) in profiles.iter().enumerate() {
        let Some(src) = p.get(Key::SourceProfile) else {
            continue;
        };
        match index.get(src.value) {
            Some(&b) => {
                source_of[i] = Some(b);
                is_base[b] = true;
            }
            None => out.errors.push(Diagnostic::at_line(
                src.line,
                Some(p.name),
                format!(
                    "source_profile {} names no section of this file; add a [{}] section with its aws_account_id, or fix the name.",
                    quote(src.value),
                    src.value
                ),
            )),
        }
    }
    let bases: Vec<Option<Base>> = profiles
        .iter()
        .zip(&is_base)
        .map(|(p, &base)| {
            base.then(|| Base {
                profile: p,
                input: read_base(p, &mut out),
            })
        })
        .collect();

    out.envs.reserve(profiles.len());
    for (i, p) in profiles.iter().enumerate() {
        if is_base[i] {
            continue;
        }
        let base = source_of[i].and_then(|b| bases[b].as_ref());
        read_target(p, base, &mut out);
    }
    out
}

fn read_target(p: &Profile, base: Option<&Base>, out: &mut Collected) {
    let name = p.name;
    let base_line = |key: Key| base.and_then(|b| b.profile.line(key));
    let base_value = |key: Key| base.and_then(|b| b.profile.value(key));

    let mut input = EnvironmentInput {
        account_id: p.value(Key::AccountId),
        display_name: Some(name),
        color: p.value(Key::Color),
        region: p
            .value(Key::Region)
            .or_else(|| base_value(Key::TargetRegion)),
        group: p.value(Key::Group),
        title_prefix: p.value(Key::TitlePrefix),
        base: base.and_then(|b| b.input.clone()),
        ..Default::default()
    };
    let mut ignored = p.unused(Key::in_target);
    input.role_name = match (p.get(Key::RoleArn), p.get(Key::RoleName)) {
        (Some(arn), Some(role)) => {
            ignored.push(role);
            ignored.sort_by_key(|e| e.line);
            Some(arn.value)
        }
        (Some(arn), None) => Some(arn.value),
        (None, Some(role)) => Some(role.value),
        (None, None) => match base_value(Key::TargetRoleName) {
            Some(role) => Some(role),
            None => {
                out.errors.push(Diagnostic::at_line(
                    p.section.line,
                    Some(name),
                    "This profile has no role: add role_name = … (with aws_account_id) or role_arn = arn:aws:iam::…:role/…. If it is a base account, name it in its targets' source_profile.".into(),
                ));
                return;
            }
        },
    };
    if let Some(e) = p.get(Key::Production) {
        input.production = ini::read_bool(e, name, &mut out.errors);
    }
    if !ignored.is_empty() {
        let (images, unknown): (Vec<&Entry>, Vec<&Entry>) =
            ignored.into_iter().partition(|e| e.key == "image");
        ini::warn_ignored(
            p.section,
            &images,
            "the banner shows the color, not an image",
            &mut out.warnings,
        );
        ini::warn_ignored(
            p.section,
            &unknown,
            "unknown to AWS Extend Switch Roles and Roleswitch, or overridden by role_arn",
            &mut out.warnings,
        );
    }
    let header = p.section.line;
    let locate = |field: Field| {
        let line = match field {
            Field::AccountId => p.line(Key::AccountId).or(p.line(Key::RoleArn)),
            Field::RoleName => p
                .line(Key::RoleArn)
                .or(p.line(Key::RoleName))
                .or(base_line(Key::TargetRoleName)),
            Field::Color => p.line(Key::Color),
            Field::Region => p.line(Key::Region).or(base_line(Key::TargetRegion)),
            Field::Group => p.line(Key::Group),
            Field::TitlePrefix => p.line(Key::TitlePrefix),
            Field::Base => p.line(Key::SourceProfile),
            _ => None,
        };
        Origin::at_line(line.unwrap_or(header), name)
    };
    out.validate(&input, Origin::at_line(header, name), locate);
}

/// The value that all items share, when there are at least two of them,
/// folded one item at a time.
#[derive(Debug, Clone, Copy)]
enum Shared<T> {
    None,
    Same(T, usize),
    Mixed,
}

impl<T: PartialEq + Copy> Shared<T> {
    fn add(self, item: T) -> Self {
        match self {
            Shared::None => Shared::Same(item, 1),
            Shared::Same(value, n) if value == item => Shared::Same(value, n + 1),
            Shared::Same(..) | Shared::Mixed => Shared::Mixed,
        }
    }

    fn get(self) -> Option<T> {
        match self {
            Shared::Same(value, n) if n >= 2 => Some(value),
            _ => None,
        }
    }
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
    let mut used = Unique::default();
    let names: Vec<String> = envs
        .iter()
        .map(|e| ini::unique_name(&e.display_name, &mut used))
        .collect();
    let (bases, base_of) = ini::bases(envs, &mut used);
    // Per base: the role and the region all its environments share.
    let mut shared = vec![(Shared::None, Shared::None); bases.len()];
    for (env, base) in envs.iter().zip(&base_of) {
        if let Some(i) = *base {
            let (role, region) = shared[i];
            shared[i] = (role.add(&env.role_name), region.add(&env.region));
        }
    }
    let mut written = vec![false; bases.len()];
    for ((env, name), base) in envs.iter().zip(&names).zip(base_of) {
        let mut target_role = None;
        let mut target_region = None;
        let mut source = None;
        if let Some(i) = base {
            let (b, base_section) = &bases[i];
            target_role = shared[i].0.get();
            target_region = shared[i].1.get().and_then(Option::as_ref);
            source = Some(base_section);
            if !written[i] {
                written[i] = true;
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
    fn a_base_given_by_role_arn_takes_its_account_from_the_arn() {
        let text = "[org]\nrole_arn = arn:aws:iam::9999-8888-7777:role/ops/Ops\n\n[dev]\naws_account_id = 111122223333\nrole_name = Dev\nsource_profile = org\n";
        let envs = read(text).expect("valid").environments;
        assert_eq!(envs.len(), 1);
        assert_eq!(
            envs[0].base,
            Some(BaseAccount {
                account_id: Some("999988887777".into()),
                alias: None,
                role_name: Some("ops/Ops".into()),
            })
        );
        let bad = "[org]\nrole_arn = arn:aws:iam::1234:role/Ops\n\n[dev]\naws_account_id = 111122223333\nrole_name = Dev\nsource_profile = org\n";
        let errors = read(bad).expect_err("the base has no account");
        assert!(errors[0].contains("line 1, profile \"org\""), "{errors:?}");
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

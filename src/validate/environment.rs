//! One environment, its fields together: what the kind asks of the portal
//! and role fields, an ARN's account against the account ID, the partition
//! against the region and the portal, the base account, the id.

use crate::aws::{self, Partition};
use crate::color;
use crate::model::{
    BaseAccount, BaseAccountInput, Environment, EnvironmentInput, EnvironmentKind,
    DEFAULT_ROLE_NAME,
};

use super::field::{
    account_id_message, check_text, color_message, err, permission_set_message, portal_url_message,
    region_message, role_message, Field, FieldError, RoleRef, MAX_DISPLAY_NAME,
    MAX_ENV_TITLE_PREFIX, MAX_GROUP,
};
use super::text::{control_and_count, quote, trim, trimmed};

/// Validates one environment. `id` is used when the input carries none.
///
/// Returns every problem at once, one per field.
pub fn validate_environment(
    input: &EnvironmentInput,
    id: &str,
) -> Result<Environment, Vec<FieldError>> {
    validate_input(&input.as_view(), id)
}

/// [`validate_environment`] for an input that borrows its text.
pub(crate) fn validate_input(
    input: &EnvironmentInput<&str>,
    id: &str,
) -> Result<Environment, Vec<FieldError>> {
    let mut errors = Vec::new();

    let account = match account_id_message(trimmed(&input.account_id)) {
        Ok(a) => Some(a),
        Err(m) if input.account_id.is_none_or(|s| s.trim().is_empty()) => {
            // An ARN in the role field can supply the account.
            let _ = m;
            None
        }
        Err(m) => {
            errors.push(err(Field::AccountId, m));
            None
        }
    };
    let portal_raw = match input.kind {
        Some(EnvironmentKind::AssumedRole) => "",
        _ => trimmed(&input.portal_url),
    };
    let portal_url = match portal_raw {
        "" if input.kind == Some(EnvironmentKind::IdentityCenter) => {
            errors.push(err(
                Field::PortalUrl,
                "Enter the AWS access portal URL, e.g. https://acme.awsapps.com/start, or choose \"Assumed role\"."
                    .into(),
            ));
            Some(String::new())
        }
        "" => None,
        raw => match portal_url_message(raw) {
            Ok(url) => Some(url),
            Err(m) => {
                errors.push(err(Field::PortalUrl, m));
                // Still an Identity Center entry: its role field is a permission set.
                Some(String::new())
            }
        },
    };
    let role_raw = match trimmed(&input.role_name) {
        "" if portal_url.is_none() => DEFAULT_ROLE_NAME,
        r => r,
    };
    let mut account = account;
    // An Identity Center assignment's role is its permission set.
    let parsed = match portal_url {
        Some(_) => permission_set_message(role_raw).map(|role_name| RoleRef {
            role_name,
            account_id: None,
        }),
        None => role_message(role_raw),
    };
    let role = match parsed {
        Ok(role) => {
            match (&account, &role.account_id) {
                (Some(a), Some(b)) if a != b => errors.push(err(
                    Field::RoleName,
                    format!(
                        "Role ARN is in account {b}, but the account ID is {a}; make them agree."
                    ),
                )),
                (None, Some(b)) => account = Some(b.clone()),
                _ => {}
            }
            Some(role.role_name)
        }
        Err(m) => {
            errors.push(err(Field::RoleName, m));
            None
        }
    };
    if account.is_none() && !errors.iter().any(|e| e.field == Field::AccountId) {
        errors.push(err(
            Field::AccountId,
            "Enter the 12-digit account ID, e.g. 1111-2222-3333.".into(),
        ));
    }

    let display_name = match check_text(
        Field::DisplayName,
        trimmed(&input.display_name),
        MAX_DISPLAY_NAME,
    ) {
        Ok(name) if name.is_empty() => {
            errors.push(err(
                Field::DisplayName,
                "Give this environment a name, e.g. prod or team-a test.".into(),
            ));
            None
        }
        Ok(name) => Some(name),
        Err(m) => {
            errors.push(err(Field::DisplayName, m));
            None
        }
    };

    let production = input.production.unwrap_or(false);
    let color = match trimmed(&input.color) {
        "" if production => Some(color::RED.to_string()),
        "" => Some(color::BLUE.to_string()),
        raw => match color_message(raw) {
            Ok(c) => Some(c),
            Err(m) => {
                errors.push(err(Field::Color, m));
                None
            }
        },
    };

    let region = match trimmed(&input.region) {
        "" => None,
        raw => match region_message(raw) {
            Ok(r) => Some(r),
            Err(m) => {
                errors.push(err(Field::Region, m));
                None
            }
        },
    };

    let partition = match trimmed(&input.partition) {
        "" => None,
        raw => match Partition::from_arn_name(raw) {
            None => {
                errors.push(err(
                    Field::Partition,
                    format!(
                        "Partition {} is not an AWS partition; use aws, aws-us-gov or aws-cn, or leave it empty.",
                        quote(raw)
                    ),
                ));
                None
            }
            Some(p) => {
                let of_region = region.as_deref().map(|r| Partition::of_region(Some(r)));
                match (of_region, region.as_deref()) {
                    (Some(q), Some(r)) if q != p => {
                        errors.push(err(
                            Field::Partition,
                            format!(
                                "Region {r} is in partition {}, not {}; fix the region or the partition.",
                                q.arn_name(),
                                p.arn_name()
                            ),
                        ));
                        None
                    }
                    _ => Some(p),
                }
            }
        },
    };

    let group = match check_text(Field::Group, trimmed(&input.group), MAX_GROUP) {
        Ok(g) if g.is_empty() => None,
        Ok(g) => Some(g),
        Err(m) => {
            errors.push(err(Field::Group, m));
            None
        }
    };

    // Absent: the settings' template; given, even empty: this environment's own.
    let title_prefix = match &input.title_prefix {
        None => None,
        Some(raw) => match check_text(Field::TitlePrefix, raw, MAX_ENV_TITLE_PREFIX) {
            Ok(p) => Some(p),
            Err(m) => {
                errors.push(err(Field::TitlePrefix, m));
                None
            }
        },
    };

    let base = match &input.base {
        None => None,
        Some(b) => match validate_base(b) {
            Ok(Some(_)) if portal_url.is_some() => {
                errors.push(err(
                    Field::Base,
                    "An Identity Center assignment is opened through its access portal, not switched into from a base account; remove the base account or the portal URL.".into(),
                ));
                None
            }
            Ok(base) => base,
            Err(m) => {
                errors.push(err(Field::Base, m));
                None
            }
        },
    };
    if let Some(portal) = portal_url
        .as_deref()
        .and_then(|u| u.strip_prefix("https://"))
        .and_then(|u| u.split('/').next())
        .and_then(Partition::of_portal_host)
    {
        let env_partition = partition.unwrap_or_else(|| {
            region
                .as_deref()
                .map_or(portal, |r| Partition::of_region(Some(r)))
        });
        if env_partition != portal {
            errors.push(err(
                Field::PortalUrl,
                format!(
                    "This access portal is in {}, but the environment is in {}; fix the portal URL, the region or the partition.",
                    portal.label(),
                    env_partition.label()
                ),
            ));
        }
    }

    let id = match trimmed(&input.id) {
        "" => trim(id).to_string(),
        given => given.to_string(),
    };
    let (control, count) = control_and_count(&id);
    if id.is_empty() || count > 100 || control.is_some() {
        errors.push(err(
            Field::Id,
            format!("Id {} must be 1 to 100 printable characters.", quote(&id)),
        ));
    }

    match (account, role, display_name, color, errors.is_empty()) {
        (Some(account_id), Some(role_name), Some(display_name), Some(color), true) => {
            Ok(Environment {
                id,
                account_id,
                role_name,
                display_name,
                color,
                region,
                partition,
                production,
                group,
                base,
                title_prefix,
                portal_url,
            })
        }
        _ => Err(errors),
    }
}

/// Validates a base account: an account ID or an alias, and optionally a role.
/// An input with neither is no base (`Ok(None)`).
fn validate_base(input: &BaseAccountInput<&str>) -> Result<Option<BaseAccount>, String> {
    let account_id = match trimmed(&input.account_id) {
        "" => None,
        raw => Some(account_id_message(raw).map_err(|m| format!("Base account: {m}"))?),
    };
    let alias = match trimmed(&input.alias) {
        "" => None,
        raw => {
            if !aws::is_account_alias(raw) {
                return Err(format!(
                    "Base account alias {} is not an account alias: 3 to 63 lower-case letters, digits and -.",
                    quote(raw)
                ));
            }
            Some(raw.to_string())
        }
    };
    let role_name = match trimmed(&input.role_name) {
        "" => None,
        raw => Some(
            role_message(raw)
                .map_err(|m| format!("Base account: {m}"))?
                .role_name,
        ),
    };
    if account_id.is_none() && alias.is_none() {
        return match role_name {
            None => Ok(None),
            Some(_) => {
                Err("Base account: give its account ID or alias as well as the role.".into())
            }
        };
    }
    Ok(Some(BaseAccount {
        account_id,
        alias,
        role_name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::{field_errors, input};

    #[test]
    fn a_chosen_kind_rules_the_portal_field() {
        let input = |kind, portal: Option<&str>| EnvironmentInput {
            id: Some("x".into()),
            account_id: Some("111122223333".into()),
            role_name: Some("Admin".into()),
            display_name: Some("x".into()),
            portal_url: portal.map(String::from),
            kind,
            ..Default::default()
        };
        let errors = validate_environment(&input(Some(EnvironmentKind::IdentityCenter), None), "x")
            .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, Field::PortalUrl);
        assert!(errors[0]
            .message
            .starts_with("Enter the AWS access portal URL"));
        let role = validate_environment(
            &input(
                Some(EnvironmentKind::AssumedRole),
                Some("https://acme.awsapps.com/start"),
            ),
            "x",
        )
        .unwrap();
        assert_eq!(role.portal_url, None, "an assumed role keeps no portal");
        let sso = validate_environment(&input(None, Some("https://acme.awsapps.com/start")), "x")
            .unwrap();
        assert!(
            sso.portal_url.is_some(),
            "without a choice, the portal decides"
        );
    }

    #[test]
    fn a_valid_environment_is_normalised() {
        let mut i = input("1111-2222-3333", "", "  test  ", "Green");
        i.region = Some(" eu-west-1 ".into());
        i.group = Some("Workloads".into());
        let env = validate_environment(&i, "abc").unwrap();
        assert_eq!(env.id, "abc");
        assert_eq!(env.account_id, "111122223333");
        assert_eq!(env.role_name, DEFAULT_ROLE_NAME);
        assert_eq!(env.display_name, "test");
        assert_eq!(env.color, "#b7ca9d");
        assert_eq!(env.region.as_deref(), Some("eu-west-1"));
        assert_eq!(env.group.as_deref(), Some("Workloads"));
    }

    #[test]
    fn html_in_display_name_is_kept_as_text() {
        let i = input("111122223333", "Dev", "<img src=x onerror=alert(1)>", "");
        let env = validate_environment(&i, "x").unwrap();
        assert_eq!(env.display_name, "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn unicode_display_names_count_characters_not_bytes() {
        let name: String = "é".repeat(MAX_DISPLAY_NAME);
        assert!(validate_environment(&input("111122223333", "", &name, ""), "x").is_ok());
        let long: String = "é".repeat(MAX_DISPLAY_NAME + 1);
        let errs = field_errors(&input("111122223333", "", &long, ""));
        assert_eq!(errs[0].0, Field::DisplayName);
        assert!(errs[0].1.contains("65 characters"), "{}", errs[0].1);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut i = input("123", "bad role", "", "red;}");
        i.region = Some("mars-1".into());
        i.group = Some("a\u{7}b".into());
        let fields: Vec<Field> = field_errors(&i).into_iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            vec![
                Field::AccountId,
                Field::RoleName,
                Field::DisplayName,
                Field::Color,
                Field::Region,
                Field::Group
            ]
        );
    }

    #[test]
    fn arn_supplies_account_and_must_agree() {
        let i = input("", "arn:aws:iam::111122223333:role/Dev", "dev", "");
        let env = validate_environment(&i, "x").unwrap();
        assert_eq!(
            (env.account_id.as_str(), env.role_name.as_str()),
            ("111122223333", "Dev")
        );

        let i = input(
            "444455556666",
            "arn:aws:iam::111122223333:role/Dev",
            "dev",
            "",
        );
        let errs = field_errors(&i);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].1.contains("make them agree"), "{}", errs[0].1);
    }

    #[test]
    fn base_accounts() {
        let mut i = input("111122223333", "", "dev", "");
        i.base = Some(BaseAccountInput {
            alias: Some("acme-mgmt".into()),
            ..Default::default()
        });
        let env = validate_environment(&i, "x").unwrap();
        assert_eq!(env.base.unwrap().alias.as_deref(), Some("acme-mgmt"));

        i.base = Some(BaseAccountInput {
            account_id: Some("9999-8888-7777".into()),
            role_name: Some("Ops".into()),
            ..Default::default()
        });
        let base = validate_environment(&i, "x").unwrap().base.unwrap();
        assert_eq!(
            (base.account_id.as_deref(), base.role_name.as_deref()),
            (Some("999988887777"), Some("Ops"))
        );

        i.base = Some(BaseAccountInput::default());
        assert_eq!(validate_environment(&i, "x").unwrap().base, None);

        for (bad, want) in [
            (
                BaseAccountInput {
                    alias: Some("Acme Corp".into()),
                    ..Default::default()
                },
                "not an account alias",
            ),
            (
                BaseAccountInput {
                    account_id: Some("12".into()),
                    ..Default::default()
                },
                "Base account: Account ID",
            ),
            (
                BaseAccountInput {
                    role_name: Some("Ops".into()),
                    ..Default::default()
                },
                "ID or alias",
            ),
        ] {
            i.base = Some(bad);
            let errs = field_errors(&i);
            assert_eq!(errs[0].0, Field::Base);
            assert!(errs[0].1.contains(want), "{}", errs[0].1);
        }
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn title_prefixes() {
        let sixteen = "é".repeat(MAX_ENV_TITLE_PREFIX);
        let seventeen = "é".repeat(MAX_ENV_TITLE_PREFIX + 1);
        let cases: &[(Option<&str>, Result<Option<&str>, &str>)] = &[
            (None, Ok(None)),
            (Some(""), Ok(Some(""))),
            (Some("   "), Ok(Some(""))),
            (Some(" [DEV] "), Ok(Some("[DEV]"))),
            (Some("<b>x</b>"), Ok(Some("<b>x</b>"))),
            (Some(&sixteen), Ok(Some(&sixteen))),
            (
                Some(&seventeen),
                Err("is 17 characters long; keep it to 16"),
            ),
            (Some("a\tb"), Err("contains a control character (\\u{9})")),
        ];
        for (raw, want) in cases {
            let mut i = input("111122223333", "", "dev", "");
            i.title_prefix = raw.map(String::from);
            match (validate_environment(&i, "x"), want) {
                (Ok(env), Ok(w)) => assert_eq!(env.title_prefix.as_deref(), *w, "{raw:?}"),
                (Err(errs), Err(w)) => {
                    assert_eq!(errs.len(), 1, "{errs:?}");
                    assert_eq!(errs[0].field, Field::TitlePrefix);
                    assert!(errs[0].message.contains(w), "{raw:?}: {}", errs[0].message);
                    assert!(
                        errs[0].message.starts_with("The tab title prefix"),
                        "{}",
                        errs[0].message
                    );
                }
                (got, w) => panic!("{raw:?}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn invisible_characters_are_refused_by_name_and_position() {
        // (character, its name): bidi embeddings, overrides and isolates, zero-width
        // and other format characters (category Cf).
        let cases: &[(char, &str)] = &[
            ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
            ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
            ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
            ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
            ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
            ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
            ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
            ('\u{2068}', "FIRST STRONG ISOLATE"),
            ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
            ('\u{200B}', "ZERO WIDTH SPACE"),
            ('\u{200C}', "ZERO WIDTH NON-JOINER"),
            ('\u{200D}', "ZERO WIDTH JOINER"),
            ('\u{200E}', "LEFT-TO-RIGHT MARK"),
            ('\u{200F}', "RIGHT-TO-LEFT MARK"),
            ('\u{2060}', "WORD JOINER"),
            ('\u{2061}', "FUNCTION APPLICATION"),
            ('\u{2062}', "INVISIBLE TIMES"),
            ('\u{2063}', "INVISIBLE SEPARATOR"),
            ('\u{2064}', "INVISIBLE PLUS"),
            ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
            ('\u{00AD}', "SOFT HYPHEN"),
            ('\u{061C}', "ARABIC LETTER MARK"),
            ('\u{180E}', "MONGOLIAN VOWEL SEPARATOR"),
            ('\u{2028}', "LINE SEPARATOR"),
            ('\u{E0041}', "TAG CHARACTER"),
        ];
        type Set = fn(&mut EnvironmentInput, String);
        let fields: [(Field, Set); 3] = [
            (Field::DisplayName, |i, v| i.display_name = Some(v)),
            (Field::TitlePrefix, |i, v| i.title_prefix = Some(v)),
            (Field::Group, |i, v| i.group = Some(v)),
        ];
        for &(c, name) in cases {
            for (field, set) in fields {
                let mut i = input("111122223333", "", "dev", "");
                set(&mut i, format!("prod{c}x"));
                let errs = field_errors(&i);
                assert_eq!(errs.len(), 1, "{c:?} in {field:?}: {errs:?}");
                let (got_field, message) = &errs[0];
                assert_eq!(*got_field, field);
                let want = format!(
                    "contains an invisible character U+{:04X} ({name}) at position 5: remove it.",
                    u32::from(c)
                );
                assert!(message.contains(&want), "{message}");
                assert!(
                    message.starts_with(&format!("The {} \"prod\\u{{", field.label())),
                    "the value is quoted with the character escaped: {message}"
                );
                assert!(
                    !message.contains(c),
                    "the message does not carry the character itself: {message}"
                );
            }
        }
        // The example, exactly.
        let errs = field_errors(&input("111122223333", "", "prod\u{202E}", ""));
        assert_eq!(
            errs,
            [(
                Field::DisplayName,
                "The display name \"prod\\u{202e}\" contains an invisible character U+202E \
                 (RIGHT-TO-LEFT OVERRIDE) at position 5: remove it."
                    .to_string()
            )]
        );
        // The first one is named, counted in characters of the trimmed value.
        let errs = field_errors(&input("111122223333", "", "  é\u{200B}\u{202E}", ""));
        assert!(
            errs[0]
                .1
                .contains("U+200B (ZERO WIDTH SPACE) at position 2"),
            "{}",
            errs[0].1
        );
    }

    #[test]
    fn visible_unicode_is_still_welcome() {
        for name in [
            "prod-eu",
            "Prüfung",
            "生产",
            "פרודקשן",
            "إنتاج",
            "prod 🚀",
            "café\u{301}", // a combining accent is visible
            "a\u{a0}b",    // a no-break space is a space
        ] {
            let mut i = input("111122223333", "", name, "");
            i.group = Some(name.into());
            i.title_prefix = Some(name.chars().take(MAX_ENV_TITLE_PREFIX).collect());
            assert_eq!(field_errors(&i), vec![], "{name:?}");
        }
    }

    #[test]
    fn stored_entries_with_invisible_characters_are_set_aside_with_the_reason() {
        use crate::storage::layout::{plan_write, read, MemoryStore, Quota, Store};
        // Written by a version that did not check for them.
        let good = validate_environment(&input("111122223333", "", "test", ""), "a").unwrap();
        let mut bad = validate_environment(&input("444455556666", "", "prod", ""), "b").unwrap();
        bad.display_name = "prod\u{202E}".into();
        let mut grouped = good.clone();
        grouped.id = "c".into();
        grouped.role_name = "Admin".into();
        grouped.group = Some("\u{2067}Workloads".into());
        let mut state = crate::storage::sync::ListState::new();
        state
            .apply(&[], &[good.clone(), bad, grouped], "a", 0)
            .unwrap();
        let mut store = MemoryStore::new(Quota::SYNC);
        let plan = plan_write(&state, &Quota::SYNC, &[]);
        store.apply(&plan).unwrap();
        let back = read(&store.items()).unwrap().state.view();
        assert_eq!(back.environments, vec![good]);
        assert_eq!(back.unreadable.len(), 2, "set aside, not dropped");
        assert_eq!(back.unreadable[0].raw["displayName"], "prod\u{202E}");
        assert!(
            back.unreadable[0]
                .reason
                .contains("U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5"),
            "{}",
            back.unreadable[0].reason
        );
        assert!(
            back.unreadable[1]
                .reason
                .contains("group \"\\u{2067}Workloads\" contains an invisible character U+2067"),
            "{}",
            back.unreadable[1].reason
        );
    }

    #[test]
    fn every_import_format_refuses_invisible_characters() {
        use crate::formats::parse_any;
        let texts = [
            // Roleswitch JSON
            "{\"version\":1,\"environments\":[{\"accountId\":\"444455556666\",\"displayName\":\"prod\u{202E}\"}]}".to_string(),
            // AWS Extend Switch Roles
            "[prod\u{202E}]\naws_account_id = 444455556666\nrole_name = Admin\n".to_string(),
            // ~/.aws/config
            "[profile prod\u{202E}]\nrole_arn = arn:aws:iam::444455556666:role/Admin\nsource_profile = default\n".to_string(),
        ];
        for text in texts {
            let Some((format, parsed)) = parse_any(&text, None, &Default::default()) else {
                panic!("format not detected: {text}");
            };
            let errors = parsed.expect_err(&text).to_string();
            assert!(
                errors.contains("invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
                "{format:?}: {errors}"
            );
        }
    }

    #[test]
    fn default_colors_follow_production() {
        let mut i = input("111122223333", "", "p", "");
        i.production = Some(true);
        assert_eq!(validate_environment(&i, "x").unwrap().color, "#f2b0a9");
        i.production = Some(false);
        assert_eq!(validate_environment(&i, "x").unwrap().color, "#83d4e8");
    }

    #[test]
    fn partitions() {
        let input = |partition: &str, region: Option<&str>| EnvironmentInput {
            account_id: Some("111122223333".into()),
            display_name: Some("x".into()),
            partition: Some(partition.into()),
            region: region.map(String::from),
            ..Default::default()
        };
        let cases = [
            ("", None, Ok(None)),
            ("aws-us-gov", None, Ok(Some(Partition::AwsUsGov))),
            ("aws-cn", Some("cn-north-1"), Ok(Some(Partition::AwsCn))),
            (
                "aws",
                Some("us-gov-west-1"),
                Err("Region us-gov-west-1 is in partition aws-us-gov, not aws"),
            ),
            (
                "gov",
                None,
                Err("Partition \"gov\" is not an AWS partition"),
            ),
        ];
        for (partition, region, want) in cases {
            let got = validate_environment(&input(partition, region), "x");
            match want {
                Ok(p) => assert_eq!(got.unwrap().partition, p, "{partition}"),
                Err(m) => {
                    let errors = got.unwrap_err();
                    assert_eq!(errors[0].field, Field::Partition);
                    assert!(errors[0].message.starts_with(m), "{}", errors[0].message);
                }
            }
        }
    }

    #[test]
    fn identity_center_environments() {
        let ic = |portal: &str, set: &str| EnvironmentInput {
            portal_url: Some(portal.into()),
            ..input("1111-2222-3333", set, "acme admin", "")
        };
        let env = validate_environment(&ic("https://acme.awsapps.com/start/", "Admin_Access"), "x")
            .unwrap();
        assert_eq!(
            env.portal_url.as_deref(),
            Some("https://acme.awsapps.com/start")
        );
        assert_eq!(env.role_name, "Admin_Access");
        assert_eq!(env.kind(), crate::model::EnvironmentKind::IdentityCenter);

        // Blank portal: an assumed role, with the default role.
        let blank = EnvironmentInput {
            portal_url: Some("  ".into()),
            ..input("111122223333", "", "x", "")
        };
        let env = validate_environment(&blank, "x").unwrap();
        assert_eq!(
            (env.portal_url, env.role_name.as_str()),
            (None, DEFAULT_ROLE_NAME)
        );

        // Every problem at once, on the right fields.
        let got = field_errors(&ic("http://acme.awsapps.com/start", ""));
        assert_eq!(
            got.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            vec![Field::PortalUrl, Field::RoleName],
            "{got:?}"
        );
        assert!(got[1].1.contains("permission set"), "{got:?}");
        let got = field_errors(&ic(
            "https://acme.awsapps.com/start",
            "arn:aws:iam::111122223333:role/R",
        ));
        assert!(got[0].1.contains("an ARN or a path"), "{got:?}");

        let mut with_base = ic("https://acme.awsapps.com/start", "Admin");
        with_base.base = Some(BaseAccountInput {
            account_id: Some("999988887777".into()),
            ..Default::default()
        });
        let got = field_errors(&with_base);
        assert_eq!(got[0].0, Field::Base, "{got:?}");
        assert!(
            got[0].1.contains("not switched into from a base account"),
            "{got:?}"
        );

        let mut elsewhere = ic("https://acme.awsapps.cn/start", "Admin");
        elsewhere.region = Some("eu-west-1".into());
        let got = field_errors(&elsewhere);
        assert_eq!(got[0].0, Field::PortalUrl, "{got:?}");
        assert!(
            got[0]
                .1
                .contains("in the AWS China partition, but the environment is in the commercial"),
            "{got:?}"
        );
        let env = validate_environment(
            &ic(
                "https://start.us-gov-home.awsapps.com/directory/d-1",
                "Admin",
            ),
            "x",
        )
        .unwrap();
        assert_eq!(env.partition(), Partition::AwsUsGov);
    }
}

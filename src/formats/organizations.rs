//! The JSON printed by `aws organizations list-accounts`.
//!
//! Each ACTIVE account becomes one environment, named after the account, with
//! the role of [`ImportOptions::organizations_role`]. Accounts whose name has a
//! word prod, production or prd are marked production (the preview lets the
//! user correct the guess). Suspended and closed accounts are skipped with a
//! warning.

use serde_json::Value;

use crate::model::EnvironmentInput;
use crate::validate::{parse_role, Field};

use super::own_json::{read_json, type_name};
use super::{Collected, Diagnostic, ImportOptions, Origin};

/// Whether an account name reads as production: a word (split at anything
/// but letters and digits) equal to prod, production or prd, in any case.
pub(crate) fn looks_like_production(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "prod" | "production" | "prd"
        )
    })
}

pub(crate) fn parse(text: &str, options: &ImportOptions) -> Collected {
    let mut out = Collected::default();
    if let Err(m) = parse_role(&options.organizations_role) {
        out.errors.push(Diagnostic::general(format!(
            "The role to use in every account is not valid: {m}"
        )));
        return out;
    }
    let doc = match read_json(text, "output of aws organizations list-accounts") {
        Ok(v) => v,
        Err(errors) => {
            out.errors = errors;
            return out;
        }
    };
    let accounts = match doc.get("Accounts") {
        Some(Value::Array(a)) => a,
        Some(other) => {
            out.errors.push(Diagnostic::at_path(
                "Accounts".into(),
                None,
                format!("Accounts is {}; it must be the list printed by aws organizations list-accounts.", type_name(other)),
            ));
            return out;
        }
        None => {
            out.errors.push(Diagnostic::general(
                "There is no Accounts list; paste the output of aws organizations list-accounts (JSON output).".into(),
            ));
            return out;
        }
    };
    if doc.get("NextToken").is_some() {
        out.warnings.push(Diagnostic::at_path(
            "NextToken".into(),
            None,
            "The list continues on another page; run aws organizations list-accounts without --max-items to import every account.".into(),
        ));
    }
    for (i, account) in accounts.iter().enumerate() {
        read_account(i, account, options, &mut out);
    }
    out
}

fn read_account(i: usize, account: &Value, options: &ImportOptions, out: &mut Collected) {
    let path = format!("Accounts[{i}]");
    let Value::Object(obj) = account else {
        out.errors.push(Diagnostic::at_path(
            path,
            None,
            format!(
                "This entry is {}; each account is an object with Id and Name.",
                type_name(account)
            ),
        ));
        return;
    };
    let text = |key: &str| obj.get(key).and_then(Value::as_str);
    let name = text("Name").map(str::trim);
    // Newer CLI versions print State next to the older Status.
    let status = text("State").or(text("Status")).unwrap_or("ACTIVE");
    if !status.eq_ignore_ascii_case("ACTIVE") {
        out.warnings.push(Diagnostic::at_path(
            format!(
                "{path}.{}",
                if text("State").is_some() {
                    "State"
                } else {
                    "Status"
                }
            ),
            name,
            format!("Skipped: the account is {status}, not ACTIVE."),
        ));
        return;
    }
    let id = match obj.get("Id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            out.errors.push(Diagnostic::at_path(
                format!("{path}.Id"),
                name,
                format!(
                    "Id is {}; it must be the account ID as text.",
                    type_name(other)
                ),
            ));
            return;
        }
        None => None,
    };
    // The ARN names the management account: the one that listed the accounts.
    let management = text("Arn")
        .and_then(|arn| arn.split(':').nth(4))
        .filter(|m| id.as_deref() == Some(*m));
    if management.is_some() {
        out.warnings.push(Diagnostic::at_path(
            path.clone(),
            name,
            format!(
                "This is the management account; {} usually exists only in member accounts. Remove it in the preview or change its role if switching there fails.",
                options.organizations_role
            ),
        ));
    }
    let production = options.guess_production && name.is_some_and(looks_like_production);
    let input = EnvironmentInput {
        account_id: id,
        role_name: Some(options.organizations_role.clone()),
        display_name: name.map(str::to_string),
        production: Some(production),
        ..Default::default()
    };
    let origin = Origin::at_path(path.clone(), name);
    out.validate(&input.as_view(), origin, |field| {
        let path = match field {
            Field::AccountId => format!("{path}.Id"),
            Field::DisplayName => format!("{path}.Name"),
            _ => path.clone(),
        };
        Origin::at_path(path, name)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{parse as parse_any, Format};

    #[test]
    fn production_is_guessed_from_words() {
        let cases = [
            ("acme-prod", true),
            ("Production", true),
            ("PRD EU", true),
            ("workloads_prod_eu", true),
            ("product-catalog", false),
            ("preprod", false),
            ("staging", false),
            ("", false),
        ];
        for (name, want) in cases {
            assert_eq!(looks_like_production(name), want, "{name}");
        }
    }

    #[test]
    fn active_accounts_become_environments() {
        let text = r#"{"Accounts":[
          {"Id":"999988887777","Arn":"arn:aws:organizations::999988887777:account/o-a/999988887777","Name":"acme-management","Status":"ACTIVE"},
          {"Id":"111122223333","Arn":"arn:aws:organizations::999988887777:account/o-a/111122223333","Name":"acme-prod","Email":"p@x","Status":"ACTIVE"},
          {"Id":"444455556666","Name":"old","Status":"SUSPENDED"},
          {"Id":"555566667777","Name":"new","State":"ACTIVE"}
        ],"NextToken":"abc"}"#;
        let options = ImportOptions {
            organizations_role: "team/Admin".into(),
            ..Default::default()
        };
        let p = parse_any(text, Format::Organizations, &options).unwrap();
        let got: Vec<(&str, &str, &str, bool)> = p
            .environments
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.display_name.as_str(),
                    e.role_name.as_str(),
                    e.production,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "999988887777-team-admin",
                    "acme-management",
                    "team/Admin",
                    false
                ),
                ("111122223333-team-admin", "acme-prod", "team/Admin", true),
                ("555566667777-team-admin", "new", "team/Admin", false),
            ]
        );
        assert_eq!(p.environments[1].color, "#f2b0a9");
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("NextToken: The list continues"),
            "{}",
            w[0]
        );
        assert!(
            w[1].starts_with("Accounts[0] (\"acme-management\"): This is the management account"),
            "{}",
            w[1]
        );
        assert!(
            w[2].starts_with("Accounts[2].Status (\"old\"): Skipped: the account is SUSPENDED"),
            "{}",
            w[2]
        );
    }

    #[test]
    fn every_error_names_its_path() {
        let cases: &[(&str, &str, &[&str])] = &[
            (r#"{"Accounts":"#, "", &["line 1: This is not valid JSON"]),
            (r#"{"Roles":[]}"#, "", &["There is no Accounts list"]),
            (r#"{"Accounts":{}}"#, "", &["Accounts: Accounts is an object"]),
            (r#"{"Accounts":[1]}"#, "", &["Accounts[0]: This entry is a number"]),
            (r#"{"Accounts":[{"Id":1,"Name":"a"}]}"#, "", &["Accounts[0].Id (\"a\"): Id is a number"]),
            (
                r#"{"Accounts":[{"Id":"12345","Name":"a"},{"Id":"111122223333"}]}"#,
                "",
                &[
                    "Accounts[0].Id (\"a\"): Account ID \"12345\" must be 12 digits; it has 5.",
                    "Accounts[1].Name: Give this environment a name",
                ],
            ),
            (
                r#"{"Accounts":[{"Id":"111122223333","Name":"a"},{"Id":"111122223333","Name":"b"}]}"#,
                "",
                &["Accounts[1] (\"b\"): Account 1111-2222-3333 with role OrganizationAccountAccessRole is already in the list as \"a\"."],
            ),
            (r#"{"Accounts":[]}"#, "bad role", &["The role to use in every account is not valid: Role name \"bad role\""]),
        ];
        for (text, role, want) in cases {
            let mut options = ImportOptions::default();
            if !role.is_empty() {
                options.organizations_role = (*role).into();
            }
            let got: Vec<String> = match parse_any(text, Format::Organizations, &options) {
                Ok(p) => panic!("{text}: expected errors, got {p:?}"),
                Err(e) => e.errors.iter().map(ToString::to_string).collect(),
            };
            assert_eq!(got.len(), want.len(), "{text}: {got:#?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text}:\n got  {g}\n want {w}");
            }
        }
    }
}

//! The IAM policy for the managing account: lets the IAM group it is attached
//! to assume exactly the roles of the list (or of one group of it).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::Environment;
use crate::validate::quote;

use super::role_arn;

/// Options for [`policy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyOptions {
    /// Only the environments of this group (case-insensitive); `None`: all.
    pub group: Option<String>,
    /// Allow switching only after signing in with MFA (`aws:MultiFactorAuthPresent`).
    pub require_mfa: bool,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            group: None,
            require_mfa: true,
        }
    }
}

/// Why no policy could be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum PolicyError {
    /// The list has no environments.
    EmptyList,
    /// No environment is in the chosen group.
    UnknownGroup {
        group: String,
        /// The groups the list does have.
        known: Vec<String>,
    },
    /// Every chosen environment is an IAM Identity Center assignment, which
    /// the portal opens: no role to allow.
    OnlyIdentityCenter,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::EmptyList => f.write_str(
                "The list has no environments, so the policy would allow nothing; add environments first.",
            ),
            PolicyError::OnlyIdentityCenter => f.write_str(
                "These environments are all IAM Identity Center assignments, which the access portal opens (their permission sets say who may), so there is no role to allow; pick a group with assumed roles.",
            ),
            PolicyError::UnknownGroup { group, known } if known.is_empty() => write!(
                f,
                "No environment is in group {}; the list has no groups, so leave the group out.",
                quote(group)
            ),
            PolicyError::UnknownGroup { group, known } => write!(
                f,
                "No environment is in group {}; the groups are {}.",
                quote(group),
                known.iter().map(|g| quote(g)).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

/// An IAM policy document, fields in the order AWS prints them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyDocument {
    version: &'static str,
    statement: Vec<Statement>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statement {
    sid: &'static str,
    effect: &'static str,
    action: &'static str,
    resource: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<serde_json::Value>,
}

/// The policy document (pretty JSON): one statement allowing `sts:AssumeRole`
/// on the sorted, de-duplicated role ARNs of the list or group (Identity
/// Center assignments left out: the portal opens them). The partition
/// of each ARN follows the environment's region (`us-gov-*`, `cn-*`, else `aws`).
///
/// The document covers every environment whatever its base account: attach
/// it in the account your users sign in to, and make one per group when your
/// environments are reached from different accounts.
pub fn policy(envs: &[Environment], options: &PolicyOptions) -> Result<String, PolicyError> {
    if envs.is_empty() {
        return Err(PolicyError::EmptyList);
    }
    let chosen: Vec<&Environment> = match &options.group {
        None => envs.iter().collect(),
        Some(group) => envs
            .iter()
            .filter(|e| {
                e.group
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(group.trim()))
            })
            .collect(),
    };
    if chosen.is_empty() {
        let mut known: Vec<String> = envs.iter().filter_map(|e| e.group.clone()).collect();
        known.sort();
        known.dedup();
        return Err(PolicyError::UnknownGroup {
            group: options.group.clone().unwrap_or_default(),
            known,
        });
    }
    // Identity Center assignments are opened through the portal, not assumed.
    let mut arns: Vec<String> = chosen
        .iter()
        .filter(|e| e.portal_url.is_none())
        .map(|e| role_arn(e))
        .collect();
    if arns.is_empty() {
        return Err(PolicyError::OnlyIdentityCenter);
    }
    arns.sort();
    arns.dedup();
    let doc = PolicyDocument {
        version: "2012-10-17",
        statement: vec![Statement {
            sid: "RoleswitchAssumeListedRoles",
            effect: "Allow",
            action: "sts:AssumeRole",
            resource: arns,
            condition: options
                .require_mfa
                .then(|| json!({ "Bool": { "aws:MultiFactorAuthPresent": "true" } })),
        }],
    };
    // Cannot fail: strings and a JSON value always serialise.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    fn list() -> Vec<Environment> {
        let mut envs = example_environments();
        let mut gov = envs[0].clone();
        gov.id = "gov".into();
        gov.role_name = "team/Admin".into();
        gov.region = Some("us-gov-west-1".into());
        gov.group = Some("Gov".into());
        let mut cn = envs[0].clone();
        cn.id = "cn".into();
        cn.role_name = "Dev".into();
        cn.region = Some("cn-north-1".into());
        cn.group = None;
        envs.push(gov);
        envs.push(cn);
        envs
    }

    #[test]
    fn allows_exactly_the_listed_roles_with_mfa() {
        let text = policy(&list(), &PolicyOptions::default()).unwrap();
        assert!(
            text.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\""),
            "{text}"
        );
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
        let statements = doc["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0]["Action"], "sts:AssumeRole");
        assert_eq!(
            statements[0]["Resource"],
            json!([
                "arn:aws-cn:iam::111122223333:role/Dev",
                "arn:aws-us-gov:iam::111122223333:role/team/Admin",
                "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
                "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole",
            ])
        );
        assert_eq!(
            statements[0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
            "true"
        );
    }

    #[test]
    fn options_and_errors() {
        let no_mfa = PolicyOptions {
            require_mfa: false,
            group: Some("gov".into()),
        };
        let text = policy(&list(), &no_mfa).unwrap();
        assert!(!text.contains("Condition"), "{text}");
        assert!(text.contains("\"arn:aws-us-gov:iam::111122223333:role/team/Admin\""));
        assert!(!text.contains("444455556666"), "{text}");

        let cases: &[(&[Environment], Option<&str>, &str)] = &[
            (&[], None, "The list has no environments"),
            (
                &list(),
                Some("nope"),
                "No environment is in group \"nope\"; the groups are \"Example\", \"Gov\".",
            ),
            (
                &list()[3..],
                Some("x"),
                "the list has no groups, so leave the group out",
            ),
        ];
        for (envs, group, want) in cases {
            let options = PolicyOptions {
                group: group.map(str::to_string),
                ..Default::default()
            };
            let got = policy(envs, &options).unwrap_err().to_string();
            assert!(got.contains(want), "{got}");
        }
    }

    #[test]
    fn a_declared_partition_wins_over_a_missing_region() {
        let mut envs = crate::model::example_environments();
        envs[0].region = None;
        envs[0].partition = Some(crate::aws::Partition::AwsUsGov);
        let text = policy(&envs[..1], &PolicyOptions::default()).unwrap();
        let arn = format!(
            "arn:aws-us-gov:iam::{}:role/{}",
            envs[0].account_id, envs[0].role_name
        );
        assert!(text.contains(&arn), "{text}");
        let config = crate::formats::aws_config::export(&envs[..1], &Default::default());
        assert!(config.contains(&format!("role_arn = {arn}")), "{config}");
    }

    #[test]
    fn identity_center_assignments_are_left_out() {
        let mut envs = crate::model::example_environments();
        envs[1].portal_url = Some("https://acme.awsapps.com/start".into());
        envs[1].role_name = "Admin".into();
        let text = policy(&envs, &PolicyOptions::default()).unwrap();
        assert!(
            text.contains("arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"),
            "{text}"
        );
        assert!(!text.contains("444455556666"), "{text}");
        let err = policy(&envs[1..], &PolicyOptions::default()).unwrap_err();
        assert_eq!(err, PolicyError::OnlyIdentityCenter);
        assert!(err.to_string().contains("access portal opens"), "{err}");
    }
}

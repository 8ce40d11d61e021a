//! The environment list: what is stored, exported and shown.
//!
//! Values of these types are always valid: they are made by
//! [`crate::validate`] from loose [`EnvironmentInput`]s, never by hand from
//! user data.

use serde::{Deserialize, Serialize};

use crate::aws::{format_account_id, Partition};

/// The role most AWS Organizations member accounts are reached through.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Version of the stored and exported list document.
pub const DOCUMENT_VERSION: u32 = 1;

/// One account/role pair a user switches into: an IAM role assumed through
/// the switch-role page (no `portal_url`), or an IAM Identity Center
/// assignment opened through its access portal (`portal_url` set, and
/// `role_name` is the permission set's name). See [`EnvironmentKind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Stable identifier, unique within a list (not shown to users).
    pub id: String,
    /// Twelve digits, no separators.
    pub account_id: String,
    /// Role name, optionally with its path (`team/Admin`), no leading slash.
    pub role_name: String,
    /// What the banner and the popup call this environment.
    pub display_name: String,
    /// `#rrggbb`, lower case.
    pub color: String,
    /// Region the console opens in after a switch, e.g. `eu-west-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The partition, when declared; otherwise the region's (commercial when
    /// there is no region). See [`Environment::partition`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
    /// Production environments get the warning banner.
    #[serde(default)]
    pub production: bool,
    /// Free-form group, e.g. an organizational unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The account this environment is switched into from, like `source_profile`
    /// in AWS CLI config. `None`: from wherever the user is signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseAccount>,
    /// The tab title prefix for this environment, instead of the banner
    /// settings' template: `None` uses the template, `Some("")` means no
    /// prefix at all. At most `MAX_ENV_TITLE_PREFIX` (16)
    /// characters, trimmed; a space is put between it and the page's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_prefix: Option<String>,
    /// The IAM Identity Center access portal (`https://acme.awsapps.com/start`)
    /// when this environment is an Identity Center assignment; its
    /// `role_name` is then the permission set. `None`: an assumed role.
    /// Lists written before Identity Center support have none: assumed roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_url: Option<String>,
}

/// What kind of access an environment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EnvironmentKind {
    /// An IAM role, switched into from a signed-in session.
    AssumedRole,
    /// An IAM Identity Center account assignment (account + permission set),
    /// opened through the access portal.
    IdentityCenter,
}

/// The account (and optionally role) a user is signed in to before switching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseAccount {
    /// Twelve digits; `None` when only the alias is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The account alias the console shows, e.g. `acme-management`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The role signed in to in the base account, when it is a role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
}

impl Environment {
    /// The account ID as the console shows it: `1111-2222-3333`.
    pub fn account_display(&self) -> String {
        format_account_id(&self.account_id)
    }

    /// The partition this environment's account is in: the declared one, else
    /// the region's, else its access portal's, else commercial.
    pub fn partition(&self) -> Partition {
        self.partition.unwrap_or_else(|| {
            match (
                &self.region,
                self.portal_host().and_then(Partition::of_portal_host),
            ) {
                (None, Some(portal)) => portal,
                _ => Partition::of_region(self.region.as_deref()),
            }
        })
    }

    /// Whether this is an assumed role or an Identity Center assignment.
    pub fn kind(&self) -> EnvironmentKind {
        if self.portal_url.is_some() {
            EnvironmentKind::IdentityCenter
        } else {
            EnvironmentKind::AssumedRole
        }
    }

    /// The host of the access portal URL, for Identity Center assignments.
    pub fn portal_host(&self) -> Option<&str> {
        let rest = self.portal_url.as_deref()?.strip_prefix("https://")?;
        rest.split(['/', '?', '#']).next()
    }

    /// The role's name without its path (what an assumed-role ARN shows).
    pub fn role_base_name(&self) -> &str {
        self.role_name.rsplit('/').next().unwrap_or(&self.role_name)
    }
}

/// The JSON text of a list of environments: exactly what `serde_json::to_string`
/// writes for it, written directly. For the thousands of entries of a big import
/// this is several times faster than serde's field-by-field path.
pub fn environments_json(envs: &[Environment]) -> String {
    let mut out = String::with_capacity(envs.len() * 200 + 2);
    out.push('[');
    for (i, env) in envs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_environment(&mut out, env);
    }
    out.push(']');
    out
}

fn write_environment(out: &mut String, env: &Environment) {
    field(out, "{\"", "id", &env.id);
    field(out, ",\"", "accountId", &env.account_id);
    field(out, ",\"", "roleName", &env.role_name);
    field(out, ",\"", "displayName", &env.display_name);
    field(out, ",\"", "color", &env.color);
    if let Some(region) = &env.region {
        field(out, ",\"", "region", region);
    }
    if let Some(partition) = env.partition {
        field(out, ",\"", "partition", partition.arn_name());
    }
    out.push_str(if env.production {
        ",\"production\":true"
    } else {
        ",\"production\":false"
    });
    if let Some(group) = &env.group {
        field(out, ",\"", "group", group);
    }
    if let Some(base) = &env.base {
        out.push_str(",\"base\":");
        let mut open = "{\"";
        for (name, value) in [
            ("accountId", &base.account_id),
            ("alias", &base.alias),
            ("roleName", &base.role_name),
        ] {
            if let Some(value) = value {
                field(out, open, name, value);
                open = ",\"";
            }
        }
        if open == "{\"" {
            out.push('{');
        }
        out.push('}');
    }
    if let Some(prefix) = &env.title_prefix {
        field(out, ",\"", "titlePrefix", prefix);
    }
    if let Some(portal) = &env.portal_url {
        field(out, ",\"", "portalUrl", portal);
    }
    out.push('}');
}

/// `<lead>name":"value"` (`lead` ends with the name's opening quote), the value
/// escaped as serde_json escapes strings.
fn field(out: &mut String, lead: &str, name: &str, value: &str) {
    out.push_str(lead);
    out.push_str(name);
    out.push_str("\":\"");
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&value[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

/// An environment as typed into a form or read from a file, before validation.
///
/// Every field is optional so that a missing field becomes a readable
/// validation message instead of a deserialisation error. The file readers
/// fill an `EnvironmentInput<&str>` that borrows from the text they read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    default,
    bound(deserialize = "S: Deserialize<'de> + Default")
)]
pub struct EnvironmentInput<S = String> {
    pub id: Option<S>,
    pub account_id: Option<S>,
    pub role_name: Option<S>,
    pub display_name: Option<S>,
    pub color: Option<S>,
    pub region: Option<S>,
    /// `aws`, `aws-us-gov` or `aws-cn`.
    pub partition: Option<S>,
    pub production: Option<bool>,
    pub group: Option<S>,
    pub base: Option<BaseAccountInput<S>>,
    /// Absent: the settings' template; empty (or blank): no prefix.
    pub title_prefix: Option<S>,
    /// Set (non-blank): an Identity Center assignment, `role_name` its permission set.
    pub portal_url: Option<S>,
    /// The kind the user chose in a form, when there was a choice: an Identity
    /// Center assignment then needs its portal URL, and an assumed role has none.
    /// Absent: the kind follows from `portal_url`.
    pub kind: Option<EnvironmentKind>,
}

/// A base account before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    default,
    bound(deserialize = "S: Deserialize<'de> + Default")
)]
pub struct BaseAccountInput<S = String> {
    pub account_id: Option<S>,
    pub alias: Option<S>,
    pub role_name: Option<S>,
}

impl EnvironmentInput {
    /// The same input, borrowed.
    pub fn as_view(&self) -> EnvironmentInput<&str> {
        EnvironmentInput {
            id: self.id.as_deref(),
            account_id: self.account_id.as_deref(),
            role_name: self.role_name.as_deref(),
            display_name: self.display_name.as_deref(),
            color: self.color.as_deref(),
            region: self.region.as_deref(),
            partition: self.partition.as_deref(),
            production: self.production,
            group: self.group.as_deref(),
            base: self.base.as_ref().map(BaseAccountInput::as_view),
            title_prefix: self.title_prefix.as_deref(),
            portal_url: self.portal_url.as_deref(),
            kind: self.kind,
        }
    }
}

impl BaseAccountInput {
    /// The same input, borrowed.
    pub fn as_view(&self) -> BaseAccountInput<&str> {
        BaseAccountInput {
            account_id: self.account_id.as_deref(),
            alias: self.alias.as_deref(),
            role_name: self.role_name.as_deref(),
        }
    }
}

impl From<&BaseAccount> for BaseAccountInput {
    fn from(b: &BaseAccount) -> Self {
        BaseAccountInput {
            account_id: b.account_id.clone(),
            alias: b.alias.clone(),
            role_name: b.role_name.clone(),
        }
    }
}

impl From<&Environment> for EnvironmentInput {
    fn from(env: &Environment) -> Self {
        EnvironmentInput {
            id: Some(env.id.clone()),
            account_id: Some(env.account_id.clone()),
            role_name: Some(env.role_name.clone()),
            display_name: Some(env.display_name.clone()),
            color: Some(env.color.clone()),
            region: env.region.clone(),
            partition: env.partition.map(|p| p.arn_name().to_string()),
            production: Some(env.production),
            group: env.group.clone(),
            base: env.base.as_ref().map(BaseAccountInput::from),
            title_prefix: env.title_prefix.clone(),
            portal_url: env.portal_url.clone(),
            kind: None,
        }
    }
}

/// The whole list, as stored and as exported in the extension's own JSON format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub version: u32,
    pub environments: Vec<Environment>,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            version: DOCUMENT_VERSION,
            environments: Vec::new(),
        }
    }
}

/// The example list offered on first run: the usual AWS Organizations layout.
pub fn example_environments() -> Vec<Environment> {
    vec![
        Environment {
            id: "example-test".into(),
            account_id: "111122223333".into(),
            role_name: DEFAULT_ROLE_NAME.into(),
            display_name: "test".into(),
            color: "#b7ca9d".into(),
            region: None,
            partition: None,
            production: false,
            group: Some("Example".into()),
            base: None,
            title_prefix: None,
            portal_url: None,
        },
        Environment {
            id: "example-prod".into(),
            account_id: "444455556666".into(),
            role_name: DEFAULT_ROLE_NAME.into(),
            display_name: "prod".into(),
            color: "#f2b0a9".into(),
            region: None,
            partition: None,
            production: true,
            group: Some("Example".into()),
            base: None,
            title_prefix: None,
            portal_url: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_base_name_strips_path() {
        let mut env = example_environments().remove(0);
        env.role_name = "team/ops/Admin".into();
        assert_eq!(env.role_base_name(), "Admin");
    }

    #[test]
    fn document_json_is_camel_case_and_omits_empty_options() {
        let doc = Document {
            version: 1,
            environments: example_environments(),
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains("\"accountId\":\"111122223333\""), "{json}");
        assert!(!json.contains("\"region\""), "{json}");
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn documents_without_a_portal_are_assumed_roles_and_portals_round_trip() {
        let old = r##"{"version":1,"environments":[{"id":"a","accountId":"111122223333","roleName":"Admin","displayName":"a","color":"#b7ca9d"}]}"##;
        let doc: Document = serde_json::from_str(old).unwrap();
        assert_eq!(doc.environments[0].kind(), EnvironmentKind::AssumedRole);
        let mut env = doc.environments[0].clone();
        env.portal_url = Some("https://acme.awsapps.cn/start".into());
        assert_eq!(env.kind(), EnvironmentKind::IdentityCenter);
        assert_eq!(env.partition(), Partition::AwsCn);
        let json = environments_json(std::slice::from_ref(&env));
        assert_eq!(json, serde_json::to_string(&[&env]).unwrap());
        assert!(
            json.contains("\"portalUrl\":\"https://acme.awsapps.cn/start\""),
            "{json}"
        );
        let back: Vec<Environment> = serde_json::from_str(&json).unwrap();
        assert_eq!(back[0], env);
    }

    #[test]
    fn declared_partition_round_trips_and_wins_over_the_region() {
        let mut env = example_environments().remove(0);
        assert_eq!(env.partition(), Partition::Aws);
        env.region = Some("cn-north-1".into());
        assert_eq!(env.partition(), Partition::AwsCn);
        env.region = None;
        env.partition = Some(Partition::AwsUsGov);
        let json = serde_json::to_string(&env).unwrap();
        assert!(json.contains("\"partition\":\"aws-us-gov\""), "{json}");
        let back: Environment = serde_json::from_str(&json).unwrap();
        assert_eq!(back.partition(), Partition::AwsUsGov);
    }
}

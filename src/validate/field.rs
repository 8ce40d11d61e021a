//! One field at a time: each field's rule and its message (account ID, role
//! and path, permission set, access portal URL, color, region, free text), the
//! field parsers every other reader of a field uses, and what a console page
//! of an account not in the list prefills.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::aws::{self, role_arn_parts, AccountIdError, Partition};
use crate::color;
use crate::model::{EnvironmentKind, DEFAULT_ROLE_NAME};

use super::text::{code_point, control_and_count, first_invisible, quote, trim};

/// Longest display name the console's switch-role form accepts.
pub const MAX_DISPLAY_NAME: usize = 64;
/// AWS limit on role path + name together for switching in the console.
pub const MAX_ROLE_PATH_AND_NAME: usize = 64;
/// Longest group name.
pub const MAX_GROUP: usize = 64;
/// Longest tab title prefix of one environment, in characters.
pub const MAX_ENV_TITLE_PREFIX: usize = 16;
/// AWS limit on a permission set's name (IAM Identity Center `CreatePermissionSet`).
pub const MAX_PERMISSION_SET: usize = 32;
/// Longest access portal URL accepted.
pub const MAX_PORTAL_URL: usize = 256;

/// Which field of an environment a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Field {
    /// The 12-digit account ID.
    AccountId,
    /// The role name (with optional path).
    RoleName,
    /// The name shown in the banner and popup.
    DisplayName,
    /// The banner color.
    Color,
    /// The console region.
    Region,
    /// The group.
    Group,
    /// The identifier (only wrong in hand-edited files).
    Id,
    /// The base account an environment is reached from.
    Base,
    /// The AWS partition.
    Partition,
    /// The environment's own tab title prefix.
    TitlePrefix,
    /// The IAM Identity Center access portal URL.
    PortalUrl,
}

impl Field {
    /// The field's name as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Field::AccountId => "account ID",
            Field::RoleName => "role name",
            Field::DisplayName => "display name",
            Field::Color => "color",
            Field::Region => "region",
            Field::Group => "group",
            Field::Id => "id",
            Field::Base => "base account",
            Field::Partition => "partition",
            Field::TitlePrefix => "tab title prefix",
            Field::PortalUrl => "access portal URL",
        }
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub(super) fn err(field: Field, message: String) -> FieldError {
    FieldError { field, message }
}

/// Normalises an account ID as users paste it (`1111-2222-3333`, `1111 2222 3333`)
/// to 12 digits ([`aws::parse_account_id`]).
pub(super) fn account_id_message(raw: &str) -> Result<String, String> {
    let raw = trim(raw);
    aws::parse_account_id(raw).map_err(|e| match e {
        AccountIdError::Empty => "Enter the 12-digit account ID, e.g. 1111-2222-3333.".into(),
        AccountIdError::NotDigits => format!(
            "Account ID {} may only contain digits (and - or spaces between them).",
            quote(raw)
        ),
        AccountIdError::Length(n) => {
            format!("Account ID {} must be 12 digits; it has {n}.", quote(raw))
        }
    })
}

/// What a console page of an account not in the list prefills in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountToAdd {
    pub account_id: String,
    /// An Identity Center session's page adds an assignment (its portal URL
    /// is not on the page: the editor asks for it), any other an assumed role.
    pub kind: EnvironmentKind,
    /// The role name or `path/name`, or for an assignment the permission set,
    /// when valid (an invalid one is left out: the user types it).
    pub role_name: Option<String>,
}

/// The account a console page asks to add, with its role as the page shows
/// it: an assumed role's name, or with `identity_center` the permission set
/// of the page's Identity Center session.
pub fn account_to_add(
    account_id: &str,
    role_name: Option<&str>,
    identity_center: bool,
) -> Result<AccountToAdd, FieldError> {
    let account_id = parse_account_id(account_id)?;
    let role_name = role_name.filter(|r| !r.starts_with("arn:"));
    let (kind, role_name) = if identity_center {
        (
            EnvironmentKind::IdentityCenter,
            role_name.and_then(|r| parse_permission_set(r).ok()),
        )
    } else {
        (
            EnvironmentKind::AssumedRole,
            role_name
                .and_then(|r| parse_role(r).ok())
                .map(|r| r.role_name),
        )
    };
    Ok(AccountToAdd {
        account_id,
        kind,
        role_name,
    })
}

fn is_role_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// A role, as given: name, `path/name`, or a role ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRef {
    /// Path and name without a leading slash, e.g. `team/Admin`.
    pub role_name: String,
    /// The account named by an ARN, if the input was one.
    pub account_id: Option<String>,
}

/// Parses a role name, `path/name`, or `arn:<partition>:iam::<account>:role/<path/name>`.
pub(super) fn role_message(raw: &str) -> Result<RoleRef, String> {
    let raw = trim(raw);
    if raw.is_empty() {
        return Err(format!(
            "Enter the role to switch into, e.g. {DEFAULT_ROLE_NAME}."
        ));
    }
    let (account_id, path_and_name) = if raw.starts_with("arn:") {
        let Some((account, path_and_name)) = role_arn_parts(raw) else {
            return Err(format!(
                "Role ARN {} should look like arn:aws:iam::111122223333:role/RoleName.",
                quote(raw)
            ));
        };
        let account =
            account_id_message(account).map_err(|e| format!("In role ARN {}: {e}", quote(raw)))?;
        (Some(account), path_and_name)
    } else {
        (None, raw.strip_prefix('/').unwrap_or(raw))
    };
    let path_and_name = path_and_name.strip_prefix('/').unwrap_or(path_and_name);
    let (path, name) = match path_and_name.rfind('/') {
        Some(i) => (&path_and_name[..i], &path_and_name[i + 1..]),
        None => ("", path_and_name),
    };
    if name.is_empty() {
        return Err(format!("Role {} has no name after its path.", quote(raw)));
    }
    if let Some(bad) = name.chars().find(|c| !is_role_name_char(*c)) {
        return Err(format!(
            "Role name {} contains {}; IAM role names use only letters, digits and + = , . @ _ -.",
            quote(name),
            quote(&bad.to_string())
        ));
    }
    if path.split('/').any(str::is_empty) && !path.is_empty() {
        return Err(format!(
            "Role path in {} has an empty segment (//).",
            quote(raw)
        ));
    }
    if let Some(bad) = path.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
        return Err(format!(
            "Role path in {} contains {}; paths use printable ASCII without spaces.",
            quote(raw),
            quote(&bad.to_string())
        ));
    }
    // AWS counts the path with its slashes: "/path/" + name.
    let counted = if path.is_empty() {
        name.len()
    } else {
        path.len() + 2 + name.len()
    };
    if counted > MAX_ROLE_PATH_AND_NAME {
        return Err(format!(
            "Role {} is {counted} characters with its path; the console can only switch into roles of at most {MAX_ROLE_PATH_AND_NAME}.",
            quote(raw)
        ));
    }
    Ok(RoleRef {
        role_name: path_and_name.to_string(),
        account_id,
    })
}

/// Parses an IAM Identity Center permission set name: 1 to 32 of letters,
/// digits and `+ = , . @ _ -` (AWS's rule for `CreatePermissionSet`).
pub(super) fn permission_set_message(raw: &str) -> Result<String, String> {
    let raw = trim(raw);
    if raw.is_empty() {
        return Err(
            "Enter the permission set's name as the access portal shows it, e.g. AdministratorAccess."
                .into(),
        );
    }
    if raw.starts_with("arn:") || raw.contains('/') {
        return Err(format!(
            "Permission set {} is an ARN or a path; enter only its name, e.g. AdministratorAccess.",
            quote(raw)
        ));
    }
    if let Some(bad) = raw.chars().find(|c| !is_role_name_char(*c)) {
        return Err(format!(
            "Permission set name {} contains {}; permission set names use only letters, digits and + = , . @ _ -.",
            quote(raw),
            quote(&bad.to_string())
        ));
    }
    if raw.len() > MAX_PERMISSION_SET {
        return Err(format!(
            "Permission set name {} is {} characters long; AWS allows at most {MAX_PERMISSION_SET}.",
            quote(raw),
            raw.len()
        ));
    }
    Ok(raw.to_string())
}

/// Parses an IAM Identity Center access portal URL: `https://`, a portal host
/// (`*.awsapps.com`, GovCloud's `*.us-gov-home.awsapps.com`, China's
/// `*.awsapps.cn`), no user name, password or port, and a path (`/start`, or
/// GovCloud's `/directory/<id>`). A trailing `/` and a fragment (`#/`, as
/// the browser shows the portal) are dropped; the host is lower-cased.
pub(super) fn portal_url_message(raw: &str) -> Result<String, String> {
    const EXAMPLE: &str = "e.g. https://acme.awsapps.com/start (IAM Identity Center's settings show it as the AWS access portal URL)";
    let raw = trim(raw);
    if raw.is_empty() {
        return Err(format!("Enter the AWS access portal URL, {EXAMPLE}."));
    }
    if raw.len() > MAX_PORTAL_URL {
        return Err(format!(
            "Access portal URL {} is {} characters long; portal URLs are at most {MAX_PORTAL_URL}.",
            quote(raw),
            raw.len()
        ));
    }
    let Some(rest) = raw
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &raw[8..])
    else {
        let why = if raw
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        {
            "uses http; the portal is only served over https"
        } else {
            "does not start with https://"
        };
        return Err(format!(
            "Access portal URL {} {why}; enter it as the portal shows it, {EXAMPLE}.",
            quote(raw)
        ));
    };
    if let Some(bad) = rest
        .chars()
        .find(|c| !('\u{21}'..='\u{7e}').contains(c) || "\"<>\\^`{|}".contains(*c))
    {
        return Err(format!(
            "Access portal URL {} contains {}; portal URLs use printable ASCII without spaces or quotes.",
            quote(raw),
            quote(&bad.to_string())
        ));
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') || authority.contains(':') {
        return Err(format!(
            "Access portal URL {} has a user name, password or port in it; remove them, {EXAMPLE}.",
            quote(raw)
        ));
    }
    if Partition::of_portal_host(authority).is_none() {
        return Err(format!(
            "{} is not an AWS access portal host: portals are at <name>.awsapps.com (GovCloud: start.us-gov-home.awsapps.com, China: <name>.awsapps.cn); {EXAMPLE}.",
            quote(authority)
        ));
    }
    if tail.contains('?') {
        return Err(format!(
            "Access portal URL {} has a query (?…); enter the portal URL without it, {EXAMPLE}.",
            quote(raw)
        ));
    }
    let path = tail.trim_end_matches('/');
    if path.is_empty() {
        return Err(format!(
            "Access portal URL {} has no path; add the portal's path, usually /start ({EXAMPLE}).",
            quote(raw)
        ));
    }
    Ok(format!("https://{}{path}", authority.to_ascii_lowercase()))
}

/// Parses a color: `#rrggbb`, `rrggbb`, or one of AWS's names (red, orange,
/// yellow, green, blue). Returns lower-case `#rrggbb`.
pub(super) fn color_message(raw: &str) -> Result<String, String> {
    let raw = trim(raw);
    if let Some(color) = color::normalize_hex(raw).or_else(|| color::named(raw).map(String::from)) {
        return Ok(color);
    }
    Err(format!(
        "Color {} is not a color: use #rrggbb (e.g. #f2b0a9) or one of red, orange, yellow, green, blue.",
        quote(raw)
    ))
}

/// Parses an AWS region code such as `eu-west-1` or `us-gov-west-1`.
pub(super) fn region_message(raw: &str) -> Result<String, String> {
    let raw = trim(raw);
    if aws::is_region(raw) {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "Region {} is not an AWS region code; use one like eu-west-1 or us-east-1, or leave it empty.",
            quote(raw)
        ))
    }
}

pub(super) fn check_text(field: Field, raw: &str, max: usize) -> Result<String, String> {
    let value = trim(raw);
    let (control, count) = control_and_count(value);
    if let Some(c) = control {
        return Err(format!(
            "The {} {} contains a control character ({}); remove it.",
            field.label(),
            quote(value),
            c.escape_unicode()
        ));
    }
    if let Some((position, c, name)) = first_invisible(value) {
        return Err(format!(
            "The {} {} contains an invisible character {} ({name}) at position {position}: remove it.",
            field.label(),
            quote(value),
            code_point(c)
        ));
    }
    if count > max {
        return Err(format!(
            "The {} {} is {count} characters long; keep it to {max}.",
            field.label(),
            quote(value)
        ));
    }
    Ok(value.to_string())
}

// The field parsers, for every reader of a field outside validation: each error
// names its field (the kind) and says what is wrong and what to do.

/// An account ID, given with or without separators: the 12 digits.
pub fn parse_account_id(raw: &str) -> Result<String, FieldError> {
    account_id_message(raw).map_err(|m| err(Field::AccountId, m))
}

/// A role name, `path/name`, or `arn:<partition>:iam::<account>:role/<path/name>`.
pub fn parse_role(raw: &str) -> Result<RoleRef, FieldError> {
    role_message(raw).map_err(|m| err(Field::RoleName, m))
}

/// An IAM Identity Center permission set name.
pub fn parse_permission_set(raw: &str) -> Result<String, FieldError> {
    permission_set_message(raw).map_err(|m| err(Field::RoleName, m))
}

/// An AWS access portal URL, as stored.
pub fn parse_portal_url(raw: &str) -> Result<String, FieldError> {
    portal_url_message(raw).map_err(|m| err(Field::PortalUrl, m))
}

/// A color: `#rrggbb`, `rrggbb`, `#rgb`, or an AWS color name; stored as `#rrggbb`.
pub fn parse_color(raw: &str) -> Result<String, FieldError> {
    color_message(raw).map_err(|m| err(Field::Color, m))
}

/// A region code such as `eu-west-1`.
pub fn parse_region(raw: &str) -> Result<String, FieldError> {
    region_message(raw).map_err(|m| err(Field::Region, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_parser_names_its_field() {
        let field = |r: Result<(), FieldError>| r.unwrap_err().field;
        assert_eq!(field(parse_account_id("12").map(drop)), Field::AccountId);
        assert_eq!(field(parse_role("").map(drop)), Field::RoleName);
        assert_eq!(
            field(parse_permission_set("a b").map(drop)),
            Field::RoleName
        );
        assert_eq!(
            field(parse_portal_url("http://x").map(drop)),
            Field::PortalUrl
        );
        assert_eq!(field(parse_color("mauve").map(drop)), Field::Color);
        assert_eq!(field(parse_region("moon-1").map(drop)), Field::Region);
        let e = parse_account_id("12").unwrap_err();
        assert_eq!(e.to_string(), e.message, "its text is the message");
    }

    #[test]
    fn an_account_to_add_keeps_a_valid_role_only() {
        let role = |account: &str, role: Option<&str>| AccountToAdd {
            account_id: account.into(),
            kind: EnvironmentKind::AssumedRole,
            role_name: role.map(String::from),
        };
        assert_eq!(
            account_to_add("1111-2222-3333", Some("team/Admin"), false),
            Ok(role("111122223333", Some("team/Admin")))
        );
        assert_eq!(
            account_to_add("111122223333", Some("not a role!"), false),
            Ok(role("111122223333", None))
        );
        assert_eq!(
            account_to_add(
                "111122223333",
                Some("arn:aws:iam::444455556666:role/Admin"),
                false
            ),
            Ok(role("111122223333", None)),
            "a role of another account is not this account's"
        );
        assert_eq!(
            account_to_add("11112222333", None, false),
            Err(FieldError {
                field: Field::AccountId,
                message: "Account ID \"11112222333\" must be 12 digits; it has 11.".into()
            })
        );
    }

    #[test]
    fn an_identity_center_page_adds_an_assignment_of_its_permission_set() {
        let sso = |set: Option<&str>| AccountToAdd {
            account_id: "444455556666".into(),
            kind: EnvironmentKind::IdentityCenter,
            role_name: set.map(String::from),
        };
        assert_eq!(
            account_to_add("444455556666", Some("Read_Only"), true),
            Ok(sso(Some("Read_Only")))
        );
        // A permission set has no path: "team/Admin" is no permission set.
        assert_eq!(
            account_to_add("444455556666", Some("team/Admin"), true),
            Ok(sso(None))
        );
        assert_eq!(account_to_add("444455556666", None, true), Ok(sso(None)));
    }

    #[test]
    fn account_ids() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("111122223333", Ok("111122223333")),
            ("1111-2222-3333", Ok("111122223333")),
            (" 1111 2222 3333 ", Ok("111122223333")),
            ("11112222333", Err("must be 12 digits; it has 11")),
            ("1111222233334", Err("must be 12 digits; it has 13")),
            ("", Err("Enter the 12-digit account ID")),
            ("1111x2222333", Err("may only contain digits")),
            ("١١١١٢٢٢٢٣٣٣٣", Err("may only contain digits")),
            ("<script>", Err("may only contain digits")),
        ];
        for (raw, want) in cases {
            match (account_id_message(raw), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w),
                (Err(got), Err(w)) => assert!(got.contains(w), "{raw}: {got}"),
                (got, w) => panic!("{raw}: got {got:?}, want {w:?}"),
            }
        }
    }

    /// A role as typed, and its name and path, or a part of the message.
    type RoleCase<'a> = (&'a str, Result<(&'a str, Option<&'a str>), &'a str>);

    #[test]
    fn roles() {
        let cases: &[RoleCase] = &[
            (
                "OrganizationAccountAccessRole",
                Ok(("OrganizationAccountAccessRole", None)),
            ),
            ("team/ops/Admin", Ok(("team/ops/Admin", None))),
            ("/team/Admin", Ok(("team/Admin", None))),
            ("a+b=c,d.e@f_g-h", Ok(("a+b=c,d.e@f_g-h", None))),
            (
                "arn:aws:iam::111122223333:role/Dev",
                Ok(("Dev", Some("111122223333"))),
            ),
            (
                "arn:aws-us-gov:iam::111122223333:role/x/Dev",
                Ok(("x/Dev", Some("111122223333"))),
            ),
            ("arn:aws:iam::123:role/Dev", Err("must be 12 digits")),
            ("arn:aws:s3:::bucket", Err("should look like")),
            ("Role Name", Err("contains \" \"")),
            ("<img src=x>", Err("IAM role names use only")),
            ("Rôle", Err("contains \"ô\"")),
            ("team//Admin", Err("empty segment")),
            ("team/", Err("has no name")),
            (&"R".repeat(64), Ok((&"R".repeat(64), None))),
            (&"R".repeat(65), Err("at most 64")),
            // path "p" counts as "/p/": 3 + 61 = 64 is fine, 3 + 62 is not.
            (
                &format!("p/{}", "R".repeat(61)),
                Ok((&format!("p/{}", "R".repeat(61)), None)),
            ),
            (&format!("p/{}", "R".repeat(62)), Err("65 characters")),
        ];
        for (raw, want) in cases {
            match (role_message(raw), want) {
                (Ok(got), Ok((name, acct))) => {
                    assert_eq!(got.role_name, *name, "{raw}");
                    assert_eq!(got.account_id.as_deref(), *acct, "{raw}");
                }
                (Err(got), Err(w)) => assert!(got.contains(w), "{raw}: {got}"),
                (got, w) => panic!("{raw}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn colors() {
        let cases: &[(&str, Option<&str>)] = &[
            ("#F2B0A9", Some("#f2b0a9")),
            ("f2b0a9", Some("#f2b0a9")),
            ("Red", Some("#f2b0a9")),
            ("blue", Some("#83d4e8")),
            ("#fff", None),
            ("red;background:url(x)", None),
            ("#12345g", None),
            ("expression(alert(1))", None),
            ("#ff0000ff", None),
            ("purple", None),
        ];
        for (raw, want) in cases {
            assert_eq!(color_message(raw).ok().as_deref(), *want, "{raw}");
        }
        assert!(color_message("red;x").unwrap_err().contains("#rrggbb"));
    }

    #[test]
    fn portal_urls() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            (
                "https://acme.awsapps.com/start",
                Ok("https://acme.awsapps.com/start"),
            ),
            (
                " https://ACME.awsapps.com/start/ ",
                Ok("https://acme.awsapps.com/start"),
            ),
            (
                "https://acme.awsapps.com/start#/",
                Ok("https://acme.awsapps.com/start"),
            ),
            (
                "HTTPS://d-1234567890.awsapps.com/start",
                Ok("https://d-1234567890.awsapps.com/start"),
            ),
            (
                "https://start.us-gov-home.awsapps.com/directory/d-9067abcdef",
                Ok("https://start.us-gov-home.awsapps.com/directory/d-9067abcdef"),
            ),
            (
                "https://acme.awsapps.cn/start",
                Ok("https://acme.awsapps.cn/start"),
            ),
            ("", Err("Enter the AWS access portal URL")),
            ("http://acme.awsapps.com/start", Err("uses http;")),
            (
                "acme.awsapps.com/start",
                Err("does not start with https://"),
            ),
            (
                "https://acme.example.com/start",
                Err("\"acme.example.com\" is not an AWS access portal host"),
            ),
            (
                "https://awsapps.com/start",
                Err("is not an AWS access portal host"),
            ),
            (
                "https://acme.awsapps.com.evil.example/start",
                Err("is not an AWS access portal host"),
            ),
            (
                "https://user:pw@acme.awsapps.com/start",
                Err("user name, password or port"),
            ),
            (
                "https://acme.awsapps.com:8443/start",
                Err("user name, password or port"),
            ),
            ("https://acme.awsapps.com", Err("has no path")),
            ("https://acme.awsapps.com/start?x=1", Err("has a query")),
            ("https://acme.awsapps.com/st art", Err("contains \" \"")),
            ("https://acme.awsapps.com/start\u{202e}", Err("contains")),
            (
                &format!("https://acme.awsapps.com/{}", "s".repeat(300)),
                Err("characters long"),
            ),
        ];
        for (raw, want) in cases {
            match (portal_url_message(raw), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w, "{raw}"),
                (Err(got), Err(w)) => assert!(got.contains(w), "{raw}: {got}"),
                (got, w) => panic!("{raw}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn permission_sets() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("AdministratorAccess", Ok("AdministratorAccess")),
            (" Admin_Access ", Ok("Admin_Access")),
            ("a+b=c,d.e@f_g-h", Ok("a+b=c,d.e@f_g-h")),
            (&"P".repeat(32), Ok(&"P".repeat(32))),
            (
                &"P".repeat(33),
                Err("is 33 characters long; AWS allows at most 32"),
            ),
            ("", Err("Enter the permission set's name")),
            ("Admin Access", Err("contains \" \"")),
            ("Zugriff-Ä", Err("contains \"Ä\"")),
            ("team/Admin", Err("an ARN or a path")),
            (
                "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
                Err("an ARN or a path"),
            ),
        ];
        for (raw, want) in cases {
            match (permission_set_message(raw), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w, "{raw}"),
                (Err(got), Err(w)) => assert!(got.contains(w), "{raw}: {got}"),
                (got, w) => panic!("{raw}: got {got:?}, want {w:?}"),
            }
        }
    }
}

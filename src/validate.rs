//! Validation of environments: every value a user types or imports passes
//! through here before it is stored.
//!
//! Messages say what is wrong, with the offending value, and what to do.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::aws::{self, role_arn_parts, AccountIdError, Partition};
use crate::color;
use crate::model::{
    BaseAccount, BaseAccountInput, Environment, EnvironmentInput, EnvironmentKind,
    DEFAULT_ROLE_NAME,
};

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

fn err(field: Field, message: String) -> FieldError {
    FieldError { field, message }
}

/// Quotes a user value for a message, shortened and with control characters escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in value.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else if invisible_char(c).is_some() {
            // Shown, not obeyed: a bidi override would reorder the message itself.
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn trimmed<'a>(value: &Option<&'a str>) -> &'a str {
    value.map(trim).unwrap_or("")
}

/// `str::trim`, with a quick path for the ASCII whitespace that is nearly all
/// there is around pasted and imported values.
pub(crate) fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&z)) if a >= 0x80 || z >= 0x80 => t.trim(),
        _ => t,
    }
}

/// The first control character of a text and its length in characters.
fn control_and_count(value: &str) -> (Option<char>, usize) {
    if value.is_ascii() {
        let control = value.bytes().find(|b| b.is_ascii_control()).map(char::from);
        return (control, value.len());
    }
    (
        value.chars().find(|c| c.is_control()),
        value.chars().count(),
    )
}

/// Invisible characters that change how the text around them reads: the
/// Unicode format characters (general category Cf, Unicode 16) — bidi
/// embeddings, overrides and isolates, zero-width characters, the soft hyphen,
/// tags — and the line and paragraph separators. Sorted ranges, each with its
/// name (the name of a range's first character is the range's name when they
/// share one).
const INVISIBLE: &[(u32, u32, &str)] = &[
    (0x00AD, 0x00AD, "SOFT HYPHEN"),
    (0x0600, 0x0605, "ARABIC NUMBER SIGN"),
    (0x061C, 0x061C, "ARABIC LETTER MARK"),
    (0x06DD, 0x06DD, "ARABIC END OF AYAH"),
    (0x070F, 0x070F, "SYRIAC ABBREVIATION MARK"),
    (0x0890, 0x0891, "ARABIC POUND MARK ABOVE"),
    (0x08E2, 0x08E2, "ARABIC DISPUTED END OF AYAH"),
    (0x180E, 0x180E, "MONGOLIAN VOWEL SEPARATOR"),
    (0x200B, 0x200B, "ZERO WIDTH SPACE"),
    (0x200C, 0x200C, "ZERO WIDTH NON-JOINER"),
    (0x200D, 0x200D, "ZERO WIDTH JOINER"),
    (0x200E, 0x200E, "LEFT-TO-RIGHT MARK"),
    (0x200F, 0x200F, "RIGHT-TO-LEFT MARK"),
    (0x2028, 0x2028, "LINE SEPARATOR"),
    (0x2029, 0x2029, "PARAGRAPH SEPARATOR"),
    (0x202A, 0x202A, "LEFT-TO-RIGHT EMBEDDING"),
    (0x202B, 0x202B, "RIGHT-TO-LEFT EMBEDDING"),
    (0x202C, 0x202C, "POP DIRECTIONAL FORMATTING"),
    (0x202D, 0x202D, "LEFT-TO-RIGHT OVERRIDE"),
    (0x202E, 0x202E, "RIGHT-TO-LEFT OVERRIDE"),
    (0x2060, 0x2060, "WORD JOINER"),
    (0x2061, 0x2061, "FUNCTION APPLICATION"),
    (0x2062, 0x2062, "INVISIBLE TIMES"),
    (0x2063, 0x2063, "INVISIBLE SEPARATOR"),
    (0x2064, 0x2064, "INVISIBLE PLUS"),
    (0x2066, 0x2066, "LEFT-TO-RIGHT ISOLATE"),
    (0x2067, 0x2067, "RIGHT-TO-LEFT ISOLATE"),
    (0x2068, 0x2068, "FIRST STRONG ISOLATE"),
    (0x2069, 0x2069, "POP DIRECTIONAL ISOLATE"),
    (0x206A, 0x206F, "DEPRECATED FORMAT CHARACTER"),
    (0xFEFF, 0xFEFF, "ZERO WIDTH NO-BREAK SPACE"),
    (0xFFF9, 0xFFFB, "INTERLINEAR ANNOTATION CHARACTER"),
    (0x110BD, 0x110BD, "KAITHI NUMBER SIGN"),
    (0x110CD, 0x110CD, "KAITHI NUMBER SIGN ABOVE"),
    (0x13430, 0x1343F, "EGYPTIAN HIEROGLYPH FORMAT CONTROL"),
    (0x1BCA0, 0x1BCA3, "SHORTHAND FORMAT CONTROL"),
    (0x1D173, 0x1D17A, "MUSICAL SYMBOL FORMAT CONTROL"),
    (0xE0001, 0xE0001, "LANGUAGE TAG"),
    (0xE0020, 0xE007F, "TAG CHARACTER"),
];

/// The name of `c` when it is one of the [`INVISIBLE`] characters.
pub(crate) fn invisible_char(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    if code < 0xAD {
        return None; // the usual case: ASCII and Latin-1 letters
    }
    let i = INVISIBLE.partition_point(|&(_, hi, _)| hi < code);
    INVISIBLE
        .get(i)
        .filter(|&&(lo, _, _)| lo <= code)
        .map(|&(_, _, name)| name)
}

/// The first invisible character of `value`: its 1-based position in
/// characters, the character and its name.
fn first_invisible(value: &str) -> Option<(usize, char, &'static str)> {
    if value.is_ascii() {
        return None;
    }
    value
        .chars()
        .enumerate()
        .find_map(|(i, c)| invisible_char(c).map(|name| (i + 1, c, name)))
}

/// `U+202E`.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Normalises an account ID as users paste it (`1111-2222-3333`, `1111 2222 3333`)
/// to 12 digits ([`aws::parse_account_id`]).
fn account_id_message(raw: &str) -> Result<String, String> {
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
fn role_message(raw: &str) -> Result<RoleRef, String> {
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
fn permission_set_message(raw: &str) -> Result<String, String> {
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
fn portal_url_message(raw: &str) -> Result<String, String> {
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
fn color_message(raw: &str) -> Result<String, String> {
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
fn region_message(raw: &str) -> Result<String, String> {
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

fn check_text(field: Field, raw: &str, max: usize) -> Result<String, String> {
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

/// A problem with one entry of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryError {
    /// Position in the input list, from 0.
    pub index: usize,
    /// The entry's display name, or its account, to name it in messages.
    pub name: String,
    pub field: Field,
    pub message: String,
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {} ({}): {}",
            self.index + 1,
            quote(&self.name),
            self.message
        )
    }
}

/// Validates every entry of a list and the list rules (duplicates): the
/// environments, or every problem, each naming its entry.
pub fn validate_list(inputs: &[EnvironmentInput]) -> Result<Vec<Environment>, Vec<EntryError>> {
    let mut envs = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match validate_environment(input, "") {
            Ok(env) => envs.push(env),
            Err(problems) => {
                let name = [&input.display_name, &input.account_id]
                    .into_iter()
                    .flatten()
                    .map(|s| trim(s))
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .to_string();
                errors.extend(problems.into_iter().map(|p| EntryError {
                    index,
                    name: name.clone(),
                    field: p.field,
                    message: p.message,
                }));
            }
        }
    }
    errors.extend(check_list(&envs));
    if errors.is_empty() {
        Ok(envs)
    } else {
        Err(errors)
    }
}

/// FNV-1a: a fast hasher for the short keys of [`check_list`] (no untrusted
/// keys reach it that could make collisions matter: the list is the user's own).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// An account and a role name compared as IAM compares role names: ignoring
/// ASCII case. The flag tells an Identity Center permission set from an IAM
/// role of the same name (they are different roles in the account).
struct AccountRole<'a>(&'a str, &'a str, bool);

impl Hash for AccountRole<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
        self.2.hash(state);
        for b in self.1.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl PartialEq for AccountRole<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.2 == other.2 && self.1.eq_ignore_ascii_case(other.1)
    }
}

impl Eq for AccountRole<'_> {}

/// Checks rules between entries: unique ids, and one entry per account and role.
/// Linear in the list's length.
pub fn check_list(envs: &[Environment]) -> Vec<EntryError> {
    let mut errors = Vec::new();
    let mut ids: FnvMap<&str, usize> = FnvMap::default();
    let mut pairs: FnvMap<AccountRole<'_>, usize> = FnvMap::default();
    ids.reserve(envs.len());
    pairs.reserve(envs.len());
    for (i, env) in envs.iter().enumerate() {
        if let Some(&first) = ids.get(env.id.as_str()) {
            errors.push(EntryError {
                index: i,
                name: env.display_name.clone(),
                field: Field::Id,
                message: format!(
                    "Id {} is also used by {}; ids must be unique.",
                    quote(&env.id),
                    quote(&envs[first].display_name)
                ),
            });
        } else {
            ids.insert(&env.id, i);
        }
        let key = AccountRole(&env.account_id, &env.role_name, env.portal_url.is_some());
        if let Some(&first) = pairs.get(&key) {
            errors.push(EntryError {
                index: i,
                name: env.display_name.clone(),
                field: Field::AccountId,
                message: format!(
                    "Account {} with {} {} is already in the list as {}.",
                    env.account_display(),
                    if key.2 { "permission set" } else { "role" },
                    env.role_name,
                    quote(&envs[first].display_name)
                ),
            });
        } else {
            pairs.insert(key, i);
        }
    }
    errors
}

/// The list has no environment with this id (it may have been deleted meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInList {
    pub id: String,
}

impl std::fmt::Display for NotInList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "There is no environment with id {:?}; it may have been deleted already.",
            self.id
        )
    }
}

impl std::error::Error for NotInList {}

/// The list without the environment `id`.
pub fn remove(list: &[Environment], id: &str) -> Result<Vec<Environment>, NotInList> {
    if !list.iter().any(|e| e.id == id) {
        return Err(NotInList { id: id.into() });
    }
    Ok(list.iter().filter(|e| e.id != id).cloned().collect())
}

/// Adds `env` to the list, or replaces the entry with the same id, checking the
/// list rules. The list is unchanged on error.
pub fn upsert(list: &[Environment], env: Environment) -> Result<Vec<Environment>, Vec<FieldError>> {
    let mut next = list.to_vec();
    match next.iter().position(|e| e.id == env.id) {
        Some(i) => next[i] = env,
        None => next.push(env),
    }
    let problems = check_list(&next);
    if problems.is_empty() {
        Ok(next)
    } else {
        Err(problems
            .into_iter()
            .map(|p| FieldError {
                field: p.field,
                message: p.message,
            })
            .collect())
    }
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
    fn a_list_is_valid_whole_or_every_problem_names_its_entry() {
        let input = |name: &str, account: &str| EnvironmentInput {
            id: Some(name.into()),
            account_id: Some(account.into()),
            display_name: Some(name.into()),
            ..Default::default()
        };
        let ok = validate_list(&[input("a", "111122223333"), input("b", "444455556666")]).unwrap();
        assert_eq!(ok.len(), 2);
        let errors = validate_list(&[
            input("a", "111122223333"),
            input("bad", "12"),
            input("dup", "111122223333"),
        ])
        .unwrap_err();
        let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors[0].index, 1);
        assert_eq!(errors[0].field, Field::AccountId);
        assert!(
            texts[0].starts_with(r#"entry 2 ("bad"): Account ID"#),
            "{texts:?}"
        );
        assert_eq!(errors.len(), 2, "{texts:?}");
        assert!(texts[1].contains("dup"), "{texts:?}");
    }

    #[test]
    fn removing_an_environment_that_is_not_there_says_so_and_changes_nothing() {
        let list = crate::model::example_environments();
        let id = list[0].id.clone();
        let after = remove(&list, &id).unwrap();
        assert_eq!(after.len(), list.len() - 1);
        assert!(after.iter().all(|e| e.id != id));
        let err = remove(&after, &id).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("There is no environment with id {id:?}; it may have been deleted already.")
        );
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

    fn input(account: &str, role: &str, name: &str, color: &str) -> EnvironmentInput {
        EnvironmentInput {
            account_id: Some(account.into()),
            role_name: Some(role.into()),
            display_name: Some(name.into()),
            color: Some(color.into()),
            ..Default::default()
        }
    }

    fn field_errors(i: &EnvironmentInput) -> Vec<(Field, String)> {
        match validate_environment(i, "id-1") {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| (e.field, e.message)).collect(),
        }
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
    fn trim_is_str_trim() {
        for raw in [
            "",
            " ",
            "  a b  ",
            "\t\r\na\x0c",
            "\u{a0}a\u{a0}",
            " \u{3000}a \u{2003}",
            "\u{85} a",
            "a\u{e9}",
            "\u{e9}a ",
            "\u{feff}a",
            " \u{1f600} ",
        ] {
            assert_eq!(trim(raw), raw.trim(), "{raw:?}");
        }
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
        // The issue's example, exactly.
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
    fn the_invisible_table_is_sorted_and_disjoint() {
        for pair in INVISIBLE.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        assert_eq!(
            invisible_char('\u{2065}'),
            None,
            "unassigned, between two ranges"
        );
        assert_eq!(
            invisible_char('\u{206C}'),
            Some("DEPRECATED FORMAT CHARACTER")
        );
        assert_eq!(invisible_char('\u{E007F}'), Some("TAG CHARACTER"));
        assert_eq!(invisible_char('\u{E0080}'), None);
        assert_eq!(invisible_char('a'), None);
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
    fn upsert_rejects_duplicates_and_keeps_the_list() {
        let a = validate_environment(&input("111122223333", "Dev", "a", ""), "1").unwrap();
        let b = validate_environment(&input("111122223333", "dev", "b", ""), "2").unwrap();
        let list = upsert(&[], a.clone()).unwrap();
        let errs = upsert(&list, b).unwrap_err();
        assert!(
            errs[0].message.contains("already in the list as \"a\""),
            "{}",
            errs[0].message
        );
        assert_eq!(list, vec![a.clone()]);

        let mut renamed = a.clone();
        renamed.display_name = "renamed".into();
        assert_eq!(upsert(&list, renamed.clone()).unwrap(), vec![renamed]);
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

    #[test]
    fn a_permission_set_and_a_role_of_one_name_may_share_an_account() {
        let role = validate_environment(&input("111122223333", "Admin", "role", ""), "a").unwrap();
        let set = validate_environment(
            &EnvironmentInput {
                portal_url: Some("https://acme.awsapps.com/start".into()),
                ..input("111122223333", "admin", "set", "")
            },
            "b",
        )
        .unwrap();
        assert!(check_list(&[role.clone(), set.clone()]).is_empty());
        let mut again = set.clone();
        again.id = "c".into();
        let problems = check_list(&[role, set, again]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("with permission set admin is already in the list as \"set\""),
            "{problems:?}"
        );
    }
}

//! Import and export of the environment list in the formats users already
//! have: the extension's own JSON, AWS Extend Switch Roles (AESR) INI,
//! `~/.aws/config`, and `aws organizations list-accounts` output; plus the
//! IAM policy that lets a group assume the roles of the list, and the import
//! preview (what is added, changed, removed).
//!
//! Import is all-or-nothing: [`parse`] reads and validates the whole input and
//! returns every problem at once ([`ImportErrors`]), each with its line (INI)
//! or JSON path and the profile it belongs to. Ignored input is reported as
//! warnings, never dropped silently.

mod aesr_ini;
mod aws_config;
mod aws_sso;
mod import_plan;
mod ini;
mod lenient;
mod organizations;
mod own_json;
mod policy;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::aws;
use crate::model::{Environment, EnvironmentInput, DEFAULT_ROLE_NAME};
use crate::validate::{check_list, quote, validate_input, Field};

pub use import_plan::{changed_fields, plan_import, Change, FieldChange, ImportMode, ImportPlan};
pub use lenient::{parse_lenient, Lenient};
pub use policy::{policy, PolicyError, PolicyOptions};

/// A file format the list can be read from (and, except Organizations, written to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Format {
    /// The extension's own versioned JSON document (`{"version": 1, "environments": [...]}`).
    OwnJson,
    /// The INI config of the AWS Extend Switch Roles extension.
    AesrIni,
    /// The AWS CLI's `~/.aws/config`.
    AwsConfig,
    /// The JSON printed by `aws organizations list-accounts` (import only).
    Organizations,
    /// The JSON printed by `aws sso list-accounts` and `aws sso
    /// list-account-roles` (import only; the portal URL is an import option).
    AwsSso,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 5] = [
        Format::OwnJson,
        Format::AesrIni,
        Format::AwsConfig,
        Format::Organizations,
        Format::AwsSso,
    ];

    /// The short name the CLI uses: `json`, `aesr`, `aws-config`, `organizations`.
    pub fn name(self) -> &'static str {
        match self {
            Format::OwnJson => "json",
            Format::AesrIni => "aesr",
            Format::AwsConfig => "aws-config",
            Format::Organizations => "organizations",
            Format::AwsSso => "aws-sso",
        }
    }

    /// What a person calls the format.
    pub fn label(self) -> &'static str {
        match self {
            Format::OwnJson => "Roleswitch JSON",
            Format::AesrIni => "AWS Extend Switch Roles config",
            Format::AwsConfig => "AWS CLI config (~/.aws/config)",
            Format::Organizations => "AWS Organizations account list",
            Format::AwsSso => {
                "IAM Identity Center accounts and roles (aws sso list-accounts, list-account-roles)"
            }
        }
    }

    /// Whether [`export`] can write this format.
    pub fn can_export(self) -> bool {
        !matches!(self, Format::Organizations | Format::AwsSso)
    }

    /// The file name an export in this format is saved as; `None` for the
    /// formats [`export`] does not write.
    pub fn file_name(self) -> Option<&'static str> {
        match self {
            Format::OwnJson => Some("roleswitch.json"),
            Format::AesrIni => Some("aesr-config.ini"),
            Format::AwsConfig => Some("aws-config"),
            Format::Organizations | Format::AwsSso => None,
        }
    }

    /// Guesses the format of a pasted text by looking at its content.
    ///
    /// The heuristic, in order:
    /// 1. Text starting with `{` is JSON: with an `environments` key it is
    ///    [`Format::OwnJson`], with `Accounts` it is [`Format::Organizations`],
    ///    with `accountList` or `roleList` it is [`Format::AwsSso`] (several
    ///    such documents may follow one another).
    ///    JSON that does not parse is still classified by which of the two key
    ///    names it contains, so that its syntax error can be reported. Other
    ///    JSON with credentials in it (`aws sts assume-role` output) is
    ///    [`Format::OwnJson`], whose reader refuses it and says why. Text that
    ///    starts with `{` but is not JSON and names none of these is read on as INI.
    /// 2. Otherwise it must be INI with at least one `[section]`:
    ///    - a line holding credentials (`aws_secret_access_key`, …) anywhere, even
    ///      without a section → AWS config (every INI reader refuses the text
    ///      and says why);
    ///    - a key only AESR uses (`aws_account_id`, `aws_account_alias`,
    ///      `target_role_name`, `target_region`, `image`) → AESR;
    ///    - a sign of a real `~/.aws/config` (`[default]`, `[sso-session …]`,
    ///      `[services …]`, a key starting with `sso_`, `credential_process`,
    ///      `credential_source`, `output`, `mfa_serial`) → AWS config;
    ///    - a section without the `profile ` prefix (the AWS CLI ignores those) or a
    ///      `color` key → AESR;
    ///    - otherwise (only `[profile x]` sections with `role_arn`, `region`,
    ///      `source_profile`, which both read the same way) → AWS config.
    /// 3. Anything else → `None`.
    pub fn detect(text: &str) -> Option<Format> {
        Format::detect_and_lex(text).0
    }

    /// [`Format::detect`], keeping the INI lexing for the reader.
    fn detect_and_lex(text: &str) -> (Option<Format>, Option<ini::Lexed<'_>>) {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') {
            let format = match serde_json::from_str::<serde_json::Value>(trimmed) {
                Ok(doc @ serde_json::Value::Object(_)) => {
                    if doc.get("environments").is_some() {
                        Some(Format::OwnJson)
                    } else if doc.get("Accounts").is_some() {
                        Some(Format::Organizations)
                    } else if doc.get("accountList").is_some() || doc.get("roleList").is_some() {
                        Some(Format::AwsSso)
                    } else if own_json::holds_credentials(trimmed, Some(&doc)) {
                        Some(Format::OwnJson) // whose reader refuses it and says why
                    } else {
                        None
                    }
                }
                Ok(_) => None,
                Err(_) if trimmed.contains("\"environments\"") => Some(Format::OwnJson),
                Err(_) if trimmed.contains("\"Accounts\"") => Some(Format::Organizations),
                Err(_)
                    if trimmed.contains("\"accountList\"") || trimmed.contains("\"roleList\"") =>
                {
                    Some(Format::AwsSso)
                }
                Err(_) if own_json::holds_credentials(trimmed, None) => Some(Format::OwnJson),
                // Not JSON, and nothing of ours in it: read on as INI (a stray `{` line
                // before profiles must not hide them, nor the credentials among them).
                Err(_) => {
                    let lexed = ini::lex(text);
                    let format = Format::of_lexed(&lexed);
                    return (format, Some(lexed));
                }
            };
            return (format, None);
        }
        if trimmed.starts_with('[') && serde_json::from_str::<serde_json::Value>(trimmed).is_ok() {
            // A JSON list, not an INI section.
            return (None, None);
        }
        let lexed = ini::lex(text);
        let format = Format::of_lexed(&lexed);
        (format, Some(lexed))
    }

    /// Which INI format a lexed text is in (see [`Format::detect`]).
    fn of_lexed(lexed: &ini::Lexed) -> Option<Format> {
        if !lexed.credentials.is_empty() {
            return Some(Format::AwsConfig);
        }
        let sections = &lexed.sections;
        if sections.is_empty() {
            return None;
        }
        let keys = || {
            sections
                .iter()
                .flat_map(|s| s.entries.iter().map(|e| &*e.key))
        };
        let has_key = |names: &[&str]| keys().any(|k| names.contains(&k));
        if has_key(&[
            "aws_account_id",
            "aws_account_alias",
            "target_role_name",
            "target_region",
            "image",
        ]) {
            return Some(Format::AesrIni);
        }
        let aws_section =
            |h: &str| h == "default" || h.starts_with("sso-session ") || h.starts_with("services ");
        if sections.iter().any(|s| aws_section(s.header))
            || keys().any(|k| k.starts_with("sso_"))
            || has_key(&[
                "credential_process",
                "credential_source",
                "output",
                "mfa_serial",
            ])
        {
            return Some(Format::AwsConfig);
        }
        if sections.iter().any(|s| !s.header.starts_with("profile ")) || has_key(&["color"]) {
            return Some(Format::AesrIni);
        }
        Some(Format::AwsConfig)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Reads a CLI format name (`json`, `aesr`, `aws-config`, `organizations`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" | "roleswitch" | "own-json" => Ok(Format::OwnJson),
            "aesr" | "aesr-ini" | "ini" => Ok(Format::AesrIni),
            "aws-config" | "aws" | "awsconfig" => Ok(Format::AwsConfig),
            "organizations" | "orgs" => Ok(Format::Organizations),
            "aws-sso" | "sso" | "identity-center" => Ok(Format::AwsSso),
            _ => Err(format!(
                "Unknown format {}; use one of json, aesr, aws-config, organizations, aws-sso.",
                quote(s)
            )),
        }
    }
}

/// A problem (or warning) found in an imported file, with where it is.
/// Serialized with its one-line `text` as well (see its `Display`), so that
/// every page shows it the same way; `text` is ignored when read back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// 1-based line number (INI formats).
    pub line: Option<usize>,
    /// JSON path such as `environments[3].accountId` (JSON formats).
    pub path: Option<String>,
    /// The profile, section, environment or account name the problem belongs to.
    pub profile: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn at_line(line: usize, profile: Option<&str>, message: String) -> Self {
        Diagnostic {
            line: Some(line),
            path: None,
            profile: profile.map(clip),
            message,
        }
    }

    pub(crate) fn at_path(path: String, profile: Option<&str>, message: String) -> Self {
        Diagnostic {
            line: None,
            path: Some(path),
            profile: profile.map(clip),
            message,
        }
    }

    pub(crate) fn general(message: String) -> Self {
        Diagnostic {
            line: None,
            path: None,
            profile: None,
            message,
        }
    }
}

/// A profile name as diagnostics keep it: whole up to 100 characters (a
/// longer one is refused as a display name anyway), so that a hostile name
/// is not copied into every diagnostic of its profile.
fn clip(name: &str) -> String {
    if name.len() <= 100 {
        return name.to_string(); // at most 100 bytes, so at most 100 characters
    }
    match name.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_string(),
    }
}

/// The most problems an import lists, and apart the most warnings. The rest
/// are counted in one last line, `… and 99,800 more problems not listed.`:
/// a file of 100,000 broken lines is not fixed by reading 100,000 messages,
/// and listing them all would take more memory and time than reading it.
pub(crate) const MAX_LISTED: usize = 200;

/// Problems or warnings as a reader finds them: the first [`MAX_LISTED`] in
/// file order (line, or the order found for JSON) are kept, the others only
/// counted. Memory stays bounded however many there are.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    kept: Vec<Diagnostic>,
    unlisted: usize,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.kept.push(diagnostic);
        if self.kept.len() >= 2 * MAX_LISTED {
            self.keep_first();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.unlisted == 0
    }

    /// Sorts by line (a stable sort: JSON paths stay in the order found) and
    /// counts all but the first [`MAX_LISTED`].
    fn keep_first(&mut self) {
        self.kept.sort_by_key(|d| d.line.unwrap_or(usize::MAX));
        self.unlisted += self.kept.len().saturating_sub(MAX_LISTED);
        self.kept.truncate(MAX_LISTED);
    }

    /// The kept diagnostics in file order, then one saying how many `what`
    /// (problems, warnings) were not listed.
    pub(crate) fn into_list(mut self, what: &str) -> Vec<Diagnostic> {
        self.keep_first();
        if self.unlisted > 0 {
            self.kept.push(Diagnostic::general(format!(
                "… and {} more {what} not listed; fix the ones above and check again to see the rest.",
                thousands(self.unlisted)
            )));
        }
        self.kept
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        for d in iter {
            self.push(d);
        }
    }
}

/// `99800` → `99,800`.
fn thousands(mut n: usize) -> String {
    let mut groups = Vec::new();
    while n >= 1000 {
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.push(n.to_string());
    groups.reverse();
    groups.join(",")
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Diagnostic", 5)?;
        out.serialize_field("line", &self.line)?;
        out.serialize_field("path", &self.path)?;
        out.serialize_field("profile", &self.profile)?;
        out.serialize_field("message", &self.message)?;
        out.serialize_field("text", &self.to_string())?;
        out.end()
    }
}

impl fmt::Display for Diagnostic {
    /// `line 14, profile "prod": …` for INI, `environments[3].accountId ("prod"): …` for JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(path) = &self.path {
            place.push(path.clone());
        }
        let mut place = place.join(", ");
        match (&self.profile, self.path.is_some()) {
            (Some(p), true) => place.push_str(&format!(" ({})", quote(p))),
            (Some(p), false) if place.is_empty() => place = format!("profile {}", quote(p)),
            (Some(p), false) => place.push_str(&format!(", profile {}", quote(p))),
            (None, _) => {}
        }
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{place}: {}", self.message)
        }
    }
}

/// Every problem found in an import; nothing is imported when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportErrors {
    pub errors: Vec<Diagnostic>,
    /// Warnings found along the way, so that fixing the errors shows no surprises.
    pub warnings: Vec<Diagnostic>,
}

impl fmt::Display for ImportErrors {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// Choices that the file itself cannot make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportOptions {
    /// The role switched into in every account of an Organizations list.
    pub organizations_role: String,
    /// Mark Organizations (and Identity Center) accounts named like
    /// prod/production/prd as production.
    pub guess_production: bool,
    /// The AWS access portal of an `aws sso list-accounts` import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_url: Option<String>,
    /// The permission set for the accounts of `aws sso list-accounts` that
    /// no `list-account-roles` output gives one for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_set: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            organizations_role: DEFAULT_ROLE_NAME.to_string(),
            guess_production: true,
            portal_url: None,
            permission_set: None,
        }
    }
}

/// A successfully read list, ready for [`plan_import`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parsed {
    pub format: Format,
    /// Valid environments that also pass [`check_list`].
    pub environments: Vec<Environment>,
    /// What was read but not used (ignored keys, skipped accounts, …).
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a whole file. Every problem is reported at once.
pub fn parse(text: &str, format: Format, options: &ImportOptions) -> Result<Parsed, ImportErrors> {
    collect(text, format, options, None).finish(format)
}

/// [`parse`] in `format`, or else in the format [`Format::detect`] finds
/// (lexing an INI text once for both); `None` when it cannot tell.
pub fn parse_any(
    text: &str,
    format: Option<Format>,
    options: &ImportOptions,
) -> Option<(Format, Result<Parsed, ImportErrors>)> {
    let (format, lexed) = match format {
        Some(format) => (format, None),
        None => match Format::detect_and_lex(text) {
            (Some(format), lexed) => (format, lexed),
            (None, _) => return None,
        },
    };
    Some((format, collect(text, format, options, lexed).finish(format)))
}

fn collect<'a>(
    text: &'a str,
    format: Format,
    options: &ImportOptions,
    lexed: Option<ini::Lexed<'a>>,
) -> Collected {
    let lexed = || {
        let lexed = lexed.unwrap_or_else(|| ini::lex(text));
        // Credentials refuse the whole text, whichever reader it was for.
        if lexed.credentials.is_empty() {
            Ok(lexed)
        } else {
            Err(Collected {
                errors: lexed.credentials,
                ..Collected::default()
            })
        }
    };
    match format {
        Format::OwnJson => own_json::parse(text),
        Format::AesrIni => lexed().map_or_else(|refused| refused, aesr_ini::parse),
        Format::AwsConfig => lexed().map_or_else(|refused| refused, aws_config::parse),
        Format::Organizations => organizations::parse(text, options),
        Format::AwsSso => aws_sso::parse(text, options),
    }
}

/// Options for [`export`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExportOptions {
    /// Start INI files with a comment saying where they come from and what the
    /// format cannot hold.
    pub header_comment: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            header_comment: true,
        }
    }
}

/// Why a list could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum ExportError {
    /// The format can only be imported.
    ImportOnly { format: Format },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::ImportOnly { format } => write!(
                f,
                "The {} format can only be imported; export to json, aesr or aws-config instead.",
                format.label()
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// Writes the list in a format. Own JSON is lossless; see `docs/formats.md`
/// for what the INI formats cannot hold.
pub fn export(
    envs: &[Environment],
    format: Format,
    options: &ExportOptions,
) -> Result<String, ExportError> {
    match format {
        Format::OwnJson => Ok(own_json::export(envs)),
        Format::AesrIni => Ok(aws_sso::aesr_export(envs, options, aesr_ini::export)),
        Format::AwsConfig => Ok(aws_config::export(envs, options)),
        Format::Organizations | Format::AwsSso => Err(ExportError::ImportOnly { format }),
    }
}

/// The id given to an imported environment that has none: derived from its
/// account and role, so that importing the same file twice gives the same ids,
/// and unique because a list holds each account and role once.
pub fn generated_id(account_id: &str, role_name: &str) -> String {
    let mut id = String::with_capacity(account_id.len() + 1 + role_name.len());
    id.push_str(account_id);
    for part in role_name.split('/') {
        id.push('-');
        id.push_str(part);
    }
    id[account_id.len()..].make_ascii_lowercase();
    id
}

/// [`generated_id`] of an environment: an Identity Center assignment's has
/// `sso:` before the permission set (`111122223333-sso:admin`), so that it
/// differs from the id of an IAM role of the same name in the account.
fn generated_id_of(env: &Environment) -> String {
    if env.portal_url.is_some() {
        generated_id(&env.account_id, &format!("sso:{}", env.role_name))
    } else {
        generated_id(&env.account_id, &env.role_name)
    }
}

/// Where an environment came from, to place list-level errors.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    pub line: Option<usize>,
    pub path: Option<String>,
    pub profile: Option<String>,
}

impl Origin {
    /// A line of an INI profile.
    pub(crate) fn at_line(line: usize, profile: &str) -> Origin {
        Origin {
            line: Some(line),
            path: None,
            profile: Some(clip(profile)),
        }
    }

    /// A place in a JSON document.
    pub(crate) fn at_path(path: String, profile: Option<&str>) -> Origin {
        Origin {
            line: None,
            path: Some(path),
            profile: profile.map(clip),
        }
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        Diagnostic {
            line: self.line,
            path: self.path.clone(),
            profile: self.profile.clone(),
            message,
        }
    }
}

/// What a format reader gathered, before list-level checks.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub envs: Vec<(Environment, Origin)>,
    pub errors: Diagnostics,
    pub warnings: Diagnostics,
}

impl Collected {
    /// Validates one environment, placing each field's error with `locate`.
    /// The id is [`generated_id`] unless the input carries one.
    pub fn validate(
        &mut self,
        input: &EnvironmentInput<&str>,
        origin: Origin,
        locate: impl Fn(Field) -> Origin,
    ) {
        match validate_input(input, "pending") {
            Ok(mut env) => {
                if input.id.is_none_or(|s| s.trim().is_empty()) {
                    env.id = generated_id_of(&env);
                }
                self.envs.push((env, origin));
            }
            Err(field_errors) => {
                // A bad role ARN with no account ID field already says what is
                // wrong with the account; "enter the account ID" would be noise.
                let arn_failed = field_errors.iter().any(|e| e.field == Field::RoleName)
                    && input.account_id.is_none_or(|s| s.trim().is_empty())
                    && input
                        .role_name
                        .is_some_and(|r| r.trim().starts_with("arn:"));
                for e in field_errors {
                    if arn_failed && e.field == Field::AccountId {
                        continue;
                    }
                    self.errors.push(locate(e.field).diagnostic(e.message));
                }
            }
        }
    }

    fn finish(mut self, format: Format) -> Result<Parsed, ImportErrors> {
        let (envs, origins): (Vec<Environment>, Vec<Origin>) = self.envs.into_iter().unzip();
        let problems = check_list(&envs);
        let mut repeats_key = vec![false; envs.len()];
        for p in problems.iter().filter(|p| p.field == Field::AccountId) {
            repeats_key[p.index] = true;
        }
        for problem in &problems {
            // A generated id repeats exactly when account and role do: say it once.
            let env = &envs[problem.index];
            let repeated_key = repeats_key[problem.index];
            if problem.field == Field::Id && repeated_key && env.id == generated_id_of(env) {
                continue;
            }
            let origin = &origins[problem.index];
            self.errors.push(origin.diagnostic(problem.message.clone()));
        }
        // INI problems in line order; JSON ones stay in document order.
        let warnings = self.warnings.into_list("warnings");
        if self.errors.is_empty() {
            Ok(Parsed {
                format,
                environments: envs,
                warnings,
            })
        } else {
            Err(ImportErrors {
                errors: self.errors.into_list("problems"),
                warnings,
            })
        }
    }
}

/// Names (or ids) given out once each: the one wanted, or else it numbered
/// 2, 3, … Each number is tried once per name however often it is wanted, so
/// that a list of one name over and over stays linear.
#[derive(Debug, Default)]
pub(crate) struct Unique {
    /// Every name given out, with the next number to try when it is wanted again.
    given: std::collections::HashMap<String, usize>,
}

impl Unique {
    /// With `taken` already given out.
    pub fn with(taken: impl IntoIterator<Item = String>) -> Self {
        Unique {
            given: taken.into_iter().map(|name| (name, 2)).collect(),
        }
    }

    /// `wanted`, or `numbered(wanted, n)` for the first `n` not given out.
    pub fn take(&mut self, wanted: &str, numbered: impl Fn(&str, usize) -> String) -> String {
        let Some(&first) = self.given.get(wanted) else {
            self.given.insert(wanted.to_string(), 2);
            return wanted.to_string();
        };
        let mut n = first;
        loop {
            let candidate = numbered(wanted, n);
            n += 1;
            if !self.given.contains_key(&candidate) {
                self.given.insert(wanted.to_string(), n);
                self.given.insert(candidate.clone(), 2);
                return candidate;
            }
        }
    }
}

/// The ARN of an environment's role.
pub(crate) fn role_arn(env: &Environment) -> String {
    // The declared partition first: a GovCloud entry without a region is still GovCloud's.
    aws::role_arn(env.partition(), &env.account_id, &env.role_name)
}

//! Subscribed lists: a list a team publishes at an `https://` URL, fetched
//! again and again, validated like an import, and never wiped.
//!
//! The worker fetches; the core decides what the fetch means
//! ([`apply_refresh`]): a new good copy, the same copy (`304`), or the last
//! good copy kept and marked stale with the reason. A refresh keeps the last
//! good copy when
//! - the server cannot be reached or answers with an HTTP error;
//! - the file is too large, not text, not a list ([`crate::formats::parse_lenient`]
//!   refuses it), or holds no valid entry;
//! - the file suddenly holds far fewer valid entries than the copy in use
//!   ([`is_sudden_shrink`]: fewer than half of at least
//!   [`SHRINK_MIN_PREVIOUS`], or none at all), unless the user accepts it.
//!
//! Invalid entries of an otherwise good file are left out and listed, with
//! the messages an import gives.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::formats::{parse_lenient, plan_import, Change, Diagnostic, Format, ImportMode};
use crate::formats::{ImportOptions, MAX_LISTED};
use crate::input::import_too_large;
use crate::model::{Environment, EnvironmentInput};
use crate::validate::{quote, validate_environment, Field, MAX_DISPLAY_NAME};

/// The longest subscription URL accepted (presigned S3 URLs run to about 1,500).
pub const MAX_URL_LENGTH: usize = 4096;

/// A sudden shrink is only judged for copies of at least this many entries:
/// removing 3 of 5 entries is an ordinary edit of a small list.
pub const SHRINK_MIN_PREVIOUS: usize = 10;

/// Whether a refreshed copy with `now` valid entries, replacing one with
/// `previous`, is a sudden shrink whose copy is held back: none left of a
/// non-empty copy, or fewer than half of a copy of at least
/// [`SHRINK_MIN_PREVIOUS`] entries.
///
/// Half, because the publishing mistakes that lose entries (a truncated
/// upload, a bad merge, the wrong branch or file behind the URL) lose most of
/// a list, while the edits teams make remove a few accounts at a time; an
/// intended large removal is accepted by one click ([`RefreshOptions`]), or
/// published in steps. Counting entries rather than removed keys lets a
/// whole list move to a new role name (every key changes) without a stop.
pub fn is_sudden_shrink(previous: usize, now: usize) -> bool {
    (previous > 0 && now == 0) || (previous >= SHRINK_MIN_PREVIOUS && now * 2 < previous)
}

/// Why a subscription URL is refused. Messages never repeat the URL's path or
/// query, which may hold a presigned URL's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum UrlError {
    /// Nothing was entered.
    Empty,
    /// Longer than [`MAX_URL_LENGTH`].
    TooLong { length: usize },
    /// A space or control character.
    Whitespace,
    /// Not `https://` (`scheme` is what it starts with, if anything).
    NotHttps { scheme: Option<String> },
    /// `user:password@` before the host.
    Credentials,
    /// Nothing between `https://` and the path.
    NoHost,
    /// A host that is not a DNS name or an IP address.
    BadHost { host: String },
    /// A port that is not a number from 1 to 65535.
    BadPort,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => f.write_str("Enter the https:// URL of the list to subscribe to."),
            UrlError::TooLong { length } => write!(
                f,
                "The URL is {length} characters long; a subscription URL can have at most {MAX_URL_LENGTH}."
            ),
            UrlError::Whitespace => f.write_str(
                "The URL contains a space or a control character; copy it again without them (write a space in a path as %20).",
            ),
            UrlError::NotHttps { scheme: Some(scheme) } => write!(
                f,
                "The URL starts with {scheme}://; Roleswitch fetches lists only over https://, so that no one on the network can change them."
            ),
            UrlError::NotHttps { scheme: None } => f.write_str(
                "The URL must start with https:// (e.g. https://raw.githubusercontent.com/acme/aws-accounts/main/roleswitch.json).",
            ),
            UrlError::Credentials => f.write_str(
                "The URL holds a user name or password before the host; Roleswitch sends no credentials. Remove the part before @, or use a presigned URL.",
            ),
            UrlError::NoHost => f.write_str("The URL has no host after https://."),
            UrlError::BadHost { host } => write!(
                f,
                "The host {} is not a domain name or an IP address; write an international name in its xn-- form.",
                quote(host)
            ),
            UrlError::BadPort => f.write_str("The URL's port must be a number from 1 to 65535."),
        }
    }
}

impl std::error::Error for UrlError {}

/// A checked subscription URL and what the worker needs to fetch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedUrl {
    /// The URL, scheme and host in lower case, otherwise as given.
    pub url: String,
    /// `https://host[:port]`.
    pub origin: String,
    /// The host permission to ask for: `https://host/*` (match patterns have no port).
    pub permission: String,
}

/// Checks a subscription URL: `https://`, a host, no user name or password.
pub fn check_url(raw: &str) -> Result<CheckedUrl, UrlError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(UrlError::Empty);
    }
    if raw.len() > MAX_URL_LENGTH {
        return Err(UrlError::TooLong { length: raw.len() });
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Whitespace);
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err(UrlError::NotHttps { scheme: None });
    };
    if !scheme.eq_ignore_ascii_case("https") {
        let shaped = !scheme.is_empty()
            && scheme.len() <= 16
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        return Err(UrlError::NotHttps {
            scheme: shaped.then(|| scheme.to_ascii_lowercase()),
        });
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(UrlError::Credentials);
    }
    if authority.is_empty() {
        return Err(UrlError::NoHost);
    }
    let (host, port) = split_port(authority)?;
    let host = host.to_ascii_lowercase();
    if !host_shaped(&host) {
        return Err(UrlError::BadHost {
            host: host.chars().take(64).collect(),
        });
    }
    let origin = match port {
        Some(port) => format!("https://{host}:{port}"),
        None => format!("https://{host}"),
    };
    let tail = if tail.is_empty() { "/" } else { tail };
    Ok(CheckedUrl {
        url: format!("{origin}{tail}"),
        permission: format!("https://{host}/*"),
        origin,
    })
}

/// `host[:port]` or `[v6]:port`; the port checked.
fn split_port(authority: &str) -> Result<(&str, Option<u16>), UrlError> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                match rest.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None if rest.is_empty() => (host, None),
                    None => return Err(UrlError::BadPort),
                }
            }
            None => (authority, None),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return Err(UrlError::BadPort),
        },
    };
    Ok((host, port))
}

/// A DNS name (letters, digits, hyphens, dots, `_` as some internal names
/// have), or an IPv6 address in brackets.
fn host_shaped(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ":.".contains(c));
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// A list subscribed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// A URL that passed [`check_url`]; it identifies the subscription.
    pub url: String,
    /// What the editor and the sources call it.
    pub name: String,
    /// The group every entry of the list is shown in, instead of the file's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Why a subscription cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum SubscriptionError {
    /// The URL is refused.
    Url { error: UrlError },
    /// The name breaks the display name rules; `message` says which.
    Name { message: String },
    /// The group breaks the group rules; `message` says which.
    Group { message: String },
    /// The same URL is subscribed to already.
    Duplicate { name: String },
}

impl fmt::Display for SubscriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubscriptionError::Url { error } => error.fmt(f),
            SubscriptionError::Name { message } | SubscriptionError::Group { message } => {
                f.write_str(message)
            }
            SubscriptionError::Duplicate { name } => write!(
                f,
                "You are subscribed to this URL already, as {}.",
                quote(name)
            ),
        }
    }
}

impl std::error::Error for SubscriptionError {}

impl Subscription {
    /// A subscription from what the user entered: the URL checked, the name
    /// and group by the environment rules (an empty name becomes the URL's
    /// file name and host), and the URL not among `existing`.
    pub fn new(
        url: &str,
        name: Option<&str>,
        group: Option<&str>,
        existing: &[Subscription],
    ) -> Result<Subscription, SubscriptionError> {
        let checked = check_url(url).map_err(|error| SubscriptionError::Url { error })?;
        if let Some(other) = existing.iter().find(|s| s.url == checked.url) {
            return Err(SubscriptionError::Duplicate {
                name: other.name.clone(),
            });
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => name.to_string(),
            None => default_name(&checked),
        };
        // The environment rules, checked on a stand-in.
        let probe = EnvironmentInput {
            account_id: Some("000000000000".into()),
            display_name: Some(name.clone()),
            group: group.map(str::to_string),
            ..Default::default()
        };
        let mut group_out = None;
        if let Err(errors) = validate_environment(&probe, "probe") {
            for e in errors {
                match e.field {
                    Field::DisplayName => {
                        return Err(SubscriptionError::Name {
                            message: e.message.replacen("display name", "subscription name", 1),
                        })
                    }
                    Field::Group => return Err(SubscriptionError::Group { message: e.message }),
                    _ => {}
                }
            }
        } else {
            group_out = group.map(str::trim).filter(|g| !g.is_empty());
        }
        Ok(Subscription {
            url: checked.url,
            name,
            group: group_out.map(str::to_string),
        })
    }
}

/// `roleswitch.json on example.com`, cut to the display name's length.
fn default_name(url: &CheckedUrl) -> String {
    let path = url.url[url.origin.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let file = path.rsplit('/').find(|s| !s.is_empty());
    let host = url.origin.trim_start_matches("https://");
    let name = match file {
        Some(file) => format!("{file} on {host}"),
        None => host.to_string(),
    };
    name.chars().take(MAX_DISPLAY_NAME).collect()
}

/// The last copy that was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodCopy {
    /// Its valid entries, as read (the subscription's group is applied when shown).
    pub environments: Vec<Environment>,
    pub format: Format,
    /// When it was fetched (ms since the epoch).
    pub fetched_at: u64,
    /// The server's `ETag`, for `If-None-Match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's `Last-Modified`, for `If-Modified-Since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Entries of the file that were left out, and why.
    #[serde(default)]
    pub left_out: Vec<Diagnostic>,
    /// What the file holds that was not used.
    #[serde(default)]
    pub warnings: Vec<Diagnostic>,
}

/// Why the copy in use is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind",
    try_from = "wire::Tagged"
)]
#[non_exhaustive]
pub enum StaleReason {
    /// The request failed before an answer: offline, DNS, TLS, timeout, a
    /// redirect to a non-https URL, a refused permission. `message` is the worker's.
    Network { message: String },
    /// The server answered with an error status.
    Http { status: u16 },
    /// A `304 Not Modified` although there is no copy to keep.
    NotModifiedWithoutCopy,
    /// Larger than an import may be.
    TooLarge { bytes: usize },
    /// The file is not UTF-8 text.
    NotText,
    /// An HTML page (a sign-in or error page, or a git host's page rather than the raw file).
    WebPage,
    /// The format cannot be told.
    UnknownFormat,
    /// The file is not a usable list; the problems as an import words them
    /// (at most 200 and a count of the rest).
    Invalid { errors: Vec<Diagnostic> },
    /// The file holds far fewer valid entries than the copy in use ([`is_sudden_shrink`]).
    Shrink { previous: usize, now: usize },
}

impl fmt::Display for StaleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaleReason::Network { message } => {
                write!(f, "The list could not be fetched: {message}")
            }
            StaleReason::Http { status } => write!(
                f,
                "The server answered HTTP {status}{}.",
                match status {
                    401 | 403 => " (not allowed: a presigned URL may have expired)",
                    404 => " (not found: check the URL, or whether the file moved)",
                    500..=599 => " (a server error; it is tried again later)",
                    _ => "",
                }
            ),
            StaleReason::NotModifiedWithoutCopy => f.write_str(
                "The server answered 304 Not Modified to a request for a list not fetched yet.",
            ),
            StaleReason::TooLarge { bytes } => match import_too_large(*bytes) {
                Some(message) => f.write_str(&message),
                None => write!(f, "The file is too large ({bytes} bytes)."),
            },
            StaleReason::NotText => f.write_str(
                "The file is not UTF-8 text; publish the list as a JSON or INI text file.",
            ),
            StaleReason::WebPage => f.write_str(
                "The server sent a web page, not a list: use the raw file's URL (on GitHub, the Raw button), and check the file needs no sign-in.",
            ),
            StaleReason::UnknownFormat => f.write_str(
                "The file is not in a format Roleswitch reads (Roleswitch JSON, AWS Extend Switch Roles config, ~/.aws/config, aws organizations list-accounts output).",
            ),
            StaleReason::Invalid { errors } => {
                f.write_str("The file is not a valid list")?;
                match errors.first() {
                    Some(first) if errors.len() > 1 => {
                        write!(f, ": {first} (and {} more problems)", errors.len() - 1)
                    }
                    Some(first) => write!(f, ": {first}"),
                    None => f.write_str("."),
                }
            }
            StaleReason::Shrink { previous, now } => write!(
                f,
                "The new file holds {now} valid entr{} instead of {previous}: more than half would disappear at once, which is more often a publishing mistake than an edit. The last good copy stays in use; accept the new one on the options page if the removal is intended.",
                if *now == 1 { "y" } else { "ies" }
            ),
        }
    }
}

/// Whether the copy in use is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind",
    try_from = "wire::Tagged"
)]
pub enum Status {
    /// Not fetched yet.
    New,
    /// The last refresh succeeded (new copy or `304`) at `checked_at`.
    Ok { checked_at: u64 },
    /// Refreshes have failed since `since`; the last good copy (if any) stays in use.
    Stale {
        since: u64,
        reason: StaleReason,
        /// The reason in words.
        text: String,
    },
}

/// A subscription and everything kept about it between refreshes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionState {
    pub subscription: Subscription,
    /// The copy in use; `None` until one was accepted.
    #[serde(default)]
    pub last_good: Option<GoodCopy>,
    pub status: Status,
    /// Failed refreshes in a row (for the backoff).
    #[serde(default)]
    pub failures: u32,
    /// When the last refresh was attempted (ms since the epoch).
    #[serde(default)]
    pub last_attempt: Option<u64>,
}

impl SubscriptionState {
    /// A subscription not fetched yet.
    pub fn new(subscription: Subscription) -> Self {
        SubscriptionState {
            subscription,
            last_good: None,
            status: Status::New,
            failures: 0,
            last_attempt: None,
        }
    }

    /// The entries in use: the last good copy's, or none.
    pub fn environments(&self) -> &[Environment] {
        self.last_good
            .as_ref()
            .map_or(&[], |c| c.environments.as_slice())
    }
}

/// What the worker's fetch brought back (the body, if any, is passed apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind",
    try_from = "wire::Tagged"
)]
pub enum Fetched {
    /// `200` with a body.
    Body {
        #[serde(default)]
        content_type: Option<String>,
        #[serde(default)]
        etag: Option<String>,
        #[serde(default)]
        last_modified: Option<String>,
    },
    /// `304 Not Modified`.
    NotModified,
    /// Any other status.
    HttpError { status: u16 },
    /// No answer; `message` says why.
    NetworkError { message: String },
}

/// Choices the user makes about a refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RefreshOptions {
    /// Use the new copy even if it is a sudden shrink (the user confirmed the removal).
    pub accept_shrink: bool,
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// A new copy is in use (it may be the same entries).
    Accepted,
    /// `304`: the copy in use is current.
    NotModified,
    /// The last good copy stays in use, marked stale.
    KeptLastGood,
}

/// What changed between the copy in use before and after a refresh, by account and role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    pub added: Vec<Environment>,
    pub changed: Vec<Change>,
    pub removed: Vec<Environment>,
}

impl Changes {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// A refresh applied: the state to store, what happened, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refreshed {
    pub state: SubscriptionState,
    pub outcome: Outcome,
    /// Empty unless `outcome` is `Accepted`.
    pub changes: Changes,
    /// Entries of the new file left out (also kept in the good copy).
    pub left_out: Vec<Diagnostic>,
    /// Whether the entries in use are not those of before (their fields or their order):
    /// what the merged view is made from changed. False for a copy equal to the one it
    /// replaces, whatever else of the state (status, ETag, times) changed.
    pub entries_changed: bool,
}

/// Applies a fetch to a subscription's state: see the module documentation.
/// `body` is the response body (ignored unless `fetched` is a body); `now`
/// is in ms since the epoch.
pub fn apply_refresh(
    state: &SubscriptionState,
    fetched: &Fetched,
    body: &[u8],
    now: u64,
    options: &RefreshOptions,
) -> Refreshed {
    let mut next = state.clone();
    next.last_attempt = Some(now);
    let read = match fetched {
        Fetched::NotModified if state.last_good.is_some() => {
            next.failures = 0;
            next.status = Status::Ok { checked_at: now };
            return Refreshed {
                state: next,
                outcome: Outcome::NotModified,
                changes: Changes::default(),
                left_out: Vec::new(),
                entries_changed: false,
            };
        }
        Fetched::NotModified => Err(StaleReason::NotModifiedWithoutCopy),
        Fetched::HttpError { status } => Err(StaleReason::Http { status: *status }),
        Fetched::NetworkError { message } => Err(StaleReason::Network {
            message: message.chars().take(300).collect(),
        }),
        Fetched::Body {
            content_type,
            etag,
            last_modified,
        } => read_body(body, content_type.as_deref()).and_then(|(copy, left_out)| {
            let previous = state.environments().len();
            let now_count = copy.len();
            if !options.accept_shrink && is_sudden_shrink(previous, now_count) {
                return Err(StaleReason::Shrink {
                    previous,
                    now: now_count,
                });
            }
            Ok((copy, left_out, etag.clone(), last_modified.clone()))
        }),
    };
    match read {
        Ok((lenient, left_out, etag, last_modified)) => {
            let (format, warnings, incoming) = lenient.into_parts();
            let plan = plan_import(state.environments(), &incoming, ImportMode::Replace);
            next.failures = 0;
            next.status = Status::Ok { checked_at: now };
            let entries_changed = state.environments() != plan.result.as_slice();
            next.last_good = Some(GoodCopy {
                environments: plan.result,
                format,
                fetched_at: now,
                etag,
                last_modified,
                left_out: left_out.clone(),
                warnings,
            });
            Refreshed {
                state: next,
                outcome: Outcome::Accepted,
                changes: Changes {
                    added: plan.added,
                    changed: plan.changed,
                    removed: plan.removed,
                },
                left_out,
                entries_changed,
            }
        }
        Err(reason) => {
            next.failures = state.failures.saturating_add(1);
            let since = match &state.status {
                Status::Stale { since, .. } => *since,
                _ => now,
            };
            next.status = Status::Stale {
                since,
                text: reason.to_string(),
                reason,
            };
            Refreshed {
                state: next,
                outcome: Outcome::KeptLastGood,
                changes: Changes::default(),
                left_out: Vec::new(),
                entries_changed: false,
            }
        }
    }
}

/// Reading the tagged enums (`{ "kind": "stale", … }`) through one flat
/// struct: serde's own reader for internally tagged enums buffers every value
/// first, which cost the shipped wasm 39 KiB for these three.
mod wire {
    use serde::Deserialize;

    use super::{Diagnostic, Fetched, StaleReason, Status};

    /// Every field any of the three enums has; `kind` says which apply.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Tagged {
        kind: String,
        #[serde(default)]
        checked_at: Option<u64>,
        #[serde(default)]
        since: Option<u64>,
        #[serde(default)]
        reason: Option<Box<StaleReason>>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        status: Option<u16>,
        #[serde(default)]
        bytes: Option<usize>,
        #[serde(default)]
        errors: Option<Vec<Diagnostic>>,
        #[serde(default)]
        previous: Option<usize>,
        #[serde(default)]
        now: Option<usize>,
        #[serde(default)]
        content_type: Option<String>,
        #[serde(default)]
        etag: Option<String>,
        #[serde(default)]
        last_modified: Option<String>,
    }

    fn need<T>(value: Option<T>, kind: &str, field: &str) -> Result<T, String> {
        value.ok_or_else(|| format!("{kind:?} needs the field {field}"))
    }

    fn unknown(kind: &str, what: &str) -> String {
        format!("unknown {what} kind {kind:?}")
    }

    impl TryFrom<Tagged> for Status {
        type Error = String;

        fn try_from(t: Tagged) -> Result<Self, String> {
            let kind = t.kind.as_str();
            Ok(match kind {
                "new" => Status::New,
                "ok" => Status::Ok {
                    checked_at: need(t.checked_at, kind, "checkedAt")?,
                },
                "stale" => {
                    let reason = *need(t.reason, kind, "reason")?;
                    Status::Stale {
                        since: need(t.since, kind, "since")?,
                        text: t.text.unwrap_or_else(|| reason.to_string()),
                        reason,
                    }
                }
                _ => return Err(unknown(kind, "status")),
            })
        }
    }

    impl TryFrom<Tagged> for StaleReason {
        type Error = String;

        fn try_from(t: Tagged) -> Result<Self, String> {
            let kind = t.kind.as_str();
            Ok(match kind {
                "network" => StaleReason::Network {
                    message: need(t.message, kind, "message")?,
                },
                "http" => StaleReason::Http {
                    status: need(t.status, kind, "status")?,
                },
                "notModifiedWithoutCopy" => StaleReason::NotModifiedWithoutCopy,
                "tooLarge" => StaleReason::TooLarge {
                    bytes: need(t.bytes, kind, "bytes")?,
                },
                "notText" => StaleReason::NotText,
                "webPage" => StaleReason::WebPage,
                "unknownFormat" => StaleReason::UnknownFormat,
                "invalid" => StaleReason::Invalid {
                    errors: need(t.errors, kind, "errors")?,
                },
                "shrink" => StaleReason::Shrink {
                    previous: need(t.previous, kind, "previous")?,
                    now: need(t.now, kind, "now")?,
                },
                _ => return Err(unknown(kind, "stale reason")),
            })
        }
    }

    impl TryFrom<Tagged> for Fetched {
        type Error = String;

        fn try_from(t: Tagged) -> Result<Self, String> {
            let kind = t.kind.as_str();
            Ok(match kind {
                "body" => Fetched::Body {
                    content_type: t.content_type,
                    etag: t.etag,
                    last_modified: t.last_modified,
                },
                "notModified" => Fetched::NotModified,
                "httpError" => Fetched::HttpError {
                    status: need(t.status, kind, "status")?,
                },
                "networkError" => Fetched::NetworkError {
                    message: need(t.message, kind, "message")?,
                },
                _ => return Err(unknown(kind, "fetch result")),
            })
        }
    }
}

/// A body read: its entries, with the format and warnings.
struct Read {
    format: Format,
    warnings: Vec<Diagnostic>,
    environments: Vec<Environment>,
}

impl Read {
    fn len(&self) -> usize {
        self.environments.len()
    }

    fn into_parts(self) -> (Format, Vec<Diagnostic>, Vec<Environment>) {
        (self.format, self.warnings, self.environments)
    }
}

/// Reads a fetched body as a list: its valid entries and those left out.
fn read_body(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<(Read, Vec<Diagnostic>), StaleReason> {
    if import_too_large(body.len()).is_some() {
        return Err(StaleReason::TooLarge { bytes: body.len() });
    }
    let text = std::str::from_utf8(body).map_err(|_| StaleReason::NotText)?;
    let html_type = content_type.is_some_and(|t| {
        let t = t.trim_start().to_ascii_lowercase();
        t.starts_with("text/html") || t.starts_with("application/xhtml")
    });
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let html_text = start.starts_with('<');
    if html_text || (html_type && !start.starts_with('{') && !start.starts_with('[')) {
        return Err(StaleReason::WebPage);
    }
    let Some(lenient) = parse_lenient(text, None, &ImportOptions::default()) else {
        return Err(StaleReason::UnknownFormat);
    };
    if !lenient.refused.is_empty() {
        return Err(StaleReason::Invalid {
            errors: lenient.refused,
        });
    }
    if lenient.environments.is_empty() {
        let mut errors = lenient.left_out;
        errors.truncate(MAX_LISTED);
        if errors.is_empty() {
            errors.push(Diagnostic::general("The file holds no environment.".into()));
        }
        return Err(StaleReason::Invalid { errors });
    }
    Ok((
        Read {
            format: lenient.format,
            warnings: lenient.warnings,
            environments: lenient.environments,
        },
        lenient.left_out,
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An own-JSON file of `n` entries, accounts from `first`, named with `tag`.
    pub(crate) fn list_text(first: u64, n: u64, tag: &str) -> String {
        let entries: Vec<String> = (first..first + n)
            .map(|a| {
                format!(
                    r#"{{"accountId": "{a:012}", "roleName": "Admin", "displayName": "{tag} {a}"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"version": 1, "environments": [{}]}}"#,
            entries.join(",")
        )
    }

    pub(crate) fn body() -> Fetched {
        Fetched::Body {
            content_type: Some("application/json".into()),
            etag: Some("\"v1\"".into()),
            last_modified: None,
        }
    }

    pub(crate) fn subscribed() -> SubscriptionState {
        SubscriptionState::new(
            Subscription::new("https://lists.example.com/team.json", None, None, &[]).unwrap(),
        )
    }

    fn refresh(state: &SubscriptionState, fetched: &Fetched, text: &str, now: u64) -> Refreshed {
        apply_refresh(
            state,
            fetched,
            text.as_bytes(),
            now,
            &RefreshOptions::default(),
        )
    }

    #[test]
    fn urls() {
        // (input, Ok(normalised url, origin, permission) or Err(error))
        let ok = |u: &str, o: &str, p: &str| Ok((u.to_string(), o.to_string(), p.to_string()));
        type Want = Result<(String, String, String), UrlError>;
        let cases: Vec<(&str, Want)> = vec![
            (
                "https://raw.githubusercontent.com/acme/aws/main/roleswitch.json",
                ok(
                    "https://raw.githubusercontent.com/acme/aws/main/roleswitch.json",
                    "https://raw.githubusercontent.com",
                    "https://raw.githubusercontent.com/*",
                ),
            ),
            (
                "  HTTPS://Lists.Example.COM:8443/a/B.json?X-Amz-Signature=abc  ",
                ok(
                    "https://lists.example.com:8443/a/B.json?X-Amz-Signature=abc",
                    "https://lists.example.com:8443",
                    "https://lists.example.com/*",
                ),
            ),
            (
                "https://example.com",
                ok(
                    "https://example.com/",
                    "https://example.com",
                    "https://example.com/*",
                ),
            ),
            (
                "https://[::1]:9000/l",
                ok(
                    "https://[::1]:9000/l",
                    "https://[::1]:9000",
                    "https://[::1]/*",
                ),
            ),
            ("", Err(UrlError::Empty)),
            (
                "http://example.com/l.json",
                Err(UrlError::NotHttps {
                    scheme: Some("http".into()),
                }),
            ),
            (
                "file:///etc/passwd",
                Err(UrlError::NotHttps {
                    scheme: Some("file".into()),
                }),
            ),
            (
                "example.com/l.json",
                Err(UrlError::NotHttps { scheme: None }),
            ),
            (
                "https://user:secret@example.com/l.json",
                Err(UrlError::Credentials),
            ),
            (
                "https://token@example.com/l.json",
                Err(UrlError::Credentials),
            ),
            ("https:///l.json", Err(UrlError::NoHost)),
            ("https://:443/l.json", Err(UrlError::NoHost)),
            ("https://example.com:0/l", Err(UrlError::BadPort)),
            ("https://example.com:99999/l", Err(UrlError::BadPort)),
            ("https://example.com:+80/l", Err(UrlError::BadPort)),
            ("https://exa mple.com/l", Err(UrlError::Whitespace)),
            (
                "https://bücher.example/l",
                Err(UrlError::BadHost {
                    host: "bücher.example".into(),
                }),
            ),
            (
                "https://-bad.example/l",
                Err(UrlError::BadHost {
                    host: "-bad.example".into(),
                }),
            ),
        ];
        for (input, want) in cases {
            let got = check_url(input).map(|c| (c.url, c.origin, c.permission));
            assert_eq!(got, want, "{input:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(matches!(check_url(&long), Err(UrlError::TooLong { .. })));
    }

    #[test]
    fn url_messages_never_repeat_the_query() {
        for url in [
            "http://example.com/l.json?X-Amz-Signature=SECRETSIG",
            "https://u:p@example.com/l.json?X-Amz-Signature=SECRETSIG",
        ] {
            let message = check_url(url).unwrap_err().to_string();
            assert!(
                !message.contains("SECRETSIG") && !message.contains("u:p"),
                "{message}"
            );
        }
    }

    #[test]
    fn subscriptions_get_a_name_and_a_checked_group() {
        let s = Subscription::new(
            "https://example.com/teams/platform.json?sig=1",
            None,
            Some(" Platform "),
            &[],
        )
        .unwrap();
        assert_eq!(s.name, "platform.json on example.com");
        assert_eq!(s.group.as_deref(), Some("Platform"));
        let dup = Subscription::new(
            "https://EXAMPLE.com/teams/platform.json?sig=1",
            Some("x"),
            None,
            std::slice::from_ref(&s),
        );
        assert_eq!(
            dup,
            Err(SubscriptionError::Duplicate {
                name: s.name.clone()
            })
        );
        let long_group = "g".repeat(65);
        let err =
            Subscription::new("https://example.com/b", None, Some(&long_group), &[]).unwrap_err();
        assert!(matches!(err, SubscriptionError::Group { .. }), "{err}");
        let err =
            Subscription::new("https://example.com/b", Some("a\u{200b}b"), None, &[]).unwrap_err();
        assert!(
            err.to_string().starts_with("The subscription name"),
            "{err}"
        );
    }

    #[test]
    fn shrink_threshold() {
        // (previous, now, held back)
        let cases = [
            (0, 0, false),
            (0, 5, false),
            (1, 0, true),
            (5, 1, false),
            (9, 1, false),
            (10, 5, false),
            (10, 4, true),
            (100, 50, false),
            (100, 49, true),
            (100, 10, true),
        ];
        for (previous, now, want) in cases {
            assert_eq!(is_sudden_shrink(previous, now), want, "{previous} -> {now}");
        }
    }

    #[test]
    fn a_good_file_is_accepted_with_what_changed() {
        let first = refresh(&subscribed(), &body(), &list_text(1, 20, "a"), 1_000);
        assert_eq!(first.outcome, Outcome::Accepted);
        assert_eq!(first.changes.added.len(), 20);
        assert_eq!(first.state.status, Status::Ok { checked_at: 1_000 });
        let copy = first.state.last_good.as_ref().unwrap();
        assert_eq!(
            (copy.fetched_at, copy.etag.as_deref()),
            (1_000, Some("\"v1\""))
        );
        // Accounts 1..=20 become 3..=22, the rest renamed.
        let second = refresh(&first.state, &body(), &list_text(3, 20, "b"), 2_000);
        assert_eq!(second.outcome, Outcome::Accepted);
        let accounts =
            |l: &[Environment]| l.iter().map(|e| e.account_id.clone()).collect::<Vec<_>>();
        assert_eq!(
            accounts(&second.changes.added),
            ["000000000021", "000000000022"]
        );
        assert_eq!(
            accounts(&second.changes.removed),
            ["000000000001", "000000000002"]
        );
        assert_eq!(second.changes.changed.len(), 18);
        assert_eq!(second.changes.changed[0].after.display_name, "b 3");
    }

    #[test]
    fn failures_keep_the_last_good_copy_marked_stale() {
        let good = refresh(&subscribed(), &body(), &list_text(1, 20, "a"), 1_000).state;
        let html = Fetched::Body {
            content_type: Some("text/html; charset=utf-8".into()),
            etag: None,
            last_modified: None,
        };
        // (fetched, body, reason kind, text in the reason)
        let cases: Vec<(Fetched, Vec<u8>, &str)> = vec![
            (
                Fetched::NetworkError {
                    message: "timed out after 30 s".into(),
                },
                vec![],
                "timed out after 30 s",
            ),
            (
                Fetched::HttpError { status: 500 },
                vec![],
                "HTTP 500 (a server error",
            ),
            (
                Fetched::HttpError { status: 403 },
                vec![],
                "presigned URL may have expired",
            ),
            (
                body(),
                b"{\"version\": 1, \"environments\": [".to_vec(),
                "not valid JSON",
            ),
            (
                body(),
                b"no list here".to_vec(),
                "not in a format Roleswitch reads",
            ),
            (body(), vec![0xff, 0xfe, 0x00], "not UTF-8"),
            (html, b"<!doctype html><p>Sign in".to_vec(), "web page"),
            (
                body(),
                list_text(1, 2, "a").into_bytes(),
                "2 valid entries instead of 20",
            ),
            (
                body(),
                br#"{"version": 1, "environments": [{"accountId": "1"}]}"#.to_vec(),
                "must be 12 digits",
            ),
        ];
        for (i, (fetched, bytes, want)) in cases.into_iter().enumerate() {
            let r = apply_refresh(
                &good,
                &fetched,
                &bytes,
                5_000 + i as u64,
                &RefreshOptions::default(),
            );
            assert_eq!(r.outcome, Outcome::KeptLastGood, "{want}");
            assert_eq!(r.state.last_good, good.last_good, "{want}");
            assert_eq!(r.state.failures, 1);
            let Status::Stale { since, text, .. } = &r.state.status else {
                panic!("{want}: not stale")
            };
            assert_eq!(*since, 5_000 + i as u64);
            assert!(text.contains(want), "{text}\nwant {want}");
            // A second failure keeps the time the copy went stale.
            let again = refresh(&r.state, &Fetched::HttpError { status: 502 }, "", 9_000);
            assert!(matches!(again.state.status, Status::Stale { since: s, .. } if s == *since));
            assert_eq!(again.state.failures, 2);
        }
        let too_large = vec![b' '; crate::input::MAX_IMPORT_BYTES + 1];
        let r = apply_refresh(
            &good,
            &body(),
            &too_large,
            6_000,
            &RefreshOptions::default(),
        );
        assert!(matches!(
            r.state.status,
            Status::Stale {
                reason: StaleReason::TooLarge { .. },
                ..
            }
        ));
    }

    #[test]
    fn a_shrink_the_user_accepts_is_used() {
        let good = refresh(&subscribed(), &body(), &list_text(1, 20, "a"), 1_000).state;
        let small = list_text(1, 2, "a");
        let accept = RefreshOptions {
            accept_shrink: true,
        };
        let r = apply_refresh(&good, &body(), small.as_bytes(), 2_000, &accept);
        assert_eq!(r.outcome, Outcome::Accepted);
        assert_eq!(r.changes.removed.len(), 18);
        assert_eq!(r.state.environments().len(), 2);
    }

    #[test]
    fn not_modified_costs_nothing_and_clears_stale() {
        let good = refresh(&subscribed(), &body(), &list_text(1, 20, "a"), 1_000).state;
        let failed = refresh(&good, &Fetched::HttpError { status: 500 }, "", 2_000).state;
        let r = refresh(&failed, &Fetched::NotModified, "", 3_000);
        assert_eq!(r.outcome, Outcome::NotModified);
        assert_eq!(r.state.status, Status::Ok { checked_at: 3_000 });
        assert_eq!((r.state.failures, &r.state.last_good), (0, &good.last_good));
        // A 304 with nothing to keep is a failure.
        let r = refresh(&subscribed(), &Fetched::NotModified, "", 1_000);
        assert_eq!(r.outcome, Outcome::KeptLastGood);
    }

    #[test]
    fn entries_changed_says_whether_the_entries_in_use_are_new() {
        let text = list_text(1, 20, "a");
        let first = refresh(&subscribed(), &body(), &text, 1_000);
        assert!(first.entries_changed, "a first copy");
        // As the worker has it: the state read back from storage (through JSON), not the value
        // just made. (In JS, Chromium also gives its objects' keys back sorted: the comparison
        // is the core's, on the entries, so that order plays no part.)
        let stored: SubscriptionState =
            serde_json::from_value(serde_json::to_value(&first.state).unwrap()).unwrap();
        let again = |fetched: &Fetched, text: &str| refresh(&stored, fetched, text, 2_000);
        let other_etag = Fetched::Body {
            content_type: Some("application/json".into()),
            etag: Some("\"v2\"".into()),
            last_modified: None,
        };
        let with_a_bad_entry =
            text.replace("]}", r#", {"accountId": "12345", "displayName": "bad"}]}"#);
        let reversed = {
            let mut copy = stored.clone();
            copy.last_good.as_mut().unwrap().environments.reverse();
            copy
        };
        // (what, the refresh, whether the entries changed)
        let cases: Vec<(&str, Refreshed, bool)> = vec![
            ("the same file", again(&body(), &text), false),
            (
                "the same file, a new ETag",
                again(&other_etag, &text),
                false,
            ),
            (
                "the same entries and one left out",
                again(&body(), &with_a_bad_entry),
                false,
            ),
            ("304", again(&Fetched::NotModified, ""), false),
            ("500", again(&Fetched::HttpError { status: 500 }, ""), false),
            ("not a list", again(&body(), "<html>"), false),
            (
                "one renamed",
                again(&body(), &text.replace("a 7\"", "a 7 (renamed)\"")),
                true,
            ),
            ("one more", again(&body(), &list_text(1, 21, "a")), true),
            (
                "another order",
                refresh(&reversed, &body(), &text, 2_000),
                true,
            ),
        ];
        for (what, r, want) in cases {
            assert_eq!(r.entries_changed, want, "{what}: {:?}", r.outcome);
        }
    }

    #[test]
    fn invalid_entries_are_left_out_and_listed() {
        let text = r#"{"version": 1, "environments": [
            {"accountId": "111111111111", "displayName": "one"},
            {"accountId": "12345", "displayName": "bad"}]}"#;
        let r = refresh(&subscribed(), &body(), text, 1_000);
        assert_eq!(r.outcome, Outcome::Accepted);
        assert_eq!(r.state.environments().len(), 1);
        assert_eq!(r.left_out.len(), 1);
        assert!(r.left_out[0]
            .to_string()
            .starts_with("environments[1].accountId (\"bad\")"));
        assert_eq!(r.state.last_good.unwrap().left_out, r.left_out);
    }

    #[test]
    fn tagged_values_round_trip_and_bad_ones_are_refused() {
        let reasons = [
            StaleReason::Network {
                message: "offline".into(),
            },
            StaleReason::Http { status: 404 },
            StaleReason::NotModifiedWithoutCopy,
            StaleReason::TooLarge { bytes: 20_000_000 },
            StaleReason::NotText,
            StaleReason::WebPage,
            StaleReason::UnknownFormat,
            StaleReason::Invalid {
                errors: vec![Diagnostic::general("x".into())],
            },
            StaleReason::Shrink {
                previous: 20,
                now: 2,
            },
        ];
        for reason in reasons {
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(
                serde_json::from_str::<StaleReason>(&json).unwrap(),
                reason,
                "{json}"
            );
            let status = Status::Stale {
                since: 5,
                text: reason.to_string(),
                reason,
            };
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(
                serde_json::from_str::<Status>(&json).unwrap(),
                status,
                "{json}"
            );
        }
        for status in [Status::New, Status::Ok { checked_at: 3 }] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(
                serde_json::from_str::<Status>(&json).unwrap(),
                status,
                "{json}"
            );
        }
        for fetched in [
            body(),
            Fetched::NotModified,
            Fetched::HttpError { status: 500 },
            Fetched::NetworkError {
                message: "timeout".into(),
            },
        ] {
            let json = serde_json::to_string(&fetched).unwrap();
            assert_eq!(
                serde_json::from_str::<Fetched>(&json).unwrap(),
                fetched,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&Fetched::HttpError { status: 500 }).unwrap(),
            r#"{"kind":"httpError","status":500}"#
        );
        // As the worker writes it: camelCase fields.
        let from_js: Fetched = serde_json::from_str(
            r#"{"kind": "body", "contentType": "text/plain", "etag": "e", "lastModified": "m"}"#,
        )
        .unwrap();
        assert_eq!(
            from_js,
            Fetched::Body {
                content_type: Some("text/plain".into()),
                etag: Some("e".into()),
                last_modified: Some("m".into())
            }
        );
        assert_eq!(
            serde_json::to_string(&Status::Ok { checked_at: 1 }).unwrap(),
            r#"{"kind":"ok","checkedAt":1}"#
        );
        for (json, want) in [
            (
                r#"{"kind": "httpError"}"#,
                "\"httpError\" needs the field status",
            ),
            (
                r#"{"kind": "teapot"}"#,
                "unknown fetch result kind \"teapot\"",
            ),
            (r#"{"status": 500}"#, "missing field `kind`"),
        ] {
            let err = serde_json::from_str::<Fetched>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err}");
        }
        let err = serde_json::from_str::<Status>(r#"{"kind": "stale", "since": 1}"#).unwrap_err();
        assert!(err.to_string().contains("needs the field reason"), "{err}");
    }

    #[test]
    fn state_round_trips_through_json() {
        let good = refresh(&subscribed(), &body(), &list_text(1, 3, "a"), 1_000).state;
        let stale = refresh(&good, &Fetched::HttpError { status: 500 }, "", 2_000).state;
        for state in [subscribed(), good, stale] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(
                serde_json::from_str::<SubscriptionState>(&json).unwrap(),
                state,
                "{json}"
            );
        }
    }
}

//! Which account and role is a console page in, and which environment is that.
//!
//! The content script collects raw signals from the page (it cannot run the
//! core there); this module reads them, newest signal first, tolerating any
//! of them missing or malformed.

use serde::{Deserialize, Serialize};

use crate::aws::{self, Arn};
use crate::console::sso;
use crate::model::Environment;

/// Raw signals a content script read from a console page. All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsoleSignals {
    /// `location.host`.
    pub host: Option<String>,
    /// The `content` of `<meta name="awsc-session-data">` (JSON).
    pub session_data: Option<String>,
    /// The raw value of the `aws-userInfo` cookie (URL-encoded JSON).
    pub user_info_cookie: Option<String>,
    /// Texts of the navigation's elements that may show the account ID (may be
    /// hyphenated), in the order they are tried.
    pub nav_account: Option<NavTexts>,
    /// Texts of the navigation's elements that may show `Role/session`, e.g.
    /// `Admin/alice`, in the order they are tried.
    pub nav_role: Option<NavTexts>,
}

/// Texts read from the navigation header: one, or several candidates in order
/// (JSON: a string or an array of strings). Each is tried until one yields a
/// value: a copy button whose text is a word or an icon label is skipped, not
/// the end of the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "OneOrMany")]
pub struct NavTexts(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for NavTexts {
    fn from(value: OneOrMany) -> Self {
        match value {
            OneOrMany::One(text) => NavTexts(vec![text]),
            OneOrMany::Many(texts) => NavTexts(texts),
        }
    }
}

impl From<&str> for NavTexts {
    fn from(text: &str) -> Self {
        NavTexts(vec![text.to_string()])
    }
}

impl NavTexts {
    /// The first value `read` finds in one of the texts.
    fn first<T>(texts: Option<&NavTexts>, read: impl FnMut(&String) -> Option<T>) -> Option<T> {
        texts?.0.iter().find_map(read)
    }
}

/// The role in navigation text such as `Admin/alice` (`Role/session`).
fn role_in_nav_text(text: &str) -> Option<String> {
    let (role, _) = text.trim().split_once('/')?;
    (!role.is_empty() && !role.contains(char::is_whitespace)).then(|| role.to_string())
}

/// What the page says about who is signed in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleIdentity {
    pub account_id: Option<String>,
    /// The assumed role's name (without path), when in a role; for an IAM
    /// Identity Center session the permission set's name, never the
    /// reserved `AWSReservedSSO_…` role name.
    pub role_name: Option<String>,
    /// The role is an Identity Center permission set's reserved role.
    pub identity_center: bool,
    pub account_alias: Option<String>,
    pub signin_endpoint: Option<String>,
    /// Multi-session console (`prismModeEnabled`).
    pub multi_session: bool,
    /// The multi-session console's session differentiator.
    pub session_differentiator: Option<String>,
    /// Which signal gave the account ID.
    pub source: Option<&'static str>,
    /// The host names an account (a multi-session console host) but the page
    /// says nothing of a session: no session data with an account or a
    /// session ARN, and no account in the navigation. The browser has no
    /// session there (the cookie is not asked: it is shared by every session).
    /// Only meaningful once the page has loaded.
    pub sessionless: bool,
}

/// Reads account and role from an ARN such as
/// `arn:aws:sts::111122223333:assumed-role/Role/session` or `arn:aws:iam::111122223333:user/alice`.
pub fn parse_principal_arn(arn: &str) -> Option<(String, Option<String>)> {
    let arn = Arn::parse(arn.trim())?;
    let account = aws::parse_account_id(arn.account).ok()?;
    let role = arn.assumed_role().map(|(role, _)| role.to_string());
    Some((account, role))
}

/// Finds an account ID in text such as `Admin/alice @ 1111-2222-3333`: twelve
/// digits, possibly grouped 4-4-4 by `-` or spaces, not part of a longer number.
pub fn find_account_in_text(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let mut digits = String::new();
        let mut i = start;
        while i < chars.len() && digits.len() < 12 {
            let c = chars[i];
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !((c == '-' || c == ' ') && matches!(digits.len(), 4 | 8)) {
                break;
            }
            i += 1;
        }
        let ends_clean = chars.get(i).is_none_or(|c| !c.is_ascii_digit());
        if digits.len() == 12 && ends_clean {
            return Some(digits);
        }
    }
    None
}

/// The account in a multi-session console host: `111122223333-abcd1234.us-east-1.console…`.
pub(crate) fn account_from_host(host: &str) -> Option<String> {
    let first = host.split('.').next()?;
    let (prefix, suffix) = first.split_once('-')?;
    if suffix.is_empty() {
        return None;
    }
    aws::parse_account_id(prefix).ok()
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_str(value: &serde_json::Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Reads the identity from the signals, newest signal first.
pub fn identify(signals: &ConsoleSignals) -> ConsoleIdentity {
    let mut id = ConsoleIdentity::default();
    let session: Option<serde_json::Value> = signals
        .session_data
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let cookie: Option<serde_json::Value> = signals
        .user_info_cookie
        .as_deref()
        .and_then(|c| serde_json::from_str(&percent_decode(c)).ok());

    if let Some(s) = &session {
        id.multi_session = s
            .get("prismModeEnabled")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        id.signin_endpoint = json_str(s, "signInEndpoint");
        id.session_differentiator = json_str(s, "sessionDifferentiator");
        id.account_alias = json_str(s, "accountAlias");
    }
    let session_arn = session
        .as_ref()
        .and_then(|s| json_str(s, "sessionARN"))
        .and_then(|a| parse_principal_arn(&a));
    let cookie_arn = cookie
        .as_ref()
        .and_then(|c| json_str(c, "arn"))
        .and_then(|a| parse_principal_arn(&a));

    let accounts = [
        ("host", signals.host.as_deref().and_then(account_from_host)),
        (
            "session-data",
            session
                .as_ref()
                .and_then(|s| json_str(s, "accountId"))
                .and_then(|a| aws::parse_account_id(&a).ok()),
        ),
        ("session-arn", session_arn.as_ref().map(|(a, _)| a.clone())),
        ("cookie", cookie_arn.as_ref().map(|(a, _)| a.clone())),
        (
            "navigation",
            NavTexts::first(signals.nav_account.as_ref(), |t| find_account_in_text(t)),
        ),
    ];
    if let Some((source, account)) = accounts.into_iter().find_map(|(s, a)| a.map(|a| (s, a))) {
        id.source = Some(source);
        id.account_id = Some(account);
    }
    // Roles: only from signals about the same account.
    let same = |a: &String| Some(a) == id.account_id.as_ref();
    id.role_name = session_arn
        .filter(|(a, _)| same(a))
        .and_then(|(_, r)| r)
        .or_else(|| cookie_arn.filter(|(a, _)| same(a)).and_then(|(_, r)| r))
        // The navigation shows "Role/session" when in a role.
        .or_else(|| NavTexts::first(signals.nav_role.as_ref(), |t| role_in_nav_text(t)));
    if let Some(set) = id
        .role_name
        .as_deref()
        .and_then(sso::reserved_permission_set)
    {
        id.role_name = Some(set.to_string());
        id.identity_center = true;
    }
    if id.account_alias.is_none() {
        id.account_alias = cookie.as_ref().and_then(|c| json_str(c, "alias"));
    }
    id.sessionless = id.source == Some("host")
        && account_in_session_data(session.as_ref()).is_none()
        && NavTexts::first(signals.nav_account.as_ref(), |t| find_account_in_text(t)).is_none();
    id
}

/// An account the session data names (its `accountId` or its `sessionARN`'s).
fn account_in_session_data(session: Option<&serde_json::Value>) -> Option<String> {
    let s = session?;
    json_str(s, "accountId")
        .and_then(|a| aws::parse_account_id(&a).ok())
        .or_else(|| {
            json_str(s, "sessionARN")
                .and_then(|a| parse_principal_arn(&a))
                .map(|(a, _)| a)
        })
}

/// How well an environment matched a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchKind {
    /// Same account and role.
    AccountAndRole,
    /// Same account; the page's role is unknown or not the environment's.
    Account,
}

/// The environment for an identity: same account, and the same role when there
/// is an entry for it (an Identity Center session: the assignment with its
/// permission set); otherwise the first entry for the account.
pub fn match_environment<'a>(
    envs: &'a [Environment],
    id: &ConsoleIdentity,
) -> Option<(&'a Environment, MatchKind)> {
    let account = id.account_id.as_deref()?;
    let mut in_account = envs.iter().filter(|e| e.account_id == account).peekable();
    let first = *in_account.peek()?;
    if let Some(role) = id.role_name.as_deref() {
        let key = sso::identity_role_key(role, id.identity_center);
        if let Some(env) = in_account.find(|e| sso::environment_role_key(e) == key) {
            return Some((env, MatchKind::AccountAndRole));
        }
    }
    Some((first, MatchKind::Account))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    fn session(account: &str, arn: &str, prism: bool) -> String {
        serde_json::json!({
            "accountId": account,
            "sessionARN": arn,
            "signInEndpoint": "https://signin.aws.amazon.com",
            "prismModeEnabled": prism,
            "accountAlias": "acme-test",
        })
        .to_string()
    }

    /// An ARN, and the account and role read from it.
    type ArnCase<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>);

    #[test]
    fn principal_arns() {
        let cases: &[ArnCase] = &[
            (
                "arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRole/alice",
                Some(("111122223333", Some("OrganizationAccountAccessRole"))),
            ),
            (
                "arn:aws-us-gov:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/bob",
                Some(("111122223333", Some("AWSReservedSSO_Admin_0123abcd"))),
            ),
            (
                "arn:aws:iam::111122223333:user/alice",
                Some(("111122223333", None)),
            ),
            (
                "arn:aws:iam::111122223333:root",
                Some(("111122223333", None)),
            ),
            ("arn:aws:sts::1111:assumed-role/R/s", None),
            ("not an arn", None),
            ("", None),
        ];
        for (arn, want) in cases {
            let got = parse_principal_arn(arn);
            let got = got.as_ref().map(|(a, r)| (a.as_str(), r.as_deref()));
            assert_eq!(got, *want, "{arn}");
        }
    }

    #[test]
    fn signals_in_order_of_preference() {
        let arn = "arn:aws:sts::111122223333:assumed-role/Dev/alice";
        let cookie = "%7B%22arn%22%3A%22arn%3Aaws%3Asts%3A%3A444455556666%3Aassumed-role%2FOps%2Fbob%22%2C%22alias%22%3A%22acme%22%7D";
        // Signals, and the account, role and alias read from them.
        type Case<'a> = (
            ConsoleSignals,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let cases: Vec<Case> = vec![
            // Multi-session host prefix wins.
            (
                ConsoleSignals {
                    host: Some("999988887777-abcd1234.us-east-1.console.aws.amazon.com".into()),
                    session_data: Some(session("111122223333", arn, true)),
                    ..Default::default()
                },
                Some("999988887777"),
                None,
                Some("host"),
            ),
            (
                ConsoleSignals {
                    session_data: Some(session("111122223333", arn, false)),
                    ..Default::default()
                },
                Some("111122223333"),
                Some("Dev"),
                Some("session-data"),
            ),
            // Broken session data: fall back to the cookie.
            (
                ConsoleSignals {
                    session_data: Some("{not json".into()),
                    user_info_cookie: Some(cookie.into()),
                    ..Default::default()
                },
                Some("444455556666"),
                Some("Ops"),
                Some("cookie"),
            ),
            // Only the navigation header, hyphenated.
            (
                ConsoleSignals {
                    host: Some("us-east-1.console.aws.amazon.com".into()),
                    nav_account: Some(" 1111-2222-3333 ".into()),
                    nav_role: Some("Admin/alice".into()),
                    ..Default::default()
                },
                Some("111122223333"),
                Some("Admin"),
                Some("navigation"),
            ),
            (ConsoleSignals::default(), None, None, None),
            (
                ConsoleSignals {
                    nav_account: Some("1111-2222".into()),
                    ..Default::default()
                },
                None,
                None,
                None,
            ),
        ];
        for (signals, account, role, source) in cases {
            let id = identify(&signals);
            assert_eq!(id.account_id.as_deref(), account, "{signals:?}");
            assert_eq!(id.role_name.as_deref(), role, "{signals:?}");
            assert_eq!(id.source, source, "{signals:?}");
        }
    }

    /// The cases `tests/js/lookup.test.mjs` also runs through `shared/lookup.js`.
    #[test]
    fn shared_cases_every_navigation_text_is_tried() {
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/fixtures/aws/identity-cases.json"))
                .expect("the shared identity cases are JSON");
        assert!(cases.len() >= 10);
        for case in cases {
            let name = &case["name"];
            let signals: ConsoleSignals =
                serde_json::from_value(case["signals"].clone()).expect("signals");
            let id = identify(&signals);
            assert_eq!(
                id.account_id.as_deref(),
                case["accountId"].as_str(),
                "{name}"
            );
            assert_eq!(id.role_name.as_deref(), case["roleName"].as_str(), "{name}");
            assert_eq!(
                id.sessionless,
                case["sessionless"].as_bool().unwrap_or(false),
                "{name}"
            );
        }
    }

    #[test]
    fn account_in_text() {
        let cases = [
            ("1111-2222-3333", Some("111122223333")),
            ("Admin/alice @ 1111-2222-3333", Some("111122223333")),
            ("Account ID: 1111 2222 3333 ", Some("111122223333")),
            ("111122223333", Some("111122223333")),
            ("1111222233334", None),
            ("11-1122223333", None),
            ("order 1111-2222-333 only", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(find_account_in_text(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn role_from_another_account_is_not_used() {
        let signals = ConsoleSignals {
            host: Some("999988887777-abcd.us-east-1.console.aws.amazon.com".into()),
            session_data: Some(session(
                "111122223333",
                "arn:aws:sts::111122223333:assumed-role/Dev/a",
                true,
            )),
            ..Default::default()
        };
        let id = identify(&signals);
        assert_eq!(id.role_name, None);
        assert!(id.multi_session);
    }

    #[test]
    fn matching_prefers_the_role() {
        let mut envs = example_environments();
        let mut admin = envs[0].clone();
        admin.id = "admin".into();
        admin.role_name = "path/Admin".into();
        envs.push(admin);
        let id = |account: &str, role: Option<&str>| ConsoleIdentity {
            account_id: Some(account.into()),
            role_name: role.map(String::from),
            ..Default::default()
        };
        let m = |i: &ConsoleIdentity| match_environment(&envs, i).map(|(e, k)| (e.id.as_str(), k));
        assert_eq!(
            m(&id("111122223333", Some("admin"))),
            Some(("admin", MatchKind::AccountAndRole))
        );
        assert_eq!(
            m(&id("111122223333", Some("OrganizationAccountAccessRole"))),
            Some(("example-test", MatchKind::AccountAndRole))
        );
        assert_eq!(
            m(&id("111122223333", Some("Other"))),
            Some(("example-test", MatchKind::Account))
        );
        assert_eq!(
            m(&id("111122223333", None)),
            Some(("example-test", MatchKind::Account))
        );
        assert_eq!(m(&id("000000000000", None)), None);
        assert_eq!(m(&ConsoleIdentity::default()), None);
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn identity_center_sessions_show_and_match_their_permission_set() {
        let mut envs = example_environments();
        let mut role = envs[0].clone();
        role.id = "iam-admin".into();
        role.role_name = "Admin_Access".into();
        let mut set = envs[0].clone();
        set.id = "sso-admin".into();
        set.role_name = "Admin_Access".into();
        set.portal_url = Some("https://acme.awsapps.com/start".into());
        let mut gov = envs[0].clone();
        gov.id = "gov".into();
        gov.account_id = "444455556666".into();
        gov.role_name = "ReadOnly".into();
        gov.portal_url = Some("https://start.us-gov-home.awsapps.com/directory/d-1".into());
        envs.extend([role, set, gov]);
        // ARN, and the account, the role shown, and the environment matched.
        let cases: &[(&str, &str, &str, Option<(&str, MatchKind)>)] = &[
            (
                "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_Access_0123456789abcdef/user@x",
                "111122223333",
                "Admin_Access",
                Some(("sso-admin", MatchKind::AccountAndRole)),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_admin_access_0123456789ABCDEF/user@x",
                "111122223333",
                "admin_access",
                Some(("sso-admin", MatchKind::AccountAndRole)),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Admin_Access/alice",
                "111122223333",
                "Admin_Access",
                Some(("iam-admin", MatchKind::AccountAndRole)),
            ),
            (
                "arn:aws-us-gov:sts::444455556666:assumed-role/AWSReservedSSO_ReadOnly_fedcba9876543210/bob",
                "444455556666",
                "ReadOnly",
                Some(("gov", MatchKind::AccountAndRole)),
            ),
            (
                "arn:aws-cn:sts::444455556666:assumed-role/AWSReservedSSO_Billing_fedcba9876543210/bob",
                "444455556666",
                "Billing",
                Some(("example-prod", MatchKind::Account)),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Other_0123456789abcdef/x",
                "111122223333",
                "Other",
                Some(("example-test", MatchKind::Account)),
            ),
        ];
        for (arn, account, shown, want) in cases {
            let signals = ConsoleSignals {
                session_data: Some(session(account, arn, false)),
                ..Default::default()
            };
            let id = identify(&signals);
            assert_eq!(id.account_id.as_deref(), Some(*account), "{arn}");
            assert_eq!(id.role_name.as_deref(), Some(*shown), "{arn}");
            assert_eq!(id.identity_center, arn.contains("AWSReservedSSO_"), "{arn}");
            let got = match_environment(&envs, &id).map(|(e, k)| (e.id.as_str(), k));
            assert_eq!(got, *want, "{arn}");
        }
        // The cookie and the navigation text are read the same way.
        let signals = ConsoleSignals {
            nav_account: Some("1111-2222-3333".into()),
            nav_role: Some("AWSReservedSSO_Admin_Access_0123456789abcdef/user@x".into()),
            ..Default::default()
        };
        let id = identify(&signals);
        assert_eq!(
            (id.role_name.as_deref(), id.identity_center),
            (Some("Admin_Access"), true)
        );
    }

    #[test]
    fn a_host_that_names_an_account_on_a_page_without_a_session_is_sessionless() {
        let host = Some("111122223333-abcd1234.us-east-1.console.aws.amazon.com".to_string());
        let bare = ConsoleSignals {
            host: host.clone(),
            ..Default::default()
        };
        assert!(identify(&bare).sessionless);
        // A cookie (shared by every session of the browser) does not make a session here.
        let cookie = ConsoleSignals {
            user_info_cookie: Some(
                "%7B%22arn%22%3A%22arn%3Aaws%3Asts%3A%3A999988887777%3Aassumed-role%2FAdmin%2Fa%22%7D"
                    .into(),
            ),
            ..bare.clone()
        };
        assert!(identify(&cookie).sessionless);
        let with_session = [
            ConsoleSignals {
                session_data: Some(r#"{"accountId":"111122223333"}"#.into()),
                ..bare.clone()
            },
            ConsoleSignals {
                session_data: Some(
                    r#"{"sessionARN":"arn:aws:sts::111122223333:assumed-role/Admin/a"}"#.into(),
                ),
                ..bare.clone()
            },
            ConsoleSignals {
                nav_account: Some("Admin/alice @ 1111-2222-3333".into()),
                ..bare.clone()
            },
            // No account in the host: not this rule's to say.
            ConsoleSignals {
                host: Some("us-east-1.console.aws.amazon.com".into()),
                ..Default::default()
            },
        ];
        for signals in with_session {
            assert!(!identify(&signals).sessionless, "{signals:?}");
        }
    }
}

//! Links a teammate can open without the extension: the IAM Identity Center
//! access portal's shortcut link for an assignment, and AWS's switch-role
//! page link for an assumed role; and the parsers that read them back.
//!
//! What AWS documents about both forms, and what we checked, is in
//! `docs/LINKS.md`. The links carry only what the list holds (account, role
//! or permission set, display name, color) and a console page URL: no
//! token, cookie or CSRF value ever goes into one.

use std::fmt;

use serde::Serialize;

use crate::aws::{split_https, Partition};
use crate::console::switch::{encode_query_value, plan_switch, redirect_uri_for};
use crate::model::{Environment, EnvironmentKind};
use crate::validate::{
    parse_account_id, parse_permission_set, parse_portal_url, parse_role, quote,
};

/// The fragment route of the access portal's shortcut links.
const SHORTCUT_ROUTE: &str = "/#/console?";

/// Longest link (or console URL) read or written: browsers and chat tools
/// cut longer ones.
pub const MAX_LINK: usize = 8192;

/// Why a link could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum LinkError {
    /// A portal shortcut was asked for an assumed-role environment.
    NotIdentityCenter { display_name: String },
    /// A console URL to link to is not a console page of the environment's partition.
    NotConsolePage { url: String, partition: Partition },
    /// The text is not a shortcut or switch-role link.
    NotALink { text: String },
    /// A link's parameter is missing or wrong.
    Parameter { name: &'static str, message: String },
    /// The link or URL is longer than [`MAX_LINK`].
    TooLong { length: usize },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotIdentityCenter { display_name } => write!(
                f,
                "{} is an assumed role, not an Identity Center assignment, so it has no access portal shortcut; copy its switch-role link instead.",
                quote(display_name)
            ),
            LinkError::NotConsolePage { url, partition } => write!(
                f,
                "{} is not an AWS console page in {}; open the console page to link to and try again.",
                quote(url),
                partition.label()
            ),
            LinkError::NotALink { text } => write!(
                f,
                "{} is neither an access portal shortcut (https://<portal>/#/console?account_id=…) nor a switch-role link (https://signin.aws.amazon.com/switchrole?…).",
                quote(text)
            ),
            LinkError::Parameter { name, message } => {
                write!(f, "The link's {name} parameter: {message}")
            }
            LinkError::TooLong { length } => write!(
                f,
                "The link is {length} characters long; links of at most {MAX_LINK} are read and written."
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// The console landing page of `env`: its region's console home, or the
/// partition's console home when it has no region.
pub fn console_home(env: &Environment) -> String {
    let domain = env.partition().console_domain();
    match &env.region {
        Some(region) => format!(
            "https://{region}.{domain}/console/home?region={}",
            encode_query_value(region)
        ),
        None => format!("https://{domain}/console/home"),
    }
}

/// Where a link into `env` lands: `page_url` (a console page of the
/// environment's partition), re-targeted to the environment's region and
/// without a multi-session prefix (that session is the sender's, not the
/// reader's); or, without a page, the environment's landing page.
pub fn destination(env: &Environment, page_url: Option<&str>) -> Result<String, LinkError> {
    let Some(url) = page_url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(console_home(env));
    };
    if url.len() > MAX_LINK {
        return Err(LinkError::TooLong { length: url.len() });
    }
    let partition = env.partition();
    let not_console = || LinkError::NotConsolePage {
        url: url.to_string(),
        partition,
    };
    let (host, tail) = split_https(url).ok_or_else(not_console)?;
    if Partition::of_console_host(host) != Some(partition) {
        return Err(not_console());
    }
    if tail.chars().any(|c| !('\u{21}'..='\u{7e}').contains(&c)) {
        return Err(not_console());
    }
    let host = strip_session_prefix(host);
    // The partition's global console host has no region to replace: name it.
    let url = match &env.region {
        Some(region) if host.eq_ignore_ascii_case(partition.console_domain()) => {
            format!("https://{region}.{host}{tail}")
        }
        _ => format!("https://{host}{tail}"),
    };
    Ok(redirect_uri_for(&url, env.region.as_deref()))
}

/// The access portal shortcut into an Identity Center assignment:
/// `<portal>/#/console?account_id=<id>&role_name=<permission set>&destination=<URL-encoded console URL>`,
/// landing on [`destination`].
pub fn portal_shortcut(env: &Environment, page_url: Option<&str>) -> Result<String, LinkError> {
    let Some(portal) = env.portal_url.as_deref() else {
        return Err(LinkError::NotIdentityCenter {
            display_name: env.display_name.clone(),
        });
    };
    let destination = destination(env, page_url)?;
    Ok(format!(
        "{}{SHORTCUT_ROUTE}account_id={}&role_name={}&destination={}",
        portal.trim_end_matches('/'),
        encode_query_value(&env.account_id),
        encode_query_value(&env.role_name),
        encode_query_value(&destination)
    ))
}

/// AWS's switch-role page link for an assumed role, on the sign-in host of
/// its partition: `account`, `roleName`, `displayName` and `color` (hex
/// without `#`, which the page has accepted though AWS does not document it).
/// The page takes no destination: after the switch the console opens its home.
pub fn switch_role_link(env: &Environment) -> String {
    plan_switch(env).url
}

/// The link for "Copy link" on a console page (`page_url`) in `env`, or for
/// the environment itself without a page: the portal shortcut to the page
/// for an Identity Center assignment, the switch-role link for an assumed role.
pub fn copy_link(env: &Environment, page_url: Option<&str>) -> Result<String, LinkError> {
    match env.kind() {
        EnvironmentKind::IdentityCenter => portal_shortcut(env, page_url),
        EnvironmentKind::AssumedRole => {
            // The page is checked all the same, so that a wrong page is said.
            destination(env, page_url)?;
            Ok(switch_role_link(env))
        }
    }
}

/// A link read back by [`parse_link`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ParsedLink {
    /// An access portal shortcut.
    #[serde(rename_all = "camelCase")]
    Shortcut {
        /// As [`parse_portal_url`] normalises it.
        portal_url: String,
        account_id: String,
        /// Optional in AWS's links: without it the portal asks.
        permission_set: Option<String>,
        /// The console URL, decoded; optional in AWS's links.
        destination: Option<String>,
    },
    /// A switch-role page link.
    #[serde(rename_all = "camelCase")]
    SwitchRole {
        partition: Partition,
        /// Twelve digits, or the account alias the link names.
        account: String,
        role_name: String,
        display_name: Option<String>,
        /// `#rrggbb`, lower case.
        color: Option<String>,
    },
}

/// Reads a shortcut or switch-role link (what [`copy_link`] writes, and the
/// links AWS's own pages give out).
pub fn parse_link(text: &str) -> Result<ParsedLink, LinkError> {
    let text = text.trim();
    if text.len() > MAX_LINK {
        return Err(LinkError::TooLong { length: text.len() });
    }
    let not_a_link = || LinkError::NotALink {
        text: text.to_string(),
    };
    if let Some(at) = text.find(SHORTCUT_ROUTE) {
        let portal = parse_portal_url(&text[..at]).map_err(|_| not_a_link())?;
        let query = Query::read(&text[at + SHORTCUT_ROUTE.len()..])?;
        let account_id = query.account("account_id")?;
        let permission_set = match query.get("role_name") {
            None | Some("") => None,
            Some(raw) => Some(parse_permission_set(raw).map_err(|m| param("role_name", m))?),
        };
        let destination = match query.get("destination") {
            None | Some("") => None,
            Some(url) => {
                let ok =
                    split_https(url).is_some_and(|(h, _)| Partition::of_console_host(h).is_some());
                if !ok {
                    return Err(param(
                        "destination",
                        format!("{} is not an AWS console URL.", quote(url)),
                    ));
                }
                Some(url.to_string())
            }
        };
        return Ok(ParsedLink::Shortcut {
            portal_url: portal,
            account_id,
            permission_set,
            destination,
        });
    }
    let (host, tail) = split_https(text).ok_or_else(not_a_link)?;
    let partition = Partition::of_signin_host(host).ok_or_else(not_a_link)?;
    let query = tail.strip_prefix("/switchrole?").ok_or_else(not_a_link)?;
    let query = Query::read(query.split('#').next().unwrap_or(query))?;
    let account = match query.get("account").map(str::trim) {
        Some(alias) if !alias.is_empty() && alias.bytes().any(|b| b.is_ascii_lowercase()) => {
            alias.to_string()
        }
        _ => query.account("account")?,
    };
    let role_name = parse_role(query.get("roleName").unwrap_or(""))
        .map_err(|m| param("roleName", m))?
        .role_name;
    let display_name = query
        .get("displayName")
        .filter(|d| !d.is_empty())
        .map(String::from);
    let color = match query.get("color").filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => Some(crate::validate::parse_color(raw).map_err(|m| param("color", m))?),
    };
    Ok(ParsedLink::SwitchRole {
        partition,
        account,
        role_name,
        display_name,
        color,
    })
}

fn param(name: &'static str, message: String) -> LinkError {
    LinkError::Parameter { name, message }
}

/// A console host without the multi-session prefix `<12 digits>-<suffix>.`.
fn strip_session_prefix(host: &str) -> &str {
    match host.split_once('.') {
        Some((first, rest))
            if first.len() > 13
                && first.as_bytes()[12] == b'-'
                && first.as_bytes()[..12].iter().all(u8::is_ascii_digit) =>
        {
            rest
        }
        _ => host,
    }
}

/// A link's query parameters, decoded; the first of a repeated name counts.
struct Query(Vec<(String, String)>);

impl Query {
    fn read(query: &str) -> Result<Query, LinkError> {
        let mut pairs = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name).unwrap_or_default();
            let value = percent_decode(value).ok_or_else(|| {
                param(
                    "query",
                    format!(
                        "the value of {} is not correctly URL-encoded.",
                        quote(&name)
                    ),
                )
            })?;
            pairs.push((name, value));
        }
        Ok(Query(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn account(&self, name: &'static str) -> Result<String, LinkError> {
        parse_account_id(self.get(name).unwrap_or("")).map_err(|m| param(name, m))
    }
}

/// Decodes `%XX` escapes (and `+` as a space); `None` when an escape is
/// broken or the bytes are not UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    fn sso_env() -> Environment {
        let mut env = example_environments().remove(0);
        env.portal_url = Some("https://acme.awsapps.com/start".into());
        env.role_name = "Admin_Access".into();
        env.region = Some("eu-west-1".into());
        env
    }

    #[test]
    fn shortcut_to_the_region_landing_page() {
        let env = sso_env();
        assert_eq!(
            portal_shortcut(&env, None).unwrap(),
            "https://acme.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin_Access\
             &destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1"
        );
        let mut no_region = env.clone();
        no_region.region = None;
        assert!(portal_shortcut(&no_region, None)
            .unwrap()
            .ends_with("&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome"));
    }

    #[test]
    fn shortcut_to_a_page_moves_it_to_the_region_and_drops_the_session_prefix() {
        let env = sso_env();
        let page = "https://111122223333-abcd1234.us-east-1.console.aws.amazon.com/s3/buckets/b?region=us-east-1&tab=objects#x";
        let link = portal_shortcut(&env, Some(page)).unwrap();
        let ParsedLink::Shortcut { destination, .. } = parse_link(&link).unwrap() else {
            panic!("{link}");
        };
        assert_eq!(
            destination.as_deref(),
            Some("https://eu-west-1.console.aws.amazon.com/s3/buckets/b?region=eu-west-1&tab=objects#x")
        );
    }

    #[test]
    fn pages_outside_the_partitions_console_are_refused() {
        let env = sso_env();
        for page in [
            "https://evil.example/console",
            "http://eu-west-1.console.aws.amazon.com/ec2",
            "https://console.amazonaws.cn/ec2",
            "https://user@eu-west-1.console.aws.amazon.com/ec2",
            "https://eu-west-1.console.aws.amazon.com/ec2/ space",
        ] {
            let err = portal_shortcut(&env, Some(page)).unwrap_err();
            assert!(
                matches!(err, LinkError::NotConsolePage { .. }),
                "{page}: {err}"
            );
            assert!(
                err.to_string()
                    .contains("is not an AWS console page in the commercial"),
                "{err}"
            );
        }
    }

    #[test]
    fn partitions_pick_their_hosts() {
        let mut env = sso_env();
        env.portal_url = Some("https://start.us-gov-home.awsapps.com/directory/d-1".into());
        env.region = None;
        let link = portal_shortcut(&env, None).unwrap();
        assert!(
            link.starts_with("https://start.us-gov-home.awsapps.com/directory/d-1/#/console?"),
            "{link}"
        );
        assert!(
            link.ends_with(
                "destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2Fconsole%2Fhome"
            ),
            "{link}"
        );
        let mut cn = example_environments().remove(0);
        cn.region = Some("cn-north-1".into());
        assert!(copy_link(&cn, None)
            .unwrap()
            .starts_with("https://signin.amazonaws.cn/switchrole?account=111122223333&roleName=OrganizationAccountAccessRole"));
        let mut gov = example_environments().remove(0);
        gov.partition = Some(Partition::AwsUsGov);
        assert!(
            copy_link(&gov, Some("https://console.amazonaws-us-gov.com/ec2/home"))
                .unwrap()
                .starts_with("https://signin.amazonaws-us-gov.com/switchrole?")
        );
    }

    #[test]
    fn an_assumed_role_has_no_shortcut() {
        let env = example_environments().remove(0);
        let err = portal_shortcut(&env, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"test\" is an assumed role, not an Identity Center assignment, so it has no access portal shortcut; copy its switch-role link instead."
        );
    }

    #[test]
    fn links_written_by_aws_and_by_hand_are_read() {
        let cases: &[(&str, Result<ParsedLink, &str>)] = &[
            (
                "https://d-1234567890.awsapps.com/start/#/console?account_id=111122223333",
                Ok(ParsedLink::Shortcut {
                    portal_url: "https://d-1234567890.awsapps.com/start".into(),
                    account_id: "111122223333".into(),
                    permission_set: None,
                    destination: None,
                }),
            ),
            (
                "https://signin.aws.amazon.com/switchrole?roleName=Dev&account=111122223333",
                Ok(ParsedLink::SwitchRole {
                    partition: Partition::Aws,
                    account: "111122223333".into(),
                    role_name: "Dev".into(),
                    display_name: None,
                    color: None,
                }),
            ),
            (
                "https://signin.aws.amazon.com/switchrole?account=acme-prod&roleName=team%2FDev&displayName=a+b&color=F2B0A9",
                Ok(ParsedLink::SwitchRole {
                    partition: Partition::Aws,
                    account: "acme-prod".into(),
                    role_name: "team/Dev".into(),
                    display_name: Some("a b".into()),
                    color: Some("#f2b0a9".into()),
                }),
            ),
            ("https://example.com/", Err("is neither an access portal shortcut")),
            ("https://signin.aws.amazon.com/console", Err("is neither")),
            (
                "https://acme.example.com/start/#/console?account_id=111122223333",
                Err("is neither"),
            ),
            (
                "https://acme.awsapps.com/start/#/console?account_id=12",
                Err("The link's account_id parameter: Account ID \"12\" must be 12 digits"),
            ),
            (
                "https://acme.awsapps.com/start/#/console?account_id=111122223333&role_name=a%20b",
                Err("The link's role_name parameter: Permission set name \"a b\""),
            ),
            (
                "https://acme.awsapps.com/start/#/console?account_id=111122223333&destination=https%3A%2F%2Fevil.example",
                Err("The link's destination parameter"),
            ),
            (
                "https://acme.awsapps.com/start/#/console?account_id=111122223333&role_name=%ZZ",
                Err("not correctly URL-encoded"),
            ),
            (
                "https://signin.aws.amazon.com/switchrole?account=111122223333",
                Err("The link's roleName parameter: Enter the role"),
            ),
        ];
        for (text, want) in cases {
            match (parse_link(text), want) {
                (Ok(got), Ok(w)) => assert_eq!(&got, w, "{text}"),
                (Err(got), Err(w)) => assert!(got.to_string().contains(w), "{text}: {got}"),
                (got, w) => panic!("{text}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn links_carry_nothing_but_the_entry_and_the_page() {
        let env = sso_env();
        let page = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1";
        for link in [
            copy_link(&env, Some(page)).unwrap(),
            copy_link(&example_environments()[0], None).unwrap(),
        ] {
            for word in ["csrf", "token", "session", "credential", "secret"] {
                assert!(!link.to_ascii_lowercase().contains(word), "{link}");
            }
        }
    }

    mod round_trip {
        use super::*;
        use proptest::prelude::*;

        fn region() -> impl Strategy<Value = Option<String>> {
            prop::option::of(prop::sample::select(vec![
                "us-east-1",
                "eu-west-1",
                "ap-southeast-2",
                "us-gov-west-1",
                "cn-north-1",
            ]))
            .prop_map(|r| r.map(String::from))
        }

        proptest! {
            #[test]
            fn shortcut_links_read_back(
                account in "[0-9]{12}",
                set in "[A-Za-z0-9+=,.@_-]{1,32}",
                portal in prop::sample::select(vec![
                    "https://acme.awsapps.com/start",
                    "https://d-1234567890.awsapps.com/start",
                    "https://start.us-gov-home.awsapps.com/directory/d-9067abcdef",
                    "https://acme.awsapps.cn/start",
                ]),
                region in region(),
                path in "[A-Za-z0-9/._~-]{0,30}",
                query in "[A-Za-z0-9=&%+]{0,20}",
            ) {
                let mut env = sso_env();
                env.account_id = account.clone();
                env.role_name = set.clone();
                env.portal_url = Some(portal.to_string());
                env.region = None;
                // The region must be in the portal's partition.
                let portal_partition = env.partition();
                env.region = region.filter(|r| Partition::of_region(Some(r)) == portal_partition);
                let domain = env.partition().console_domain();
                let page = format!("https://{domain}/{path}?{query}");
                for page in [None, Some(page.as_str())] {
                    let link = portal_shortcut(&env, page).unwrap();
                    let want_destination = destination(&env, page).unwrap();
                    prop_assert_eq!(
                        parse_link(&link).unwrap(),
                        ParsedLink::Shortcut {
                            portal_url: portal.to_string(),
                            account_id: account.clone(),
                            permission_set: Some(set.clone()),
                            destination: Some(want_destination),
                        }
                    );
                }
            }

            #[test]
            fn switch_role_links_read_back(
                account in "[0-9]{12}",
                role in "([A-Za-z0-9_-]{1,8}/){0,2}[A-Za-z0-9+=,.@_-]{1,40}",
                name in "\\PC{1,40}",
                color in "#[0-9a-f]{6}",
                region in region(),
            ) {
                let mut env = example_environments().remove(0);
                env.account_id = account.clone();
                env.role_name = role.clone();
                env.display_name = name.trim().to_string();
                env.color = color.clone();
                env.region = region;
                let link = copy_link(&env, None).unwrap();
                prop_assert_eq!(
                    parse_link(&link).unwrap(),
                    ParsedLink::SwitchRole {
                        partition: env.partition(),
                        account,
                        role_name: role,
                        display_name: Some(env.display_name.clone()).filter(|d| !d.is_empty()),
                        color: Some(color),
                    }
                );
            }
        }
    }
}

//! Building the switch: the switch-role page URL and what the content script
//! on that page fills into AWS's form; and, from inside a console page, the
//! one-step switch (hidden form or multi-session fetch) with its fallback.

use serde::{Deserialize, Serialize};

use crate::aws::{format_account_id, split_https, Partition};
use crate::color;
use crate::console::identity::{identify, ConsoleSignals};
use crate::model::Environment;

/// Percent-encodes a query value: everything but RFC 3986 unreserved characters.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What the content script fills into the switch-role form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormFill {
    pub account: String,
    pub role_name: String,
    pub display_name: String,
    /// The environment's color, hex without `#`.
    pub color: String,
    /// The closest of the colors AWS's form offers, hex without `#` (the
    /// form's color choice is a set of radio buttons).
    pub form_color: String,
}

/// A switch to perform: open `url`, then fill `fill` into the form there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchPlan {
    pub env_id: String,
    pub url: String,
    pub signin_host: String,
    pub fill: FormFill,
}

/// The AWS form color nearest to `hex` (squared RGB distance), without `#`.
pub fn nearest_form_color(hex: &str) -> String {
    color::nearest_named(hex)
        .trim_start_matches('#')
        .to_string()
}

/// The switch for `env`: AWS's documented switch-role URL on the sign-in host
/// of the environment's partition, and the values for its form.
pub fn plan_switch(env: &Environment) -> SwitchPlan {
    let host = env.partition().signin_host();
    let color = env.color.trim_start_matches('#').to_string();
    let url = format!(
        "https://{host}/switchrole?account={}&roleName={}&displayName={}&color={}",
        encode_query_value(&env.account_id),
        encode_query_value(&env.role_name),
        encode_query_value(&env.display_name),
        encode_query_value(&color),
    );
    SwitchPlan {
        env_id: env.id.clone(),
        url,
        signin_host: host.to_string(),
        fill: FormFill {
            account: env.account_id.clone(),
            role_name: env.role_name.clone(),
            display_name: env.display_name.clone(),
            form_color: nearest_form_color(&env.color),
            color,
        },
    }
}

/// What the extension knows about the console page a switch starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageContext {
    /// The page's URL (`location.href`; the background passes the tab's URL).
    pub url: String,
    /// The page's identity signals, as for the banner.
    pub signals: ConsoleSignals,
    /// The CSRF token the page's main world exposes, when one was found.
    pub csrf: Option<String>,
}

/// The fields of the console's own switch-role form (`switchFromBasis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleFormFields {
    pub action: &'static str,
    pub src: &'static str,
    #[serde(rename = "mfaNeeded")]
    pub mfa_needed: &'static str,
    #[serde(rename = "roleName")]
    pub role_name: String,
    pub account: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
    /// Hex without `#`.
    pub color: String,
    pub redirect_uri: String,
    pub csrf: String,
}

/// The JSON body of the multi-session switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSwitchBody {
    pub account: String,
    pub role_name: String,
    pub display_name: String,
    /// Hex without `#`.
    pub color: String,
    pub redirect_uri: String,
}

/// How to switch from a console page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConsoleSwitch {
    /// The console page POSTs a hidden form to `action` (`https://<host>/switchrole`).
    #[serde(rename_all = "camelCase")]
    Form {
        host: String,
        action: String,
        fields: ConsoleFormFields,
    },
    /// The console page `fetch`es `url` (credentials included, header
    /// `X-CSRF-PROTECTION: 1`) with `body` as JSON; the reply's `destination`
    /// is opened in a new tab.
    #[serde(rename_all = "camelCase")]
    Session {
        host: String,
        url: String,
        body: SessionSwitchBody,
    },
    /// Open the switch-role page (`url`, as [`plan_switch`] builds it);
    /// `fallback_reason` says why the one-step switch was not possible.
    #[serde(rename_all = "camelCase")]
    Page {
        url: String,
        fallback_reason: Option<String>,
    },
}

fn is_region_label(label: &str) -> bool {
    crate::validate::parse_region(label).is_ok()
}

/// `url` with `region` put in place of the region in its host and in its
/// `region=` query parameter; unchanged when `region` is `None`.
pub fn redirect_uri_for(url: &str, region: Option<&str>) -> String {
    let (Some(region), Some((host, tail))) = (region, split_https(url)) else {
        return url.to_string();
    };
    let host: Vec<String> = host
        .split('.')
        .map(|l| {
            if is_region_label(l) {
                region.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    // The query is between the first `?` and the first `#` after it.
    let (before_fragment, fragment) = match tail.find('#') {
        Some(i) => tail.split_at(i),
        None => (tail, ""),
    };
    let tail = match before_fragment.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some(("region", _)) => format!("region={}", encode_query_value(region)),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}{fragment}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("https://{}{tail}", host.join("."))
}

/// The host named by a `signInEndpoint` value (`https://signin.aws.amazon.com`
/// or the bare host), when it is one of the three AWS sign-in hosts.
fn signin_host_of(endpoint: &str) -> Option<(String, Partition)> {
    let endpoint = endpoint.trim();
    let host = match split_https(endpoint) {
        Some((host, tail)) if tail.is_empty() || tail == "/" => host,
        Some(_) => return None,
        None => endpoint,
    };
    let partition = Partition::of_signin_host(host)?;
    Some((partition.signin_host().to_string(), partition))
}

/// A CSRF token as the console exposes it: 1 to 1024 characters of URL-safe
/// base64, hex and the like. Anything else is treated as no token.
fn usable_csrf(token: Option<&str>) -> Option<&str> {
    let token = token?.trim();
    let ok = (1..=1024).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-.:~".contains(&b));
    ok.then_some(token)
}

fn is_differentiator(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The switch into `env` from the console page `page`: the one-step switch
/// when the page allows it, the switch-role page otherwise (with the reason).
///
/// Never a form without a CSRF token, and never a switch sent to the sign-in
/// host of another partition than the environment's.
pub fn plan_console_switch(env: &Environment, page: &PageContext) -> ConsoleSwitch {
    let fallback = |reason: String| ConsoleSwitch::Page {
        url: plan_switch(env).url,
        fallback_reason: Some(reason),
    };
    let Some((page_host, _)) = split_https(&page.url) else {
        return fallback("The current tab is not an AWS console page.".into());
    };
    let Some(page_partition) = Partition::of_console_host(page_host) else {
        return fallback("The current tab is not an AWS console page.".into());
    };
    let env_partition = env.partition();
    if env_partition != page_partition {
        return fallback(format!(
            "This console is in {}, but {} is in {}: switching through {}.",
            page_partition.label(),
            env.display_name,
            env_partition.label(),
            env_partition.signin_host()
        ));
    }
    let id = identify(&page.signals);
    let endpoint = id.signin_endpoint.as_deref().and_then(signin_host_of);
    let host = match endpoint {
        Some((host, p)) if p == page_partition => host,
        Some((host, _)) => {
            return fallback(format!(
                "This console names {host} as its sign-in endpoint, which is not its partition's: \
                 switching through the switch-role page."
            ))
        }
        None => {
            return fallback(
                "Could not find this console's sign-in endpoint: switching through the switch-role page."
                    .into(),
            )
        }
    };
    let redirect_uri = redirect_uri_for(&page.url, env.region.as_deref());
    let color = env.color.trim_start_matches('#').to_string();
    if id.multi_session {
        let Some(diff) = id
            .session_differentiator
            .as_deref()
            .filter(|d| is_differentiator(d))
        else {
            return fallback(
                "This multi-session console did not name its session: switching through the switch-role page."
                    .into(),
            );
        };
        return ConsoleSwitch::Session {
            url: format!("https://{host}/sessions/{diff}/v1/switchrole"),
            host,
            body: SessionSwitchBody {
                account: env.account_id.clone(),
                role_name: env.role_name.clone(),
                display_name: env.display_name.clone(),
                color,
                redirect_uri,
            },
        };
    }
    let Some(csrf) = usable_csrf(page.csrf.as_deref()) else {
        return fallback(
            "Could not read this console's CSRF token: switching through the switch-role page."
                .into(),
        );
    };
    ConsoleSwitch::Form {
        action: format!("https://{host}/switchrole"),
        host,
        fields: ConsoleFormFields {
            action: "switchFromBasis",
            src: "nav",
            mfa_needed: "0",
            role_name: env.role_name.clone(),
            account: env.account_id.clone(),
            display_name: env.display_name.clone(),
            color,
            redirect_uri,
            csrf: csrf.to_string(),
        },
    }
}

/// Why a multi-session switch's answer is not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationError {
    pub kind: DestinationErrorKind,
    /// What the user is told, naming the environment.
    message: String,
}

/// The kinds of [`DestinationError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestinationErrorKind {
    /// AWS answered with no destination: this session may not assume the role.
    Refused,
    /// The destination is not a console or sign-in page of the environment's partition.
    Unexpected,
}

impl std::fmt::Display for DestinationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DestinationError {}

/// Checks the `destination` a multi-session switch into `env` replied with:
/// the URL to open, or why not.
pub fn check_destination(env: &Environment, destination: &str) -> Result<String, DestinationError> {
    let destination = destination.trim();
    if destination.is_empty() {
        return Err(DestinationError {
            kind: DestinationErrorKind::Refused,
            message: format!(
                "This session may not assume {} in {} ({}).",
                env.role_name,
                format_account_id(&env.account_id),
                env.display_name
            ),
        });
    }
    let partition = env.partition();
    let ours = split_https(destination).is_some_and(|(host, _)| {
        Partition::of_console_host(host) == Some(partition)
            || Partition::of_signin_host(host) == Some(partition)
    });
    if ours {
        Ok(destination.to_string())
    } else {
        Err(DestinationError {
            kind: DestinationErrorKind::Unexpected,
            message: format!(
                "AWS answered the switch into {} with an unexpected destination; nothing was opened.",
                env.display_name
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    #[test]
    fn switch_url_uses_documented_parameters_and_encodes_values() {
        let mut env = example_environments().remove(0);
        env.display_name = "<img src=x onerror=alert(1)> & co".into();
        env.role_name = "team/Admin".into();
        let plan = plan_switch(&env);
        assert_eq!(
            plan.url,
            "https://signin.aws.amazon.com/switchrole?account=111122223333&roleName=team%2FAdmin\
             &displayName=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%26%20co&color=b7ca9d"
        );
        assert_eq!(plan.fill.account, "111122223333");
        assert_eq!(plan.fill.display_name, env.display_name);
        assert_eq!(plan.fill.form_color, "b7ca9d");
    }

    #[test]
    fn unicode_is_utf8_percent_encoded() {
        assert_eq!(encode_query_value("é☃"), "%C3%A9%E2%98%83");
    }

    #[test]
    fn partitions_pick_their_signin_host() {
        let cases = [
            (None, "signin.aws.amazon.com"),
            (Some("eu-west-1"), "signin.aws.amazon.com"),
            (Some("us-gov-west-1"), "signin.amazonaws-us-gov.com"),
            (Some("cn-north-1"), "signin.amazonaws.cn"),
        ];
        for (region, host) in cases {
            let mut env = example_environments().remove(0);
            env.region = region.map(String::from);
            let plan = plan_switch(&env);
            assert_eq!(plan.signin_host, host);
            assert!(
                plan.url.starts_with(&format!("https://{host}/switchrole?")),
                "{}",
                plan.url
            );
        }
    }

    #[test]
    fn nearest_form_color() {
        let cases = [
            ("#f2b0a9", "f2b0a9"),
            ("#ff0000", "f2b0a9"),
            ("#00ff00", "b7ca9d"),
            ("#0000ff", "83d4e8"),
            ("#ffff00", "efda95"),
            ("#ffc090", "fbc8aa"),
            ("#ff9900", "efda95"),
        ];
        for (hex, want) in cases {
            assert_eq!(super::nearest_form_color(hex), want, "{hex}");
        }
    }

    fn page(url: &str, session: serde_json::Value, csrf: Option<&str>) -> PageContext {
        PageContext {
            url: url.into(),
            signals: ConsoleSignals {
                host: split_https(url).map(|(h, _)| h.to_string()),
                session_data: Some(session.to_string()),
                ..Default::default()
            },
            csrf: csrf.map(String::from),
        }
    }

    fn session(endpoint: &str, prism: bool) -> serde_json::Value {
        serde_json::json!({
            "accountId": "999988887777",
            "sessionARN": "arn:aws:sts::999988887777:assumed-role/Admin/alice",
            "signInEndpoint": endpoint,
            "prismModeEnabled": prism,
            "sessionDifferentiator": "abcd1234",
        })
    }

    const CLASSIC: &str =
        "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1#/dash";

    #[test]
    fn console_form_has_every_field_and_the_region_substituted() {
        let mut env = example_environments().remove(0);
        env.region = Some("eu-west-1".into());
        env.role_name = "team/Dev".into();
        let plan = plan_console_switch(
            &env,
            &page(
                CLASSIC,
                session("https://signin.aws.amazon.com", false),
                Some("tok-123"),
            ),
        );
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "form",
                "host": "signin.aws.amazon.com",
                "action": "https://signin.aws.amazon.com/switchrole",
                "fields": {
                    "action": "switchFromBasis",
                    "src": "nav",
                    "mfaNeeded": "0",
                    "roleName": "team/Dev",
                    "account": "111122223333",
                    "displayName": "test",
                    "color": "b7ca9d",
                    "redirect_uri": "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1#/dash",
                    "csrf": "tok-123",
                }
            })
        );
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn console_switch_kinds_and_fallbacks() {
        let env = example_environments().remove(0);
        let mut gov = env.clone();
        gov.region = Some("us-gov-east-1".into());
        let mut declared_gov = env.clone();
        declared_gov.partition = Some(Partition::AwsUsGov);
        const GOV: &str =
            "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home?region=us-gov-west-1";
        const MULTI: &str =
            "https://999988887777-abcd1234.us-east-1.console.aws.amazon.com/console/home";
        let cases: Vec<(&str, &Environment, PageContext, &str, &str)> = vec![
            (
                "classic",
                &env,
                page(CLASSIC, session("signin.aws.amazon.com", false), Some("t")),
                "form",
                "signin.aws.amazon.com",
            ),
            (
                "no token",
                &env,
                page(CLASSIC, session("signin.aws.amazon.com", false), None),
                "page",
                "CSRF token",
            ),
            (
                "empty token",
                &env,
                page(CLASSIC, session("signin.aws.amazon.com", false), Some("  ")),
                "page",
                "CSRF token",
            ),
            (
                "hostile token",
                &env,
                page(
                    CLASSIC,
                    session("signin.aws.amazon.com", false),
                    Some("a\"><x"),
                ),
                "page",
                "CSRF token",
            ),
            (
                "no endpoint",
                &env,
                page(CLASSIC, serde_json::json!({}), Some("t")),
                "page",
                "sign-in endpoint",
            ),
            (
                "foreign endpoint",
                &env,
                page(
                    CLASSIC,
                    session("https://signin.evil.example", false),
                    Some("t"),
                ),
                "page",
                "sign-in endpoint",
            ),
            (
                "endpoint with a path",
                &env,
                page(
                    CLASSIC,
                    session("https://signin.aws.amazon.com/x", false),
                    Some("t"),
                ),
                "page",
                "sign-in endpoint",
            ),
            (
                "GovCloud endpoint on a commercial console",
                &env,
                page(
                    CLASSIC,
                    session("signin.amazonaws-us-gov.com", false),
                    Some("t"),
                ),
                "page",
                "not its partition",
            ),
            (
                "multi-session",
                &env,
                page(MULTI, session("https://signin.aws.amazon.com", true), None),
                "session",
                "signin.aws.amazon.com",
            ),
            (
                "GovCloud env on a GovCloud console",
                &gov,
                page(
                    GOV,
                    session("https://signin.amazonaws-us-gov.com", false),
                    Some("t"),
                ),
                "form",
                "signin.amazonaws-us-gov.com",
            ),
            (
                "declared GovCloud env on a GovCloud console",
                &declared_gov,
                page(
                    GOV,
                    session("https://signin.amazonaws-us-gov.com", false),
                    Some("t"),
                ),
                "form",
                "signin.amazonaws-us-gov.com",
            ),
            (
                "commercial env on a GovCloud console",
                &env,
                page(
                    GOV,
                    session("https://signin.amazonaws-us-gov.com", false),
                    Some("t"),
                ),
                "page",
                "AWS GovCloud (US), but test is in the commercial AWS partition",
            ),
            (
                "GovCloud env on a commercial console",
                &gov,
                page(
                    CLASSIC,
                    session("https://signin.aws.amazon.com", false),
                    Some("t"),
                ),
                "page",
                "switching through signin.amazonaws-us-gov.com",
            ),
            (
                "not a console",
                &env,
                page(
                    "https://example.com/",
                    session("signin.aws.amazon.com", false),
                    Some("t"),
                ),
                "page",
                "not an AWS console page",
            ),
            (
                "lookalike host",
                &env,
                page(
                    "https://console.aws.amazon.com.evil.example/",
                    session("signin.aws.amazon.com", false),
                    Some("t"),
                ),
                "page",
                "not an AWS console page",
            ),
        ];
        for (what, env, ctx, kind, detail) in cases {
            let plan = plan_console_switch(env, &ctx);
            let json = serde_json::to_value(&plan).unwrap();
            assert_eq!(json["kind"], kind, "{what}: {json}");
            match plan {
                ConsoleSwitch::Form {
                    host,
                    action,
                    fields,
                } => {
                    assert_eq!(host, detail, "{what}");
                    assert_eq!(action, format!("https://{detail}/switchrole"), "{what}");
                    assert!(!fields.csrf.is_empty(), "{what}");
                }
                ConsoleSwitch::Session { host, .. } => assert_eq!(host, detail, "{what}"),
                ConsoleSwitch::Page {
                    url,
                    fallback_reason,
                } => {
                    let reason = fallback_reason.unwrap();
                    assert!(reason.contains(detail), "{what}: {reason}");
                    // The page fallback always goes to the environment's own partition.
                    let host = env.partition().signin_host();
                    assert!(
                        url.starts_with(&format!("https://{host}/switchrole?")),
                        "{what}: {url}"
                    );
                }
            }
        }
    }

    #[test]
    fn session_switch_url_and_body() {
        let mut env = example_environments().remove(1);
        env.region = Some("eu-central-1".into());
        let plan = plan_console_switch(
            &env,
            &page(
                "https://999988887777-abcd1234.us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1",
                session("https://signin.aws.amazon.com", true),
                None,
            ),
        );
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            serde_json::json!({
                "kind": "session",
                "host": "signin.aws.amazon.com",
                "url": "https://signin.aws.amazon.com/sessions/abcd1234/v1/switchrole",
                "body": {
                    "account": "444455556666",
                    "roleName": "OrganizationAccountAccessRole",
                    "displayName": "prod",
                    "color": "f2b0a9",
                    "redirectUri": "https://999988887777-abcd1234.eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1",
                }
            })
        );
        let mut bad = session("https://signin.aws.amazon.com", true);
        bad["sessionDifferentiator"] = "../../x".into();
        let plan = plan_console_switch(&env, &page(CLASSIC, bad, None));
        assert!(matches!(plan, ConsoleSwitch::Page { .. }), "{plan:?}");
    }

    #[test]
    fn redirect_uri_substitution() {
        let cases = [
            (CLASSIC, None, CLASSIC),
            (
                "https://console.aws.amazon.com/console/home",
                Some("eu-west-1"),
                "https://console.aws.amazon.com/console/home",
            ),
            (
                "https://us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1&tab=a",
                Some("ap-south-2"),
                "https://ap-south-2.console.aws.amazon.com/s3/buckets?region=ap-south-2&tab=a",
            ),
            (
                "https://s3.console.aws.amazon.com/s3/home?x=1#region=1",
                Some("eu-west-1"),
                "https://s3.console.aws.amazon.com/s3/home?x=1#region=1",
            ),
        ];
        for (url, region, want) in cases {
            assert_eq!(redirect_uri_for(url, region), want, "{url}");
        }
    }

    #[test]
    fn destinations() {
        let env = example_environments().remove(0);
        let refused = check_destination(&env, "").unwrap_err();
        assert_eq!(refused.kind, DestinationErrorKind::Refused);
        assert_eq!(
            refused.to_string(),
            "This session may not assume OrganizationAccountAccessRole in 1111-2222-3333 (test)."
        );
        let ok = "https://111122223333-s1.us-east-1.console.aws.amazon.com/console/home";
        assert_eq!(check_destination(&env, ok), Ok(ok.into()));
        assert_eq!(
            check_destination(&env, "https://evil.example/").map_err(|e| e.kind),
            Err(DestinationErrorKind::Unexpected)
        );
        assert!(check_destination(&env, "javascript:alert(1)").is_err());
        assert!(
            check_destination(&env, "https://us-gov-west-1.console.amazonaws-us-gov.com/").is_err()
        );
    }
}

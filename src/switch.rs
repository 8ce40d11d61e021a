//! Building the switch: the switch-role page URL, and what the content script
//! on that page fills into AWS's form.

use serde::Serialize;

use crate::model::Environment;
use crate::validate::AWS_COLORS;

/// The AWS partition an account lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Partition {
    /// Commercial regions (`aws`).
    Aws,
    /// AWS GovCloud (US) (`aws-us-gov`).
    AwsUsGov,
    /// China regions (`aws-cn`).
    AwsCn,
}

impl Partition {
    /// The partition of a region code; commercial when there is none.
    pub fn of_region(region: Option<&str>) -> Partition {
        match region {
            Some(r) if r.starts_with("us-gov-") => Partition::AwsUsGov,
            Some(r) if r.starts_with("cn-") => Partition::AwsCn,
            _ => Partition::Aws,
        }
    }

    /// The partition's name as it appears in ARNs.
    pub fn arn_name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
        }
    }

    /// The host of the partition's sign-in (switch-role) page.
    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::AwsUsGov => "signin.amazonaws-us-gov.com",
            Partition::AwsCn => "signin.amazonaws.cn",
        }
    }
}

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

fn rgb(hex: &str) -> (i32, i32, i32) {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| i32::from_str_radix(s, 16).ok())
            .unwrap_or(0)
    };
    (c(0), c(2), c(4))
}

/// The AWS form color nearest to `hex` (squared RGB distance), without `#`.
pub fn nearest_form_color(hex: &str) -> String {
    let (r, g, b) = rgb(hex);
    let nearest = AWS_COLORS
        .iter()
        .min_by_key(|(_, c)| {
            let (r2, g2, b2) = rgb(c);
            (r - r2).pow(2) + (g - g2).pow(2) + (b - b2).pow(2)
        })
        .map_or(AWS_COLORS[4].1, |(_, c)| c);
    nearest.trim_start_matches('#').to_string()
}

/// The switch for `env`: AWS's documented switch-role URL on the sign-in host
/// of the environment's partition, and the values for its form.
pub fn plan_switch(env: &Environment) -> SwitchPlan {
    let host = Partition::of_region(env.region.as_deref()).signin_host();
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
}

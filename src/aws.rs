//! Facts about AWS itself: partitions, their sign-in and console hosts, and
//! how account IDs are written.
//!
//! A leaf module: it depends on nothing else in the crate.

use serde::{Deserialize, Serialize};

/// The AWS partition an account lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// The partition named as in ARNs (`aws`, `aws-us-gov`, `aws-cn`).
    pub fn from_arn_name(name: &str) -> Option<Partition> {
        [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn]
            .into_iter()
            .find(|p| p.arn_name() == name)
    }

    /// The partition's name as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Partition::Aws => "the commercial AWS partition",
            Partition::AwsUsGov => "AWS GovCloud (US)",
            Partition::AwsCn => "the AWS China partition",
        }
    }

    /// The partition's console domain (`console.aws.amazon.com`, …).
    pub fn console_domain(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::AwsUsGov => "console.amazonaws-us-gov.com",
            Partition::AwsCn => "console.amazonaws.cn",
        }
    }

    /// The partition of a console host (`eu-west-1.console.aws.amazon.com`,
    /// `111122223333-abcd.us-east-1.console…`), or `None` for any other host.
    pub fn of_console_host(host: &str) -> Option<Partition> {
        let host = host.to_ascii_lowercase();
        [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn]
            .into_iter()
            .find(|p| {
                let domain = p.console_domain();
                host == domain
                    || host
                        .strip_suffix(domain)
                        .and_then(|rest| rest.strip_suffix('.'))
                        .is_some_and(|labels| labels.split('.').all(is_host_label))
            })
    }

    /// The partition whose sign-in host is `host`, or `None`.
    pub fn of_signin_host(host: &str) -> Option<Partition> {
        [Partition::Aws, Partition::AwsUsGov, Partition::AwsCn]
            .into_iter()
            .find(|p| p.signin_host().eq_ignore_ascii_case(host))
    }

    /// The partition of an IAM Identity Center access portal host:
    /// `*.awsapps.com` (commercial; `*.us-gov-home.awsapps.com` is GovCloud)
    /// or `*.awsapps.cn` (China). `None` for any other host.
    pub fn of_portal_host(host: &str) -> Option<Partition> {
        let host = host.to_ascii_lowercase();
        let under = |domain: &str| {
            host.strip_suffix(domain)
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
        };
        if under("us-gov-home.awsapps.com") {
            Some(Partition::AwsUsGov)
        } else if under("awsapps.com") {
            Some(Partition::Aws)
        } else if under("awsapps.cn") {
            Some(Partition::AwsCn)
        } else {
            None
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

/// Splits an `https://` URL (the scheme in any case) into its host and the
/// rest (path, query, fragment); `None` for another scheme, or a host with a
/// port, user info or characters no AWS host has.
pub fn split_https(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let ok = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    ok.then_some((authority, tail))
}

/// A DNS label as AWS console hosts have them: letters, digits and hyphens.
fn is_host_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// What kind of AWS page a host serves, where a switch can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// A console host of any partition, region or multi-session account.
    Console,
    /// A partition's sign-in host (the switch-role page).
    SignIn,
}

impl HostKind {
    /// `"console"` or `"signin"`, as the extension's glue names them.
    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::Console => "console",
            HostKind::SignIn => "signin",
        }
    }
}

/// The kind of `host` (as a URL's hostname has it), or `None` for any other host.
pub fn host_kind(host: &str) -> Option<HostKind> {
    if Partition::of_console_host(host).is_some() {
        Some(HostKind::Console)
    } else if Partition::of_signin_host(host).is_some() {
        Some(HostKind::SignIn)
    } else {
        None
    }
}

/// Formats a 12-digit account ID as `1111-2222-3333`; other input is returned as is.
pub fn format_account_id(id: &str) -> String {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &id[0..4], &id[4..8], &id[8..12])
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_hosts() {
        let cases = [
            ("acme.awsapps.com", Some(Partition::Aws)),
            ("d-1234567890.AWSAPPS.com", Some(Partition::Aws)),
            ("start.us-gov-home.awsapps.com", Some(Partition::AwsUsGov)),
            (
                "start.us-gov-east-1.us-gov-home.awsapps.com",
                Some(Partition::AwsUsGov),
            ),
            ("acme.awsapps.cn", Some(Partition::AwsCn)),
            ("awsapps.com", None),
            (".awsapps.com", None),
            ("evilawsapps.com", None),
            ("acme.awsapps.com.evil.example", None),
            ("signin.aws.amazon.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(Partition::of_portal_host(host), want, "{host}");
        }
    }

    #[test]
    fn account_display_groups_digits() {
        let cases = [
            ("111122223333", "1111-2222-3333"),
            ("12345", "12345"),
            ("1111222233334", "1111222233334"),
        ];
        for (input, want) in cases {
            assert_eq!(format_account_id(input), want, "input {input}");
        }
    }

    #[test]
    fn host_kinds() {
        use HostKind::*;
        let cases = [
            ("console.aws.amazon.com", Some(Console)),
            ("eu-west-1.console.aws.amazon.com", Some(Console)),
            (
                "111122223333-abcd1234.us-east-1.console.aws.amazon.com",
                Some(Console),
            ),
            ("us-gov-west-1.console.amazonaws-us-gov.com", Some(Console)),
            ("cn-north-1.console.amazonaws.cn", Some(Console)),
            ("EU-WEST-1.Console.AWS.Amazon.com", Some(Console)),
            ("signin.aws.amazon.com", Some(SignIn)),
            ("signin.amazonaws-us-gov.com", Some(SignIn)),
            ("signin.amazonaws.cn", Some(SignIn)),
            ("xconsole.aws.amazon.com", None),
            ("console.aws.amazon.com.evil.example", None),
            ("a_b.console.aws.amazon.com", None),
            ("a..console.aws.amazon.com", None),
            (".console.aws.amazon.com", None),
            ("eu-west-1.signin.aws.amazon.com", None),
            ("aws.amazon.com", None),
            ("", None),
        ];
        for (host, want) in cases {
            assert_eq!(host_kind(host), want, "{host}");
        }
    }
}

//! Facts about AWS itself: partitions, their sign-in and console hosts, how
//! account IDs, account aliases and region codes are written, and the parts
//! of an ARN.
//!
//! The rules only: a caller that tells a person what is wrong (`validate`)
//! writes the message.
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
    if is_account_id(id) {
        format!("{}-{}-{}", &id[0..4], &id[4..8], &id[8..12])
    } else {
        id.to_string()
    }
}

/// Whether `id` is an account ID as stored: exactly 12 ASCII digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Why a text is not an account ID ([`parse_account_id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountIdError {
    /// Nothing was given.
    Empty,
    /// A character other than a digit, `-` or a space.
    NotDigits,
    /// Only digits, but not 12 of them: how many there are.
    Length(usize),
}

/// Reads an account ID as people write it: 12 digits, grouped or not by `-`
/// or spaces (`1111-2222-3333`, `1111 2222 3333`). Returns the 12 digits.
/// The caller trims the text first.
pub fn parse_account_id(raw: &str) -> Result<String, AccountIdError> {
    if is_account_id(raw) {
        return Ok(raw.to_string()); // the usual case, without the copy below
    }
    if raw.is_empty() {
        return Err(AccountIdError::Empty);
    }
    let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(AccountIdError::NotDigits);
    }
    if digits.len() != 12 {
        return Err(AccountIdError::Length(digits.len()));
    }
    Ok(digits)
}

/// Whether `alias` is an IAM account alias: 3 to 63 of `a-z`, `0-9` and `-`,
/// not starting or ending with `-`.
pub fn is_account_alias(alias: &str) -> bool {
    (3..=63).contains(&alias.len())
        && alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !alias.starts_with('-')
        && !alias.ends_with('-')
}

/// Whether `region` is written as an AWS region code:
/// `<country>-<area>[-<more>]-<number>`, e.g. `eu-west-1`, `us-gov-west-1`,
/// `ap-southeast-5` (lower-case letters, a number of one or two digits).
pub fn is_region(region: &str) -> bool {
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    match (region.split_once('-'), region.rsplit_once('-')) {
        (Some((country, _)), Some((head, number))) => {
            country.len() == 2
                && lower(country)
                && head.len() > 3
                && head[3..].split('-').all(lower)
                && (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// The six fields of an ARN, `arn:<partition>:<service>:<region>:<account>:<resource>`,
/// as written (unchecked: the account may be malformed, the partition unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-us-gov`, `aws-cn` ([`Partition::from_arn_name`]).
    pub partition: &'a str,
    /// `iam`, `sts`, …
    pub service: &'a str,
    /// Empty for global services such as IAM and STS.
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the fifth `:`, e.g. `role/team/Admin`.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The fields of `text` when it starts with `arn:` and has all six; `None` otherwise.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut fields = text.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        )
        else {
            return None;
        };
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// The role's `path/name` of an IAM role ARN
    /// (`arn:aws:iam::111122223333:role/team/Admin` → `team/Admin`), unchecked.
    pub fn role(&self) -> Option<&'a str> {
        (self.service == "iam")
            .then_some(self.resource)?
            .strip_prefix("role/")
    }

    /// The role's name and the session of an assumed-role resource
    /// (`…:assumed-role/Admin/alice` → `Admin`, `Some("alice")`), whatever the
    /// service says (as a page's signals are read); `None` for any other
    /// resource, or one without a role name.
    pub fn assumed_role(&self) -> Option<(&'a str, Option<&'a str>)> {
        let rest = self.resource.strip_prefix("assumed-role/")?;
        let (role, session) = match rest.split_once('/') {
            Some((role, session)) => (role, Some(session)),
            None => (rest, None),
        };
        (!role.is_empty()).then_some((role, session))
    }
}

/// The account and `path/name` of an IAM role ARN,
/// `arn:<partition>:iam::<account>:role/<path/name>`, unchecked.
pub fn role_arn_parts(text: &str) -> Option<(&str, &str)> {
    let arn = Arn::parse(text)?;
    Some((arn.account, arn.role()?))
}

/// The ARN of the role at `path_and_name` (`team/Admin`) in `account` of `partition`.
pub fn role_arn(partition: Partition, account: &str, path_and_name: &str) -> String {
    format!(
        "arn:{}:iam::{account}:role/{path_and_name}",
        partition.arn_name()
    )
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

    #[test]
    fn account_ids_as_written() {
        use AccountIdError::*;
        let cases: &[(&str, Result<&str, AccountIdError>)] = &[
            ("111122223333", Ok("111122223333")),
            ("1111-2222-3333", Ok("111122223333")),
            ("1111 2222 3333", Ok("111122223333")),
            ("11-112222-3333", Ok("111122223333")),
            ("", Err(Empty)),
            ("11112222333", Err(Length(11))),
            ("1111222233334", Err(Length(13))),
            ("--", Err(Length(0))),
            ("1111x2222333", Err(NotDigits)),
            ("١١١١٢٢٢٢٣٣٣٣", Err(NotDigits)),
            ("\t111122223333", Err(NotDigits)),
        ];
        for (raw, want) in cases {
            let want = want.map(String::from);
            assert_eq!(parse_account_id(raw), want, "{raw:?}");
        }
        assert!(is_account_id("111122223333"));
        assert!(!is_account_id("1111-2222-3333"));
    }

    #[test]
    fn account_aliases() {
        for ok in ["acme", "acme-prod-1", "abc", &"a".repeat(63)] {
            assert!(is_account_alias(ok), "{ok}");
        }
        for bad in [
            "ab",
            "-acme",
            "acme-",
            "Acme",
            "ac_me",
            "acmé",
            &"a".repeat(64),
        ] {
            assert!(!is_account_alias(bad), "{bad}");
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-4",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "us-east",
            "useast1",
            "US-EAST-1",
            "eu-west-1a",
            "-1",
            "us--1",
            "us-east-123",
            "eu-west--1",
            "eu--west-1",
            "e-west-1",
            "eu-1",
            "eu-west-1-",
            "eu-w\u{e9}st-1",
            "\u{e9}u-west-1",
            "",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn arns() {
        let arn = Arn::parse("arn:aws-us-gov:iam::111122223333:role/team/Admin").unwrap();
        assert_eq!(
            arn,
            Arn {
                partition: "aws-us-gov",
                service: "iam",
                region: "",
                account: "111122223333",
                resource: "role/team/Admin",
            }
        );
        assert_eq!(arn.role(), Some("team/Admin"));
        assert_eq!(arn.assumed_role(), None);
        // The resource keeps its colons.
        let arn = Arn::parse("arn:aws:logs:eu-west-1:111122223333:log-group:/a:*").unwrap();
        assert_eq!(arn.resource, "log-group:/a:*");
        for not_arn in [
            "",
            "arn:aws:iam::111122223333",
            "urn:aws:iam::1:role/R",
            "arn",
        ] {
            assert_eq!(Arn::parse(not_arn), None, "{not_arn}");
        }
        let role = |text| Arn::parse(text).and_then(|a| a.role());
        assert_eq!(role("arn:aws:iam::123:role/Dev"), Some("Dev"), "unchecked");
        assert_eq!(role("arn:aws:iam::111122223333:user/alice"), None);
        assert_eq!(role("arn:aws:sts::111122223333:role/Dev"), None);
    }

    /// An ARN, and the role and session of its assumed-role resource.
    type AssumedCase<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>);

    #[test]
    fn assumed_roles() {
        let cases: &[AssumedCase] = &[
            (
                "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                Some(("Admin", Some("alice"))),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Admin/alice@acme.example/x",
                Some(("Admin", Some("alice@acme.example/x"))),
            ),
            (
                "arn:aws:sts::111122223333:assumed-role/Admin",
                Some(("Admin", None)),
            ),
            ("arn:aws:sts::111122223333:assumed-role//alice", None),
            ("arn:aws:iam::111122223333:user/alice", None),
            ("arn:aws:iam::111122223333:root", None),
        ];
        for (text, want) in cases {
            let got = Arn::parse(text).and_then(|a| a.assumed_role());
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn role_arns() {
        assert_eq!(
            role_arn(Partition::AwsCn, "111122223333", "team/Dev"),
            "arn:aws-cn:iam::111122223333:role/team/Dev"
        );
        let arn = role_arn(Partition::Aws, "111122223333", "Admin");
        assert_eq!(role_arn_parts(&arn), Some(("111122223333", "Admin")));
        assert_eq!(role_arn_parts("arn:aws:iam::111122223333:user/Admin"), None);
    }
}

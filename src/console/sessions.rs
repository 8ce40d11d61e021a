//! Which live console session a switch starts from. A multi-session console
//! holds up to five sessions per browser; an assumed role can only be
//! switched into from a session whose account may assume it (the
//! environment's base account), and an Identity Center assignment needs no
//! session at all (the access portal opens it).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::aws::{format_account_id, Partition};
use crate::console::identity::ConsoleIdentity;
use crate::console::reach::{base_label, base_matches};
use crate::console::sso;
use crate::model::{Environment, EnvironmentKind};

/// A console session live in this browser, as seen from its tabs (the
/// multi-session host names the account) and their pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LiveSession {
    /// Twelve digits.
    pub account_id: String,
    /// The role as the page shows it (a reserved `AWSReservedSSO_…` name is
    /// read as its permission set); `None` when unknown or an IAM user.
    pub role_name: Option<String>,
    /// The page reported an Identity Center session: `role_name` is then the
    /// permission set it already read from the reserved role.
    pub identity_center: bool,
    pub account_alias: Option<String>,
    /// A console host of the session (`111122223333-abcd.us-east-1.console…`),
    /// which tells its partition.
    pub host: Option<String>,
}

impl LiveSession {
    fn identity(&self) -> ConsoleIdentity {
        let reserved = self
            .role_name
            .as_deref()
            .and_then(sso::reserved_permission_set);
        ConsoleIdentity {
            account_id: Some(self.account_id.clone()),
            role_name: reserved
                .map(String::from)
                .or_else(|| self.role_name.clone()),
            identity_center: self.identity_center || reserved.is_some(),
            account_alias: self.account_alias.clone(),
            ..Default::default()
        }
    }

    fn partition(&self) -> Option<Partition> {
        self.host.as_deref().and_then(Partition::of_console_host)
    }
}

/// Where a switch into an environment starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SourceChoice {
    /// Session `index` already is this environment: go to it.
    AlreadyOpen { index: usize },
    /// Switch from session `index`: its account is the environment's base
    /// account (or the environment names none and the session is in its partition).
    From { index: usize },
    /// An Identity Center assignment: its access portal opens it, no session needed.
    Portal,
    /// No live session may switch into it: sign in to `base` first.
    #[serde(rename_all = "camelCase")]
    SignInTo {
        /// `acme-mgmt (1111-2222-3333) · Admin`.
        base: String,
        /// The base account's ID, when the list knows it.
        account_id: Option<String>,
    },
    /// The environment names no base and no session is live in its partition:
    /// sign in to any account of that partition first.
    SignInAnywhere { partition: Partition },
}

impl fmt::Display for SourceChoice {
    /// What to tell the user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceChoice::AlreadyOpen { index } => {
                write!(f, "Session {} is already there.", index + 1)
            }
            SourceChoice::From { index } => write!(f, "Switching from session {}.", index + 1),
            SourceChoice::Portal => f.write_str("Opened through the AWS access portal."),
            SourceChoice::SignInTo { base, .. } => write!(
                f,
                "No open session can switch into this role: sign in to {base} first, then switch."
            ),
            SourceChoice::SignInAnywhere { partition } => write!(
                f,
                "No console session is open in {}: sign in there first, then switch.",
                partition.label()
            ),
        }
    }
}

/// The session a switch into `env` starts from, among the live `sessions`
/// (in the order the caller prefers, e.g. the current tab's first).
pub fn choose_source(env: &Environment, sessions: &[LiveSession]) -> SourceChoice {
    let env_key = sso::environment_role_key(env);
    let already = sessions.iter().position(|s| {
        let id = s.identity();
        s.account_id == env.account_id
            && id
                .role_name
                .as_deref()
                .is_some_and(|r| sso::identity_role_key(r, id.identity_center) == env_key)
    });
    if let Some(index) = already {
        return SourceChoice::AlreadyOpen { index };
    }
    if env.kind() == EnvironmentKind::IdentityCenter {
        return SourceChoice::Portal;
    }
    let partition = env.partition();
    let same_partition = |s: &LiveSession| s.partition().is_none_or(|p| p == partition);
    match &env.base {
        Some(base) => sessions
            .iter()
            .position(|s| same_partition(s) && base_matches(base, &s.identity()))
            .map_or_else(
                || SourceChoice::SignInTo {
                    base: base_label(base),
                    account_id: base.account_id.clone(),
                },
                |index| SourceChoice::From { index },
            ),
        None => sessions
            .iter()
            .position(same_partition)
            .map_or(SourceChoice::SignInAnywhere { partition }, |index| {
                SourceChoice::From { index }
            }),
    }
}

/// How many sessions the multi-session console holds per browser.
pub const SESSIONS_PER_BROWSER: usize = 5;

/// A live session the user may go to instead of opening another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionOffer {
    /// Index into the sessions given.
    pub index: usize,
    /// `acme-test (1111-2222-3333) · Admin`.
    pub label: String,
}

/// Whether another session may be opened alongside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AlongsideCheck {
    /// Fewer than five sessions are live: open it.
    Room,
    /// Five are: the console would not hold a sixth. One offer per live
    /// session, in the order given; `same_account` is the position in
    /// `offers` of a session of the environment's account, if one is live.
    #[serde(rename_all = "camelCase")]
    Full {
        offers: Vec<SessionOffer>,
        same_account: Option<usize>,
    },
}

impl fmt::Display for AlongsideCheck {
    /// What to tell the user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlongsideCheck::Room => f.write_str("Opening a new session alongside."),
            AlongsideCheck::Full { same_account, .. } => {
                f.write_str(
                    "The console holds five sessions per browser and five are open: \
                     go to one of them instead",
                )?;
                if same_account.is_some() {
                    f.write_str(" (one is in this account)")?;
                }
                f.write_str(", or close one first.")
            }
        }
    }
}

impl LiveSession {
    /// What tells this session from the others: its multi-session host's
    /// first label (`111122223333-abcd1234`), else its account.
    fn key(&self) -> String {
        self.host
            .as_deref()
            .and_then(|h| h.split('.').next())
            .filter(|label| label.contains('-'))
            .unwrap_or(&self.account_id)
            .to_ascii_lowercase()
    }

    fn label(&self) -> String {
        let account = format_account_id(&self.account_id);
        let account = match &self.account_alias {
            Some(alias) => format!("{alias} ({account})"),
            None => account,
        };
        match self.identity().role_name {
            Some(role) => format!("{account} · {role}"),
            None => account,
        }
    }
}

/// Whether a session for `env` may be opened alongside the live `sessions`
/// (one per tab, several tabs may show one session): the console holds
/// [`SESSIONS_PER_BROWSER`], counted by distinct session.
pub fn before_alongside(env: &Environment, sessions: &[LiveSession]) -> AlongsideCheck {
    let mut seen: Vec<String> = Vec::new();
    let mut offers = Vec::new();
    for (index, s) in sessions.iter().enumerate() {
        let key = s.key();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        offers.push(SessionOffer {
            index,
            label: s.label(),
        });
    }
    if offers.len() < SESSIONS_PER_BROWSER {
        return AlongsideCheck::Room;
    }
    let same_account = offers
        .iter()
        .position(|o| sessions[o.index].account_id == env.account_id);
    AlongsideCheck::Full {
        offers,
        same_account,
    }
}

/// At most this many environments are offered on a page without a session
/// (one button each); the popup has the rest.
pub const MAX_OFFERED: usize = 3;

/// One environment offered on a console page without a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferedEnvironment {
    pub id: String,
    /// The button's text: `open test` (with the role when the account has
    /// several environments: `open test (Admin)`).
    pub label: String,
}

/// What the banner says on a console page whose host names an account
/// (`<account>-<suffix>.<region>.console…`) while this browser has no session
/// there, and which environments of the list it offers to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionlessOffer {
    /// The account the host names.
    pub account_id: String,
    /// `No session of test (1111-2222-3333) is open in this browser.`
    pub message: String,
    /// The environments of that account (and the host's partition), in list
    /// order, at most [`MAX_OFFERED`].
    pub offers: Vec<OfferedEnvironment>,
    /// How many more environments of the account the popup has.
    pub more: usize,
    /// The environment to open without asking: the setting
    /// `openSessionlessAutomatically` is on and the account has exactly one.
    pub automatic: Option<String>,
}

/// The offer for a console page on `host` that shows no session (see
/// `ConsoleIdentity::sessionless`), or `None` when the host names no account.
/// Opening an offered environment is an ordinary switch into it (assumed role:
/// the switch-role page or a live session of its base; Identity Center: the
/// access portal's shortcut).
pub fn sessionless_offer(
    envs: &[Environment],
    host: &str,
    open_automatically: bool,
) -> Option<SessionlessOffer> {
    let account_id = crate::console::identity::account_from_host(host)?;
    let partition = Partition::of_console_host(host);
    let matching: Vec<&Environment> = envs
        .iter()
        .filter(|e| e.account_id == account_id && partition.is_none_or(|p| p == e.partition()))
        .collect();
    let account = format_account_id(&account_id);
    let message = match matching.as_slice() {
        [] => format!(
            "No session of account {account} is open in this browser, and it is not in your list."
        ),
        [one] => format!(
            "No session of {} ({account}) is open in this browser.",
            one.display_name
        ),
        _ => format!(
            "No session of account {account} is open in this browser; it has {} environments in your list.",
            matching.len()
        ),
    };
    let several = matching.len() > 1;
    let offers = matching
        .iter()
        .take(MAX_OFFERED)
        .map(|e| OfferedEnvironment {
            id: e.id.clone(),
            label: if several {
                format!("open {} ({})", e.display_name, e.role_name)
            } else {
                format!("open {}", e.display_name)
            },
        })
        .collect();
    let automatic = match matching.as_slice() {
        [one] if open_automatically => Some(one.id.clone()),
        _ => None,
    };
    Some(SessionlessOffer {
        account_id,
        message,
        offers,
        more: matching.len().saturating_sub(MAX_OFFERED),
        automatic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{example_environments, BaseAccount};

    fn session(account: &str, role: Option<&str>, host: Option<&str>) -> LiveSession {
        LiveSession {
            account_id: account.into(),
            role_name: role.map(String::from),
            host: host.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn the_base_account_is_chosen_or_named() {
        let mut env = example_environments().remove(0);
        env.base = Some(BaseAccount {
            account_id: Some("999988887777".into()),
            alias: Some("acme-mgmt".into()),
            role_name: Some("Ops".into()),
        });
        let sessions = [
            session("555566667777", Some("Ops"), None),
            session("999988887777", Some("ReadOnly"), None),
            session("999988887777", Some("ops"), None),
        ];
        assert_eq!(
            choose_source(&env, &sessions),
            SourceChoice::From { index: 2 }
        );
        let choice = choose_source(&env, &sessions[..2]);
        assert_eq!(
            choice,
            SourceChoice::SignInTo {
                base: "acme-mgmt (9999-8888-7777) · Ops".into(),
                account_id: Some("999988887777".into())
            }
        );
        assert_eq!(
            choice.to_string(),
            "No open session can switch into this role: sign in to acme-mgmt (9999-8888-7777) · Ops first, then switch."
        );
        // A base signed in to through Identity Center: the session shows the reserved role.
        env.base.as_mut().unwrap().role_name = Some("AWSReservedSSO_Ops_0123456789abcdef".into());
        let sso = [session(
            "999988887777",
            Some("AWSReservedSSO_Ops_fedcba9876543210"),
            None,
        )];
        assert_eq!(choose_source(&env, &sso), SourceChoice::From { index: 0 });
        env.base.as_mut().unwrap().role_name = None;
        assert_eq!(choose_source(&env, &sso), SourceChoice::From { index: 0 });
    }

    #[test]
    fn an_open_session_of_the_environment_is_reused() {
        let env = example_environments().remove(0);
        let sessions = [
            session("999988887777", Some("Ops"), None),
            session("111122223333", Some("organizationaccountaccessrole"), None),
        ];
        assert_eq!(
            choose_source(&env, &sessions),
            SourceChoice::AlreadyOpen { index: 1 }
        );
        let mut sso_env = env.clone();
        sso_env.portal_url = Some("https://acme.awsapps.com/start".into());
        sso_env.role_name = "Admin_Access".into();
        assert_eq!(choose_source(&sso_env, &sessions), SourceChoice::Portal);
        let live = [session(
            "111122223333",
            Some("AWSReservedSSO_Admin_Access_0123456789ABCDEF"),
            None,
        )];
        assert_eq!(
            choose_source(&sso_env, &live),
            SourceChoice::AlreadyOpen { index: 0 }
        );
        // An IAM role of the permission set's name is another role.
        let iam = [session("111122223333", Some("Admin_Access"), None)];
        assert_eq!(choose_source(&sso_env, &iam), SourceChoice::Portal);
        // As a page reports an Identity Center session: the permission set, flagged.
        let reported = [LiveSession {
            identity_center: true,
            ..session("111122223333", Some("admin_access"), None)
        }];
        assert_eq!(
            choose_source(&sso_env, &reported),
            SourceChoice::AlreadyOpen { index: 0 }
        );
        // ... which is not the assumed role of that name.
        let mut iam_env = env.clone();
        iam_env.role_name = "Admin_Access".into();
        assert_eq!(
            choose_source(&iam_env, &reported),
            SourceChoice::From { index: 0 }
        );
        assert_eq!(
            choose_source(&iam_env, &iam),
            SourceChoice::AlreadyOpen { index: 0 }
        );
    }

    #[test]
    fn a_sixth_session_is_not_opened_and_the_same_account_is_offered() {
        let env = example_environments().remove(0); // 111122223333
        let host = |account: &str, suffix: &str| {
            format!("{account}-{suffix}.us-east-1.console.aws.amazon.com")
        };
        let mut sessions: Vec<LiveSession> = ["999988887777", "555566667777", "444455556666"]
            .iter()
            .enumerate()
            .map(|(i, a)| session(a, Some("Ops"), Some(&host(a, &format!("s{i}")))))
            .collect();
        // Two tabs of one session count once.
        sessions.push(session(
            "444455556666",
            Some("Ops"),
            Some(&host("444455556666", "s2")),
        ));
        sessions.push(session(
            "777788889999",
            Some("AWSReservedSSO_Read_Only_0123456789abcdef"),
            Some(&host("777788889999", "s4")),
        ));
        assert_eq!(before_alongside(&env, &sessions), AlongsideCheck::Room);
        sessions.push(session(
            "111122223333",
            None,
            Some(&host("111122223333", "s5")),
        ));
        let check = before_alongside(&env, &sessions);
        let AlongsideCheck::Full {
            offers,
            same_account,
        } = &check
        else {
            panic!("five sessions: {check:?}")
        };
        assert_eq!(
            offers.iter().map(|o| o.index).collect::<Vec<_>>(),
            [0, 1, 2, 4, 5]
        );
        assert_eq!(offers[3].label, "7777-8888-9999 · Read_Only");
        assert_eq!(*same_account, Some(4));
        assert_eq!(
            check.to_string(),
            "The console holds five sessions per browser and five are open: go to one of them \
             instead (one is in this account), or close one first."
        );
        // Another account: no session to suggest, the user picks one.
        let mut other = env.clone();
        other.account_id = "121212121212".into();
        assert!(matches!(
            before_alongside(&other, &sessions),
            AlongsideCheck::Full {
                same_account: None,
                ..
            }
        ));
    }

    #[test]
    fn without_a_base_any_session_of_the_partition_will_do() {
        let mut env = example_environments().remove(0);
        env.region = Some("us-gov-west-1".into());
        let sessions = [
            session(
                "999988887777",
                Some("Ops"),
                Some("999988887777-ab.us-east-1.console.aws.amazon.com"),
            ),
            session(
                "888877776666",
                None,
                Some("888877776666-cd.us-gov-west-1.console.amazonaws-us-gov.com"),
            ),
        ];
        assert_eq!(
            choose_source(&env, &sessions),
            SourceChoice::From { index: 1 }
        );
        let choice = choose_source(&env, &sessions[..1]);
        assert_eq!(
            choice,
            SourceChoice::SignInAnywhere {
                partition: Partition::AwsUsGov
            }
        );
        assert!(choice.to_string().contains("AWS GovCloud (US)"), "{choice}");
        assert_eq!(
            choose_source(&env, &[]),
            SourceChoice::SignInAnywhere {
                partition: Partition::AwsUsGov
            }
        );
    }

    #[test]
    fn a_page_without_a_session_offers_the_environments_of_the_host_account() {
        let envs = example_environments();
        let host = "111122223333-abcd1234.us-east-1.console.aws.amazon.com";
        let offer = sessionless_offer(&envs, host, false).expect("the host names an account");
        assert_eq!(offer.account_id, "111122223333");
        assert_eq!(
            offer.message,
            "No session of test (1111-2222-3333) is open in this browser."
        );
        assert_eq!(
            offer.offers,
            [OfferedEnvironment {
                id: "example-test".into(),
                label: "open test".into()
            }]
        );
        assert_eq!(offer.automatic, None, "the setting is off");
        let auto = sessionless_offer(&envs, host, true).unwrap();
        assert_eq!(auto.automatic.as_deref(), Some("example-test"));

        // Several environments of the account: each offered with its role, none opened alone.
        let mut more = envs.clone();
        for (i, role) in ["Admin", "ReadOnly", "Billing", "Audit"].iter().enumerate() {
            let mut e = envs[0].clone();
            e.id = format!("extra-{i}");
            e.role_name = (*role).into();
            more.push(e);
        }
        let several = sessionless_offer(&more, host, true).unwrap();
        assert_eq!(several.automatic, None);
        assert_eq!(several.offers.len(), MAX_OFFERED);
        assert_eq!(several.more, 5 - MAX_OFFERED);
        assert_eq!(several.offers[1].label, "open test (Admin)");
        assert!(
            several.message.contains("5 environments"),
            "{}",
            several.message
        );

        // An account not in the list: said, nothing offered.
        let unknown = sessionless_offer(
            &envs,
            "121212121212-ab.eu-west-1.console.aws.amazon.com",
            true,
        )
        .unwrap();
        assert!(unknown.offers.is_empty() && unknown.automatic.is_none());
        assert!(
            unknown.message.contains("not in your list"),
            "{}",
            unknown.message
        );

        // The host's partition: a commercial environment is not a GovCloud account's.
        let gov = sessionless_offer(
            &envs,
            "111122223333-ab.us-gov-west-1.console.amazonaws-us-gov.com",
            true,
        )
        .unwrap();
        assert!(gov.offers.is_empty());

        // A host that names no account: nothing to offer.
        for host in [
            "us-east-1.console.aws.amazon.com",
            "console.aws.amazon.com",
            "1111-abcd.us-east-1.console.aws.amazon.com",
        ] {
            assert_eq!(sessionless_offer(&envs, host, true), None, "{host}");
        }
    }
}

//! The banner lookup: everything a console page needs to label itself,
//! precomputed from the list and the banner settings whenever either changes.
//!
//! Console pages cannot run the core (their CSP forbids wasm in content
//! scripts), and they must draw the banner before their first paint, without
//! waiting for the service worker. So the service worker stores this lookup
//! where content scripts read it directly, and the matching rules of
//! [`crate::console::identity::match_environment`] are encoded in its keys: a content script only
//! extracts the page's account ID and role name (see [`EXTRACTION`]) and does
//! two key lookups:
//!
//! ```text
//! entries = lookup.accounts[accountId]               // no entry: not in the list
//! entry   = entries[roleKey(roleName)] ?? entries["*"]
//! ```
//!
//! `roleKey` is the role in lower case, except that an IAM Identity Center
//! role `AWSReservedSSO_<permission set>_<hash>` is `sso:<permission set>`
//! (see [`crate::console::sso`]).
//!
//! `"*"` is the first environment of the account, shown when the page's role
//! is unknown or has no entry of its own (its `roleMatches` is false).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::console::banner::{banner_for_environment, BannerModel};
use crate::console::identity::MatchKind;
use crate::console::sso;
use crate::model::Environment;
use crate::settings::BannerSettings;

/// Version of the lookup's layout; a content script that finds another version ignores it.
pub const LOOKUP_VERSION: u32 = 1;

/// How a content script reads the page's identity, in order (the same rules as
/// [`crate::console::identity::identify`], restricted to the signals available before first paint
/// plus the navigation header as a late fallback).
pub const EXTRACTION: &str = "1. host: first label `<12 digits>-<suffix>` (multi-session console); \
2. <meta name=\"awsc-session-data\"> JSON: `accountId` (hyphens and spaces removed), else the account in `sessionARN`; \
3. the navigation header's texts (copy control, its row, role section, account-menu button and its aria-label), \
each tried until one holds twelve digits, possibly grouped 4-4-4. \
Role: the assumed role in `sessionARN` when its account is the page's, else the first navigation text reading `Role/session`. \
Role key: an IAM Identity Center role `AWSReservedSSO_<permission set>_<16 hex digits>` (prefix in any case) is looked up as \
`sso:<permission set>`, any other role as its name, both in lower case.";

/// One banner in the lookup: the banner model plus the tab cues.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupEntry {
    #[serde(flatten)]
    pub banner: BannerModel,
    /// Put before the page's title (empty: none).
    pub title_prefix: String,
    /// At most four characters for the toolbar badge.
    pub badge_text: String,
}

/// What the service worker stores for content scripts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerLookup {
    pub version: u32,
    pub settings: BannerSettings,
    /// Account ID → (lower-case role base name, or `"*"`) → entry.
    pub accounts: BTreeMap<String, BTreeMap<String, LookupEntry>>,
}

/// The badge: `PROD` for production, else the display name's first four
/// letters or digits, upper case (or `ENV` when it has none).
pub fn badge_text(env: &Environment) -> String {
    if env.production {
        return "PROD".into();
    }
    let short: String = env
        .display_name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .take(4)
        .collect();
    if short.is_empty() {
        "ENV".into()
    } else {
        short
    }
}

/// Put before a production tab's title when the chosen prefix does not say
/// production itself (the word "prod" or "production", in any case).
pub const PRODUCTION_CUE: &str = "[PROD]";

/// Whether a title prefix says production: it has the word `prod` or
/// `production` in any case, not as part of a longer word (`[PROD]`,
/// `prod-eu`, `Production:`; not `product`). `shared/lookup.js` has the same rule.
pub fn says_production(prefix: &str) -> bool {
    prefix
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("prod") || word.eq_ignore_ascii_case("production"))
}

/// The title prefix for `env` under `settings`: the environment's own prefix
/// when it has one (followed by a space; empty for none), else the settings'
/// template. A production environment's prefix always says production: when
/// the chosen one does not, [`PRODUCTION_CUE`] goes first. Empty only when the
/// title cue is off.
pub fn title_prefix(env: &Environment, settings: &BannerSettings) -> String {
    if !settings.title_cue {
        return String::new();
    }
    let chosen = match env.title_prefix.as_deref() {
        Some("") => String::new(),
        Some(own) => format!("{own} "),
        None => {
            let template = if env.production {
                &settings.title_prefix_production
            } else {
                &settings.title_prefix_normal
            };
            let name: String = env.display_name.chars().take(24).collect();
            template.replace("{name}", &name)
        }
    };
    if env.production && !says_production(&chosen) {
        format!("{PRODUCTION_CUE} {chosen}")
    } else {
        chosen
    }
}

fn entry(env: &Environment, kind: MatchKind, settings: &BannerSettings) -> LookupEntry {
    let mut banner = match kind {
        MatchKind::AccountAndRole => {
            banner_for_environment(env, Some(sso::environment_shown_role(env)), kind)
        }
        MatchKind::Account => banner_for_environment(env, None, kind),
    };
    if kind == MatchKind::Account {
        // The page's role is not known here; do not claim one in the summary.
        banner.summary = if env.production {
            format!("PRODUCTION: {} ({})", banner.display_name, banner.account)
        } else {
            format!("{} ({})", banner.display_name, banner.account)
        };
    }
    LookupEntry {
        title_prefix: title_prefix(env, settings),
        badge_text: badge_text(env),
        banner,
    }
}

impl BannerLookup {
    /// The lookup for `envs` (in list order) under `settings`.
    pub fn build(envs: &[Environment], settings: &BannerSettings) -> BannerLookup {
        let mut accounts: BTreeMap<String, BTreeMap<String, LookupEntry>> = BTreeMap::new();
        for env in envs {
            let roles = accounts.entry(env.account_id.clone()).or_default();
            // First entry wins, as in `match_environment`.
            roles
                .entry("*".into())
                .or_insert_with(|| entry(env, MatchKind::Account, settings));
            roles
                .entry(sso::environment_role_key(env))
                .or_insert_with(|| entry(env, MatchKind::AccountAndRole, settings));
        }
        BannerLookup {
            version: LOOKUP_VERSION,
            settings: settings.clone(),
            accounts,
        }
    }

    /// The entry for a page, by the same two key lookups a content script
    /// does; `role_name` as the page shows it (a reserved Identity Center
    /// role name included).
    pub fn get(&self, account_id: &str, role_name: Option<&str>) -> Option<&LookupEntry> {
        let roles = self.accounts.get(account_id)?;
        role_name
            .and_then(|r| roles.get(&sso::page_role_key(r)))
            .or_else(|| roles.get("*"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::banner::BannerLevel;
    use crate::console::identity::{identify, match_environment, ConsoleSignals};
    use crate::model::example_environments;
    use serde_json::json;

    fn list() -> Vec<Environment> {
        let mut envs = example_environments();
        let mut admin = envs[0].clone();
        admin.id = "admin".into();
        admin.role_name = "team/Admin".into();
        admin.display_name = "test admin".into();
        envs.push(admin);
        let mut dup = envs[1].clone();
        dup.id = "dup".into();
        dup.display_name = "shadowed".into();
        envs.push(dup);
        envs
    }

    #[test]
    fn lookup_agrees_with_match_environment() {
        let envs = list();
        let lookup = BannerLookup::build(&envs, &BannerSettings::default());
        let cases: &[(&str, Option<&str>)] = &[
            ("111122223333", Some("OrganizationAccountAccessRole")),
            ("111122223333", Some("organizationaccountaccessrole")),
            ("111122223333", Some("Admin")),
            ("111122223333", Some("Other")),
            ("111122223333", None),
            ("444455556666", Some("OrganizationAccountAccessRole")),
            ("444455556666", None),
            ("000000000000", Some("Admin")),
        ];
        for (account, role) in cases {
            let arn = role.map(|r| format!("arn:aws:sts::{account}:assumed-role/{r}/me"));
            let signals = ConsoleSignals {
                session_data: Some(
                    json!({"accountId": account, "sessionARN": arn.unwrap_or_default()})
                        .to_string(),
                ),
                ..Default::default()
            };
            let id = identify(&signals);
            let want = match_environment(&envs, &id);
            let got = lookup.get(account, role.as_deref());
            assert_eq!(
                got.map(|e| (e.banner.env_id.as_str(), e.banner.role_matches)),
                want.map(|(e, k)| (e.id.as_str(), k == MatchKind::AccountAndRole)),
                "{account} {role:?}"
            );
        }
    }

    #[test]
    fn identity_center_roles_have_their_own_keys_and_show_the_permission_set() {
        let mut envs = list();
        let mut set = envs[0].clone();
        set.id = "sso".into();
        set.display_name = "sso admin".into();
        set.role_name = "Admin".into();
        set.portal_url = Some("https://acme.awsapps.com/start".into());
        envs.push(set);
        let lookup = BannerLookup::build(&envs, &BannerSettings::default());
        let reserved = "AWSReservedSSO_Admin_0123456789abcdef";
        let entry = lookup.get("111122223333", Some(reserved)).unwrap();
        assert_eq!(entry.banner.env_id, "sso");
        assert_eq!(entry.banner.role_name, "Admin");
        assert!(
            !entry.banner.summary.contains("AWSReserved"),
            "{}",
            entry.banner.summary
        );
        // The IAM role of the same name keeps its own entry.
        let admin = lookup.get("111122223333", Some("Admin")).unwrap();
        assert_ne!(admin.banner.env_id, "sso");
        for (role, arn_role) in [(Some(reserved), reserved), (Some("Admin"), "Admin")] {
            let signals = ConsoleSignals {
                session_data: Some(
                    json!({"accountId": "111122223333",
                        "sessionARN": format!("arn:aws:sts::111122223333:assumed-role/{arn_role}/me")})
                    .to_string(),
                ),
                ..Default::default()
            };
            let want = match_environment(&envs, &identify(&signals)).map(|(e, _)| e.id.clone());
            assert_eq!(
                lookup
                    .get("111122223333", role)
                    .map(|e| e.banner.env_id.clone()),
                want
            );
        }
    }

    #[test]
    fn entries_carry_cues() {
        let lookup = BannerLookup::build(&list(), &BannerSettings::default());
        let prod = lookup.get("444455556666", None).unwrap();
        assert_eq!(prod.banner.level, BannerLevel::Production);
        assert_eq!(prod.title_prefix, "[PROD] ");
        assert_eq!(prod.badge_text, "PROD");
        assert_eq!(prod.banner.summary, "PRODUCTION: prod (4444-5555-6666)");
        let admin = lookup.get("111122223333", Some("ADMIN")).unwrap();
        assert_eq!(admin.title_prefix, "[test admin] ");
        assert_eq!(admin.badge_text, "TEST");
        assert_eq!(admin.banner.role_name, "Admin");
        assert_eq!(admin.banner.summary, "test admin (1111-2222-3333, Admin)");
        let off = BannerSettings {
            title_cue: false,
            ..Default::default()
        };
        let lookup = BannerLookup::build(&list(), &off);
        assert_eq!(lookup.get("444455556666", None).unwrap().title_prefix, "");
    }

    #[test]
    fn an_environments_own_title_prefix_wins_over_the_template() {
        let mut envs = list();
        envs[0].title_prefix = Some("DEV".into()); // test, role OrganizationAccountAccessRole
        envs[1].title_prefix = Some(String::new()); // prod: none of its own, but still the cue
        let lookup = BannerLookup::build(&envs, &BannerSettings::default());
        let cases = [
            ("111122223333", None, "DEV "),
            ("111122223333", Some("Admin"), "[test admin] "),
            ("444455556666", None, "[PROD] "),
        ];
        for (account, role, want) in cases {
            let got = &lookup.get(account, role).unwrap().title_prefix;
            assert_eq!(got, want, "{account} {role:?}");
        }
        let off = BannerSettings {
            title_cue: false,
            ..Default::default()
        };
        let lookup = BannerLookup::build(&envs, &off);
        assert_eq!(lookup.get("111122223333", None).unwrap().title_prefix, "");
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn a_production_title_always_says_production() {
        // (production, own prefix, production template, name, prefix)
        let cases: &[(bool, Option<&str>, &str, &str, &str)] = &[
            (true, None, "[PROD] ", "prod", "[PROD] "),
            (true, Some(""), "[PROD] ", "prod", "[PROD] "),
            (true, Some("DEV"), "[PROD] ", "prod", "[PROD] DEV "),
            (true, Some("LIVE"), "[PROD] ", "prod", "[PROD] LIVE "),
            (true, Some("product"), "[PROD] ", "p", "[PROD] product "),
            (true, Some("PROD-EU"), "[PROD] ", "p", "PROD-EU "),
            (true, Some("Production"), "[PROD] ", "p", "Production "),
            (true, Some("[prod]"), "[PROD] ", "p", "[prod] "),
            (true, Some("éprod"), "[PROD] ", "p", "[PROD] éprod "),
            (true, Some("prod2"), "[PROD] ", "p", "[PROD] prod2 "),
            (true, None, "", "payments", "[PROD] "),
            (
                true,
                None,
                "!! {name} !! ",
                "payments",
                "[PROD] !! payments !! ",
            ),
            (
                true,
                None,
                "!! {name} !! ",
                "payments-prod",
                "!! payments-prod !! ",
            ),
            (false, Some(""), "[PROD] ", "test", ""),
            (false, Some("DEV"), "[PROD] ", "test", "DEV "),
            (false, None, "[PROD] ", "test", "[test] "),
        ];
        for &(production, own, template, name, want) in cases {
            let mut env = example_environments().remove(0);
            env.production = production;
            env.title_prefix = own.map(String::from);
            env.display_name = name.into();
            let settings = BannerSettings {
                title_prefix_production: template.into(),
                ..Default::default()
            };
            assert_eq!(
                title_prefix(&env, &settings),
                want,
                "{production} {own:?} {template:?} {name:?}"
            );
        }
        // Turning the title cue off is the one way to have no prefix.
        let mut prod = example_environments().remove(1);
        prod.title_prefix = Some("DEV".into());
        let off = BannerSettings {
            title_cue: false,
            ..Default::default()
        };
        assert_eq!(title_prefix(&prod, &off), "");
    }

    #[test]
    fn badge_texts() {
        let mut env = example_environments().remove(0);
        for (name, want) in [
            ("test", "TEST"),
            ("dev-eu 2", "DEVE"),
            ("ü-x", "ÜX"),
            ("--", "ENV"),
        ] {
            env.display_name = name.into();
            assert_eq!(badge_text(&env), want, "{name}");
        }
    }

    #[test]
    fn lookup_json_is_compact_and_keyed() {
        let lookup = BannerLookup::build(&list(), &BannerSettings::default());
        let json = serde_json::to_value(&lookup).unwrap();
        let roles = json["accounts"]["111122223333"].as_object().unwrap();
        let keys: Vec<&str> = roles.keys().map(String::as_str).collect();
        assert_eq!(keys, ["*", "admin", "organizationaccountaccessrole"]);
        assert_eq!(roles["*"]["envId"], "example-test");
        assert_eq!(roles["*"]["roleMatches"], false);
        assert_eq!(roles["admin"]["background"], "#b7ca9d");
        assert_eq!(json["version"], 1);
        assert!(serde_json::to_string(&lookup).unwrap().len() < 4000);
    }
}

//! The one list the extension shows: the personal list, every subscription's
//! copy in use, and the user's local choices about entries (favorite, hidden,
//! color, title prefix), keyed by account and role so that they survive any
//! refresh, even an entry disappearing and coming back.
//!
//! An entry in several sources is shown once, with all its sources: the
//! personal entry when there is one, else the first subscription's. An entry
//! only subscriptions hold is read-only in the editor. Nothing here changes
//! the personal list, the overrides or a subscription's copy: the view is
//! computed from them, so no refresh can lose them.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::formats::{generated_id, Unique};
use crate::model::{Environment, EnvironmentInput};
use crate::storage::sync::MAX_ENVIRONMENTS;
use crate::team::subscription::{Status, SubscriptionState};
use crate::validate::{parse_account_id, parse_color, parse_role, validate_environment, Field};

/// An entry's account and role, the role in lower case (IAM ignores its case),
/// and whether it is an Identity Center assignment (a permission set and an
/// IAM role of the same name in one account are two entries).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub account_id: String,
    pub role: String,
    pub identity_center: bool,
}

impl Key {
    /// The key of an environment.
    pub fn of(env: &Environment) -> Key {
        Key {
            account_id: env.account_id.clone(),
            role: env.role_name.to_ascii_lowercase(),
            identity_center: env.portal_url.is_some(),
        }
    }
}

/// The user's local choices about one entry, whatever source holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    pub account_id: String,
    pub role_name: String,
    /// The entry is an Identity Center assignment (`role_name` its permission set).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identity_center: bool,
    #[serde(default)]
    pub favorite: bool,
    #[serde(default)]
    pub hidden: bool,
    /// `#rrggbb` instead of the source's color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Instead of the source's title prefix (`""`: none), as
    /// [`Environment::title_prefix`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_prefix: Option<String>,
}

impl Override {
    fn key(&self) -> Key {
        Key {
            account_id: self.account_id.clone(),
            role: self.role_name.to_ascii_lowercase(),
            identity_center: self.identity_center,
        }
    }

    /// Whether it chooses nothing (and is then not kept).
    pub fn is_empty(&self) -> bool {
        !self.favorite && !self.hidden && self.color.is_none() && self.title_prefix.is_none()
    }
}

/// Why an override cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum OverrideError {
    /// The account ID is not one; `message` says why.
    Account { message: String },
    /// The role is not one; `message` says why.
    Role { message: String },
    /// The color is not one; `message` says why.
    Color { message: String },
    /// The title prefix breaks its rules; `message` says which.
    TitlePrefix { message: String },
    /// There would be more overrides than entries a list can hold.
    TooMany,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideError::Account { message }
            | OverrideError::Role { message }
            | OverrideError::Color { message }
            | OverrideError::TitlePrefix { message } => f.write_str(message),
            OverrideError::TooMany => write!(
                f,
                "You have local choices about {MAX_ENVIRONMENTS} entries, the most kept; clear some first."
            ),
        }
    }
}

impl std::error::Error for OverrideError {}

/// `overrides` with `change` saved: validated and normalised, replacing the
/// one for the same account and role, or removed when it chooses nothing.
pub fn set_override(
    overrides: &[Override],
    change: &Override,
) -> Result<Vec<Override>, OverrideError> {
    let account_id = parse_account_id(&change.account_id)
        .map_err(|e| OverrideError::Account { message: e.message })?;
    let role_name = parse_role(&change.role_name)
        .map_err(|e| OverrideError::Role { message: e.message })?
        .role_name;
    let color = match &change.color {
        None => None,
        Some(c) => Some(parse_color(c).map_err(|e| OverrideError::Color { message: e.message })?),
    };
    let title_prefix = match &change.title_prefix {
        None => None,
        Some(p) => Some(check_prefix(p).map_err(|message| OverrideError::TitlePrefix { message })?),
    };
    let saved = Override {
        account_id,
        role_name,
        identity_center: change.identity_center,
        favorite: change.favorite,
        hidden: change.hidden,
        color,
        title_prefix,
    };
    let key = saved.key();
    let mut next: Vec<Override> = overrides.to_vec();
    match next.iter().position(|o| o.key() == key) {
        Some(i) if saved.is_empty() => {
            next.remove(i);
        }
        Some(i) => next[i] = saved,
        None if saved.is_empty() => {}
        None if next.len() >= MAX_ENVIRONMENTS => return Err(OverrideError::TooMany),
        None => next.push(saved),
    }
    Ok(next)
}

/// A title prefix by the environment rule, checked on a stand-in.
fn check_prefix(prefix: &str) -> Result<String, String> {
    let probe = EnvironmentInput {
        account_id: Some("000000000000".into()),
        display_name: Some("probe".into()),
        title_prefix: Some(prefix.to_string()),
        ..Default::default()
    };
    match validate_environment(&probe, "probe") {
        Ok(env) => Ok(env.title_prefix.unwrap_or_default()),
        Err(errors) => Err(errors
            .into_iter()
            .find(|e| e.field == Field::TitlePrefix)
            .map_or_else(|| "The title prefix is not valid.".into(), |e| e.message)),
    }
}

/// Where an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Source {
    /// The user's own list.
    Personal,
    /// A subscribed list.
    Subscription { url: String, name: String },
}

/// One entry as the extension shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedEntry {
    /// The entry with the subscription's group and the local choices applied.
    /// Its id is the personal entry's, or made from account and role.
    pub environment: Environment,
    /// Every source that holds it, the one shown first.
    pub sources: Vec<Source>,
    /// No personal entry: the editor cannot change it (local choices still apply).
    pub read_only: bool,
    pub favorite: bool,
    /// Left out of the popup's list; still in the banner lookup and switchable
    /// (a hidden production account still gets its banner).
    pub hidden: bool,
    /// The local choice applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Override>,
    /// Its sources disagree about it (name, color, …): the first one's is shown.
    pub differs: bool,
}

/// A subscription whose copy is stale, for the popup's footer and the options page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaleNote {
    pub url: String,
    pub name: String,
    /// Since when refreshes fail (ms since the epoch).
    pub since: u64,
    /// Why, in words.
    pub text: String,
    /// Whether a last good copy is in use (else the subscription has no entries yet).
    pub has_copy: bool,
}

/// The list the extension shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedView {
    /// Personal entries in their order, then each subscription's new ones in its order.
    pub entries: Vec<MergedEntry>,
    pub stale: Vec<StaleNote>,
    /// Local choices about entries no source holds now: kept for when they come back.
    pub dormant_overrides: usize,
}

/// Merges the personal list, the subscriptions' copies in use and the local choices.
pub fn merged_view(
    personal: &[Environment],
    subscriptions: &[SubscriptionState],
    overrides: &[Override],
) -> MergedView {
    let mut entries: Vec<MergedEntry> = Vec::with_capacity(personal.len());
    let mut index: HashMap<Key, usize> = HashMap::with_capacity(personal.len());
    for env in personal {
        let key = Key::of(env);
        if index.contains_key(&key) {
            continue; // never in a valid personal list
        }
        index.insert(key, entries.len());
        entries.push(entry(env.clone(), Source::Personal));
    }
    let mut ids = Unique::with(personal.iter().map(|e| e.id.clone()));
    let mut stale = Vec::new();
    for state in subscriptions {
        let sub = &state.subscription;
        let source = Source::Subscription {
            url: sub.url.clone(),
            name: sub.name.clone(),
        };
        if let Status::Stale { since, text, .. } = &state.status {
            stale.push(StaleNote {
                url: sub.url.clone(),
                name: sub.name.clone(),
                since: *since,
                text: text.clone(),
                has_copy: state.last_good.is_some(),
            });
        }
        for env in state.environments() {
            let mut env = env.clone();
            if let Some(group) = &sub.group {
                env.group = Some(group.clone());
            }
            let key = Key::of(&env);
            match index.get(&key) {
                Some(&i) => {
                    let shown = &mut entries[i];
                    if !shown.sources.contains(&source) {
                        shown.sources.push(source.clone());
                    }
                    env.id.clone_from(&shown.environment.id);
                    shown.differs |= env != shown.environment;
                }
                None => {
                    env.id = ids.take(&generated_id(&env.account_id, &env.role_name), |id, n| {
                        format!("{id}-{n}")
                    });
                    index.insert(key, entries.len());
                    let mut e = entry(env, source.clone());
                    e.read_only = true;
                    entries.push(e);
                }
            }
        }
    }
    let mut dormant_overrides = 0;
    for o in overrides {
        let Some(&i) = index.get(&o.key()) else {
            dormant_overrides += 1;
            continue;
        };
        let e = &mut entries[i];
        e.favorite = o.favorite;
        e.hidden = o.hidden;
        // Stored values are applied only when valid (the stored text is kept as it is).
        if let Some(color) = o.color.as_deref().and_then(|c| parse_color(c).ok()) {
            e.environment.color = color;
        }
        if let Some(prefix) = o.title_prefix.as_deref().and_then(|p| check_prefix(p).ok()) {
            e.environment.title_prefix = Some(prefix);
        }
        e.local = Some(o.clone());
    }
    MergedView {
        entries,
        stale,
        dormant_overrides,
    }
}

fn entry(environment: Environment, source: Source) -> MergedEntry {
    MergedEntry {
        environment,
        sources: vec![source],
        read_only: false,
        favorite: false,
        hidden: false,
        local: None,
        differs: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::subscription::tests::{body, list_text, subscribed};
    use crate::team::subscription::{apply_refresh, Fetched, RefreshOptions, Subscription};
    use crate::validate::check_list;
    use proptest::prelude::*;

    fn env(id: &str, account: &str, role: &str, name: &str) -> Environment {
        let mut e = crate::model::example_environments().remove(0);
        e.id = id.into();
        e.account_id = account.into();
        e.role_name = role.into();
        e.display_name = name.into();
        e.group = None;
        e.title_prefix = None;
        e
    }

    fn sub(url: &str, group: Option<&str>, text: &str) -> SubscriptionState {
        let s = SubscriptionState::new(Subscription::new(url, None, group, &[]).unwrap());
        apply_refresh(&s, &body(), text.as_bytes(), 1, &RefreshOptions::default()).state
    }

    #[test]
    fn a_permission_set_and_an_iam_role_of_the_same_name_are_two_entries() {
        let role = env("role", "000000000002", "Admin", "role");
        let mut sso = env("sso", "000000000002", "Admin", "assignment");
        sso.portal_url = Some("https://acme.awsapps.com/start".into());
        let hide_sso = Override {
            account_id: "000000000002".into(),
            role_name: "admin".into(),
            identity_center: true,
            hidden: true,
            ..Default::default()
        };
        let view = merged_view(&[role, sso], &[], &[hide_sso]);
        let shown: Vec<(&str, bool)> = view
            .entries
            .iter()
            .map(|e| (e.environment.id.as_str(), e.hidden))
            .collect();
        assert_eq!(shown, [("role", false), ("sso", true)]);
    }

    #[test]
    fn sources_merge_once_with_all_sources() {
        let personal = vec![env("mine", "000000000002", "admin", "my two")];
        let a = sub(
            "https://a.example/l.json",
            Some("Team A"),
            &list_text(1, 3, "a"),
        );
        let b = sub("https://b.example/l.json", None, &list_text(3, 2, "b"));
        let view = merged_view(&personal, &[a, b], &[]);
        let shown: Vec<(&str, &str, usize, bool, bool)> = view
            .entries
            .iter()
            .map(|e| {
                (
                    e.environment.id.as_str(),
                    e.environment.display_name.as_str(),
                    e.sources.len(),
                    e.read_only,
                    e.differs,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("mine", "my two", 2, false, true),
                ("000000000001-admin", "a 1", 1, true, false),
                ("000000000003-admin", "a 3", 2, true, true),
                ("000000000004-admin", "b 4", 1, true, false),
            ]
        );
        assert_eq!(view.entries[1].environment.group.as_deref(), Some("Team A"));
        assert_eq!(view.entries[3].environment.group, None);
        assert_eq!(
            view.entries[2].sources[1],
            Source::Subscription {
                url: "https://b.example/l.json".into(),
                name: "l.json on b.example".into()
            }
        );
        let envs: Vec<Environment> = view.entries.iter().map(|e| e.environment.clone()).collect();
        assert!(check_list(&envs).is_empty());
    }

    #[test]
    fn a_taken_id_is_numbered() {
        // A personal entry whose id is what a subscribed entry's would be.
        let personal = vec![env("000000000001-admin", "999999999999", "Admin", "mine")];
        let view = merged_view(
            &personal,
            &[sub("https://a.example/l", None, &list_text(1, 1, "a"))],
            &[],
        );
        assert_eq!(view.entries[1].environment.id, "000000000001-admin-2");
    }

    #[test]
    fn overrides_apply_by_account_and_role_and_wait_for_absent_entries() {
        let a = sub("https://a.example/l.json", None, &list_text(1, 3, "a"));
        let mut overrides = Vec::new();
        for o in [
            Override {
                account_id: "0000-0000-0001".into(),
                role_name: "ADMIN".into(),
                favorite: true,
                color: Some("red".into()),
                ..Default::default()
            },
            Override {
                account_id: "000000000002".into(),
                role_name: "Admin".into(),
                hidden: true,
                title_prefix: Some(" A2 ".into()),
                ..Default::default()
            },
            Override {
                account_id: "000000000099".into(),
                role_name: "Admin".into(),
                favorite: true,
                ..Default::default()
            },
        ] {
            overrides = set_override(&overrides, &o).unwrap();
        }
        assert_eq!(overrides[0].account_id, "000000000001");
        let view = merged_view(&[], &[a], &overrides);
        let one = &view.entries[0];
        assert!(one.favorite && !one.hidden);
        assert_eq!(one.environment.color, parse_color("red").unwrap());
        let two = &view.entries[1];
        assert!(two.hidden && !two.favorite);
        assert_eq!(two.environment.title_prefix.as_deref(), Some("A2"));
        assert_eq!(view.dormant_overrides, 1);
        // Clearing every choice removes the override.
        let cleared = set_override(
            &overrides,
            &Override {
                account_id: "000000000002".into(),
                role_name: "admin".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(cleared.len(), 2);
    }

    #[test]
    fn bad_overrides_are_refused_with_the_field_rules() {
        let base = Override {
            account_id: "000000000001".into(),
            role_name: "Admin".into(),
            favorite: true,
            ..Default::default()
        };
        let cases: Vec<(Override, &str)> = vec![
            (
                Override {
                    account_id: "123".into(),
                    ..base.clone()
                },
                "must be 12 digits",
            ),
            (
                Override {
                    role_name: "bad role".into(),
                    ..base.clone()
                },
                "IAM role names use only",
            ),
            (
                Override {
                    color: Some("nope".into()),
                    ..base.clone()
                },
                "is not a color",
            ),
            (
                Override {
                    title_prefix: Some("x".repeat(17)),
                    ..base.clone()
                },
                "keep it to 16",
            ),
        ];
        for (o, want) in cases {
            let err = set_override(&[], &o).unwrap_err().to_string();
            assert!(err.contains(want), "{err}\nwant {want}");
        }
    }

    #[test]
    fn stale_subscriptions_are_listed() {
        let a = sub("https://a.example/l.json", None, &list_text(1, 3, "a"));
        let failed = apply_refresh(
            &a,
            &Fetched::HttpError { status: 503 },
            b"",
            7,
            &RefreshOptions::default(),
        )
        .state;
        let view = merged_view(&[], &[failed, subscribed()], &[]);
        assert_eq!(view.entries.len(), 3);
        assert_eq!(view.stale.len(), 1);
        assert_eq!((view.stale[0].since, view.stale[0].has_copy), (7, true));
        assert!(view.stale[0].text.contains("HTTP 503"));
    }

    // --- Property: no personal entry or override is lost on any refresh sequence.

    /// Keys 1..=12, role Admin.
    const POOL: u64 = 12;

    #[derive(Debug, Clone)]
    enum Answer {
        /// A file of these accounts, names tagged.
        List(Vec<u64>, u8),
        NotModified,
        Http(u16),
        Network,
        Garbage,
        /// One invalid entry among these accounts.
        WithInvalid(Vec<u64>),
    }

    fn answer() -> impl Strategy<Value = Answer> {
        let accounts = proptest::collection::btree_set(1..=POOL, 0..=POOL as usize)
            .prop_map(|s| s.into_iter().collect::<Vec<_>>());
        prop_oneof![
            4 => (accounts.clone(), 0..3u8).prop_map(|(a, t)| Answer::List(a, t)),
            1 => Just(Answer::NotModified),
            1 => prop_oneof![Just(404u16), Just(500), Just(503)].prop_map(Answer::Http),
            1 => Just(Answer::Network),
            1 => Just(Answer::Garbage),
            1 => accounts.prop_map(Answer::WithInvalid),
        ]
    }

    fn text_of(accounts: &[u64], tag: u8, invalid: bool) -> String {
        let mut entries: Vec<String> = accounts
            .iter()
            .map(|a| format!(r#"{{"accountId": "{a:012}", "roleName": "Admin", "displayName": "t{tag} {a}"}}"#))
            .collect();
        if invalid {
            entries.push(r#"{"accountId": "1", "displayName": "broken"}"#.into());
        }
        format!(
            r#"{{"version": 1, "environments": [{}]}}"#,
            entries.join(",")
        )
    }

    fn personal_list() -> impl Strategy<Value = Vec<Environment>> {
        proptest::collection::btree_set(1..=POOL + 3, 0..6).prop_map(|s| {
            s.into_iter()
                .map(|a| {
                    env(
                        &format!("p{a}"),
                        &format!("{a:012}"),
                        "Admin",
                        &format!("mine {a}"),
                    )
                })
                .collect()
        })
    }

    fn overrides() -> impl Strategy<Value = Vec<Override>> {
        let one = (
            1..=POOL + 3,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(0..5usize),
            proptest::option::of("[A-Z]{0,4}"),
        )
            .prop_map(|(a, favorite, hidden, color, prefix)| Override {
                account_id: format!("{a:012}"),
                role_name: if a % 2 == 0 {
                    "admin".into()
                } else {
                    "Admin".into()
                },
                identity_center: false,
                favorite,
                hidden,
                color: color.map(|c| crate::color::AWS_COLORS[c].1.to_string()),
                title_prefix: prefix,
            });
        proptest::collection::vec(one, 0..8).prop_map(|list| {
            list.iter()
                .fold(Vec::new(), |acc, o| set_override(&acc, o).unwrap())
        })
    }

    /// Title prefixes a user might type: padded, empty, too long, with a control
    /// or an invisible character, or any text at all.
    fn typed_prefix() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "[A-Z]{0,4}",
            1 => " {0,2}\\[[a-z]{1,6}\\] {0,2}",
            1 => Just(String::new()),
            1 => "[a-z]{17,20}",
            1 => "[a-z]{1,3}[\t\u{200B}\u{202E}][a-z]{0,3}",
            1 => any::<String>(),
        ]
    }

    /// A local choice the user makes between refreshes: valid or not.
    fn choice() -> impl Strategy<Value = Override> {
        (
            1..=POOL + 3,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(0..5usize),
            proptest::option::of(typed_prefix()),
        )
            .prop_map(|(a, favorite, hidden, color, prefix)| Override {
                account_id: format!("{a:012}"),
                role_name: "ADMIN".into(),
                identity_center: false,
                favorite,
                hidden,
                color: color.map(|c| crate::color::AWS_COLORS[c].1.to_string()),
                title_prefix: prefix,
            })
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// Subscription `0` or `1` gets this answer (`true`: the user accepts a shrink).
        Refresh(usize, Answer, bool),
        /// The user saves a local choice (refused when invalid).
        Choose(Override),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0..2usize, answer(), any::<bool>()).prop_map(|(w, a, s)| Step::Refresh(w, a, s)),
            1 => choice().prop_map(Step::Choose),
        ]
    }

    /// The title prefix an environment would get from `raw`, by the environment rule.
    fn environment_prefix(raw: &str) -> Result<String, String> {
        let input = EnvironmentInput {
            account_id: Some("111122223333".into()),
            display_name: Some("any".into()),
            title_prefix: Some(raw.to_string()),
            ..Default::default()
        };
        match validate_environment(&input, "any") {
            Ok(env) => Ok(env.title_prefix.unwrap_or_default()),
            Err(errors) => Err(errors[0].message.clone()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
        ))]

        #[test]
        fn an_override_title_prefix_follows_the_environment_rule(raw in typed_prefix()) {
            let change = Override {
                account_id: "111122223333".into(),
                role_name: "Admin".into(),
                title_prefix: Some(raw.clone()),
                ..Default::default()
            };
            match (set_override(&[], &change), environment_prefix(&raw)) {
                (Ok(saved), Ok(want)) => prop_assert_eq!(saved[0].title_prefix.as_deref(), Some(want.as_str())),
                (Err(OverrideError::TitlePrefix { message }), Err(want)) => prop_assert_eq!(message, want),
                (got, want) => prop_assert!(false, "{:?}: override {:?}, environment {:?}", raw, got, want),
            }
        }

        #[test]
        fn no_personal_entry_or_override_is_lost_on_any_refresh_sequence(
            personal in personal_list(),
            overrides in overrides(),
            steps in proptest::collection::vec(step(), 0..25),
        ) {
            let personal_before = personal.clone();
            let mut overrides = overrides;
            // What the user chose, by key: every saved choice, the last one for a key.
            let mut chosen: HashMap<Key, Override> = overrides.iter().map(|o| (o.key(), o.clone())).collect();
            let mut subs = vec![
                SubscriptionState::new(Subscription::new("https://a.example/l.json", None, None, &[]).unwrap()),
                SubscriptionState::new(Subscription::new("https://b.example/l.json", None, Some("B"), &[]).unwrap()),
            ];
            for (now, step) in steps.into_iter().enumerate() {
                let now = now as u64 + 1;
                match step {
                    Step::Choose(change) => {
                        let prefix_ok = change
                            .title_prefix
                            .as_deref()
                            .map_or(Ok(None), |p| environment_prefix(p).map(Some));
                        match set_override(&overrides, &change) {
                            Ok(next) => {
                                prop_assert!(prefix_ok.is_ok(), "prefix {:?} accepted", change.title_prefix);
                                let saved = Override { title_prefix: prefix_ok.unwrap_or_default(), ..change };
                                if saved.is_empty() {
                                    chosen.remove(&saved.key());
                                } else {
                                    chosen.insert(saved.key(), saved);
                                }
                                overrides = next;
                            }
                            Err(e) => prop_assert!(prefix_ok.is_err(), "refused: {}", e),
                        }
                        // The others are kept as they were, whatever was saved or refused.
                        let kept: HashMap<Key, Override> = overrides.iter().map(|o| (o.key(), o.clone())).collect();
                        prop_assert_eq!(kept.len(), overrides.len(), "two choices for one entry");
                        prop_assert_eq!(&kept, &chosen);
                    }
                    Step::Refresh(which, answer, accept_shrink) => {
                        let before = subs[which].clone();
                        let (fetched, text) = match &answer {
                            Answer::List(a, tag) => (body(), text_of(a, *tag, false)),
                            Answer::WithInvalid(a) => (body(), text_of(a, 0, true)),
                            Answer::NotModified => (Fetched::NotModified, String::new()),
                            Answer::Http(status) => (Fetched::HttpError { status: *status }, String::new()),
                            Answer::Network => (Fetched::NetworkError { message: "offline".into() }, String::new()),
                            Answer::Garbage => (body(), "<html>".into()),
                        };
                        let options = RefreshOptions { accept_shrink };
                        let r = apply_refresh(&before, &fetched, text.as_bytes(), now, &options);
                        // Never wiped: a refresh that is not accepted keeps the copy.
                        if r.outcome != crate::team::subscription::Outcome::Accepted {
                            prop_assert_eq!(&r.state.last_good, &before.last_good);
                        }
                        if !before.environments().is_empty() {
                            prop_assert!(!r.state.environments().is_empty(), "copy wiped by {:?}", answer);
                        }
                        subs[which] = r.state;
                    }
                }

                let view = merged_view(&personal, &subs, &overrides);
                let by_key: HashMap<Key, &MergedEntry> =
                    view.entries.iter().map(|e| (Key::of(&e.environment), e)).collect();
                prop_assert_eq!(by_key.len(), view.entries.len(), "an entry shown twice");
                let envs: Vec<Environment> = view.entries.iter().map(|e| e.environment.clone()).collect();
                prop_assert!(check_list(&envs).is_empty());
                for p in &personal {
                    let shown = by_key.get(&Key::of(p));
                    prop_assert!(shown.is_some(), "personal entry {} lost", p.id);
                    let shown = shown.unwrap();
                    prop_assert_eq!(&shown.environment.id, &p.id);
                    prop_assert_eq!(&shown.environment.display_name, &p.display_name);
                    prop_assert_eq!(&shown.sources[0], &Source::Personal);
                    prop_assert!(!shown.read_only);
                }
                for s in &subs {
                    for e in s.environments() {
                        prop_assert!(by_key.contains_key(&Key::of(e)), "subscribed entry {} not shown", e.account_id);
                    }
                }
                let mut dormant = 0;
                for o in &overrides {
                    let key = Key { account_id: o.account_id.clone(), role: o.role_name.to_lowercase(), identity_center: o.identity_center };
                    match by_key.get(&key) {
                        Some(shown) => {
                            prop_assert_eq!(shown.favorite, o.favorite);
                            prop_assert_eq!(shown.hidden, o.hidden);
                            if let Some(c) = &o.color {
                                prop_assert_eq!(&shown.environment.color, c);
                            }
                            if let Some(p) = &o.title_prefix {
                                prop_assert_eq!(shown.environment.title_prefix.as_deref(), Some(p.as_str()));
                            }
                        }
                        None => dormant += 1,
                    }
                }
                prop_assert_eq!(view.dormant_overrides, dormant);
            }
            prop_assert_eq!(personal, personal_before);
        }
    }
}

//! Which environments the popup offers first: the ones reachable from the
//! account the user is signed in to (an environment's base account, as
//! `source_profile` in AWS CLI config), the recently used ones, and the way
//! back to the base account, the user's favorites pinned on top, and the
//! sections (favorites, then one per group) shown for an empty filter. Also
//! the user's settings, validated with defaults.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::aws::format_account_id;
use crate::console::identity::ConsoleIdentity;
use crate::console::reach::{base_label, base_matches, is_reachable};
use crate::model::Environment;
use crate::settings::{EnterKeys, Settings};

/// How many recently used environments are remembered.
pub const MAX_RECENTS: usize = 20;

/// `recents` with `id` moved to the front, without duplicates, at most
/// [`MAX_RECENTS`] long.
pub fn touch_recent(recents: &[String], id: &str) -> Vec<String> {
    std::iter::once(id.to_string())
        .chain(recents.iter().filter(|r| *r != id).cloned())
        .take(MAX_RECENTS)
        .collect()
}

/// How many favorites are kept (they live in `storage.sync`, whose items
/// hold 8 KiB: 100 ids of 36 characters fit with room to spare).
pub const MAX_FAVORITES: usize = 100;

/// Favorites as stored: anything; only strings in an array count, each once.
pub fn read_favorites(raw: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in raw
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        if !out.iter().any(|f| f == id) && out.len() < MAX_FAVORITES {
            out.push(id.to_string());
        }
    }
    out
}

/// Why a star was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FavoriteError {
    /// There are [`MAX_FAVORITES`] already.
    TooMany,
}

impl std::fmt::Display for FavoriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FavoriteError::TooMany => write!(
                f,
                "You have {MAX_FAVORITES} favorites, the most that sync between browsers; unstar one first."
            ),
        }
    }
}

impl std::error::Error for FavoriteError {}

/// `favorites` with `id` starred (appended: favorites keep the order they
/// were starred in) or, when it is starred already, unstarred. Errors when
/// starring one more than [`MAX_FAVORITES`].
pub fn toggle_favorite(favorites: &[String], id: &str) -> Result<Vec<String>, FavoriteError> {
    if favorites.iter().any(|f| f == id) {
        return Ok(favorites.iter().filter(|f| *f != id).cloned().collect());
    }
    if favorites.len() >= MAX_FAVORITES {
        return Err(FavoriteError::TooMany);
    }
    let mut next = favorites.to_vec();
    next.push(id.to_string());
    Ok(next)
}

/// The way back to the base account of the environment the page is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackOffer {
    /// The environment the page is in (whose base this is).
    pub env_id: String,
    /// `acme-mgmt (1111-2222-3333) · Admin`.
    pub label: String,
    /// True when the base names a role, so that going back is a switch into
    /// it. A base without a role is the signed-in IAM user: going back is the
    /// console's own "Switch back", which the popup can only point to.
    pub switchable: bool,
}

/// One titled part of the popup's list for an empty filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    /// Stable name for the popup's collapsed state: `*favorites`, `*none`
    /// (no group), or `group:<name>`.
    pub key: String,
    /// `Favorites`, the group's name, or `No group`.
    pub label: String,
    /// Indices of the visible entries in it, in the preferred order.
    pub members: Vec<u32>,
}

/// What the popup shows, in which order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PopupView {
    /// Indices into the list: the order for an empty query and for ties
    /// (favorites first, in the order they were starred; then reachable
    /// before unreachable; recently used first within each).
    pub preferred: Vec<u32>,
    /// Indices of the visible favorites, in the order they were starred
    /// (Alt+1 switches to the first).
    pub favorites: Vec<u32>,
    /// For an empty filter: the favorites, then one section per group (by
    /// name, case-insensitively; entries without a group last). A favorite
    /// is listed under Favorites only. Sections without members are left out.
    pub sections: Vec<Section>,
    /// Indices of the entries to show at all (all of them unless the
    /// reachable-only setting hides some).
    pub visible: Vec<u32>,
    /// Indices of the entries reachable from the signed-in account; all of
    /// them when the page's identity is unknown.
    pub reachable: Vec<u32>,
    /// Index of the entry the page is in, if any.
    pub current: Option<u32>,
    pub back: Option<BackOffer>,
    /// Who the page says is signed in, for the popup's header (`1111-2222-3333 · Admin`).
    pub signed_in: Option<String>,
    /// What Enter and Shift+Enter do on this page ([`Settings::enter_keys`]).
    pub enter: EnterKeys,
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Each id's first position in `ids`.
fn rank_map(ids: &[String]) -> HashMap<&str, usize> {
    let mut map = HashMap::with_capacity(ids.len());
    for (rank, id) in ids.iter().enumerate() {
        map.entry(id.as_str()).or_insert(rank);
    }
    map
}

/// The popup's view of `envs` for a page with identity `id` (`None`: not a
/// console page, or it could not be read), recently used `recents` (ids,
/// most recent first), starred `favorites` (ids, in star order) and `settings`.
pub fn popup_view(
    envs: &[Environment],
    id: Option<&ConsoleIdentity>,
    recents: &[String],
    favorites: &[String],
    settings: &Settings,
) -> PopupView {
    let known = id.filter(|i| i.account_id.is_some() || i.account_alias.is_some());
    let reachable: Vec<bool> = envs
        .iter()
        .map(|e| known.is_none_or(|i| is_reachable(e, i)))
        .collect();
    let recent = rank_map(recents);
    let favorite = rank_map(favorites);
    let rank = |map: &HashMap<&str, usize>, i: usize| {
        map.get(envs[i].id.as_str()).copied().unwrap_or(usize::MAX)
    };
    let mut preferred: Vec<usize> = (0..envs.len()).collect();
    // Stable: list order among equals.
    preferred.sort_by_key(|&i| (rank(&favorite, i), !reachable[i], rank(&recent, i)));
    let shown = |i: usize| !settings.reachable_only || reachable[i];
    let visible: Vec<u32> = (0..envs.len()).filter(|&i| shown(i)).map(idx).collect();

    let is_favorite = |i: usize| rank(&favorite, i) != usize::MAX;
    let favorites: Vec<u32> = preferred
        .iter()
        .copied()
        .take_while(|&i| is_favorite(i))
        .filter(|&i| shown(i))
        .map(idx)
        .collect();
    // Groups by name, case-insensitively, under the spelling of the first
    // entry in the list that has it.
    let group_of = |i: usize| {
        envs[i]
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
    };
    let mut groups: BTreeMap<String, (String, Vec<u32>)> = BTreeMap::new();
    for g in (0..envs.len()).filter_map(group_of) {
        groups
            .entry(g.to_lowercase())
            .or_insert_with(|| (g.to_string(), Vec::new()));
    }
    let mut ungrouped = Vec::new();
    for &i in preferred.iter().filter(|&&i| shown(i) && !is_favorite(i)) {
        match group_of(i) {
            Some(g) => {
                if let Some((_, members)) = groups.get_mut(&g.to_lowercase()) {
                    members.push(idx(i));
                }
            }
            None => ungrouped.push(idx(i)),
        }
    }
    groups.retain(|_, (_, members)| !members.is_empty());
    let mut sections = Vec::with_capacity(groups.len() + 2);
    if !favorites.is_empty() {
        sections.push(Section {
            key: "*favorites".into(),
            label: "Favorites".into(),
            members: favorites.clone(),
        });
    }
    let any_group = !groups.is_empty();
    sections.extend(groups.into_iter().map(|(key, (label, members))| Section {
        key: format!("group:{key}"),
        label,
        members,
    }));
    if !ungrouped.is_empty() {
        sections.push(Section {
            key: "*none".into(),
            label: if any_group {
                "No group"
            } else {
                "Other environments"
            }
            .into(),
            members: ungrouped,
        });
    }

    let current = known.and_then(|i| crate::console::identity::match_environment(envs, i));
    let back = known.zip(current).and_then(|(i, (env, _))| {
        let base = env.base.as_ref()?;
        (i.role_name.is_some() && !base_matches(base, i)).then(|| BackOffer {
            env_id: env.id.clone(),
            label: base_label(base),
            switchable: base.role_name.is_some(),
        })
    });
    let signed_in = known.map(|i| {
        let account = match (&i.account_alias, &i.account_id) {
            (Some(alias), Some(a)) => format!("{alias} ({})", format_account_id(a)),
            (Some(alias), None) => alias.clone(),
            (None, Some(a)) => format_account_id(a),
            (None, None) => String::new(),
        };
        match &i.role_name {
            Some(role) => format!("{account} · {role}"),
            None => account,
        }
    });
    PopupView {
        preferred: preferred.into_iter().map(idx).collect(),
        favorites,
        sections,
        visible,
        reachable: (0..envs.len()).filter(|&i| reachable[i]).map(idx).collect(),
        current: current.and_then(|(e, _)| envs.iter().position(|x| x.id == e.id).map(idx)),
        back,
        signed_in,
        enter: settings.enter_keys(id.is_some_and(|i| i.multi_session)),
    }
}

/// The environment that "back to the base account" of `env` switches into:
/// the list's own entry for the base account and role when there is one,
/// otherwise one made from the base (named after it, in AWS's blue).
/// `None` when `env` has no base or its base names no role (see [`BackOffer`]).
pub fn back_environment(envs: &[Environment], env: &Environment) -> Option<Environment> {
    let base = env.base.as_ref()?;
    let role = base.role_name.as_ref()?;
    let account = base.account_id.clone().or_else(|| base.alias.clone())?;
    let role_base = role.rsplit('/').next().unwrap_or(role);
    if let Some(listed) = envs.iter().find(|e| {
        base.account_id.as_deref() == Some(e.account_id.as_str())
            && e.role_base_name().eq_ignore_ascii_case(role_base)
    }) {
        return Some(listed.clone());
    }
    Some(Environment {
        id: format!("{}#base", env.id),
        account_id: account,
        role_name: role.clone(),
        display_name: base
            .alias
            .clone()
            .unwrap_or_else(|| format_account_id(base.account_id.as_deref().unwrap_or(""))),
        color: crate::color::BLUE.to_string(),
        region: env.region.clone(),
        partition: env.partition,
        production: false,
        group: None,
        base: None,
        title_prefix: None,
        portal_url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::identity::{identify, ConsoleSignals};
    use crate::model::{example_environments, BaseAccount};

    fn with_base(
        id: &str,
        account: &str,
        base: Option<(Option<&str>, Option<&str>, Option<&str>)>,
    ) -> Environment {
        let mut e = example_environments().remove(0);
        e.id = id.into();
        e.display_name = id.into();
        e.account_id = account.into();
        e.base = base.map(|(account_id, alias, role)| BaseAccount {
            account_id: account_id.map(String::from),
            alias: alias.map(String::from),
            role_name: role.map(String::from),
        });
        e
    }

    fn session(account: &str, arn: &str, alias: Option<&str>) -> Option<String> {
        Some(
            serde_json::json!({ "accountId": account, "sessionARN": arn, "accountAlias": alias })
                .to_string(),
        )
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn base_matches_the_forms_the_console_shows() {
        let mgmt = BaseAccount {
            account_id: Some("999988887777".into()),
            alias: None,
            role_name: Some("Admin".into()),
        };
        let mgmt_any_role = BaseAccount {
            role_name: None,
            ..mgmt.clone()
        };
        let by_alias = BaseAccount {
            account_id: None,
            alias: Some("acme-mgmt".into()),
            role_name: None,
        };
        let cases: Vec<(&str, ConsoleSignals, [bool; 3])> = vec![
            (
                "session ARN, assumed role",
                ConsoleSignals {
                    session_data: session(
                        "999988887777",
                        "arn:aws:sts::999988887777:assumed-role/Admin/alice",
                        Some("acme-mgmt"),
                    ),
                    ..Default::default()
                },
                [true, true, true],
            ),
            (
                "cookie ARN, other role",
                ConsoleSignals {
                    user_info_cookie: Some(
                        "%7B%22arn%22%3A%22arn%3Aaws%3Asts%3A%3A999988887777%3Aassumed-role%2FReadOnly%2Fbob%22%2C%22alias%22%3A%22ACME-mgmt%22%7D"
                            .into(),
                    ),
                    ..Default::default()
                },
                [false, true, true],
            ),
            (
                "IAM user ARN in GovCloud",
                ConsoleSignals {
                    session_data: session(
                        "999988887777",
                        "arn:aws-us-gov:iam::999988887777:user/alice",
                        None,
                    ),
                    ..Default::default()
                },
                [false, true, false],
            ),
            (
                "hyphenated ID in the navigation, role path in the name",
                ConsoleSignals {
                    nav_account: Some("9999-8888-7777".into()),
                    nav_role: Some("admin/alice".into()),
                    ..Default::default()
                },
                [true, true, false],
            ),
            (
                "another account with the same alias text elsewhere",
                ConsoleSignals {
                    session_data: session(
                        "111122223333",
                        "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                        Some("acme-dev"),
                    ),
                    ..Default::default()
                },
                [false, false, false],
            ),
            ("nothing known", ConsoleSignals::default(), [false, false, false]),
        ];
        for (what, signals, [role, any, alias]) in cases {
            let id = identify(&signals);
            assert_eq!(base_matches(&mgmt, &id), role, "{what}: base with role");
            assert_eq!(
                base_matches(&mgmt_any_role, &id),
                any,
                "{what}: base without role"
            );
            assert_eq!(base_matches(&by_alias, &id), alias, "{what}: base by alias");
        }
    }

    fn ident(account: &str, role: Option<&str>) -> ConsoleIdentity {
        ConsoleIdentity {
            account_id: Some(account.into()),
            role_name: role.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn the_enter_setting_applies_in_a_multi_session_console() {
        use crate::settings::EnterAction;
        let envs = example_environments();
        let settings = Settings {
            enter_action: EnterAction::OpenAlongside,
            ..Settings::default()
        };
        let mut page = ident("111122223333", Some("Ops"));
        let plain = popup_view(&envs, Some(&page), &[], &[], &settings);
        assert_eq!(plain.enter.enter, EnterAction::SwitchHere);
        page.multi_session = true;
        let multi = popup_view(&envs, Some(&page), &[], &[], &settings);
        assert_eq!(multi.enter.enter, EnterAction::OpenAlongside);
        assert_eq!(multi.enter.shift_enter, EnterAction::SwitchHere);
        let none = popup_view(&envs, None, &[], &[], &settings);
        assert_eq!(none.enter.enter, EnterAction::SwitchHere);
    }

    #[test]
    fn reachable_first_then_recent_and_reachable_only_hides_the_rest() {
        let envs = vec![
            with_base(
                "a",
                "111111111111",
                Some((Some("999988887777"), None, Some("Admin"))),
            ),
            with_base(
                "b",
                "222222222222",
                Some((Some("555555555555"), None, None)),
            ),
            with_base("c", "333333333333", None),
            with_base(
                "d",
                "444444444444",
                Some((Some("999988887777"), None, None)),
            ),
        ];
        let recents = vec!["b".to_string(), "d".into(), "gone".into()];
        let id = ident("999988887777", Some("Admin"));
        let v = popup_view(&envs, Some(&id), &recents, &[], &Settings::default());
        assert_eq!(v.preferred, vec![3, 0, 2, 1]);
        assert_eq!(v.reachable, vec![0, 2, 3]);
        assert_eq!(v.visible, vec![0, 1, 2, 3]);
        let only = Settings {
            reachable_only: true,
            ..Settings::default()
        };
        let v = popup_view(&envs, Some(&id), &recents, &[], &only);
        assert_eq!(v.visible, vec![0, 2, 3]);
        // Unknown identity: everything reachable, recents first.
        let v = popup_view(&envs, None, &recents, &[], &only);
        assert_eq!(v.preferred, vec![1, 3, 0, 2]);
        assert_eq!(v.visible, vec![0, 1, 2, 3]);
        assert_eq!(v.back, None);
    }

    #[test]
    fn back_to_the_base_when_in_a_switched_role() {
        let mut envs = vec![
            with_base(
                "prod",
                "444455556666",
                Some((Some("999988887777"), Some("acme-mgmt"), Some("Admin"))),
            ),
            with_base(
                "dev",
                "111122223333",
                Some((Some("999988887777"), None, None)),
            ),
        ];
        let v = popup_view(
            &envs,
            Some(&ident(
                "444455556666",
                Some("OrganizationAccountAccessRole"),
            )),
            &[],
            &[],
            &Settings::default(),
        );
        assert_eq!(v.current, Some(0));
        let back = v.back.unwrap();
        assert_eq!(back.label, "acme-mgmt (9999-8888-7777) · Admin");
        assert!(back.switchable);
        let target = back_environment(&envs, &envs[0]).unwrap();
        assert_eq!(
            (target.account_id.as_str(), target.role_name.as_str()),
            ("999988887777", "Admin")
        );
        assert_eq!(target.display_name, "acme-mgmt");

        // An IAM-user base: offered, but not as a switch.
        let v = popup_view(
            &envs,
            Some(&ident(
                "111122223333",
                Some("OrganizationAccountAccessRole"),
            )),
            &[],
            &[],
            &Settings::default(),
        );
        assert_eq!(
            v.back.as_ref().map(|b| (b.label.as_str(), b.switchable)),
            Some(("9999-8888-7777", false))
        );
        assert_eq!(back_environment(&envs, &envs[1]), None);

        // In the base itself, or not in a role: no way back.
        let v = popup_view(
            &envs,
            Some(&ident("999988887777", Some("Admin"))),
            &[],
            &[],
            &Settings::default(),
        );
        assert_eq!(v.back, None);
        let v = popup_view(
            &envs,
            Some(&ident("444455556666", None)),
            &[],
            &[],
            &Settings::default(),
        );
        assert_eq!(v.back, None);

        // A listed entry for the base is used as it is.
        envs.push(with_base("mgmt", "999988887777", None));
        envs[2].role_name = "Admin".into();
        assert_eq!(back_environment(&envs, &envs[0]).unwrap().id, "mgmt");
    }

    fn grouped(id: &str, group: Option<&str>) -> Environment {
        let mut e = with_base(id, "111111111111", None);
        e.group = group.map(String::from);
        e
    }

    #[test]
    fn favorites_pinned_in_star_order_then_groups_with_no_group_last() {
        let envs = vec![
            grouped("a", Some("Prod OU")),
            grouped("b", None),
            grouped("c", Some("dev ou")),
            grouped("d", Some("prod ou")),
            grouped("e", Some("Dev OU")),
        ];
        let favorites = vec!["e".to_string(), "gone".into(), "b".into()];
        let recents = vec!["d".to_string()];
        let v = popup_view(&envs, None, &recents, &favorites, &Settings::default());
        assert_eq!(v.preferred, vec![4, 1, 3, 0, 2]);
        assert_eq!(v.favorites, vec![4, 1]);
        let sections: Vec<(&str, &str, Vec<u32>)> = v
            .sections
            .iter()
            .map(|s| (s.key.as_str(), s.label.as_str(), s.members.clone()))
            .collect();
        assert_eq!(
            sections,
            vec![
                ("*favorites", "Favorites", vec![4, 1]),
                ("group:dev ou", "dev ou", vec![2]),
                ("group:prod ou", "Prod OU", vec![3, 0]),
            ]
        );
        // No groups at all: one section besides the favorites.
        let flat = vec![grouped("a", None), grouped("b", None)];
        let v = popup_view(&flat, None, &[], &["b".into()], &Settings::default());
        let labels: Vec<&str> = v.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, vec!["Favorites", "Other environments"]);
        let v = popup_view(&flat, None, &[], &[], &Settings::default());
        assert_eq!(v.sections.len(), 1);
        // Ungrouped entries beside groups: "No group", last.
        let mixed = vec![grouped("a", None), grouped("b", Some("x"))];
        let v = popup_view(&mixed, None, &[], &[], &Settings::default());
        let labels: Vec<&str> = v.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, vec!["x", "No group"]);
    }

    #[test]
    fn favorites_toggle_in_star_order_and_are_bounded() {
        let mut f: Vec<String> = Vec::new();
        for id in ["a", "b", "c", "a"] {
            f = toggle_favorite(&f, id).unwrap();
        }
        assert_eq!(f, vec!["b", "c"]);
        let full: Vec<String> = (0..MAX_FAVORITES).map(|i| i.to_string()).collect();
        let too_many = toggle_favorite(&full, "x").unwrap_err();
        assert_eq!(too_many, FavoriteError::TooMany);
        assert!(too_many.to_string().contains("unstar one"));
        assert_eq!(
            toggle_favorite(&full, "0").unwrap().len(),
            MAX_FAVORITES - 1
        );
        let stored = serde_json::json!(["a", 3, "b", "a", null]);
        assert_eq!(read_favorites(&stored), vec!["a", "b"]);
        assert!(read_favorites(&serde_json::json!({"a": 1})).is_empty());
    }

    #[test]
    fn recents_are_most_recent_first_and_bounded() {
        let mut r: Vec<String> = Vec::new();
        for id in ["a", "b", "a", "c"] {
            r = touch_recent(&r, id);
        }
        assert_eq!(r, vec!["c", "a", "b"]);
        for i in 0..50 {
            r = touch_recent(&r, &i.to_string());
        }
        assert_eq!(r.len(), MAX_RECENTS);
        assert_eq!(r[0], "49");
    }
}

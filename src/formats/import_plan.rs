//! The import preview: what an import adds, changes, removes and leaves alone.
//!
//! Entries are matched by account and role (the role case-insensitively, as
//! IAM does). A matched entry keeps the id it has in the current list, so that
//! whatever refers to it (last used, favourites) keeps working.

use serde::{Deserialize, Serialize};

use std::collections::{HashMap, HashSet};

use crate::model::Environment;

use super::Unique;

/// How an import combines with the current list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportMode {
    /// Add and update entries; keep the ones the file does not mention.
    Merge,
    /// The file becomes the list; entries it does not mention are removed.
    Replace,
}

/// One entry before and after the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub before: Environment,
    pub after: Environment,
    /// What differs, field by field, in words (see [`changed_fields`]).
    #[serde(default)]
    pub fields: Vec<FieldChange>,
}

impl Change {
    /// The change from `before` to `after`, with what differs.
    pub fn new(before: Environment, after: Environment) -> Change {
        let fields = changed_fields(&before, &after);
        Change {
            before,
            after,
            fields,
        }
    }
}

/// One field of an entry that an import (or a subscription's refresh) changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// What a user calls the field: `name`, `role`, `title prefix`.
    pub field: String,
    /// The value before, as shown (quoted text, or `none`).
    pub before: String,
    /// The value after.
    pub after: String,
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} → {}", self.field, self.before, self.after)
    }
}

/// Every field that differs between two versions of an entry (all but its id),
/// in the order the editor shows them.
pub fn changed_fields(before: &Environment, after: &Environment) -> Vec<FieldChange> {
    fn text(value: Option<&str>) -> String {
        value.map_or_else(|| "none".into(), crate::validate::quote)
    }
    fn base(value: &Option<crate::model::BaseAccount>) -> String {
        value.as_ref().map_or_else(
            || "none".into(),
            |b| {
                let parts: Vec<String> = [
                    b.account_id.as_deref().map(crate::aws::format_account_id),
                    b.alias.clone(),
                    b.role_name.clone(),
                ]
                .into_iter()
                .flatten()
                .collect();
                parts.join(" · ")
            },
        )
    }
    let pairs = [
        (
            "name",
            text(Some(&before.display_name)),
            text(Some(&after.display_name)),
        ),
        (
            "role",
            text(Some(&before.role_name)),
            text(Some(&after.role_name)),
        ),
        (
            "portal",
            text(before.portal_url.as_deref()),
            text(after.portal_url.as_deref()),
        ),
        ("color", before.color.clone(), after.color.clone()),
        (
            "region",
            text(before.region.as_deref()),
            text(after.region.as_deref()),
        ),
        (
            "partition",
            text(before.partition.map(|p| p.arn_name())),
            text(after.partition.map(|p| p.arn_name())),
        ),
        (
            "production",
            before.production.to_string(),
            after.production.to_string(),
        ),
        (
            "group",
            text(before.group.as_deref()),
            text(after.group.as_deref()),
        ),
        ("base", base(&before.base), base(&after.base)),
        (
            "title prefix",
            text(before.title_prefix.as_deref()),
            text(after.title_prefix.as_deref()),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, before, after)| FieldChange {
            field: field.into(),
            before,
            after,
        })
        .collect()
}

/// What an import would do. Nothing is written until the user confirms;
/// `result` is then the new list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPlan {
    pub mode: ImportMode,
    /// New entries, as they will be stored.
    pub added: Vec<Environment>,
    /// Entries whose name, color, region, group, production flag or base change.
    pub changed: Vec<Change>,
    /// Entries that will be deleted (only in [`ImportMode::Replace`]).
    pub removed: Vec<Environment>,
    /// Entries that stay as they are: identical in the file, or (when merging)
    /// not mentioned by it.
    pub unchanged: Vec<Environment>,
    /// The list after the import, in order: in a merge, the current list with
    /// its changes and then the added entries; in a replace, the file's order.
    pub result: Vec<Environment>,
}

/// Plans importing `incoming` (as returned by [`super::parse`]) into `current`.
///
/// The result passes [`crate::check_list`] when both inputs do: matched
/// entries keep their current id, and an added entry whose id is already taken
/// gets a suffix. An incoming entry whose account and role repeat an earlier
/// incoming one is left out (a parsed list never has one).
pub fn plan_import(
    current: &[Environment],
    incoming: &[Environment],
    mode: ImportMode,
) -> ImportPlan {
    let mut plan = ImportPlan {
        mode,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        unchanged: Vec::new(),
        result: Vec::new(),
    };
    // For each current entry, what the file says about it.
    let mut updates: Vec<Option<Environment>> = vec![None; current.len()];
    let mut seen: HashSet<(&str, String, bool)> = HashSet::new();
    // An added entry keeps its id unless it is taken: then `id-2`, `id-3`….
    let mut ids = Unique::with(current.iter().map(|e| e.id.clone()));
    // Account, role and kind, as `check_list` tells entries apart: an IAM role and an
    // Identity Center permission set of the same name are two entries.
    fn key(e: &Environment) -> (&str, String, bool) {
        (
            e.account_id.as_str(),
            e.role_name.to_ascii_lowercase(),
            e.portal_url.is_some(),
        )
    }
    let positions: HashMap<(&str, String, bool), usize> = current
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (key(c), i))
        .collect();
    // In file order: the entry as it will be stored.
    let mut in_file_order: Vec<Environment> = Vec::new();
    for env in incoming {
        if !seen.insert(key(env)) {
            continue;
        }
        match positions.get(&key(env)).copied() {
            Some(i) => {
                let mut after = env.clone();
                after.id = current[i].id.clone();
                updates[i] = Some(after.clone());
                in_file_order.push(after);
            }
            None => {
                let mut added = env.clone();
                added.id = ids.take(&env.id, |id, n| format!("{id}-{n}"));
                plan.added.push(added.clone());
                in_file_order.push(added);
            }
        }
    }
    for (before, update) in current.iter().zip(updates) {
        match update {
            Some(after) if after == *before => {
                plan.unchanged.push(after.clone());
                if mode == ImportMode::Merge {
                    plan.result.push(after);
                }
            }
            Some(after) => {
                plan.changed
                    .push(Change::new(before.clone(), after.clone()));
                if mode == ImportMode::Merge {
                    plan.result.push(after);
                }
            }
            None if mode == ImportMode::Merge => {
                plan.unchanged.push(before.clone());
                plan.result.push(before.clone());
            }
            None => plan.removed.push(before.clone()),
        }
    }
    match mode {
        ImportMode::Merge => plan.result.extend(plan.added.iter().cloned()),
        ImportMode::Replace => plan.result = in_file_order,
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;
    use crate::validate::check_list;

    #[test]
    fn changed_fields_name_every_difference_but_the_id() {
        let before = example_environments().remove(0);
        let mut after = before.clone();
        after.id = "other-id".into();
        assert_eq!(changed_fields(&before, &after), vec![]);
        after.title_prefix = Some("T".into());
        after.base = Some(crate::model::BaseAccount {
            account_id: Some("999988887777".into()),
            alias: None,
            role_name: Some("Ops".into()),
        });
        after.display_name = "renamed".into();
        let got: Vec<String> = changed_fields(&before, &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                r#"name "test" → "renamed""#,
                "base none → 9999-8888-7777 · Ops",
                r#"title prefix none → "T""#,
            ]
        );
    }

    fn env(id: &str, account: &str, role: &str, name: &str) -> Environment {
        let mut e = example_environments().remove(0);
        e.id = id.into();
        e.account_id = account.into();
        e.role_name = role.into();
        e.display_name = name.into();
        e
    }

    fn ids(list: &[Environment]) -> Vec<&str> {
        list.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn merge_and_replace() {
        let current = vec![
            env("a", "111111111111", "Admin", "one"),
            env("b", "222222222222", "Admin", "two"),
            env("c", "333333333333", "Admin", "three"),
        ];
        let incoming = vec![
            env("x", "444444444444", "Admin", "four"),
            env("y", "222222222222", "admin", "two renamed"),
            env("z", "111111111111", "Admin", "one"),
            // Its id is taken by a current entry with another account.
            env("a", "555555555555", "Admin", "five"),
        ];
        // (mode, added, changed (before id, after name), removed, unchanged, result)
        let cases: &[(
            ImportMode,
            &[&str],
            &[(&str, &str)],
            &[&str],
            &[&str],
            &[&str],
        )] = &[
            (
                ImportMode::Merge,
                &["x", "a-2"],
                &[("b", "two renamed")],
                &[],
                &["a", "c"],
                &["a", "b", "c", "x", "a-2"],
            ),
            (
                ImportMode::Replace,
                &["x", "a-2"],
                &[("b", "two renamed")],
                &["c"],
                &["a"],
                &["x", "b", "a", "a-2"],
            ),
        ];
        for (mode, added, changed, removed, unchanged, result) in cases {
            let plan = plan_import(&current, &incoming, *mode);
            assert_eq!(ids(&plan.added), *added, "{mode:?}");
            let got: Vec<(&str, &str)> = plan
                .changed
                .iter()
                .map(|c| (c.after.id.as_str(), c.after.display_name.as_str()))
                .collect();
            assert_eq!(got, *changed, "{mode:?}");
            assert_eq!(plan.changed[0].before.display_name, "two");
            assert_eq!(ids(&plan.removed), *removed, "{mode:?}");
            assert_eq!(ids(&plan.unchanged), *unchanged, "{mode:?}");
            assert_eq!(ids(&plan.result), *result, "{mode:?}");
            assert!(check_list(&plan.result).is_empty(), "{mode:?}");
        }
    }

    #[test]
    fn a_role_and_a_permission_set_of_the_same_name_are_two_entries() {
        let role = env("iam", "444455556666", "Read_Only", "iam");
        let mut set = env("sso", "444455556666", "Read_Only", "sso");
        set.portal_url = Some("https://acme.awsapps.com/start".into());
        let plan = plan_import(&[], &[role.clone(), set.clone()], ImportMode::Replace);
        assert_eq!(ids(&plan.result), ["iam", "sso"]);
        assert!(check_list(&plan.result).is_empty());
        // Merged into a list holding one of them: the other is added, nothing replaced.
        let plan = plan_import(&[role], &[set], ImportMode::Merge);
        assert_eq!(ids(&plan.added), ["sso"]);
        assert_eq!(ids(&plan.result), ["iam", "sso"]);
    }

    #[test]
    fn importing_the_same_list_changes_nothing() {
        let list = example_environments();
        for mode in [ImportMode::Merge, ImportMode::Replace] {
            let plan = plan_import(&list, &list, mode);
            assert!(plan.added.is_empty() && plan.changed.is_empty() && plan.removed.is_empty());
            assert_eq!(plan.result, list);
        }
    }

    #[test]
    fn serialises_in_camel_case() {
        let plan = plan_import(&[], &example_environments(), ImportMode::Replace);
        let json = serde_json::to_string(&plan).unwrap();
        assert!(
            json.starts_with(
                "{\"mode\":\"replace\",\"added\":[{\"id\":\"example-test\",\"accountId\""
            ),
            "{json}"
        );
    }
}

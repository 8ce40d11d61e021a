//! Two browsers that change the synced list at the same time.
//!
//! `chrome.storage.sync` keeps the last write, so a change made on one browser
//! while another browser's change was still on its way would be lost. When a
//! browser sees such a concurrent write arrive, it replays its own last change
//! (from `base` to `ours`) onto the list that arrived (`theirs`), entry by entry
//! (by id), so that nobody's added or edited entry is dropped.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Environment;
use crate::validate::{check_list, quote};

/// The list after replaying a change onto another browser's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rebased {
    pub environments: Vec<Environment>,
    /// Whether the result differs from `theirs` (ignoring order): if not, there is nothing to write.
    pub changed: bool,
    /// What could not be replayed as it was, in words.
    pub notes: Vec<String>,
}

/// Replays the change `base → ours` onto `theirs`:
/// - entries we added are added, unless `theirs` has the same id or account and role;
/// - entries we edited take our version where `theirs` still has the base version;
///   where both edited, theirs is kept (noted); where theirs deleted it, ours is kept (noted);
/// - entries we deleted are deleted where `theirs` still has the base version.
pub fn rebase(base: &[Environment], ours: &[Environment], theirs: &[Environment]) -> Rebased {
    let by_id = |list: &[Environment]| -> HashMap<String, Environment> {
        list.iter().map(|e| (e.id.clone(), e.clone())).collect()
    };
    let (base_ids, our_ids) = (by_id(base), by_id(ours));
    let mut result: Vec<Environment> = theirs.to_vec();
    let mut notes = Vec::new();
    let position = |list: &[Environment], id: &str| list.iter().position(|e| e.id == id);

    for env in ours {
        match (base_ids.get(&env.id), position(&result, &env.id)) {
            // Added here.
            (None, None) => result.push(env.clone()),
            (None, Some(_)) => {}
            // Unchanged here: theirs stands.
            (Some(before), _) if before == env => {}
            // Edited here.
            (Some(before), Some(i)) if result[i] == *before => result[i] = env.clone(),
            (Some(_), Some(i)) if result[i] == *env => {}
            (Some(_), Some(i)) => notes.push(format!(
                "{} was changed on this browser and on another at the same time; the other browser's version was kept.",
                quote(&result[i].display_name)
            )),
            (Some(_), None) => {
                notes.push(format!(
                    "{} was deleted on another browser while it was being changed here; it was kept.",
                    quote(&env.display_name)
                ));
                result.push(env.clone());
            }
        }
    }
    for (id, before) in &base_ids {
        if our_ids.contains_key(id) {
            continue;
        }
        // Deleted here.
        if let Some(i) = position(&result, id) {
            if result[i] == *before {
                result.remove(i);
            } else {
                notes.push(format!(
                    "{} was deleted here but changed on another browser at the same time; it was kept.",
                    quote(&result[i].display_name)
                ));
            }
        }
    }
    // Both added the same account and role: keep theirs.
    let clashes: Vec<usize> = check_list(&result).into_iter().map(|p| p.index).collect();
    for i in clashes.into_iter().rev() {
        if i >= theirs.len() {
            let dropped = result.remove(i);
            notes.push(format!(
                "{} was added on two browsers at the same time; one entry was kept.",
                quote(&dropped.display_name)
            ));
        }
    }
    let mut mine: Vec<&Environment> = result.iter().collect();
    let mut other: Vec<&Environment> = theirs.iter().collect();
    mine.sort_by(|a, b| a.id.cmp(&b.id));
    other.sort_by(|a, b| a.id.cmp(&b.id));
    let changed = mine != other;
    Rebased {
        environments: result,
        changed,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    fn env(id: &str, account: &str, name: &str) -> Environment {
        let mut e = example_environments().remove(0);
        e.id = id.into();
        e.account_id = account.into();
        e.display_name = name.into();
        e
    }

    fn names(list: &[Environment]) -> Vec<&str> {
        list.iter().map(|e| e.display_name.as_str()).collect()
    }

    #[test]
    fn additions_on_both_browsers_are_all_kept() {
        let base = vec![env("a", "111111111111", "a")];
        let ours = vec![base[0].clone(), env("x", "222222222222", "x")];
        let theirs = vec![base[0].clone(), env("y", "333333333333", "y")];
        let r = rebase(&base, &ours, &theirs);
        assert_eq!(names(&r.environments), ["a", "y", "x"]);
        assert!(r.changed && r.notes.is_empty());
    }

    #[test]
    fn edits_and_deletions_replay_where_theirs_did_not_touch_the_entry() {
        let base = vec![
            env("a", "111111111111", "a"),
            env("b", "222222222222", "b"),
            env("c", "333333333333", "c"),
        ];
        // Here: rename a, delete b. There: add d.
        let ours = vec![env("a", "111111111111", "a2"), base[2].clone()];
        let mut theirs = base.clone();
        theirs.push(env("d", "444444444444", "d"));
        let r = rebase(&base, &ours, &theirs);
        assert_eq!(names(&r.environments), ["a2", "c", "d"]);
        assert!(r.notes.is_empty());
    }

    #[test]
    fn conflicting_changes_keep_every_entry_and_say_so() {
        let base = vec![env("a", "111111111111", "a"), env("b", "222222222222", "b")];
        // Here: rename a, delete b. There: rename a differently, rename b.
        let ours = vec![env("a", "111111111111", "a-here")];
        let theirs = vec![
            env("a", "111111111111", "a-there"),
            env("b", "222222222222", "b-there"),
        ];
        let r = rebase(&base, &ours, &theirs);
        assert_eq!(names(&r.environments), ["a-there", "b-there"]);
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
        assert!(!r.changed, "nothing to write: theirs already is the answer");

        // Edited here, deleted there: kept.
        let ours = vec![env("a", "111111111111", "a-here"), base[1].clone()];
        let theirs = vec![base[1].clone()];
        let r = rebase(&base, &ours, &theirs);
        assert_eq!(names(&r.environments), ["b", "a-here"]);
        assert!(r.notes[0].contains("deleted on another browser"));
    }

    #[test]
    fn the_same_account_added_on_both_is_kept_once() {
        let base = vec![];
        let ours = vec![env("x1", "555555555555", "here")];
        let theirs = vec![env("x2", "555555555555", "there")];
        let r = rebase(&base, &ours, &theirs);
        assert_eq!(names(&r.environments), ["there"]);
        assert!(!r.changed);
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn a_change_theirs_already_contains_writes_nothing() {
        let base = vec![env("a", "111111111111", "a")];
        let ours = vec![base[0].clone(), env("x", "222222222222", "x")];
        let theirs = vec![env("x", "222222222222", "x"), base[0].clone()];
        let r = rebase(&base, &ours, &theirs);
        assert!(!r.changed);
    }
}

//! Between entries: unique ids and one entry per account and role
//! ([`check_list`]), a whole list validated at once, and adding, replacing or
//! removing one entry under those rules.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::fnv::FnvMap;
use crate::model::{Environment, EnvironmentInput};

use super::environment::validate_environment;
use super::field::{Field, FieldError};
use super::text::{quote, trim};

/// A problem with one entry of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryError {
    /// Position in the input list, from 0.
    pub index: usize,
    /// The entry's display name, or its account, to name it in messages.
    pub name: String,
    pub field: Field,
    pub message: String,
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {} ({}): {}",
            self.index + 1,
            quote(&self.name),
            self.message
        )
    }
}

/// Validates every entry of a list and the list rules (duplicates): the
/// environments, or every problem, each naming its entry.
pub fn validate_list(inputs: &[EnvironmentInput]) -> Result<Vec<Environment>, Vec<EntryError>> {
    let mut envs = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match validate_environment(input, "") {
            Ok(env) => envs.push(env),
            Err(problems) => {
                let name = [&input.display_name, &input.account_id]
                    .into_iter()
                    .flatten()
                    .map(|s| trim(s))
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .to_string();
                errors.extend(problems.into_iter().map(|p| EntryError {
                    index,
                    name: name.clone(),
                    field: p.field,
                    message: p.message,
                }));
            }
        }
    }
    errors.extend(check_list(&envs));
    if errors.is_empty() {
        Ok(envs)
    } else {
        Err(errors)
    }
}

/// An account and a role name compared as IAM compares role names: ignoring
/// ASCII case. The flag tells an Identity Center permission set from an IAM
/// role of the same name (they are different roles in the account).
struct AccountRole<'a>(&'a str, &'a str, bool);

impl Hash for AccountRole<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
        self.2.hash(state);
        for b in self.1.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl PartialEq for AccountRole<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.2 == other.2 && self.1.eq_ignore_ascii_case(other.1)
    }
}

impl Eq for AccountRole<'_> {}

/// Checks rules between entries: unique ids, and one entry per account and role.
/// Linear in the list's length.
pub fn check_list(envs: &[Environment]) -> Vec<EntryError> {
    let mut errors = Vec::new();
    let mut ids: FnvMap<&str, usize> = FnvMap::default();
    let mut pairs: FnvMap<AccountRole<'_>, usize> = FnvMap::default();
    ids.reserve(envs.len());
    pairs.reserve(envs.len());
    for (i, env) in envs.iter().enumerate() {
        if let Some(&first) = ids.get(env.id.as_str()) {
            errors.push(EntryError {
                index: i,
                name: env.display_name.clone(),
                field: Field::Id,
                message: format!(
                    "Id {} is also used by {}; ids must be unique.",
                    quote(&env.id),
                    quote(&envs[first].display_name)
                ),
            });
        } else {
            ids.insert(&env.id, i);
        }
        let key = AccountRole(&env.account_id, &env.role_name, env.portal_url.is_some());
        if let Some(&first) = pairs.get(&key) {
            errors.push(EntryError {
                index: i,
                name: env.display_name.clone(),
                field: Field::AccountId,
                message: format!(
                    "Account {} with {} {} is already in the list as {}.",
                    env.account_display(),
                    if key.2 { "permission set" } else { "role" },
                    env.role_name,
                    quote(&envs[first].display_name)
                ),
            });
        } else {
            pairs.insert(key, i);
        }
    }
    errors
}

/// The list has no environment with this id (it may have been deleted meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInList {
    pub id: String,
}

impl std::fmt::Display for NotInList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "There is no environment with id {:?}; it may have been deleted already.",
            self.id
        )
    }
}

impl std::error::Error for NotInList {}

/// The list without the environment `id`.
pub fn remove(list: &[Environment], id: &str) -> Result<Vec<Environment>, NotInList> {
    if !list.iter().any(|e| e.id == id) {
        return Err(NotInList { id: id.into() });
    }
    Ok(list.iter().filter(|e| e.id != id).cloned().collect())
}

/// Adds `env` to the list, or replaces the entry with the same id, checking the
/// list rules. The list is unchanged on error.
pub fn upsert(list: &[Environment], env: Environment) -> Result<Vec<Environment>, Vec<FieldError>> {
    let mut next = list.to_vec();
    match next.iter().position(|e| e.id == env.id) {
        Some(i) => next[i] = env,
        None => next.push(env),
    }
    let problems = check_list(&next);
    if problems.is_empty() {
        Ok(next)
    } else {
        Err(problems
            .into_iter()
            .map(|p| FieldError {
                field: p.field,
                message: p.message,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::input;

    #[test]
    fn a_list_is_valid_whole_or_every_problem_names_its_entry() {
        let input = |name: &str, account: &str| EnvironmentInput {
            id: Some(name.into()),
            account_id: Some(account.into()),
            display_name: Some(name.into()),
            ..Default::default()
        };
        let ok = validate_list(&[input("a", "111122223333"), input("b", "444455556666")]).unwrap();
        assert_eq!(ok.len(), 2);
        let errors = validate_list(&[
            input("a", "111122223333"),
            input("bad", "12"),
            input("dup", "111122223333"),
        ])
        .unwrap_err();
        let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors[0].index, 1);
        assert_eq!(errors[0].field, Field::AccountId);
        assert!(
            texts[0].starts_with(r#"entry 2 ("bad"): Account ID"#),
            "{texts:?}"
        );
        assert_eq!(errors.len(), 2, "{texts:?}");
        assert!(texts[1].contains("dup"), "{texts:?}");
    }

    #[test]
    fn removing_an_environment_that_is_not_there_says_so_and_changes_nothing() {
        let list = crate::model::example_environments();
        let id = list[0].id.clone();
        let after = remove(&list, &id).unwrap();
        assert_eq!(after.len(), list.len() - 1);
        assert!(after.iter().all(|e| e.id != id));
        let err = remove(&after, &id).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("There is no environment with id {id:?}; it may have been deleted already.")
        );
    }

    #[test]
    fn upsert_rejects_duplicates_and_keeps_the_list() {
        let a = validate_environment(&input("111122223333", "Dev", "a", ""), "1").unwrap();
        let b = validate_environment(&input("111122223333", "dev", "b", ""), "2").unwrap();
        let list = upsert(&[], a.clone()).unwrap();
        let errs = upsert(&list, b).unwrap_err();
        assert!(
            errs[0].message.contains("already in the list as \"a\""),
            "{}",
            errs[0].message
        );
        assert_eq!(list, vec![a.clone()]);

        let mut renamed = a.clone();
        renamed.display_name = "renamed".into();
        assert_eq!(upsert(&list, renamed.clone()).unwrap(), vec![renamed]);
    }

    #[test]
    fn a_permission_set_and_a_role_of_one_name_may_share_an_account() {
        let role = validate_environment(&input("111122223333", "Admin", "role", ""), "a").unwrap();
        let set = validate_environment(
            &EnvironmentInput {
                portal_url: Some("https://acme.awsapps.com/start".into()),
                ..input("111122223333", "admin", "set", "")
            },
            "b",
        )
        .unwrap();
        assert!(check_list(&[role.clone(), set.clone()]).is_empty());
        let mut again = set.clone();
        again.id = "c".into();
        let problems = check_list(&[role, set, again]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("with permission set admin is already in the list as \"set\""),
            "{problems:?}"
        );
    }
}

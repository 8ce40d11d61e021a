//! Which environments a console session reaches: an environment's base
//! account (like `source_profile` in AWS CLI config) against the identity a
//! page shows, and how a base is named to the user.

use crate::aws::format_account_id;
use crate::console::identity::ConsoleIdentity;
use crate::model::{BaseAccount, Environment};

/// Whether `base` is the account (and, when it names one, the role) of `id`.
/// The account matches by ID, or by alias when only the alias is known.
pub fn base_matches(base: &BaseAccount, id: &ConsoleIdentity) -> bool {
    let by_id = matches!((&base.account_id, &id.account_id), (Some(a), Some(b)) if a == b);
    let by_alias = matches!(
        (&base.alias, &id.account_alias),
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b)
    );
    let account = by_id || ((base.account_id.is_none() || id.account_id.is_none()) && by_alias);
    let role = match (&base.role_name, &id.role_name) {
        (None, _) => true,
        (Some(want), Some(have)) => {
            // A base may name a reserved Identity Center role; the page shows its permission set.
            let want = crate::console::sso::shown_role(want.rsplit('/').next().unwrap_or(want));
            want.eq_ignore_ascii_case(have)
        }
        (Some(_), None) => false,
    };
    account && role
}

/// Whether `env` can be switched into from `id`: it has no base (from
/// anywhere), or its base is `id`'s account (and role).
pub fn is_reachable(env: &Environment, id: &ConsoleIdentity) -> bool {
    env.base.as_ref().is_none_or(|b| base_matches(b, id))
}

/// How to name a base account: `acme-mgmt (1111-2222-3333) · Admin`.
pub fn base_label(base: &BaseAccount) -> String {
    let account = match (&base.alias, &base.account_id) {
        (Some(alias), Some(id)) => format!("{alias} ({})", format_account_id(id)),
        (Some(alias), None) => alias.clone(),
        (None, Some(id)) => format_account_id(id),
        (None, None) => "the base account".into(),
    };
    match &base.role_name {
        Some(role) => format!("{account} · {role}"),
        None => account,
    }
}

//! Validation of environments: every value a user types or imports passes
//! through here before it is stored.
//!
//! Messages say what is wrong, with the offending value, and what to do. From
//! the smallest part to the whole: `text` (trimming, quoting, control and
//! invisible characters), `field` (each field's rule and message, the field
//! parsers), `environment` (one environment, its fields together), `list`
//! (rules between entries). Everything is used from here.

mod environment;
mod field;
mod list;
mod text;

pub use environment::validate_environment;
pub(crate) use environment::validate_input;
pub use field::{
    account_to_add, parse_account_id, parse_color, parse_permission_set, parse_portal_url,
    parse_region, parse_role, AccountToAdd, Field, FieldError, RoleRef, MAX_DISPLAY_NAME,
    MAX_ENV_TITLE_PREFIX, MAX_GROUP, MAX_PERMISSION_SET, MAX_PORTAL_URL, MAX_ROLE_PATH_AND_NAME,
};
pub use list::{check_list, remove, upsert, validate_list, EntryError, NotInList};
pub use text::quote;
pub(crate) use text::{invisible_char, trim};

#[cfg(test)]
mod testing {
    use super::{validate_environment, Field};
    use crate::model::EnvironmentInput;

    pub(super) fn input(account: &str, role: &str, name: &str, color: &str) -> EnvironmentInput {
        EnvironmentInput {
            account_id: Some(account.into()),
            role_name: Some(role.into()),
            display_name: Some(name.into()),
            color: Some(color.into()),
            ..Default::default()
        }
    }

    pub(super) fn field_errors(i: &EnvironmentInput) -> Vec<(Field, String)> {
        match validate_environment(i, "id-1") {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }
}

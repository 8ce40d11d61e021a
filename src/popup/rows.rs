//! The popup's copy of the list: one compact text that the service worker
//! writes whenever the list changes, so that the popup draws its rows and
//! builds its search index without parsing JSON and without the full core.
//!
//! One row per environment, in list order; rows are separated by U+001E and
//! the fields of a row by U+001F, in [`ROW_FIELDS`] order. A valid list never
//! holds control characters (validation refuses them in every text field), so
//! the separators need no escaping; [`popup_rows`] refuses a list that does.
//!
//! ```
//! use roleswitch::{example_environments, popup_rows, read_popup_rows, SearchIndex};
//!
//! let envs = example_environments();
//! let rows = popup_rows(&envs).unwrap();
//! // The popup searches the rows as the core searches the list.
//! let index = SearchIndex::new(&read_popup_rows(&rows));
//! assert_eq!(index.search("pr", usize::MAX), SearchIndex::new(&envs).search("pr", usize::MAX));
//! ```

use crate::aws::format_account_id;
use crate::model::{BaseAccount, Environment};

/// Between two rows.
pub const ROW_SEPARATOR: char = '\u{1e}';
/// Between two fields of a row.
pub const FIELD_SEPARATOR: char = '\u{1f}';

/// The fields of a row, in order: what the popup draws (`account` is the
/// account ID as shown, `1111-2222-3333`; `production` is `1` or empty) and
/// what it searches (absent values are empty).
pub const ROW_FIELDS: [&str; 10] = [
    "id",
    "displayName",
    "accountId",
    "account",
    "roleName",
    "color",
    "production",
    "group",
    "region",
    "baseAlias",
];

/// A value the rows cannot hold: it has a separator, which a validated list's
/// values never have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsError {
    /// The environment's id.
    pub id: String,
    /// Which of [`ROW_FIELDS`].
    pub field: &'static str,
}

impl std::fmt::Display for RowsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "environment {:?}: its {} holds a control character, which a valid list cannot",
            self.id, self.field
        )
    }
}

impl std::error::Error for RowsError {}

/// The popup's rows for `envs`. Errors when a value holds a separator, which
/// a validated list cannot.
pub fn popup_rows(envs: &[Environment]) -> Result<String, RowsError> {
    let mut out = String::with_capacity(envs.len() * 96);
    for (i, env) in envs.iter().enumerate() {
        let account = format_account_id(&env.account_id);
        let values = row_values(env, &account);
        if let Some(f) = values
            .iter()
            .position(|v| v.contains([ROW_SEPARATOR, FIELD_SEPARATOR]))
        {
            return Err(RowsError {
                id: env.id.clone(),
                field: ROW_FIELDS[f],
            });
        }
        if i > 0 {
            out.push(ROW_SEPARATOR);
        }
        push_values(&mut out, &values);
    }
    Ok(out)
}

/// `env`'s row, as [`popup_rows`] writes it, at the end of `out`; a separator
/// in a value (which a validated list cannot have) is written as U+FFFD, so
/// that the row keeps its fields apart.
pub(crate) fn push_row(out: &mut String, env: &Environment) {
    let account = format_account_id(&env.account_id);
    push_values(out, &row_values(env, &account));
}

/// A row's `values`, separated by [`FIELD_SEPARATOR`]; a separator in a value as U+FFFD.
fn push_values(out: &mut String, values: &[&str; 10]) {
    for (f, value) in values.iter().enumerate() {
        if f > 0 {
            out.push(FIELD_SEPARATOR);
        }
        if value.contains([ROW_SEPARATOR, FIELD_SEPARATOR]) {
            out.extend(value.chars().map(|c| {
                if c == ROW_SEPARATOR || c == FIELD_SEPARATOR {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            }));
        } else {
            out.push_str(value);
        }
    }
}

/// The values of `env`'s row in [`ROW_FIELDS`] order (`account`: its account ID as shown).
fn row_values<'a>(env: &'a Environment, account: &'a str) -> [&'a str; 10] {
    [
        &env.id,
        &env.display_name,
        &env.account_id,
        account,
        &env.role_name,
        &env.color,
        if env.production { "1" } else { "" },
        env.group.as_deref().unwrap_or(""),
        env.region.as_deref().unwrap_or(""),
        env.base
            .as_ref()
            .and_then(|b| b.alias.as_deref())
            .unwrap_or(""),
    ]
}

/// Field `f` (a position in [`ROW_FIELDS`]) of `row`; empty when the row has fewer.
pub(crate) fn row_field(row: &str, f: usize) -> &str {
    row.split(FIELD_SEPARATOR).nth(f).unwrap_or("")
}

/// The environments of `rows` as far as search needs them: id, display name,
/// account ID, role, production, group, region and base alias (the rest
/// empty). A missing field reads as empty; empty text has no rows.
pub fn read_popup_rows(rows: &str) -> Vec<Environment> {
    if rows.is_empty() {
        return Vec::new();
    }
    rows.split(ROW_SEPARATOR)
        .map(|row| {
            let mut fields = row.split(FIELD_SEPARATOR);
            let mut next = || fields.next().unwrap_or("");
            let [id, display_name, account_id, _account, role_name, color, production, group, region, alias] =
                [(); 10].map(|()| next());
            let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
            Environment {
                id: id.into(),
                account_id: account_id.into(),
                role_name: role_name.into(),
                display_name: display_name.into(),
                color: color.into(),
                region: some(region),
                partition: None,
                production: production == "1",
                group: some(group),
                base: some(alias).map(|alias| BaseAccount {
                    account_id: None,
                    alias: Some(alias),
                    role_name: None,
                }),
                title_prefix: None,
                portal_url: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;
    use crate::popup::search::SearchIndex;

    fn varied() -> Vec<Environment> {
        let mut envs = Vec::new();
        for (i, name) in [
            "payments-prod",
            "Ödön's sandbox",
            "team/ops",
            "ÉTÉ data",
            "x",
            "billing 42",
            "日本 prod",
        ]
        .iter()
        .enumerate()
        {
            let mut e = example_environments().remove(i % 2);
            e.id = format!("id-{i}");
            e.display_name = (*name).into();
            e.account_id = format!("{:012}", 111_122_223_333u64 + i as u64 * 7919);
            e.role_name = ["Admin", "team/Admin", "OrganizationAccountAccessRole"][i % 3].into();
            e.group = (i % 2 == 0).then(|| format!("OU-{i}"));
            e.region = (i % 3 == 0).then(|| "eu-west-1".to_string());
            e.production = i % 4 == 1;
            e.base = (i % 3 == 1).then(|| BaseAccount {
                account_id: Some("999988887777".into()),
                alias: (i % 2 == 1).then(|| "acme-mgmt".to_string()),
                role_name: Some("Admin".into()),
            });
            envs.push(e);
        }
        envs
    }

    #[test]
    fn rows_search_and_highlight_as_the_list_does() {
        let envs = varied();
        let rows = popup_rows(&envs).unwrap();
        let (ours, core) = (
            SearchIndex::new(&read_popup_rows(&rows)),
            SearchIndex::new(&envs),
        );
        for query in [
            "",
            "p",
            "pr",
            "prod",
            "production",
            "ö",
            "odon",
            "ete",
            "1111",
            "1111-2",
            "2223",
            "team",
            "admin",
            "ou-2",
            "eu",
            "west",
            "acme",
            "mgmt",
            "a b",
            "日本",
            "x",
            "zz",
            "billing 4",
            "orgacc",
        ] {
            assert_eq!(
                ours.search_with(query, usize::MAX, &[3, 1]),
                core.search_with(query, usize::MAX, &[3, 1]),
                "{query:?}"
            );
            for i in 0..envs.len() as u32 {
                assert_eq!(
                    ours.highlight(i, query),
                    core.highlight(i, query),
                    "{query:?} {i}"
                );
            }
        }
    }

    #[test]
    fn rows_hold_the_fields_in_order() {
        let envs = varied();
        let rows = popup_rows(&envs).unwrap();
        let lines: Vec<&str> = rows.split(ROW_SEPARATOR).collect();
        assert_eq!(lines.len(), envs.len());
        let second: Vec<&str> = lines[1].split(FIELD_SEPARATOR).collect();
        assert_eq!(
            second,
            [
                "id-1",
                "Ödön's sandbox",
                "111122231252",
                "1111-2223-1252",
                "team/Admin",
                envs[1].color.as_str(),
                "1",
                "",
                "",
                "acme-mgmt"
            ]
        );
        assert_eq!(popup_rows(&[]).unwrap(), "");
        assert!(read_popup_rows("").is_empty());
    }

    #[test]
    fn the_index_keeps_a_row_s_fields_apart_whatever_its_values_hold() {
        // Not in a validated list; the core's own index still labels the right fields.
        let mut envs = example_environments();
        envs[1].display_name = "a\u{1f}b\u{1e}c".into();
        let index = SearchIndex::new(&envs);
        let row = index.row(1).unwrap();
        assert_eq!(row_field(row, 1), "a\u{fffd}b\u{fffd}c");
        assert_eq!(row_field(row, 4), envs[1].role_name);
        assert_eq!(row.split(FIELD_SEPARATOR).count(), ROW_FIELDS.len());
        assert_eq!(index.highlight(1, "c").display_name.len(), 1);
        assert!(index.to_prepared().is_none());
    }

    #[test]
    fn a_separator_in_a_value_is_refused() {
        let mut envs = example_environments();
        envs[1].display_name = "a\u{1f}b".into();
        let err = popup_rows(&envs).unwrap_err();
        assert_eq!(
            (err.id.as_str(), err.field),
            (envs[1].id.as_str(), "displayName")
        );
        assert!(err.to_string().contains("displayName"), "{err}");
    }
}

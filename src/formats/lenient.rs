//! Reading a list for a subscription: the same readers and messages as an
//! import, but an invalid entry is left out (and listed) instead of refusing
//! the whole file.
//!
//! Which entry a problem belongs to:
//! - JSON formats: the array item its path starts with (`environments[3]…`,
//!   `Accounts[3]…`);
//! - INI formats: its profile, and every profile that names that profile in
//!   `source_profile` (directly or through others), since their base account
//!   comes from it.
//!
//! A problem that belongs to no entry (not JSON at all, a newer version, a
//! broken section header, credentials anywhere: the readers then read no
//! entry at all) refuses the whole file, and so do more than [`MAX_LISTED`] problems: past that the readers stop
//! keeping each one, so which entries they belong to is no longer known.

use std::collections::{HashMap, HashSet};

use crate::model::Environment;
use crate::validate::{check_list, Field};

use super::ini::{lex, profile_name};
use super::{collect, Diagnostic, Format, ImportOptions, MAX_LISTED};

/// A file read for a subscription: its valid entries and why others were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lenient {
    pub format: Format,
    /// The valid entries, which pass [`check_list`]. Empty when `refused` is not.
    pub environments: Vec<Environment>,
    /// The problems of the entries left out, as an import words them.
    pub left_out: Vec<Diagnostic>,
    /// What was read but not used, as an import words it.
    pub warnings: Vec<Diagnostic>,
    /// Problems that make the whole file unusable.
    pub refused: Vec<Diagnostic>,
}

/// What a problem is about.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Blame<'a> {
    /// One item of a JSON array: `environments[3]`.
    Item(&'a str),
    /// One INI profile.
    Profile(&'a str),
    /// The file as a whole.
    File,
}

fn blame(d: &Diagnostic) -> Blame<'_> {
    if let Some(path) = &d.path {
        let item = path.find(']').map(|end| &path[..=end]);
        return match item {
            Some(item) if item.starts_with("environments[") || item.starts_with("Accounts[") => {
                Blame::Item(item)
            }
            _ => Blame::File,
        };
    }
    match (&d.line, &d.profile) {
        (Some(_), Some(profile)) => Blame::Profile(profile),
        _ => Blame::File,
    }
}

/// Reads `text` in `format` (or the detected one) keeping the valid entries;
/// `None` when the format cannot be told.
pub fn parse_lenient(
    text: &str,
    format: Option<Format>,
    options: &ImportOptions,
) -> Option<Lenient> {
    let (format, lexed) = match format {
        Some(format) => (format, None),
        None => match Format::detect_and_lex(text) {
            (Some(format), lexed) => (format, lexed),
            (None, _) => return None,
        },
    };
    // INI: which profile each profile takes its base from.
    let mut source_of: HashMap<String, String> = HashMap::new();
    let lexed = match format {
        Format::AesrIni | Format::AwsConfig => {
            let lexed = lexed.unwrap_or_else(|| lex(text));
            for s in &lexed.sections {
                if let Some(source) = s.value("source_profile") {
                    source_of
                        .entry(profile_name(s.header).0.to_string())
                        .or_insert_with(|| source.trim().to_string());
                }
            }
            Some(lexed)
        }
        _ => lexed,
    };
    let collected = collect(text, format, options, lexed);
    let warnings = collected.warnings.into_list("warnings");
    let mut errors = collected.errors;
    let refuse = |errors: super::Diagnostics, warnings| Lenient {
        format,
        environments: Vec::new(),
        left_out: Vec::new(),
        warnings,
        refused: errors.into_list("problems"),
    };
    if errors.unlisted > 0 || errors.kept.len() > MAX_LISTED {
        return Some(refuse(errors, warnings));
    }
    errors.kept.sort_by_key(|d| d.line.unwrap_or(usize::MAX));
    // Credentials anywhere stop every reader before it reads an entry.
    let none_read = collected.envs.is_empty() && !errors.kept.is_empty();
    if none_read || errors.kept.iter().any(|d| blame(d) == Blame::File) {
        return Some(refuse(errors, warnings));
    }
    let mut items: HashSet<String> = HashSet::new();
    let mut profiles: HashSet<String> = HashSet::new();
    for d in &errors.kept {
        match blame(d) {
            Blame::Item(item) => items.insert(item.to_string()),
            Blame::Profile(profile) => profiles.insert(profile.to_string()),
            Blame::File => false,
        };
    }
    // A profile is out when it, or a profile it takes its base from, has a problem.
    let profile_out = |name: &str| {
        let mut seen = HashSet::new();
        let mut at = Some(name);
        while let Some(p) = at {
            if profiles.contains(p) {
                return true;
            }
            if !seen.insert(p) {
                return false;
            }
            at = source_of.get(p).map(String::as_str);
        }
        false
    };
    let (mut envs, mut origins) = (Vec::new(), Vec::new());
    for (env, origin) in collected.envs {
        let item_out = origin.path.as_deref().is_some_and(|path| {
            let item = path.find(']').map_or(path, |end| &path[..=end]);
            items.contains(item)
        });
        let out = item_out
            || (origin.path.is_none() && origin.profile.as_deref().is_some_and(profile_out));
        if !out {
            envs.push(env);
            origins.push(origin);
        }
    }
    let mut left_out = errors.kept;
    // Repeats of an earlier entry's account and role (or id) are left out too.
    // One message each, the repeated account and role rather than the id it implies.
    let mut repeated: Vec<Option<String>> = vec![None; envs.len()];
    for problem in check_list(&envs) {
        let slot = &mut repeated[problem.index];
        if slot.is_none() || problem.field == Field::AccountId {
            *slot = Some(problem.message);
        }
    }
    for (origin, message) in origins.iter().zip(&repeated) {
        if let Some(message) = message {
            left_out.push(origin.diagnostic(message.clone()));
        }
    }
    let mut repeated = repeated.into_iter();
    envs.retain(|_| repeated.next().flatten().is_none());
    Some(Lenient {
        format,
        environments: envs,
        left_out,
        warnings,
        refused: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Lenient {
        parse_lenient(text, None, &ImportOptions::default()).expect("format detected")
    }

    fn accounts(l: &Lenient) -> Vec<&str> {
        l.environments
            .iter()
            .map(|e| e.account_id.as_str())
            .collect()
    }

    #[test]
    fn invalid_json_entries_are_left_out_with_their_import_message() {
        let text = r#"{"version": 1, "environments": [
            {"accountId": "111111111111", "displayName": "one"},
            {"accountId": "12345", "displayName": "bad"},
            {"accountId": "222222222222", "displayName": "two", "color": "nope"},
            {"accountId": "333333333333", "displayName": "three"},
            {"accountId": "111111111111", "displayName": "one again"}
        ]}"#;
        let l = read(text);
        assert!(l.refused.is_empty(), "{:?}", l.refused);
        assert_eq!(accounts(&l), ["111111111111", "333333333333"]);
        let messages: Vec<String> = l.left_out.iter().map(|d| d.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("environments[1].accountId (\"bad\"): Account ID \"12345\""),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("environments[2].color"),
            "{messages:?}"
        );
        assert!(
            messages[2].contains("already in the list as \"one\""),
            "{messages:?}"
        );
        // The same file as an import: refused with the same messages.
        let import = crate::formats::parse(text, Format::OwnJson, &ImportOptions::default())
            .expect_err("an import refuses it");
        for m in &messages[..2] {
            assert!(import.errors.iter().any(|e| e.to_string() == *m), "{m}");
        }
    }

    #[test]
    fn file_level_problems_refuse_the_whole_file() {
        let cases = [
            // A newer version, valid entries or not.
            r#"{"version": 2, "environments": [{"accountId": "111111111111", "displayName": "one"}]}"#,
            // Credentials next to a valid entry.
            r#"{"version": 1, "environments": [{"accountId": "111111111111", "displayName": "one"},
                {"accountId": "222222222222", "displayName": "two", "SecretAccessKey": "x"}]}"#,
            // Not JSON.
            r#"{"version": 1, "environments": [{"accountId": "111111111111""#,
            // INI with credentials in one profile.
            "[profile a]\naws_account_id = 111111111111\nrole_name = Admin\n\n[profile b]\naws_account_id = 222222222222\nrole_name = Admin\naws_secret_access_key = x\n",
            // A broken section header: the lines after it belong to no one.
            "[profile a]\naws_account_id = 111111111111\nrole_name = Admin\n[profile b\naws_account_id = 222222222222\n",
        ];
        for text in cases {
            let l = read(text);
            assert!(!l.refused.is_empty(), "{text}");
            assert!(l.environments.is_empty(), "{text}");
        }
    }

    #[test]
    fn an_ini_profile_with_a_bad_base_takes_its_targets_out() {
        let text = "\
[base]
aws_account_id = 12345

[profile ok]
aws_account_id = 111111111111
role_name = Admin

[profile uses-base]
source_profile = base
aws_account_id = 222222222222
role_name = Admin

[profile no-role]
aws_account_id = 333333333333
";
        let l = read(text);
        assert_eq!(l.format, Format::AesrIni);
        assert!(l.refused.is_empty(), "{:?}", l.refused);
        assert_eq!(accounts(&l), ["111111111111"]);
        assert_eq!(l.left_out.len(), 2, "{:?}", l.left_out);
    }

    #[test]
    fn too_many_problems_refuse_the_file() {
        let mut text = String::from("{\"version\": 1, \"environments\": [");
        text.push_str("{\"accountId\": \"111111111111\", \"displayName\": \"ok\"}");
        for _ in 0..=MAX_LISTED {
            text.push_str(", {\"accountId\": \"1\", \"displayName\": \"bad\"}");
        }
        text.push_str("]}");
        let l = read(&text);
        assert!(l.environments.is_empty());
        assert!(l
            .refused
            .last()
            .is_some_and(|d| d.message.contains("more problems")));
    }

    use proptest::prelude::*;

    /// A line of an INI or JSON list, good or broken.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            (1..40u64).prop_map(|a| format!(
                "[profile p{a}]\naws_account_id = {a:012}\nrole_name = Admin\n"
            )),
            (1..40u64).prop_map(|a| format!("[p{a}]\naws_account_id = {a}\n")),
            (1..40u64, 1..40u64).prop_map(|(a, b)| format!(
                "[profile t{a}]\nsource_profile = p{b}\nrole_name = R\naws_account_id = {a:012}\n"
            )),
            Just("color = zz\n".to_string()),
            Just("[broken\n".to_string()),
            "[ -~]{0,20}\n",
        ]
    }

    fn json_item() -> impl Strategy<Value = String> {
        prop_oneof![
            (1..40u64)
                .prop_map(|a| format!(r#"{{"accountId": "{a:012}", "displayName": "e{a}"}}"#)),
            (1..40u64).prop_map(|a| format!(r#"{{"accountId": "{a}", "displayName": "e{a}"}}"#)),
            (1..40u64).prop_map(|a| format!(
                r#"{{"accountId": "{a:012}", "displayName": "e{a}", "color": "nope"}}"#
            )),
            Just("7".to_string()),
        ]
    }

    proptest! {
        /// Whatever the text: no panic, the entries kept pass the list rules,
        /// a refused file keeps none, a text the import accepts is read whole
        /// with nothing left out, and one it refuses has something left out
        /// or is refused.
        #[test]
        fn lenient_agrees_with_the_import(
            ini in proptest::collection::vec(piece(), 0..12).prop_map(|p| p.concat()),
            items in proptest::collection::vec(json_item(), 0..12),
        ) {
            let json = format!(r#"{{"version": 1, "environments": [{}]}}"#, items.join(","));
            for text in [ini, json] {
                let Some(l) = parse_lenient(&text, None, &ImportOptions::default()) else { continue };
                prop_assert!(check_list(&l.environments).is_empty());
                prop_assert!(l.refused.is_empty() || l.environments.is_empty());
                match crate::formats::parse(&text, l.format, &ImportOptions::default()) {
                    Ok(parsed) => {
                        prop_assert_eq!(&l.environments, &parsed.environments);
                        prop_assert!(l.left_out.is_empty() && l.refused.is_empty());
                    }
                    Err(e) => {
                        // Every problem of the import is either left out or refuses the file.
                        prop_assert!(!l.left_out.is_empty() || !l.refused.is_empty(), "{:?}", e.errors);
                    }
                }
            }
        }
    }
}

//! The extension's own JSON document: `{"version": 1, "environments": [...]}`,
//! described by `schema/roleswitch-v1.schema.json`. Export → import is lossless.
//!
//! The reader walks the JSON itself instead of deserialising in one go, so
//! that every wrong field is reported with its path, all at once.

use serde_json::{Map, Value};

use crate::model::{BaseAccountInput, Document, Environment, EnvironmentInput, DOCUMENT_VERSION};
use crate::validate::{quote, Field};

use super::ini::credential_named;
use super::{Collected, Diagnostic, Diagnostics, Origin};

const ENV_KEYS: [&str; 12] = [
    "id",
    "accountId",
    "roleName",
    "displayName",
    "color",
    "region",
    "partition",
    "production",
    "group",
    "base",
    "titlePrefix",
    "portalUrl",
];
const BASE_KEYS: [&str; 3] = ["accountId", "alias", "roleName"];

/// Reads a JSON document, giving a syntax error its line. A document with
/// credentials in it (`AccessKeyId`, `SecretAccessKey`, `SessionToken` in any
/// case and at any depth, as `aws sts assume-role` prints them) is refused:
/// the errors then name where each one is, never its value.
pub(crate) fn read_json(text: &str, what: &str) -> Result<Value, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut refused = Diagnostics::default();
    match serde_json::from_str(text) {
        Ok(doc) => {
            find_credentials(&doc, &mut Vec::new(), &mut refused);
            if refused.is_empty() {
                return Ok(doc);
            }
        }
        Err(e) => {
            // Not JSON, but maybe credentials all the same (cut short, say).
            for (line, key) in credential_keys_in_text(text) {
                refused.push(Diagnostic::at_line(line, None, credentials_message(key)));
            }
            if refused.is_empty() {
                let full = e.to_string();
                let reason = full
                    .rfind(" at line ")
                    .map_or(full.as_str(), |i| &full[..i]);
                refused.push(Diagnostic::at_line(
                    e.line(),
                    None,
                    format!(
                        "This is not valid JSON ({reason}, column {}); fix the syntax or paste the whole {what}.",
                        e.column()
                    ),
                ));
            }
        }
    }
    Err(refused)
}

fn credentials_message(key: &str) -> String {
    format!(
        "This file contains credentials ({key}). Roleswitch never reads or stores credentials, \
         and needs only account IDs and role names: remove every AccessKeyId, SecretAccessKey \
         and SessionToken (or paste only the account list) and import again. The file was not read."
    )
}

/// Whether a JSON text holds credentials: its parsed document, or when it
/// does not parse, its text.
pub(crate) fn holds_credentials(text: &str, doc: Option<&Value>) -> bool {
    match doc {
        Some(doc) => {
            let mut found = Diagnostics::default();
            find_credentials(doc, &mut Vec::new(), &mut found);
            !found.is_empty()
        }
        None => !credential_keys_in_text(text).is_empty(),
    }
}

/// One step of a JSON path.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Reports every object key that names a credential, with its path.
fn find_credentials<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Diagnostics) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                path.push(Step::Key(key));
                if let Some(credential) = credential_named(key) {
                    out.push(Diagnostic::at_path(
                        path_text(path),
                        None,
                        credentials_message(credential.json),
                    ));
                } else {
                    find_credentials(v, path, out);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                find_credentials(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A key as a path shows it: whole up to 64 characters.
fn path_key(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &key[..end]),
        None => key.to_string(),
    }
}

/// `Credentials.SecretAccessKey`, `environments[3].base`.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&path_key(key));
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// In JSON that does not parse, the lines of quoted keys that name
/// credentials (`"SecretAccessKey":`), with the name the message gives them.
/// Strings are read as JSON reads them (with `\"` escapes), except that a
/// line break ends one.
fn credential_keys_in_text(text: &str) -> Vec<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let special = |b: &u8| matches!(b, b'"' | b'\\' | b'\n');
    let mut found = Vec::new();
    let mut line = 1;
    // Where the string being read starts.
    let mut string = None;
    let mut i = 0;
    while let Some(at) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(special))
    {
        let at = i + at;
        i = at + 1;
        match (bytes[at], string) {
            (b'\n', _) => {
                line += 1;
                string = None;
            }
            (b'\\', Some(_)) if bytes.get(i) != Some(&b'\n') => i += 1,
            (b'"', None) => string = Some(i),
            (b'"', Some(start)) => {
                string = None;
                let next = bytes[i..].iter().find(|b| !b.is_ascii_whitespace());
                if next == Some(&b':') {
                    if let Some(credential) = credential_named(&text[start..at]) {
                        found.push((line, credential.json));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The name of a JSON value's type, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Reads an optional string field; `null` counts as absent. A value of
/// another type is a problem, added to `typed`.
fn string_field(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    profile: Option<&str>,
    typed: &mut Vec<Diagnostic>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            let hint = if matches!(other, Value::Number(_)) {
                " in quotes (a number loses leading zeros)"
            } else {
                ""
            };
            typed.push(Diagnostic::at_path(
                format!("{path}.{key}"),
                profile,
                format!("{key} is {}; write it as text{hint}.", type_name(other)),
            ));
            None
        }
    }
}

fn warn_unknown(
    obj: &Map<String, Value>,
    known: &[&str],
    path: &str,
    profile: Option<&str>,
    out: &mut Collected,
) {
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        out.warnings.push(Diagnostic::at_path(
            format!("{path}.{}", path_key(key)),
            profile,
            format!(
                "Unknown key {} is ignored; the known keys are {}.",
                quote(key),
                known.join(", ")
            ),
        ));
    }
}

pub(crate) fn parse(text: &str) -> Collected {
    let mut out = Collected::default();
    let doc = match read_json(text, "exported file") {
        Ok(v) => v,
        Err(errors) => {
            out.errors = errors;
            return out;
        }
    };
    let Value::Object(doc) = doc else {
        out.errors.push(Diagnostic::general(format!(
            "The document is {}; a Roleswitch export is an object {{\"version\": 1, \"environments\": [...]}}.",
            type_name(&doc)
        )));
        return out;
    };
    match doc.get("version") {
        None => out.errors.push(Diagnostic::at_path(
            "version".into(),
            None,
            format!("The document has no version; add \"version\": {DOCUMENT_VERSION}."),
        )),
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(DOCUMENT_VERSION)) => {}
        Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v > u64::from(DOCUMENT_VERSION)) => {
            out.errors.push(Diagnostic::at_path(
                "version".into(),
                None,
                format!(
                    "This file is version {n}, newer than this Roleswitch reads ({DOCUMENT_VERSION}); update Roleswitch and import again."
                ),
            ))
        }
        Some(other) => out.errors.push(Diagnostic::at_path(
            "version".into(),
            None,
            format!(
                "The version is {}; it must be the number {DOCUMENT_VERSION}.",
                match other {
                    Value::Number(n) => n.to_string(),
                    v => type_name(v).to_string(),
                }
            ),
        )),
    }
    warn_unknown(
        &doc,
        &["version", "environments", "$schema"],
        "$",
        None,
        &mut out,
    );
    let list = match doc.get("environments") {
        Some(Value::Array(list)) => list,
        Some(other) => {
            out.errors.push(Diagnostic::at_path(
                "environments".into(),
                None,
                format!(
                    "environments is {}; it must be a list [...].",
                    type_name(other)
                ),
            ));
            return out;
        }
        None => {
            out.errors.push(Diagnostic::at_path(
                "environments".into(),
                None,
                "The document has no environments list; add \"environments\": [...].".into(),
            ));
            return out;
        }
    };
    for (i, item) in list.iter().enumerate() {
        read_environment(i, item, &mut out);
    }
    out
}

fn read_environment(i: usize, item: &Value, out: &mut Collected) {
    let path = format!("environments[{i}]");
    let Value::Object(obj) = item else {
        out.errors.push(Diagnostic::at_path(
            path,
            None,
            format!(
                "This entry is {}; each environment is an object {{\"accountId\": …, \"displayName\": …}}.",
                type_name(item)
            ),
        ));
        return;
    };
    let profile = match obj.get("displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim()),
        _ => None,
    };
    warn_unknown(obj, &ENV_KEYS, &path, profile, out);
    // Fields of the wrong type: reported here, and not again as missing.
    let mut typed = Vec::new();
    let mut field = |key| string_field(obj, key, &path, profile, &mut typed);
    let mut input = EnvironmentInput {
        id: field("id"),
        account_id: field("accountId"),
        role_name: field("roleName"),
        display_name: field("displayName"),
        color: field("color"),
        region: field("region"),
        partition: field("partition"),
        group: field("group"),
        title_prefix: field("titlePrefix"),
        portal_url: field("portalUrl"),
        production: None,
        base: None,
        kind: None,
    };
    match obj.get("production") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => input.production = Some(*b),
        Some(other) => typed.push(Diagnostic::at_path(
            format!("{path}.production"),
            profile,
            format!("production is {}; write true or false.", type_name(other)),
        )),
    }
    match obj.get("base") {
        None | Some(Value::Null) => {}
        Some(Value::Object(b)) => {
            let bpath = format!("{path}.base");
            warn_unknown(b, &BASE_KEYS, &bpath, profile, out);
            let mut field = |key| string_field(b, key, &bpath, profile, &mut typed);
            input.base = Some(BaseAccountInput {
                account_id: field("accountId"),
                alias: field("alias"),
                role_name: field("roleName"),
            });
        }
        Some(other) => typed.push(Diagnostic::at_path(
            format!("{path}.base"),
            profile,
            format!(
                "base is {}; write an object {{\"accountId\": …}} or leave it out.",
                type_name(other)
            ),
        )),
    }
    // Validate into a scratch list: a field with a type error would otherwise
    // be reported a second time as missing.
    let mut scratch = Collected::default();
    scratch.validate(
        &input.as_view(),
        Origin::at_path(path.clone(), profile),
        |field| {
            let at = match json_key(field) {
                Some(key) => format!("{path}.{key}"),
                None => path.clone(),
            };
            Origin::at_path(at, profile)
        },
    );
    let typed_paths: Vec<Option<String>> = typed.iter().map(|e| e.path.clone()).collect();
    let valid = typed.is_empty();
    out.errors.extend(typed);
    out.errors.extend(
        scratch
            .errors
            .into_list("problems")
            .into_iter()
            .filter(|e| !typed_paths.contains(&e.path)),
    );
    if valid {
        out.envs.extend(scratch.envs);
    }
}

/// The JSON key of a field.
fn json_key(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::AccountId => "accountId",
        Field::RoleName => "roleName",
        Field::DisplayName => "displayName",
        Field::Color => "color",
        Field::Region => "region",
        Field::Group => "group",
        Field::Id => "id",
        Field::Base => "base",
        Field::Partition => "partition",
        Field::TitlePrefix => "titlePrefix",
        Field::PortalUrl => "portalUrl",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

pub(crate) fn export(envs: &[Environment]) -> String {
    let doc = Document {
        version: DOCUMENT_VERSION,
        environments: envs.to_vec(),
    };
    // Cannot fail: every field is a string, bool, number or struct of them.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{parse as parse_any, Format, ImportOptions};
    use crate::model::example_environments;

    fn errors(text: &str) -> Vec<String> {
        match parse_any(text, Format::OwnJson, &ImportOptions::default()) {
            Ok(p) => panic!("expected errors, got {p:?}"),
            Err(e) => e.errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn export_then_import_is_lossless() {
        let mut envs = example_environments();
        envs[0].region = Some("eu-west-1".into());
        envs[1].base = Some(crate::model::BaseAccount {
            account_id: Some("999988887777".into()),
            alias: Some("acme-mgmt".into()),
            role_name: Some("team/Ops".into()),
        });
        envs[0].title_prefix = Some("[DEV]".into());
        envs[1].title_prefix = Some(String::new());
        let text = export(&envs);
        assert!(text.contains(r#""titlePrefix": "[DEV]""#), "{text}");
        assert!(text.contains(r#""titlePrefix": """#), "{text}");
        let back = parse_any(&text, Format::OwnJson, &ImportOptions::default()).unwrap();
        assert_eq!(back.environments, envs);
        assert!(back.warnings.is_empty());
    }

    #[test]
    fn missing_ids_are_derived_from_account_and_role() {
        let text = r#"{"version":1,"environments":[{"accountId":"1111-2222-3333","roleName":"team/Admin","displayName":"a"}]}"#;
        let p = parse_any(text, Format::OwnJson, &ImportOptions::default()).unwrap();
        assert_eq!(p.environments[0].id, "111122223333-team-admin");
    }

    #[test]
    fn every_error_names_its_path() {
        let cases: &[(&str, &[&str])] = &[
            ("{", &["line 1: This is not valid JSON (EOF while parsing an object, column 1)"]),
            ("[]", &["The document is a list"]),
            (r#"{"environments":[]}"#, &["version: The document has no version"]),
            (r#"{"version":2,"environments":[]}"#, &["version: This file is version 2, newer"]),
            (r#"{"version":"1","environments":[]}"#, &["version: The version is text"]),
            (r#"{"version":1}"#, &["environments: The document has no environments"]),
            (r#"{"version":1,"environments":{}}"#, &["environments: environments is an object"]),
            (r#"{"version":1,"environments":[3]}"#, &["environments[0]: This entry is a number"]),
            (
                r#"{"version":1,"environments":[{"accountId":111122223333,"displayName":"p"}]}"#,
                &["environments[0].accountId (\"p\"): accountId is a number; write it as text in quotes"],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"1","displayName":"p","color":"pink","production":"yes"}]}"#,
                &[
                    "environments[0].production (\"p\"): production is text",
                    "environments[0].accountId (\"p\"): Account ID \"1\" must be 12 digits",
                    "environments[0].color (\"p\"): Color \"pink\"",
                ],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"12345","displayName":"p","color":"pink","region":"mars"}]}"#,
                &[
                    "environments[0].accountId (\"p\"): Account ID \"12345\" must be 12 digits; it has 5.",
                    "environments[0].color (\"p\"): Color \"pink\"",
                    "environments[0].region (\"p\"): Region \"mars\"",
                ],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"111122223333"}]}"#,
                &["environments[0].displayName: Give this environment a name"],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"111122223333","displayName":"a","base":{"alias":"No Way"}}]}"#,
                &["environments[0].base (\"a\"): Base account alias"],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"111122223333","displayName":"a","titlePrefix":"[a very long prefix]"}]}"#,
                &["environments[0].titlePrefix (\"a\"): The tab title prefix \"[a very long prefix]\" is 20 characters long; keep it to 16."],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"111122223333","displayName":"a","titlePrefix":false}]}"#,
                &["environments[0].titlePrefix (\"a\"): titlePrefix is"],
            ),
            (
                r#"{"version":1,"environments":[{"accountId":"111122223333","displayName":"a","base":7}]}"#,
                &["environments[0].base (\"a\"): base is a number"],
            ),
            (
                r#"{"version":1,"environments":[{"id":"x","accountId":"111122223333","displayName":"a"},{"id":"x","accountId":"111122223333","displayName":"b","roleName":"organizationaccountaccessrole"}]}"#,
                &[
                    "environments[1] (\"b\"): Id \"x\" is also used by \"a\"",
                    "environments[1] (\"b\"): Account 1111-2222-3333 with role organizationaccountaccessrole is already in the list as \"a\".",
                ],
            ),
        ];
        for (text, want) in cases {
            let got = errors(text);
            assert_eq!(got.len(), want.len(), "{text}: {got:#?}");
            for (g, w) in got.iter().zip(want.iter()) {
                assert!(g.starts_with(w), "{text}:\n got  {g}\n want {w}");
            }
        }
    }

    #[test]
    fn unknown_keys_are_warnings() {
        let text = r#"{"version":1,"$schema":"x","extra":1,"environments":[{"accountId":"111122223333","displayName":"a","colour":"red","base":{"accountId":"999988887777","note":"x"}}]}"#;
        let p = parse_any(text, Format::OwnJson, &ImportOptions::default()).unwrap();
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("$.extra: Unknown key \"extra\""),
            "{}",
            w[0]
        );
        assert!(
            w[1].starts_with("environments[0].colour (\"a\")"),
            "{}",
            w[1]
        );
        assert!(w[2].starts_with("environments[0].base.note"), "{}", w[2]);
    }
}

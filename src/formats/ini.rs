//! A small INI lexer shared by the AESR and AWS CLI config formats.
//!
//! It knows sections, `key = value` lines, `;`/`#` comments and line numbers,
//! and nothing about what the keys mean. It reads what both tools accept:
//! - keys are case-insensitive (lower-cased here, like Python's configparser);
//! - a value may be wrapped in double quotes (`image = "https://…"`), which are
//!   removed; otherwise an inline comment (` ;` or ` #`, after whitespace) is cut;
//! - indented lines after a key with an empty value are nested settings
//!   (`s3 =` / `  max_concurrent_requests = 10`), kept apart as [`Entry::nested`].
//!
//! Problems are returned with their line, all at once.

use std::borrow::Cow;

use crate::validate::{quote, trim, FnvMap};

use super::{Diagnostic, Diagnostics};

/// One `key = value` line, borrowed from the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    /// Lower-cased key (borrowed when it already was).
    pub key: Cow<'a, str>,
    pub value: &'a str,
    /// 1-based line number.
    pub line: usize,
    /// Whether this entry was indented under a key with an empty value.
    pub nested: bool,
}

/// One `[name]` section with its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section<'a> {
    /// What is between the brackets, trimmed (e.g. `profile prod`).
    pub header: &'a str,
    /// 1-based line number of the header.
    pub line: usize,
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Section<'a> {
    /// The first top-level entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| !e.nested && e.key == key)
    }

    /// The value of a key, or `None` when absent.
    pub fn value(&self, key: &str) -> Option<&'a str> {
        self.get(key).map(|e| e.value)
    }
}

/// A lexed text: its sections, and the lines that could not be read.
pub(crate) type Lexed<'a> = (Vec<Section<'a>>, Diagnostics);

/// Splits `text` into sections. Lines before the first section that are not
/// comments are errors, as are lines that are neither a header, a key, nor a comment.
pub(crate) fn lex(text: &str) -> Lexed<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section> = Vec::new();
    let mut errors = Diagnostics::default();
    // Whether the last key had an empty value, so indented lines nest under it.
    let mut open_parent = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let indented = raw.starts_with([' ', '\t']);
        let trimmed = trim(raw);
        let Some(&first) = trimmed.as_bytes().first() else {
            continue;
        };
        if first == b';' || first == b'#' {
            continue;
        }
        if first == b'[' {
            open_parent = false;
            match header(trimmed) {
                Some(name) => sections.push(Section {
                    header: name,
                    line,
                    entries: Vec::new(),
                }),
                None => errors.push(Diagnostic::at_line(
                    line,
                    None,
                    format!(
                        "Cannot read the section header {}; write it as [profile name] or [name].",
                        quote(trimmed)
                    ),
                )),
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            errors.push(Diagnostic::at_line(
                line,
                sections.last().map(|s| s.header),
                format!(
                    "Cannot read {}; expected [profile name], key = value, or a comment starting with ; or #.",
                    quote(trimmed)
                ),
            ));
            continue;
        };
        let key = lower(trim(key));
        let value = unquote(trim(value));
        let Some(section) = sections.last_mut() else {
            errors.push(Diagnostic::at_line(
                line,
                None,
                format!(
                    "The setting {} comes before any section; put it under a [profile name] header.",
                    quote(&key)
                ),
            ));
            continue;
        };
        if key.is_empty() {
            errors.push(Diagnostic::at_line(
                line,
                Some(section.header),
                "This line has no key before the =; write key = value.".into(),
            ));
            continue;
        }
        let nested = indented && open_parent;
        if !nested {
            open_parent = value.is_empty();
        }
        section.entries.push(Entry {
            key,
            value,
            line,
            nested,
        });
    }
    (sections, errors)
}

/// A key in lower case, copied only when it was not already.
fn lower(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    }
}

/// The name inside `[...]`, allowing `]` inside the name and a comment after it.
fn header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    if let Some(name) = inner.strip_suffix(']') {
        return non_empty(name);
    }
    // `[name] ; comment`: the last `]` followed only by a comment.
    let close = inner.rfind(']')?;
    let rest = inner[close + 1..].trim_start();
    if rest.starts_with([';', '#']) {
        non_empty(&inner[..close])
    } else {
        None
    }
}

fn non_empty(s: &str) -> Option<&str> {
    let s = trim(s);
    (!s.is_empty()).then_some(s)
}

/// Removes surrounding double quotes, or else an inline comment.
fn unquote(value: &str) -> &str {
    let bytes = value.as_bytes();
    if bytes.first() != Some(&b'"') && !bytes.iter().any(|&b| b == b';' || b == b'#') {
        return value; // the usual case
    }
    if value.len() >= 2 && value.starts_with('"') {
        if let Some(end) = value.rfind('"').filter(|&e| e > 0) {
            let rest = value[end + 1..].trim_start();
            if rest.is_empty() || rest.starts_with([';', '#']) {
                return &value[1..end];
            }
        }
    }
    let cut = value
        .char_indices()
        .find(|&(i, c)| (c == ';' || c == '#') && value[..i].ends_with(char::is_whitespace))
        .map(|(i, _)| i);
    match cut {
        Some(i) => value[..i].trim_end(),
        None => value,
    }
}

/// Whether a value must be quoted to be read back exactly by [`lex`]
/// (an empty one is quoted so that it is visibly empty).
pub(crate) fn needs_quotes(value: &str) -> bool {
    value.is_empty() || value.starts_with('"') || value.contains(';') || value.contains('#')
}

/// A value as written by the exporters: quoted when needed.
pub(crate) fn write_value(value: &str) -> String {
    if needs_quotes(value) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// The profile name of a section header: `profile prod` and `prod` are both `prod`.
/// The flag says whether the `profile ` prefix was there.
pub(crate) fn profile_name(header: &str) -> (&str, bool) {
    match header.strip_prefix("profile") {
        Some(rest) if rest.starts_with(char::is_whitespace) => (rest.trim(), true),
        _ => (header, false),
    }
}

/// Keys that hold secrets. A file with one is refused, never read.
pub(crate) const SECRET_KEYS: [&str; 2] = ["aws_secret_access_key", "aws_session_token"];

/// One error per line that holds a secret; the value is never repeated.
pub(crate) fn refuse_credentials(sections: &[Section]) -> Diagnostics {
    let mut errors = Diagnostics::default();
    for s in sections {
        for e in s.entries.iter().filter(|e| SECRET_KEYS.contains(&&*e.key)) {
            errors.push(Diagnostic::at_line(
                e.line,
                Some(profile_name(s.header).0),
                format!(
                    "This file contains credentials ({}). Roleswitch never reads or stores credentials: \
                     remove every aws_secret_access_key and aws_session_token line (or paste only the \
                     profiles with role_arn) and import again. The file was not read.",
                    e.key
                ),
            ));
        }
    }
    errors
}

/// Reports sections whose profile name repeats an earlier one; returns the
/// first section of each name, in order.
pub(crate) fn unique_profiles<'s, 'a: 's>(
    sections: impl IntoIterator<Item = &'s Section<'a>>,
    errors: &mut Diagnostics,
) -> Vec<(&'a str, &'s Section<'a>)> {
    let sections = sections.into_iter();
    let mut seen: Vec<(&str, &Section)> = Vec::with_capacity(sections.size_hint().0);
    let mut first_of: FnvMap<&str, usize> = FnvMap::default();
    first_of.reserve(sections.size_hint().0);
    for s in sections {
        let name = profile_name(s.header).0;
        if let Some(&first) = first_of.get(name) {
            errors.push(Diagnostic::at_line(
                s.line,
                Some(name),
                format!(
                    "Profile {} is defined twice (first on line {first}); merge the two sections or rename one.",
                    quote(name),
                ),
            ));
        } else {
            first_of.insert(name, s.line);
            seen.push((name, s));
        }
    }
    seen
}

/// Reports keys set twice in one section.
pub(crate) fn repeated_keys(section: &Section, errors: &mut Diagnostics) {
    let name = profile_name(section.header).0;
    let mut first_line: FnvMap<&str, usize> = FnvMap::default();
    for e in section.entries.iter().filter(|e| !e.nested) {
        match first_line.get(&*e.key) {
            Some(first) => errors.push(Diagnostic::at_line(
                e.line,
                Some(name),
                format!(
                    "{} is set twice in this profile (first on line {first}); keep one.",
                    e.key
                ),
            )),
            None => {
                first_line.insert(&e.key, e.line);
            }
        }
    }
}

/// At most a few items joined by commas, then how many `more` there are.
pub(crate) fn some_of(items: impl Iterator<Item = String>, count: usize, more: &str) -> String {
    const SHOWN: usize = 10;
    let mut out: Vec<String> = items.take(SHOWN).collect();
    if count > SHOWN {
        out.push(format!("and {} {more}", count - SHOWN));
    }
    out.join(", ")
}

/// Reads `roleswitch_production`.
pub(crate) fn read_bool(entry: &Entry, profile: &str, errors: &mut Diagnostics) -> Option<bool> {
    match entry.value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" | "" => Some(false),
        _ => {
            errors.push(Diagnostic::at_line(
                entry.line,
                Some(profile),
                format!(
                    "{} is {}; write true or false.",
                    entry.key,
                    quote(entry.value)
                ),
            ));
            None
        }
    }
}

/// Warns, once per section, about keys that are read but not used.
pub(crate) fn warn_ignored(
    section: &Section,
    ignored: &[&Entry],
    why: &str,
    warnings: &mut Diagnostics,
) {
    let Some(first) = ignored.first() else {
        return;
    };
    let mut seen = FnvMap::default();
    let keys: Vec<&str> = ignored
        .iter()
        .map(|e| &*e.key)
        .filter(|k| seen.insert(*k, ()).is_none())
        .collect();
    warnings.push(Diagnostic::at_line(
        first.line,
        Some(profile_name(section.header).0),
        format!(
            "Ignored {} ({why}).",
            some_of(keys.iter().map(|k| k.to_string()), keys.len(), "other keys")
        ),
    ));
}

/// Writes the keys only Roleswitch reads (the other tools ignore them): group,
/// production flag and tab title prefix.
pub(crate) fn write_roleswitch_keys(out: &mut String, env: &crate::model::Environment) {
    if let Some(group) = &env.group {
        out.push_str(&format!("roleswitch_group = {}\n", write_value(group)));
    }
    if env.production {
        out.push_str("roleswitch_production = true\n");
    }
    if let Some(prefix) = &env.title_prefix {
        out.push_str(&format!(
            "roleswitch_title_prefix = {}\n",
            write_value(prefix)
        ));
    }
}

/// The section name of a base account on export: its alias or ID, and its role.
pub(crate) fn base_section_name(b: &crate::model::BaseAccount) -> String {
    let mut name = b
        .alias
        .clone()
        .or_else(|| b.account_id.clone())
        .unwrap_or_default();
    if let Some(role) = &b.role_name {
        name.push('-');
        name.push_str(&role.replace('/', "-"));
    }
    name
}

/// Section names for export: each display name once, later repeats get ` (2)`, ` (3)`….
#[derive(Default)]
pub(crate) struct UniqueNames {
    used: std::collections::HashSet<String>,
    /// For a name given more than once, the next number to try.
    next: std::collections::HashMap<String, usize>,
}

impl UniqueNames {
    pub(crate) fn name(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let n = self.next.entry(wanted.to_string()).or_insert(2);
        loop {
            let name = format!("{wanted} ({n})");
            *n += 1;
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// The distinct base accounts of a list, in order of first use, each with
/// its section name; and for each environment the index of its base.
pub(crate) fn bases<'e>(
    envs: &'e [crate::model::Environment],
    names: &mut UniqueNames,
) -> (
    Vec<(&'e crate::model::BaseAccount, String)>,
    Vec<Option<usize>>,
) {
    type Key<'e> = (Option<&'e str>, Option<&'e str>, Option<&'e str>);
    let mut index: std::collections::HashMap<Key<'e>, usize> = std::collections::HashMap::new();
    let mut list = Vec::new();
    let of_env = envs
        .iter()
        .map(|env| {
            let b = env.base.as_ref()?;
            let key = (
                b.account_id.as_deref(),
                b.alias.as_deref(),
                b.role_name.as_deref(),
            );
            Some(*index.entry(key).or_insert_with(|| {
                list.push((b, names.name(&base_section_name(b))));
                list.len() - 1
            }))
        })
        .collect();
    (list, of_env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_sections_keys_comments_and_lines() {
        let text = "\u{feff}; top comment\n[profile a]\nRole_ARN = arn:x ; note\n# c\n\n[b] # trailing\ncolor=ffaa00\nimage = \"https://x/#y\"\ns3 =\n  max = 10\nregion = eu-west-1\n";
        let (sections, errors) = lex(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sections.len(), 2);
        assert_eq!((sections[0].header, sections[0].line), ("profile a", 2));
        assert_eq!(sections[0].entries[0].key, "role_arn");
        assert_eq!(sections[0].entries[0].value, "arn:x");
        assert_eq!(sections[0].entries[0].line, 3);
        let b = &sections[1];
        assert_eq!(b.header, "b");
        assert_eq!(b.value("color"), Some("ffaa00"));
        assert_eq!(b.value("image"), Some("https://x/#y"));
        assert_eq!(b.value("max"), None, "nested keys are not top-level");
        assert!(b.entries.iter().any(|e| e.key == "max" && e.nested));
        assert_eq!(b.value("region"), Some("eu-west-1"));
    }

    #[test]
    fn values() {
        let cases = [
            ("plain", "plain"),
            ("a;b", "a;b"),
            ("a ;b", "a"),
            ("a\t# b", "a"),
            ("\"a ; b\"", "a ; b"),
            ("\"a\"b\"", "a\"b"),
            ("\"a\" ; c", "a"),
            ("\"", "\""),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(unquote(raw), want, "{raw}");
        }
        for v in ["x ; y", "#x", "\"q", "a#b", "plain", "with space"] {
            assert_eq!(unquote(&write_value(v)), v, "{v}");
        }
    }

    #[test]
    fn headers() {
        let cases = [
            ("[a]", Some("a")),
            ("[ profile a ]", Some("profile a")),
            ("[a]]", Some("a]")),
            ("[a] ; c", Some("a")),
            ("[a] x", None),
            ("[]", None),
            ("[a", None),
        ];
        for (raw, want) in cases {
            assert_eq!(header(raw), want, "{raw}");
        }
    }

    #[test]
    fn errors_name_their_lines() {
        let errors = lex("key = 1\n[a]\nnot a setting\n[broken\n= v\n")
            .1
            .into_list("problems");
        let got: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.split(';').next().unwrap_or("")))
            .collect();
        assert_eq!(got.len(), 4, "{errors:?}");
        assert_eq!(got[0].0, Some(1));
        assert!(errors[0].message.contains("before any section"));
        assert_eq!(got[1].0, Some(3));
        assert!(errors[1].message.contains("Cannot read \"not a setting\""));
        assert_eq!(got[2].0, Some(4));
        assert!(errors[2].message.contains("section header"));
        assert_eq!(got[3].0, Some(5));
        assert!(errors[3].message.contains("no key"));
    }
}

//! A small INI lexer shared by the AESR and AWS CLI config formats.
//!
//! It knows sections, `key = value` lines, `;`/`#` comments and line numbers,
//! and nothing about what the keys mean. It reads what both tools accept:
//! - lines end in `\n`, `\r\n` or a lone `\r`; a byte order mark at the start
//!   of a line (files joined with `cat`) is skipped;
//! - keys are case-insensitive (lower-cased here, like Python's configparser),
//!   and a key ends at the first `=` or `:` (the AWS CLI reads `key: value` too);
//! - a value may be wrapped in double quotes (`image = "https://…"`), which are
//!   removed; otherwise an inline comment (` ;` or ` #`, after whitespace) is cut;
//! - indented lines after a key with an empty value are nested settings
//!   (`s3 =` / `  max_concurrent_requests = 10`), kept apart as [`Entry::nested`].
//!
//! **Credentials are never read.** A line whose key names a credential
//! (`aws_secret_access_key`, `aws_session_token`, … in any case, with either
//! separator, or `export AWS_…=`) is not lexed into an entry at all: it is
//! listed in [`Lexed::credentials`], and the readers refuse the whole text.
//! No message quotes a line that could not be read: it may be part of a
//! secret (a key wrapped onto two lines), so it is named by its number only.
//!
//! Problems are returned with their line, all at once.

use std::borrow::Cow;

use crate::fnv::FnvMap;
use crate::validate::{invisible_char, quote, trim};

use super::{Diagnostic, Diagnostics, Unique};

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

/// A lexed text.
#[derive(Debug, Default)]
pub(crate) struct Lexed<'a> {
    pub sections: Vec<Section<'a>>,
    /// Lines that could not be read.
    pub errors: Diagnostics,
    /// Lines that hold credentials: when there is one, the text is refused
    /// and nothing else about it is said.
    pub credentials: Diagnostics,
}

/// A credential that a line or a JSON key can hold.
#[derive(Debug)]
pub(crate) struct Credential {
    /// What it is recognised by: letters and digits only, lower case; a key
    /// whose letters and digits end with it counts.
    letters: &'static str,
    /// Its key in `~/.aws/config` and `~/.aws/credentials`.
    pub ini: &'static str,
    /// Its key in the JSON the AWS CLI prints (`aws sts assume-role`).
    pub json: &'static str,
}

const CREDENTIALS: [Credential; 6] = [
    // The IAM Identity Center tokens of `~/.aws/sso/cache/*.json`.
    Credential {
        letters: "accesstoken",
        ini: "accessToken",
        json: "accessToken",
    },
    Credential {
        letters: "refreshtoken",
        ini: "refreshToken",
        json: "refreshToken",
    },
    Credential {
        letters: "accesskeyid",
        ini: "aws_access_key_id",
        json: "AccessKeyId",
    },
    Credential {
        letters: "secretaccesskey",
        ini: "aws_secret_access_key",
        json: "SecretAccessKey",
    },
    Credential {
        letters: "sessiontoken",
        ini: "aws_session_token",
        json: "SessionToken",
    },
    Credential {
        letters: "securitytoken",
        ini: "aws_security_token",
        json: "SecurityToken",
    },
];

/// The credential a key names, if it does: `AWS_Secret_Access_Key`,
/// `aws-session-token`, `export AWS_SESSION_TOKEN`, `$Env:AWS_…`,
/// `SecretAccessKey`, and keys with invisible characters in them all count.
pub(crate) fn credential_named(key: &str) -> Option<&'static Credential> {
    // The key's last 15 letters and digits (the longest name's length),
    // lower-cased; written as plain loops, since this runs on every line.
    const LONGEST: usize = 15;
    let mut tail = [0u8; LONGEST];
    let mut n = 0;
    for &b in key.as_bytes().iter().rev() {
        if b.is_ascii_alphanumeric() {
            n += 1;
            tail[LONGEST - n] = b.to_ascii_lowercase();
            // Quick no for nearly every key: its last three end no name.
            if n == 3
                && !matches!(
                    tail[LONGEST - 3..],
                    [b'y', b'i', b'd'] | [b'k', b'e', b'y'] | [b'k', b'e', b'n']
                )
            {
                return None;
            }
            if n == LONGEST {
                break;
            }
        }
    }
    let tail = &tail[LONGEST - n..];
    CREDENTIALS
        .iter()
        .find(|c| tail.ends_with(c.letters.as_bytes()))
}

/// The credential a line holds, if it does: its key (before the first `=`,
/// or before a `:` that comes before any `=`), or its first word, names one.
fn credential_in(
    line: &str,
    eq: Option<usize>,
    colon: Option<usize>,
) -> Option<&'static Credential> {
    let word_end = line
        .bytes()
        .position(|b| b == b' ' || b == b'\t')
        .unwrap_or(line.len());
    let mut word_seen = false;
    for end in [eq, colon].into_iter().flatten() {
        let key = trim(&line[..end]);
        word_seen |= key.len() == word_end;
        if let Some(credential) = credential_named(key) {
            return Some(credential);
        }
    }
    // The first word, unless it was one of the keys.
    (!word_seen)
        .then(|| credential_named(&line[..word_end]))
        .flatten()
}

/// Whether a `credential_process` command has a secret written into it
/// (`env AWS_SECRET_ACCESS_KEY=… tool`, `echo '{"SecretAccessKey": …}'`).
fn secret_in_command(command: &str) -> bool {
    let letters: Vec<u8> = command
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    CREDENTIALS[1..].iter().any(|c| {
        letters
            .windows(c.letters.len())
            .any(|w| w == c.letters.as_bytes())
    })
}

/// The message for a line that holds a credential.
fn credential_message(key: &str) -> String {
    format!(
        "This file contains credentials ({key}). Roleswitch never reads or stores credentials, \
         and needs only account IDs and role names: remove every aws_access_key_id, \
         aws_secret_access_key, aws_session_token and aws_security_token line (or paste only \
         the profiles with role_arn) and import again. The file was not read."
    )
}

/// The message for a `credential_process` command with a secret in it.
const SECRET_IN_COMMAND: &str = "This file contains credentials (a secret written into \
     credential_process). Roleswitch never reads or stores credentials, and needs only account \
     IDs and role names: take the secret out of the command (it should fetch credentials, not \
     hold them) or remove the line, and import again. The file was not read.";

/// A character that cannot be seen in a key or a line: an invisible one
/// (zero-width, direction marks, …), a control character, or a space other
/// than the ASCII one. Named for a message: `U+200B (ZERO WIDTH SPACE)`.
fn unseen(c: char) -> Option<String> {
    if c.is_ascii_graphic() {
        return None; // nearly every character of a key
    }
    let code = format!("U+{:04X}", u32::from(c));
    match invisible_char(c) {
        Some(name) => Some(format!("{code} ({name})")),
        None if c.is_control() || (c.is_whitespace() && !c.is_ascii()) => Some(code),
        None => None,
    }
}

/// Whether a key looks like a setting name (`role_arn`, `sso_start_url`): 1
/// to 64 letters, digits, `_`, `-` or `.`. Anything else on the left of a `=`
/// is not a key but text that cannot be read (it may be part of a secret),
/// and is not repeated in messages.
fn key_shaped(key: &str) -> bool {
    let bytes = key.as_bytes();
    if bytes.is_empty() || bytes.len() > 64 {
        return false;
    }
    for &b in bytes {
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') {
            return false;
        }
    }
    true
}

/// Keys the readers know: the first word of a line without `=` is named in
/// its message only when it is one of these (so never a secret).
const KNOWN_KEYS: [&str; 24] = [
    "aws_account_id",
    "aws_account_alias",
    "role_name",
    "role_arn",
    "source_profile",
    "target_role_name",
    "target_region",
    "color",
    "region",
    "image",
    "roleswitch_group",
    "roleswitch_production",
    "roleswitch_title_prefix",
    "output",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "sso_region",
    "mfa_serial",
    "duration_seconds",
    "credential_source",
    "credential_process",
    "external_id",
];

/// The lines of a text, ended by `\n`, `\r\n` or a lone `\r`.
fn lines(text: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    let lines = text.split('\n').map(|l| match l.as_bytes().last() {
        Some(b'\r') => &l[..l.len() - 1],
        _ => l,
    });
    if text.as_bytes().contains(&b'\r') {
        Box::new(lines.flat_map(|l| l.split('\r')))
    } else {
        Box::new(lines) // the usual text: no lone \r to look for on each line
    }
}

/// Splits `text` into sections. Lines before the first section that are not
/// comments are errors, as are lines that are neither a header, a key, nor a
/// comment; lines that hold credentials are set apart (see the module docs).
pub(crate) fn lex(text: &str) -> Lexed<'_> {
    let mut lexed = Lexed::default();
    let Lexed {
        sections,
        errors,
        credentials,
    } = &mut lexed;
    // The profile a problem on this line belongs to.
    let place = |sections: &[Section<'_>]| -> Option<String> {
        sections
            .last()
            .map(|s| profile_name(s.header).0.to_string())
    };
    // Whether the last key had an empty value, so indented lines nest under it.
    let mut open_parent = false;
    for (i, raw) in lines(text).enumerate() {
        let line = i + 1;
        let raw = match raw.as_bytes().first() {
            Some(0xEF) => raw.strip_prefix('\u{feff}').unwrap_or(raw),
            _ => raw,
        };
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
                Ok(name) => sections.push(Section {
                    header: name,
                    line,
                    entries: Vec::new(),
                }),
                Err(problem) => errors.push(Diagnostic::at_line(
                    line,
                    None,
                    format!("{problem}; write it as [profile name] or [name]."),
                )),
            }
            continue;
        }
        // A `:` only matters before the first `=`.
        let eq = trimmed.find('=');
        let colon = trimmed[..eq.unwrap_or(trimmed.len())].find(':');
        if let Some(credential) = credential_in(trimmed, eq, colon) {
            credentials.push(Diagnostic::at_line(
                line,
                place(sections).as_deref(),
                credential_message(credential.ini),
            ));
            continue;
        }
        let Some(split) = colon.or(eq) else {
            errors.push(Diagnostic::at_line(
                line,
                place(sections).as_deref(),
                unreadable(trimmed),
            ));
            continue;
        };
        let (key, value) = (
            trim(&trimmed[..split]),
            unquote(trim(&trimmed[split + 1..])),
        );
        if !key_shaped(key) {
            errors.push(Diagnostic::at_line(
                line,
                place(sections).as_deref(),
                not_a_key(key, trimmed),
            ));
            continue;
        }
        let key = lower(key);
        if key == "credential_process" && secret_in_command(value) {
            credentials.push(Diagnostic::at_line(
                line,
                place(sections).as_deref(),
                SECRET_IN_COMMAND.into(),
            ));
            continue;
        }
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
    lexed
}

/// What is wrong with a line whose text before its `=` or `:` is not a key.
fn not_a_key(key: &str, line: &str) -> String {
    if key.is_empty() {
        return "This line has no key before the =; write key = value.".into();
    }
    let Some(what) = key.chars().find_map(unseen) else {
        return unreadable(line);
    };
    let visible: String = key.chars().filter(|&c| unseen(c).is_none()).collect();
    let named = if key_shaped(&visible) && !visible.is_empty() {
        format!(" {}", quote(&visible))
    } else {
        String::new()
    };
    format!("The key{named} has an invisible character, {what}, in it; delete the key and type it again.")
}

/// The message for a line that is not a setting: its first word is named only
/// when it is a key the readers know, so that no part of a secret is repeated.
fn unreadable(line: &str) -> String {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Some(key) = KNOWN_KEYS.iter().find(|k| **k == first) {
        return format!("{key} needs an = between it and its value: write {key} = value.");
    }
    let hint = match line.chars().find_map(unseen) {
        Some(what) => format!(" It has an invisible character, {what}, in it."),
        None => String::new(),
    };
    format!(
        "This line cannot be read: it is not a [profile name] header, a key = value setting \
         or a comment starting with ; or #.{hint} Fix or remove it (its text is not repeated \
         here, in case it is part of a secret)."
    )
}

/// A key in lower case, copied only when it was not already.
fn lower(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    }
}

/// The name inside `[...]`, allowing `]` inside the name and a comment
/// after it; or what is wrong with the header (without repeating it).
fn header(line: &str) -> Result<&str, &'static str> {
    let inner = line
        .strip_prefix('[')
        .ok_or("This is not a section header")?;
    const NO_NAME: &str = "This section header has no name";
    if let Some(name) = inner.strip_suffix(']') {
        return non_empty(name).ok_or(NO_NAME);
    }
    // `[name] ; comment`: the last `]` followed only by a comment.
    let close = inner
        .rfind(']')
        .ok_or("This section header has no closing ]")?;
    let rest = inner[close + 1..].trim_start();
    if rest.starts_with([';', '#']) {
        non_empty(&inner[..close]).ok_or(NO_NAME)
    } else {
        Err("This section header has text after its ] that is not a comment")
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
    let entries = &section.entries;
    // The usual section's handful of keys are compared; more (a hostile or
    // generated section) are looked up, so that it stays linear.
    let mut first_line: FnvMap<&str, usize> = FnvMap::default();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| !e.nested) {
        let first = if entries.len() <= 16 {
            entries[..i]
                .iter()
                .find(|o| !o.nested && o.key == e.key)
                .map(|o| o.line)
        } else {
            let first = first_line.get(&*e.key).copied();
            if first.is_none() {
                first_line.insert(&e.key, e.line);
            }
            first
        };
        if let Some(first) = first {
            errors.push(Diagnostic::at_line(
                e.line,
                Some(name),
                format!(
                    "{} is set twice in this profile (first on line {first}); keep one.",
                    e.key
                ),
            ));
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

/// Warns once about the keys of profile `section` that are not among `read` (and
/// any nested ones): the AWS CLI's own settings, which do not concern the console.
pub(crate) fn warn_unread(section: &Section, read: &[&str], warnings: &mut Diagnostics) {
    let ignored: Vec<&Entry> = section
        .entries
        .iter()
        .filter(|e| e.nested || !read.contains(&&*e.key))
        .collect();
    warn_ignored(
        section,
        &ignored,
        "they do not concern the console",
        warnings,
    );
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
    let mut seen: FnvMap<&str, usize> = FnvMap::default();
    let keys: Vec<&str> = ignored
        .iter()
        .map(|e| &*e.key)
        .filter(|k| seen.insert(k, 0).is_none())
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

/// A section name for export: each display name once, later repeats get ` (2)`, ` (3)`….
pub(crate) fn unique_name(wanted: &str, used: &mut Unique) -> String {
    used.take(wanted, |name, n| format!("{name} ({n})"))
}

/// The distinct base accounts of a list, in order of first use, each with
/// its section name; and for each environment the index of its base.
pub(crate) fn bases<'e>(
    envs: &'e [crate::model::Environment],
    names: &mut Unique,
) -> (
    Vec<(&'e crate::model::BaseAccount, String)>,
    Vec<Option<usize>>,
) {
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut list = Vec::new();
    let of_env = envs
        .iter()
        .map(|env| {
            let b = env.base.as_ref()?;
            // Validated values hold no control characters to confuse the parts.
            let part = |v: &Option<String>| v.as_deref().unwrap_or("\u{0}").to_string();
            let key = [part(&b.account_id), part(&b.alias), part(&b.role_name)].join("\u{1}");
            if let Some(&i) = index.get(&key) {
                return Some(i);
            }
            index.insert(key, list.len());
            list.push((b, unique_name(&base_section_name(b), names)));
            Some(list.len() - 1)
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
        let Lexed {
            sections,
            errors,
            credentials,
        } = lex(text);
        assert!(errors.is_empty() && credentials.is_empty(), "{errors:?}");
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
            assert_eq!(header(raw).ok(), want, "{raw}");
        }
    }

    #[test]
    fn errors_name_their_lines() {
        let errors = lex("key = 1\n[a]\nnot a setting\n[broken\n= v\n")
            .errors
            .into_list("problems");
        let got: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.split(';').next().unwrap_or("")))
            .collect();
        assert_eq!(got.len(), 4, "{errors:?}");
        assert_eq!(got[0].0, Some(1));
        assert!(errors[0].message.contains("before any section"));
        assert_eq!(got[1].0, Some(3));
        assert!(errors[1].message.contains("This line cannot be read"));
        assert!(!errors[1].message.contains("not a setting"), "never quoted");
        assert_eq!(got[2].0, Some(4));
        assert!(errors[2].message.contains("section header"));
        assert_eq!(got[3].0, Some(5));
        assert!(errors[3].message.contains("no key"));
    }
}

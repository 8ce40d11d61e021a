//! A [`SearchIndex`] as one text, so that the service worker builds the
//! popup's index once per list and the popup loads it without folding text,
//! hashing or allocating per entry: loading is one pass over the text.
//!
//! The text (version 4):
//!
//! - a header: `RSX4` U+0080, then the numbers of entries, fields, characters
//!   (of the loaded index's text) and shared texts, each followed by U+0001;
//! - the entries' rows exactly as the popup draws them
//!   ([`crate::popup::rows`]: rows separated by U+001E, fields by U+001F), then
//!   U+0001: the popup reads this one text for its rows and its search;
//! - the texts that several fields have, in the order of their ids (each its
//!   folded characters, a word start preceded by U+0005, then U+0002), then
//!   U+0001;
//! - per entry its row's length in bytes (decimal), its fields, then U+0006.
//!   A field is U+0010 + its kind, then either U+0003 and the id of its shared
//!   text in decimal, or its own folded characters (a word start preceded by
//!   U+0005).
//!
//! So the loader neither hashes nor compares texts: a field with a shared text
//! takes that text's range, char set and word starts, and the loaded index
//! keeps each shared text once. Nor does it read the rows (two thirds of the
//! text): each entry's length says where its row ends, and the loader checks
//! that a separator (or the rows' end) is there. Version 3, without the
//! lengths, spent most of its loading looking for the separators.
//!
//! The index of a validated list holds no control characters but the rows'
//! separators, so the markers are unambiguous; [`SearchIndex::to_prepared`]
//! refuses one that holds another. The U+0080 in the header also makes the
//! text non-ASCII from its fifth character, so that wasm-bindgen's glue
//! copies it into wasm memory with `TextEncoder.encodeInto` rather than with a
//! JavaScript loop per leading ASCII character.

use std::fmt::Write;

use super::{
    char_bit, to_u32, Entry, FieldKind, FieldText, SearchIndex, MAX_FIELD_CHARS, UNSHARED,
};
use crate::popup::rows::{FIELD_SEPARATOR, ROW_SEPARATOR};

const MAGIC: &str = "RSX4\u{80}";
const PART: char = '\u{1}';
const SHARED_END: char = '\u{2}';
const SHARED_REF: u8 = 0x3;
const WORD: u8 = 0x5;
const ENTRY_END: u8 = 0x6;
/// [`ROW_SEPARATOR`] as a byte (it is ASCII).
const ROW_END: u8 = ROW_SEPARATOR as u8;
/// Field markers: `FIELD_BASE` + the kind's number.
const FIELD_BASE: u8 = 0x10;

const KINDS: [FieldKind; 6] = [
    FieldKind::DisplayName,
    FieldKind::AccountId,
    FieldKind::RoleName,
    FieldKind::RoleBaseName,
    FieldKind::Group,
    FieldKind::Alias,
];

fn kind_marker(kind: FieldKind) -> char {
    let number = KINDS.iter().position(|k| *k == kind).unwrap_or(0);
    char::from(FIELD_BASE + number as u8)
}

impl SearchIndex {
    /// This index as text for [`SearchIndex::from_prepared`]; `None` when its
    /// text holds a control character (which no validated list does).
    pub fn to_prepared(&self) -> Option<String> {
        let text_controls = self.text.iter().any(|c| c.is_control());
        let row_controls = self
            .rows
            .chars()
            .any(|c| c.is_control() && c != ROW_SEPARATOR && c != FIELD_SEPARATOR);
        if text_controls || row_controls {
            return None;
        }
        // The first field with each shared text.
        let mut first = vec![None; self.shared];
        for f in self.fields.iter().filter(|f| f.shared != UNSHARED) {
            first.get_mut(f.shared as usize)?.get_or_insert(*f);
        }
        let first: Vec<FieldText> = first.into_iter().collect::<Option<_>>()?;
        let len = |f: &FieldText| (f.end - f.start) as usize;
        let chars = first.iter().map(len).sum::<usize>()
            + self
                .fields
                .iter()
                .filter(|f| f.shared == UNSHARED)
                .map(len)
                .sum::<usize>();

        let mut out = String::with_capacity(self.rows.len() + self.text.len() / 2 + 64);
        out.push_str(MAGIC);
        for count in [self.entries.len(), self.fields.len(), chars, self.shared] {
            write!(out, "{count}{PART}").ok()?;
        }
        out.push_str(&self.rows);
        out.push(PART);
        for f in &first {
            self.write_text(&mut out, f);
            out.push(SHARED_END);
        }
        out.push(PART);
        for entry in &self.entries {
            write!(out, "{}", entry.row.1 - entry.row.0).ok()?;
            for f in &self.fields[entry.fields.0 as usize..entry.fields.1 as usize] {
                out.push(kind_marker(f.kind));
                if f.shared == UNSHARED {
                    self.write_text(&mut out, f);
                } else {
                    write!(out, "{}{}", char::from(SHARED_REF), f.shared).ok()?;
                }
            }
            out.push(char::from(ENTRY_END));
        }
        Some(out)
    }

    /// `field`'s folded characters, a word start preceded by [`WORD`].
    fn write_text(&self, out: &mut String, field: &FieldText) {
        let text = &self.text[field.start as usize..field.end as usize];
        for (j, c) in text.iter().enumerate() {
            if field.word_starts >> j & 1 != 0 {
                out.push(char::from(WORD));
            }
            out.push(*c);
        }
    }

    /// The index that [`SearchIndex::to_prepared`] wrote; `None` when `text`
    /// is not one (another version, or cut short).
    pub fn from_prepared(text: &str) -> Option<SearchIndex> {
        let mut loader = PreparedLoader::new(text.to_string())?;
        while !loader.step(usize::MAX)? {}
        loader.finish()
    }

    /// Appends the field text at the start of `text` (folded characters, a
    /// word start preceded by [`WORD`]) up to the next other marker, and
    /// returns the bytes read and the field as a shared text (`kind` and
    /// `shared` still to set); `None` when it is longer than a field can be.
    fn read_text(&mut self, text: &str) -> Option<(usize, FieldText)> {
        let bytes = text.as_bytes();
        let start = self.text.len();
        let (mut at, mut word, mut word_starts, mut mask) = (0, false, 0u64, 0u64);
        while let Some(&b) = bytes.get(at) {
            let c = if b >= 0x80 {
                let c = text.get(at..)?.chars().next()?;
                at += c.len_utf8();
                c
            } else if b == WORD {
                word = true;
                at += 1;
                continue;
            } else if b < 0x20 {
                break;
            } else {
                at += 1;
                char::from(b)
            };
            let j = self.text.len() - start;
            if j == MAX_FIELD_CHARS {
                return None;
            }
            word_starts |= u64::from(word) << j;
            mask |= char_bit(c);
            self.text.push(c);
            word = false;
        }
        let field = FieldText {
            kind: FieldKind::DisplayName,
            start: to_u32(start),
            end: to_u32(self.text.len()),
            mask,
            word_starts,
            shared: UNSHARED,
        };
        Some((at, field))
    }
}

/// The decimal number at byte `at` of `text` and how many digits it has;
/// `None` when there is none there (or it is too large).
fn read_number(text: &str, at: usize) -> Option<(usize, usize)> {
    let digits = text
        .as_bytes()
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let number = text.get(at..at + digits)?.parse().ok()?;
    Some((number, digits))
}

/// The byte range of `part`, a slice of `text`, in `text`.
fn range_in(text: &str, part: &str) -> (usize, usize) {
    let start = part.as_ptr() as usize - text.as_ptr() as usize;
    (start, start + part.len())
}

/// Loads a prepared index a few entries at a time, so that a page can take
/// input between steps: [`PreparedLoader::new`], then
/// [`PreparedLoader::step`] until it says done, then
/// [`PreparedLoader::finish`].
#[derive(Debug)]
pub struct PreparedLoader {
    text: String,
    /// Byte offset of the next entry in `text`.
    at: usize,
    index: SearchIndex,
    /// How many entries, fields and characters the text says it holds.
    counts: (usize, usize, usize),
    /// The rows' byte range in `text`: `finish` makes `text` the index's
    /// rows rather than copying them.
    rows: (usize, usize),
    /// Byte offset of the next entry's row in `text`.
    row_at: usize,
    /// The shared texts, by id.
    shared: Vec<FieldText>,
}

impl PreparedLoader {
    /// Reads the header and the shared texts of `text` and finds its rows;
    /// `None` when it is not a prepared index.
    pub fn new(text: String) -> Option<PreparedLoader> {
        let mut parts = text.strip_prefix(MAGIC)?.splitn(7, PART);
        let mut count = || parts.next()?.parse::<usize>().ok();
        let (entries, fields, chars, shared) = (count()?, count()?, count()?, count()?);
        let rows = parts.next()?;
        let shared_texts = parts.next()?;
        let body = parts.next()?;
        let at = text.len() - body.len();
        let rows = range_in(&text, rows);
        let mut index = SearchIndex {
            text: Vec::with_capacity(chars.min(text.len())),
            fields: Vec::with_capacity(fields.min(text.len())),
            entries: Vec::with_capacity(entries.min(text.len())),
            shared: 0,
            rows: String::new(),
        };
        let mut texts = Vec::with_capacity(shared.min(text.len()));
        for piece in shared_texts.split_terminator(SHARED_END) {
            let (read, field) = index.read_text(piece)?;
            if read != piece.len() {
                return None;
            }
            texts.push(FieldText {
                shared: to_u32(texts.len()),
                ..field
            });
        }
        if texts.len() != shared || !shared_texts.ends_with(SHARED_END) && shared > 0 {
            return None;
        }
        index.shared = shared;
        Some(PreparedLoader {
            text,
            at,
            index,
            counts: (entries, fields, chars),
            rows,
            row_at: rows.0,
            shared: texts,
        })
    }

    /// Loads up to `entries` more entries: `Some(true)` once every entry is
    /// loaded, `None` when the text turns out not to be a prepared index.
    pub fn step(&mut self, entries: usize) -> Option<bool> {
        let PreparedLoader {
            text,
            at,
            index,
            rows,
            row_at,
            shared,
            ..
        } = self;
        let bytes = text.as_bytes();
        for _ in 0..entries {
            if *at == bytes.len() {
                break;
            }
            let first = index.fields.len();
            let (row_len, digits) = read_number(text, *at)?;
            *at += digits;
            loop {
                let marker = *bytes.get(*at)?;
                *at += 1;
                if marker == ENTRY_END {
                    break;
                }
                let kind = *KINDS.get(usize::from(marker.checked_sub(FIELD_BASE)?))?;
                let field = if bytes.get(*at) == Some(&SHARED_REF) {
                    let (id, digits) = read_number(text, *at + 1)?;
                    *at += 1 + digits;
                    *shared.get(id)?
                } else {
                    let (read, field) = index.read_text(&text[*at..])?;
                    *at += read;
                    field
                };
                index.fields.push(FieldText { kind, ..field });
            }
            // Its row: its length on, where the next row's separator or the rows' end is.
            let row_start = *row_at;
            let row_end = row_start.checked_add(row_len)?;
            if row_end > rows.1 || row_end < rows.1 && bytes[row_end] != ROW_END {
                return None;
            }
            *row_at = row_end + 1;
            index.entries.push(Entry {
                fields: (to_u32(first), to_u32(index.fields.len())),
                row: (to_u32(row_start - rows.0), to_u32(row_end - rows.0)),
            });
        }
        Some(*at == bytes.len())
    }

    /// The loaded index, once [`PreparedLoader::step`] said done; `None` when
    /// the text held other counts than its header said.
    pub fn finish(self) -> Option<SearchIndex> {
        let (entries, fields, chars) = self.counts;
        let mut index = self.index;
        // Every row taken: one per entry, none left over.
        let rows_taken = if entries == 0 {
            self.rows.0 == self.rows.1
        } else {
            self.row_at == self.rows.1 + 1
        };
        let whole = self.at == self.text.len()
            && rows_taken
            && index.entries.len() == entries
            && index.fields.len() == fields
            && index.text.len() == chars;
        if !whole {
            return None;
        }
        let mut rows = self.text;
        rows.truncate(self.rows.1);
        rows.drain(..self.rows.0);
        rows.shrink_to_fit();
        index.rows = rows;
        Some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{example_environments, BaseAccount};
    use proptest::prelude::*;

    fn varied() -> Vec<crate::Environment> {
        let names = [
            "payments-prod",
            "Ödön's sandbox",
            "teamOps",
            "ÉTÉ data",
            "x",
            "日本 prod",
        ];
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut e = example_environments().remove(i % 2);
                e.id = format!("id-{i}");
                e.display_name = (*name).into();
                e.account_id = format!("{:012}", 111_122_223_333u64 + i as u64 * 7919);
                e.role_name =
                    ["Admin", "team/Admin", "OrganizationAccountAccessRole"][i % 3].into();
                e.group = (i % 2 == 0).then(|| format!("OU-{i}"));
                e.region = (i % 3 == 0).then(|| "eu-west-1".to_string());
                e.production = i % 4 == 1;
                e.base = (i % 3 == 1).then(|| BaseAccount {
                    account_id: None,
                    alias: Some("Acme-管理".into()),
                    role_name: None,
                });
                e
            })
            .collect()
    }

    #[test]
    fn a_prepared_index_searches_and_highlights_as_the_index_it_was_made_from() {
        let envs = varied();
        let index = SearchIndex::new(&envs);
        let loaded = SearchIndex::from_prepared(&index.to_prepared().unwrap()).unwrap();
        assert_eq!(loaded.len(), envs.len());
        for query in [
            "", "p", "prod", "ö", "odon", "ete", "1111-2", "2223", "ops", "team", "admin", "ou-2",
            "west", "acme", "a b", "日本", "管理", "zz", "to", "orgacc",
        ] {
            assert_eq!(
                loaded.search_with(query, usize::MAX, &[2]),
                index.search_with(query, usize::MAX, &[2]),
                "{query:?}"
            );
            for i in 0..envs.len() as u32 {
                assert_eq!(
                    loaded.highlight(i, query),
                    index.highlight(i, query),
                    "{query:?} {i}"
                );
            }
        }
    }

    #[test]
    fn loading_a_few_entries_at_a_time_gives_the_same_index() {
        let envs = varied();
        let index = SearchIndex::new(&envs);
        for step in [1, 2, 5] {
            let mut loader = PreparedLoader::new(index.to_prepared().unwrap()).unwrap();
            let mut steps = 0;
            while !loader.step(step).unwrap() {
                steps += 1;
            }
            assert!(steps >= envs.len() / step - 1, "{steps} steps of {step}");
            let loaded = loader.finish().unwrap();
            for query in ["", "p", "ete", "1111-2", "acme"] {
                assert_eq!(
                    loaded.search(query, usize::MAX),
                    index.search(query, usize::MAX),
                    "{query:?}"
                );
                assert_eq!(
                    loaded.highlight(3, query),
                    index.highlight(3, query),
                    "{query:?}"
                );
            }
        }
    }

    #[test]
    fn a_loaded_index_gives_each_entry_s_row_as_the_popup_draws_it() {
        let envs = varied();
        let rows = crate::popup_rows(&envs).unwrap();
        let index = SearchIndex::new(&envs);
        let loaded = SearchIndex::from_prepared(&index.to_prepared().unwrap()).unwrap();
        for (i, row) in rows.split(ROW_SEPARATOR).enumerate() {
            assert_eq!(index.row(i as u32), Some(row), "{i}");
            assert_eq!(loaded.row(i as u32), Some(row), "{i}");
        }
        assert_eq!(loaded.row(envs.len() as u32), None);
        // Built from the rows (the popup without a prepared index): the same rows.
        let from_rows = SearchIndex::new(&crate::read_popup_rows(&rows));
        assert_eq!(
            from_rows.row(5),
            Some(rows.split(ROW_SEPARATOR).nth(5).unwrap())
        );
    }

    #[test]
    fn an_empty_index_round_trips() {
        let index = SearchIndex::new(&[]);
        let loaded = SearchIndex::from_prepared(&index.to_prepared().unwrap()).unwrap();
        assert!(loaded.is_empty());
    }

    #[test]
    fn shared_texts_are_written_once_and_loaded_as_shared() {
        let envs = varied();
        let index = SearchIndex::new(&envs);
        let text = index.to_prepared().unwrap();
        assert!(text.starts_with("RSX4\u{80}"));
        // "Acme-管理" (two entries), "Admin" (two) and "eu-west-1" (two) once each.
        assert_eq!(text.matches("acme-\u{5}管理").count(), 1, "{text:?}");
        let loaded = SearchIndex::from_prepared(&text).unwrap();
        assert!(index.shared >= 3, "{}", index.shared);
        assert_eq!(loaded.shared, index.shared);
        let ids = |i: &SearchIndex| i.fields.iter().map(|f| f.shared).collect::<Vec<_>>();
        assert_eq!(ids(&loaded), ids(&index));
        for (a, b) in loaded.fields.iter().zip(&index.fields) {
            assert_eq!(
                (a.kind, a.mask, a.word_starts),
                (b.kind, b.mask, b.word_starts)
            );
        }
        // A loaded index writes the same text again.
        assert_eq!(loaded.to_prepared().unwrap(), text);
    }

    #[test]
    fn other_text_is_not_an_index() {
        let text = SearchIndex::new(&varied()).to_prepared().unwrap();
        // One entry in version 1, which this version no longer reads.
        let version_1 = "RSX1\u{1}1\u{1}1\u{1}1\u{1}a\u{1f}1\u{1f}r\u{1f}\u{1}\u{10}\u{5}a\u{6}";
        // The rows' part, where the labels were in version 2.
        let rows = |t: &str| t.split('\u{1}').nth(4).unwrap_or_default().to_string();
        let all_rows = rows(&text);
        let (first_row, _) = all_rows.split_once(ROW_SEPARATOR).unwrap();
        for bad in [
            "",
            version_1,
            &text.replacen("RSX4", "RSX3", 1),
            &text.replacen("RSX4\u{80}6", "RSX4\u{80}7", 1),
            "RSX4\u{80}0\u{1}0\u{1}0\u{1}0\u{1}\u{1}\u{1}x",
            "RSX4\u{80}0\u{1}0\u{1}0\u{1}1\u{1}\u{1}a\u{1}",
            // No entries, one row.
            "RSX4\u{80}0\u{1}0\u{1}0\u{1}0\u{1}a\u{1f}b\u{1}\u{1}",
            // One entry: its row's length missing, too long, short of the separator.
            "RSX4\u{80}1\u{1}0\u{1}0\u{1}0\u{1}ab\u{1}\u{1}\u{6}",
            "RSX4\u{80}1\u{1}0\u{1}0\u{1}0\u{1}ab\u{1}\u{1}3\u{6}",
            "RSX4\u{80}2\u{1}0\u{1}0\u{1}0\u{1}ab\u{1e}c\u{1}\u{1}1\u{6}1\u{6}",
            &text.replacen("\u{3}0", "\u{3}99", 1),
            // A row short, or one too many.
            &text.replacen(&format!("{first_row}{ROW_SEPARATOR}"), "", 1),
            &text.replacen(
                &all_rows,
                &format!("{all_rows}{ROW_SEPARATOR}{first_row}"),
                1,
            ),
        ] {
            assert!(SearchIndex::from_prepared(bad).is_none(), "{bad:?}");
        }
        // Cut short anywhere.
        for (cut, _) in text.char_indices() {
            assert!(SearchIndex::from_prepared(&text[..cut]).is_none(), "{cut}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any list (few distinct texts, so many shared; non-ASCII; empty
        /// fields) searches and highlights the same once prepared and loaded.
        #[test]
        fn any_list_round_trips(
            list in prop::collection::vec(
                ("[aAé日 -]{0,5}", "[0-9-]{0,13}", "[aB/é]{0,4}", "[aé-]{0,3}", any::<bool>()),
                0..10,
            ),
            query in "[aAé日 0-9-]{0,5}",
        ) {
            let envs: Vec<crate::Environment> = list
                .iter()
                .map(|(name, account, role, group, production)| crate::Environment {
                    display_name: name.clone(),
                    account_id: account.clone(),
                    role_name: role.clone(),
                    group: Some(group.clone()),
                    region: production.then(|| name.to_uppercase()),
                    production: *production,
                    ..example_environments().remove(0)
                })
                .collect();
            let index = SearchIndex::new(&envs);
            let text = index.to_prepared().unwrap();
            let loaded = SearchIndex::from_prepared(&text).unwrap();
            prop_assert_eq!(loaded.shared, index.shared);
            prop_assert_eq!(
                loaded.search_with(&query, usize::MAX, &[1]),
                index.search_with(&query, usize::MAX, &[1])
            );
            for i in 0..envs.len() as u32 {
                prop_assert_eq!(loaded.highlight(i, &query), index.highlight(i, &query));
            }
            prop_assert_eq!(loaded.to_prepared().unwrap(), text);
        }
    }

    #[test]
    fn an_index_with_a_control_character_is_not_written() {
        let mut envs = example_environments();
        envs[0].display_name = "a\u{7}b".into();
        assert!(SearchIndex::new(&envs).to_prepared().is_none());
    }
}

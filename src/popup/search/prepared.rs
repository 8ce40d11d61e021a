//! A [`SearchIndex`] as one text, so that the service worker builds the
//! popup's index once per list and the popup loads it without folding text or
//! allocating per entry: loading is one pass over the text.
//!
//! The text (version 1): a header `RSX1` U+0001 entries U+0001 fields U+0001
//! chars U+0001; then the labels exactly as the index keeps them (each ended
//! by U+001F) and U+0001; then per entry its fields (each U+0010 + kind, then
//! its folded characters, a word start preceded by U+0005) and U+0006. The
//! index of a validated list holds no control characters, so the markers are
//! unambiguous; [`SearchIndex::to_prepared`] refuses one that does.

use super::{to_u32, Entry, FieldKind, SearchIndex, LABEL_END};

const MAGIC: &str = "RSX1";
const PART: char = '\u{1}';
const WORD: char = '\u{5}';
const ENTRY_END: char = '\u{6}';
/// Field markers: `FIELD_BASE` + the kind's number.
const FIELD_BASE: u32 = 0x10;

const KINDS: [FieldKind; 6] = [
    FieldKind::DisplayName,
    FieldKind::AccountId,
    FieldKind::RoleName,
    FieldKind::RoleBaseName,
    FieldKind::Group,
    FieldKind::Alias,
];

fn kind_number(kind: FieldKind) -> u32 {
    KINDS.iter().position(|k| *k == kind).map_or(0, to_u32)
}

impl SearchIndex {
    /// This index as text for [`SearchIndex::from_prepared`]; `None` when its
    /// text holds a control character (which no validated list does).
    pub fn to_prepared(&self) -> Option<String> {
        let text_controls = self.text.iter().any(|c| c.is_control());
        let label_controls = self
            .labels
            .chars()
            .any(|c| c.is_control() && c != LABEL_END);
        if text_controls || label_controls {
            return None;
        }
        let words = self.word_start.iter().filter(|w| **w).count();
        let mut out = String::with_capacity(
            self.labels.len() + self.text.len() + words + self.fields.len() * 2 + 64,
        );
        for part in [
            MAGIC,
            &self.entries.len().to_string(),
            &self.fields.len().to_string(),
            &self.text.len().to_string(),
        ] {
            out.push_str(part);
            out.push(PART);
        }
        out.push_str(&self.labels);
        out.push(PART);
        for entry in &self.entries {
            for field in &self.fields[entry.fields.0 as usize..entry.fields.1 as usize] {
                out.push(char::from_u32(FIELD_BASE + kind_number(field.kind))?);
                let range = field.start as usize..field.end as usize;
                for (c, word) in self.text[range.clone()].iter().zip(&self.word_start[range]) {
                    if *word {
                        out.push(WORD);
                    }
                    out.push(*c);
                }
            }
            out.push(ENTRY_END);
        }
        Some(out)
    }

    /// The index that [`SearchIndex::to_prepared`] wrote; `None` when `text`
    /// is not one (another version, or cut short).
    pub fn from_prepared(text: &str) -> Option<SearchIndex> {
        let mut loader = PreparedLoader::new(text.to_string())?;
        while !loader.step(usize::MAX)? {}
        loader.finish()
    }
}

/// Loads a prepared index a few entries at a time, so that a page can take
/// input between steps: [`PreparedLoader::new`], then
/// [`PreparedLoader::step`] until it says done, then
/// [`PreparedLoader::finish`].
#[derive(Debug)]
pub struct PreparedLoader {
    text: String,
    /// Byte offset of the next character of the body in `text`.
    at: usize,
    index: SearchIndex,
    /// How many entries, fields and characters the text says it holds.
    counts: (usize, usize, usize),
    /// Where each entry's labels start in `index.labels`, three per entry, and the end.
    starts: Vec<u32>,
    field: Option<(FieldKind, usize)>,
    first_field: usize,
    word: bool,
}

impl PreparedLoader {
    /// Reads the header and the labels of `text`; `None` when it is not a
    /// prepared index.
    pub fn new(text: String) -> Option<PreparedLoader> {
        let mut parts = text.splitn(6, PART);
        if parts.next()? != MAGIC {
            return None;
        }
        let mut count = || parts.next()?.parse::<usize>().ok();
        let (entries, fields, chars) = (count()?, count()?, count()?);
        let labels = parts.next()?;
        let body = parts.next()?;
        let at = text.len() - body.len();

        // Every entry's label offsets: three labels, each ended by LABEL_END.
        let mut starts = Vec::with_capacity(entries.saturating_mul(3).saturating_add(1));
        let mut end = 0;
        for label in labels.split_terminator(LABEL_END) {
            starts.push(to_u32(end));
            end += label.len() + LABEL_END.len_utf8();
        }
        starts.push(to_u32(end));
        if starts.len() != entries.checked_mul(3)?.checked_add(1)? || end != labels.len() {
            return None;
        }
        let index = SearchIndex {
            text: Vec::with_capacity(chars.min(text.len())),
            word_start: Vec::with_capacity(chars.min(text.len())),
            fields: Vec::with_capacity(fields.min(text.len())),
            entries: Vec::with_capacity(entries),
            shared: 0,
            labels: labels.to_string(),
        };
        Some(PreparedLoader {
            text,
            at,
            index,
            counts: (entries, fields, chars),
            starts,
            field: None,
            first_field: 0,
            word: false,
        })
    }

    /// Loads up to `entries` more entries: `Some(true)` once every entry is
    /// loaded, `None` when the text turns out not to be a prepared index.
    pub fn step(&mut self, entries: usize) -> Option<bool> {
        let mut loaded = 0;
        let body = &self.text[self.at..];
        let mut consumed = body.len();
        for (offset, c) in body.char_indices() {
            if loaded == entries {
                consumed = offset;
                break;
            }
            let index = &mut self.index;
            match c {
                WORD => self.word = true,
                ENTRY_END => {
                    if let Some((kind, start)) = self.field.take() {
                        index.push_field_text(kind, start);
                    }
                    let e = index.entries.len() * 3;
                    let labels = self.starts.get(e..e + 4)?;
                    index.entries.push(Entry {
                        fields: (to_u32(self.first_field), to_u32(index.fields.len())),
                        labels: [labels[0], labels[1], labels[2], labels[3]],
                    });
                    self.first_field = index.fields.len();
                    loaded += 1;
                }
                c if (FIELD_BASE..FIELD_BASE + 6).contains(&(c as u32)) => {
                    if let Some((kind, start)) = self.field.take() {
                        index.push_field_text(kind, start);
                    }
                    let kind = KINDS[(c as u32 - FIELD_BASE) as usize];
                    self.field = Some((kind, index.text.len()));
                }
                c => {
                    self.field?; // text outside a field
                    index.text.push(c);
                    index.word_start.push(self.word);
                    self.word = false;
                }
            }
        }
        self.at += consumed;
        Some(self.at == self.text.len())
    }

    /// The loaded index, once [`PreparedLoader::step`] said done; `None` when
    /// the text held other counts than its header said.
    pub fn finish(self) -> Option<SearchIndex> {
        let (entries, fields, chars) = self.counts;
        let mut index = self.index;
        let whole = self.at == self.text.len()
            && index.entries.len() == entries
            && index.fields.len() == fields
            && index.text.len() == chars
            && self.field.is_none();
        if !whole {
            return None;
        }
        index.share_repeated_texts();
        Some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{example_environments, BaseAccount};

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
                    alias: Some("acme-mgmt".into()),
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
            "west", "acme", "a b", "日本", "zz", "to", "orgacc",
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
    fn an_empty_index_round_trips() {
        let index = SearchIndex::new(&[]);
        let loaded = SearchIndex::from_prepared(&index.to_prepared().unwrap()).unwrap();
        assert!(loaded.is_empty());
    }

    #[test]
    fn other_text_is_not_an_index() {
        let text = SearchIndex::new(&varied()).to_prepared().unwrap();
        for bad in [
            "",
            "RSX2\u{1}0\u{1}0\u{1}0\u{1}\u{1}",
            &text[..text.len() / 2],
            &text.replacen("RSX1\u{1}6", "RSX1\u{1}7", 1),
            "RSX1\u{1}0\u{1}0\u{1}0\u{1}\u{1}x",
        ] {
            assert!(SearchIndex::from_prepared(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn an_index_with_a_control_character_is_not_written() {
        let mut envs = example_environments();
        envs[0].display_name = "a\u{7}b".into();
        assert!(SearchIndex::new(&envs).to_prepared().is_none());
    }
}

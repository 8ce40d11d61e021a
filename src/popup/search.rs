//! Popup search: fuzzy, ranked matching over the environment list.
//!
//! [`SearchIndex::new`] folds every searchable field once (lower case, common
//! Latin accents removed) and marks its word starts, so that a keystroke only
//! walks precomputed text. A query is split on whitespace; every term must
//! match some field of an entry (different terms may match different
//! fields), and an entry's score is the sum of its terms' best field scores.
//!
//! How one term matches one field, best first:
//!
//! | tier        | example (term `prod`)           |
//! |-------------|---------------------------------|
//! | exact       | `prod`                          |
//! | prefix      | `production-eu`                 |
//! | word starts | `team-prod`, `p-r-o-d`          |
//! | substring   | `reproduce`                     |
//! | scattered   | `approved`                      |
//!
//! Within a tier, tighter matches win: shorter fields for a prefix, fewer
//! chunks and gaps for word starts, earlier occurrences for a substring,
//! smaller spans for a scattered match. The tier score is then weighted by
//! field: the display name counts most, then account ID, role and group, then
//! the aliases (region, `prod`/`production` for production entries, the base
//! account's alias). Equal scores fall back to the caller's preferred order
//! and then to the original order, so results are deterministic.
//!
//! Account IDs match only contiguously, on digits: a term made of digits and
//! hyphens has its hyphens dropped, so `1111-22` and `111122` both find
//! `111122223333` (shown as `1111-2222-3333`).
//!
//! A keystroke's work is bounded whatever the names and the query. A query
//! counts its first [`MAX_QUERY_TERMS`] words and [`MAX_QUERY_CHARS`]
//! characters ([`query_note`] says when it ignores the rest), and a field its
//! first 64 characters (no valid field is longer). One pass over a field's
//! characters records where each of the query's characters occurs, one bit per
//! position; every term then finds its tier in a few word operations per
//! character of the term (occurrences, word starts, subsequence), not in a
//! table over term × field. Only the within-tier penalty of a match in several
//! chunks needs that table: a keystroke spends at most [`TABLE_BUDGET`] of its
//! cells, and beyond that the penalty is estimated from the tightest
//! alignment ending where the term first completes (same tier).
//!
//! ```
//! use roleswitch::{example_environments, SearchIndex};
//!
//! let envs = example_environments(); // "test", "prod"
//! let index = SearchIndex::new(&envs);
//! assert_eq!(index.search("pr", usize::MAX), vec![1]);
//! assert_eq!(index.search("4444-5", usize::MAX), vec![1]);
//! assert_eq!(index.search("", usize::MAX), vec![0, 1]);
//! // Favorites and recents first: entry 1 is preferred.
//! assert_eq!(index.search_with("", usize::MAX, &[1]), vec![1, 0]);
//!
//! let marks = index.highlight(1, "pr");
//! assert_eq!(marks.display_name, vec![roleswitch::TextRange { start: 0, end: 2 }]);
//! ```

use std::cmp::Ordering;

use serde::Serialize;

use crate::aws::format_account_id;
use crate::fnv::FnvMap;
use crate::model::Environment;
use crate::popup::rows::{push_row, row_field, ROW_SEPARATOR};

/// Most words of a query that are matched; the popup says when it ignores more.
pub const MAX_QUERY_TERMS: usize = 8;
/// Most characters of a query (outside whitespace) that are matched: no field
/// is longer, and each term's characters are bits of one 64-bit word.
pub const MAX_QUERY_CHARS: usize = 64;
/// Characters of a field that are searched: every field the core validates
/// (name, role with its path, group, alias) is at most this long.
const MAX_FIELD_CHARS: usize = 64;
/// Table cells (term chars × field chars) one keystroke may spend on exact
/// penalties of matches in several chunks; past it they are estimated.
pub const TABLE_BUDGET: usize = 1 << 16;
/// Table cells one row's highlights may spend.
const HIGHLIGHT_TABLE_BUDGET: usize = 1 << 12;

/// Why the popup matches less than `query`, if it does: what is ignored.
pub fn query_note(query: &str) -> Option<String> {
    Query::parse(query).truncated.then(|| {
        format!(
            "Only the first {MAX_QUERY_TERMS} words and {MAX_QUERY_CHARS} characters of the filter are used; no name is longer."
        )
    })
}

mod prepared;
pub use prepared::PreparedLoader;

/// Precomputed, folded search text for a list of environments.
///
/// Built once per list (and rebuilt when the list changes); indices in and
/// out are positions in the slice given to [`SearchIndex::new`].
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Folded text of every field of every entry, back to back (loaded from
    /// a prepared index, the fields with a shared text all have its one copy).
    /// Which of a field's chars begin words is its `FieldText::word_starts`.
    text: Vec<char>,
    /// Every field of every entry; `Entry::fields` ranges over this.
    fields: Vec<FieldText>,
    entries: Vec<Entry>,
    /// Number of texts several fields have (`FieldText::shared`).
    shared: usize,
    /// Every entry's row as the popup draws it ([`crate::popup::rows`]),
    /// separated by [`ROW_SEPARATOR`]: one allocation for the whole list, from
    /// which the popup takes the rows it draws and highlights the labels.
    rows: String,
}

/// One entry's fields and its row.
#[derive(Debug, Clone)]
struct Entry {
    /// Range into `SearchIndex::fields`.
    fields: (u32, u32),
    /// Byte range of its row in `SearchIndex::rows`.
    row: (u32, u32),
}

/// The row fields the popup highlights, in [`ROW_FIELDS`] order: the display
/// name, the account as shown (`1111-2222-3333`) and the role.
const LABEL_FIELDS: [usize; 3] = [1, 3, 4];

/// One searchable field: a range of `SearchIndex::text`.
#[derive(Debug, Clone, Copy)]
struct FieldText {
    kind: FieldKind,
    start: u32,
    end: u32,
    /// [`char_mask`] of the field's text: a term with a char outside it
    /// cannot match, which rejects most fields without reading them.
    mask: u64,
    /// Bit `j`: the field's char `j` starts a word.
    word_starts: u64,
    /// The id of its text among texts several fields have, or `UNSHARED`.
    shared: u32,
}

const UNSHARED: u32 = u32::MAX;

impl FieldText {
    /// Whether `term` could match here, from the char sets alone.
    fn may_match(self, term: &Term) -> bool {
        if self.kind == FieldKind::AccountId {
            term.digits.is_some() && term.digits_mask & !self.mask == 0
        } else {
            term.mask & !self.mask == 0
        }
    }

    /// The most `term` could score here: exact if the lengths are equal,
    /// else at best a prefix (every lower tier scores less than any prefix).
    fn max_score(self, term: &Term) -> u32 {
        let n = (self.end - self.start) as usize;
        let m = match (self.kind, &term.digits) {
            (FieldKind::AccountId, Some(digits)) => digits.len(),
            (FieldKind::AccountId, None) => return 0,
            _ => term.chars.len(),
        };
        match m.cmp(&n) {
            Ordering::Equal => Hit::new(Tier::Exact, 0).score(self.kind),
            Ordering::Less => Hit::new(Tier::Prefix, n - m).score(self.kind),
            Ordering::Greater => 0,
        }
    }
}

/// What a field is, which decides its weight and how it is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    DisplayName,
    /// The twelve digits, matched contiguously by digit terms only.
    AccountId,
    /// Role name with its path.
    RoleName,
    /// Role name without its path (only when there is a path).
    RoleBaseName,
    Group,
    /// Region, `prod`/`production`, base account alias.
    Alias,
}

impl FieldKind {
    /// Multiplier of the tier score: the display name outranks the rest.
    fn weight(self) -> u32 {
        match self {
            FieldKind::DisplayName => 4,
            FieldKind::AccountId
            | FieldKind::RoleName
            | FieldKind::RoleBaseName
            | FieldKind::Group => 3,
            FieldKind::Alias => 2,
        }
    }
}

/// How well one term matches one field; the variants are in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Scattered,
    Substring,
    WordStarts,
    Prefix,
    Exact,
}

impl Tier {
    fn from_index(index: u16) -> Tier {
        match index {
            0 => Tier::Scattered,
            1 => Tier::Substring,
            2 => Tier::WordStarts,
            3 => Tier::Prefix,
            _ => Tier::Exact,
        }
    }

    fn base(self) -> u32 {
        match self {
            Tier::Exact => 500,
            Tier::Prefix => 400,
            Tier::WordStarts => 300,
            Tier::Substring => 200,
            Tier::Scattered => 100,
        }
    }
}

/// Largest within-tier penalty, so that tiers never overlap.
const MAX_PENALTY: usize = 99;

/// One term matched in one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    tier: Tier,
    /// Within-tier looseness, `0..=MAX_PENALTY`; lower is better.
    penalty: u32,
}

impl Hit {
    fn new(tier: Tier, penalty: usize) -> Hit {
        // MAX_PENALTY fits in u32, so the cast after `min` is lossless.
        Hit {
            tier,
            penalty: penalty.min(MAX_PENALTY) as u32,
        }
    }

    /// Better tier, or same tier and tighter.
    fn beats(self, other: Hit) -> bool {
        (self.tier, other.penalty) > (other.tier, self.penalty)
    }

    fn score(self, kind: FieldKind) -> u32 {
        (self.tier.base() - self.penalty) * kind.weight()
    }
}

/// A half-open range `[start, end)` of UTF-16 code units, as JavaScript's
/// `String.prototype.slice` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

/// The characters of a row to highlight, per displayed field, as sorted,
/// merged, non-empty UTF-16 ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Highlights {
    pub display_name: Vec<TextRange>,
    /// Ranges of the account ID as shown, `1111-2222-3333`.
    pub account_id: Vec<TextRange>,
    pub role_name: Vec<TextRange>,
}

impl Highlights {
    /// These highlights as one flat array for the popup: for the display
    /// name, the account as shown and the role in turn, the number of ranges,
    /// then each range's start and end.
    pub fn flat(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for ranges in [&self.display_name, &self.account_id, &self.role_name] {
            out.push(u32::try_from(ranges.len()).unwrap_or(u32::MAX));
            for r in ranges {
                out.extend([r.start, r.end]);
            }
        }
        out
    }
}

impl SearchIndex {
    /// Folds and indexes the searchable fields of `envs`.
    pub fn new(envs: &[Environment]) -> SearchIndex {
        let mut index = SearchIndex {
            text: Vec::new(),
            fields: Vec::with_capacity(envs.len() * 7),
            entries: Vec::with_capacity(envs.len()),
            shared: 0,
            rows: String::with_capacity(envs.len() * 96),
        };
        for (i, env) in envs.iter().enumerate() {
            let first = index.fields.len();
            index.push_field(FieldKind::DisplayName, &env.display_name);
            index.push_account(&env.account_id);
            index.push_field(FieldKind::RoleName, &env.role_name);
            let base_name = env.role_base_name();
            if base_name.len() != env.role_name.len() {
                index.push_field(FieldKind::RoleBaseName, base_name);
            }
            if let Some(group) = &env.group {
                index.push_field(FieldKind::Group, group);
            }
            if let Some(region) = &env.region {
                index.push_field(FieldKind::Alias, region);
            }
            if env.production {
                index.push_field(FieldKind::Alias, "prod");
                index.push_field(FieldKind::Alias, "production");
            }
            if let Some(alias) = env.base.as_ref().and_then(|b| b.alias.as_ref()) {
                index.push_field(FieldKind::Alias, alias);
            }
            if i > 0 {
                index.rows.push(ROW_SEPARATOR);
            }
            let row_start = to_u32(index.rows.len());
            push_row(&mut index.rows, env);
            index.entries.push(Entry {
                fields: (to_u32(first), to_u32(index.fields.len())),
                row: (row_start, to_u32(index.rows.len())),
            });
        }
        index.share_repeated_texts();
        index
    }

    /// Gives the texts that several fields have (a common role, group, region
    /// or alias) an id each, so that a keystroke matches each of them once.
    /// Ids follow the first field of each text, so that they do not depend on
    /// the hasher.
    fn share_repeated_texts(&mut self) {
        let SearchIndex {
            text,
            fields,
            shared,
            ..
        } = self;
        let key = |f: &FieldText| {
            (
                f.kind == FieldKind::AccountId,
                f.word_starts,
                &text[f.start as usize..f.end as usize],
            )
        };
        // Each field's text group (numbered by first field), and how many fields have it.
        let mut groups: FnvMap<_, u32> = FnvMap::default();
        let mut counts: Vec<u32> = Vec::new();
        let group_of: Vec<u32> = fields
            .iter()
            .map(|f| {
                let next = to_u32(groups.len());
                let group = *groups.entry(key(f)).or_insert(next);
                if group == next {
                    counts.push(0);
                }
                counts[group as usize] += 1;
                group
            })
            .collect();
        // Shared ids for the groups of several fields, in group order.
        let mut next = 0;
        let ids: Vec<u32> = counts
            .iter()
            .map(|&count| {
                if count > 1 {
                    next += 1;
                    next - 1
                } else {
                    UNSHARED
                }
            })
            .collect();
        *shared = next as usize;
        for (f, group) in fields.iter_mut().zip(group_of) {
            f.shared = ids[group as usize];
        }
    }

    /// Number of indexed environments.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index has no environments.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` matches of `query`, best first, as indices into the
    /// indexed list (`usize::MAX` for all). An empty query returns the
    /// list in its original order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<u32> {
        self.search_with(query, limit, &[])
    }

    /// Like [`SearchIndex::search`], with the caller's preferred entries.
    ///
    /// `preferred` lists entry indices in the order the popup wants them when
    /// nothing sets them apart, typically favorites then recents. For an
    /// empty query, the listed entries come first in that order, then the
    /// rest in original order. For other queries, the match score decides
    /// and `preferred` only breaks ties (a listed entry before an unlisted
    /// one, then original order). Repeated and out-of-range indices are
    /// ignored.
    pub fn search_with(&self, query: &str, limit: usize, preferred: &[u32]) -> Vec<u32> {
        let n = self.entries.len();
        let mut rank = Vec::new();
        if !preferred.is_empty() {
            rank = vec![u32::MAX; n];
            for (position, &i) in preferred.iter().enumerate() {
                if let Some(slot) = rank.get_mut(i as usize) {
                    if *slot == u32::MAX {
                        *slot = to_u32(position);
                    }
                }
            }
        }
        let rank_of = |i: u32| rank.get(i as usize).copied().unwrap_or(u32::MAX);

        // (score, index); higher score first, then preferred, then index.
        let found = self.scores(&Query::parse(query), &mut Scratch::default(), TABLE_BUDGET);
        let mut found = found.unwrap_or_else(|| (0..n).map(|i| (0, to_u32(i))).collect());

        let order = |a: &(u32, u32), b: &(u32, u32)| -> Ordering {
            b.0.cmp(&a.0)
                .then_with(|| rank_of(a.1).cmp(&rank_of(b.1)))
                .then_with(|| a.1.cmp(&b.1))
        };
        if limit < found.len() {
            if limit > 0 {
                found.select_nth_unstable_by(limit - 1, order);
            }
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found.into_iter().map(|(_, i)| i).collect()
    }

    /// `(score, index)` of every entry matching `query` (`None`: an empty
    /// query), in index order, spending at most `table_cells` on tables. The
    /// work is counted in `scratch.work`.
    fn scores(
        &self,
        query: &Query,
        scratch: &mut Scratch,
        table_cells: usize,
    ) -> Option<Vec<(u32, u32)>> {
        if query.terms.is_empty() {
            return None;
        }
        scratch.start(table_cells);
        scratch.memo.clear();
        scratch
            .memo
            .resize(self.shared * query.terms.len(), Memo::UNKNOWN);
        let mut found = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if let Some(score) = self.score_entry(entry, query, scratch) {
                found.push((score, to_u32(i)));
            }
        }
        Some(found)
    }

    /// The sum of each term's best field score, if every term matches.
    fn score_entry(&self, entry: &Entry, query: &Query, scratch: &mut Scratch) -> Option<u32> {
        let fields = &self.fields[entry.fields.0 as usize..entry.fields.1 as usize];
        scratch.work += (fields.len() * query.terms.len()) as u64;
        // From the char sets alone, most entries miss some term: no text is read.
        if !query
            .terms
            .iter()
            .all(|term| fields.iter().any(|f| f.may_match(term)))
        {
            return None;
        }
        let mut best = [0u32; MAX_QUERY_TERMS];
        for &field in fields {
            // The terms this field could still improve on.
            let mut wanted = 0u32;
            for (t, term) in query.terms.iter().enumerate() {
                if field.may_match(term) && field.max_score(term) > best[t] {
                    wanted |= 1 << t;
                }
            }
            while wanted != 0 {
                let t = wanted.trailing_zeros() as usize;
                wanted &= wanted - 1;
                if let Some(hit) = self.term_hit(field, query, t, scratch) {
                    best[t] = best[t].max(hit.score(field.kind));
                }
            }
        }
        let best = &best[..query.terms.len()];
        best.iter()
            .all(|&score| score > 0)
            .then(|| best.iter().fold(0u32, |sum, &s| sum.saturating_add(s)))
    }

    /// Term `t` of the query in `field`, for the search (no positions). A text
    /// that several fields share (a common role, group or region) is matched
    /// once per keystroke; a field is read (`Scratch::fill`) once for all terms.
    fn term_hit(
        &self,
        field: FieldText,
        query: &Query,
        t: usize,
        scratch: &mut Scratch,
    ) -> Option<Hit> {
        let memo = (field.shared != UNSHARED)
            .then(|| field.shared as usize * query.terms.len() + t)
            .filter(|&at| at < scratch.memo.len());
        if let Some(known) = memo.and_then(|at| Memo::get(scratch.memo[at])) {
            return known;
        }
        let term = &query.terms[t];
        let hit = if field.kind == FieldKind::AccountId {
            self.match_filled(field, term, scratch, None)
        } else {
            let hay = &self.text[field.start as usize..field.end as usize];
            scratch.work += term.chars.len() as u64;
            // A prefix is the best a term can do here: no need to read the field.
            prefix_hit(&term.chars, hay).or_else(|| {
                if scratch.filled != Some((field.start, field.end)) {
                    scratch.fill(query, hay);
                    scratch.filled = Some((field.start, field.end));
                }
                self.match_filled(field, term, scratch, None)
            })
        };
        if let Some(at) = memo {
            scratch.memo[at] = Memo::of(hit);
        }
        hit
    }

    /// Which characters of entry `index` to highlight for `query`.
    ///
    /// Per term, every displayed field it matches contiguously or at word
    /// starts is marked; a scattered match is marked only when it is that
    /// term's best match for the entry. An unknown `index` gives no ranges.
    pub fn highlight(&self, index: u32, query: &str) -> Highlights {
        let Some(entry) = self.entries.get(index as usize) else {
            return Highlights::default();
        };
        let [display_name, account, role_name] = [0, 1, 2].map(|i| self.label(entry, i));
        let mut name_marks = vec![false; display_name.chars().count()];
        let mut role_marks = vec![false; role_name.chars().count()];
        let mut account_marks = vec![false; account.chars().count()];

        let mut scratch = Scratch::default();
        let query = Query::parse(query);
        scratch.start(HIGHLIGHT_TABLE_BUDGET);
        let mut positions = Vec::new();
        for t in 0..query.terms.len() {
            let best = self
                .best_field(entry, &query, t, &mut scratch)
                .map(|(_, f)| f);
            for f in entry.fields.0..entry.fields.1 {
                let field = self.fields[f as usize];
                let marks = match field.kind {
                    FieldKind::DisplayName => &mut name_marks,
                    FieldKind::RoleName => &mut role_marks,
                    FieldKind::AccountId => &mut account_marks,
                    _ => continue,
                };
                positions.clear();
                let Some(hit) =
                    self.match_field(field, &query, t, &mut scratch, Some(&mut positions))
                else {
                    continue;
                };
                if hit.tier == Tier::Scattered && best != Some(f) {
                    continue;
                }
                for &p in &positions {
                    let p = if field.kind == FieldKind::AccountId {
                        account_display_position(account, p)
                    } else {
                        p
                    };
                    if let Some(mark) = marks.get_mut(p) {
                        *mark = true;
                    }
                }
            }
        }
        fill_account_separators(account, &mut account_marks);

        Highlights {
            display_name: utf16_ranges(display_name, &name_marks),
            account_id: utf16_ranges(account, &account_marks),
            role_name: utf16_ranges(role_name, &role_marks),
        }
    }

    /// Label `i` of `entry` (0: display name, 1: account as shown, 2: role).
    fn label(&self, entry: &Entry, i: usize) -> &str {
        row_field(self.row_of(entry), LABEL_FIELDS[i])
    }

    fn row_of(&self, entry: &Entry) -> &str {
        self.rows
            .get(entry.row.0 as usize..entry.row.1 as usize)
            .unwrap_or("")
    }

    /// Entry `index`'s row as the popup draws it ([`crate::popup::rows`]), or
    /// `None` for an unknown index.
    pub fn row(&self, index: u32) -> Option<&str> {
        self.entries.get(index as usize).map(|e| self.row_of(e))
    }

    fn push_field(&mut self, kind: FieldKind, value: &str) {
        let start = self.text.len();
        let mut prev: Option<char> = None;
        let mut word_starts = 0;
        for (j, c) in value.chars().take(MAX_FIELD_CHARS).enumerate() {
            let starts_word = match prev {
                None => true,
                Some(p) => is_separator(p) || (p.is_lowercase() && c.is_uppercase()),
            };
            self.text.push(fold(c));
            word_starts |= u64::from(starts_word) << j;
            prev = Some(c);
        }
        self.push_field_text(kind, start, word_starts);
    }

    /// The account digits; the groups of the shown form start words.
    fn push_account(&mut self, account_id: &str) {
        let start = self.text.len();
        let grouped = format_account_id(account_id).len() != account_id.len();
        let mut word_starts = 0;
        for (i, c) in account_id.chars().take(MAX_FIELD_CHARS).enumerate() {
            self.text.push(fold(c));
            word_starts |= u64::from(i == 0 || (grouped && i % 4 == 0)) << i;
        }
        self.push_field_text(FieldKind::AccountId, start, word_starts);
    }

    /// Records the field whose text was pushed from `start` on (`word_starts`:
    /// bit `j`, its char `j` begins a word).
    fn push_field_text(&mut self, kind: FieldKind, start: usize, word_starts: u64) {
        self.fields.push(FieldText {
            kind,
            start: to_u32(start),
            end: to_u32(self.text.len()),
            mask: char_mask(&self.text[start..]),
            word_starts,
            shared: UNSHARED,
        });
    }

    /// The entry's best-scoring field for term `t`: (weighted score, field).
    fn best_field(
        &self,
        entry: &Entry,
        query: &Query,
        t: usize,
        scratch: &mut Scratch,
    ) -> Option<(u32, u32)> {
        let term = &query.terms[t];
        let mut best: Option<(u32, u32)> = None;
        for f in entry.fields.0..entry.fields.1 {
            let field = self.fields[f as usize];
            if let Some((best_score, _)) = best {
                if field.max_score(term) <= best_score {
                    continue;
                }
            }
            if let Some(hit) = self.match_field(field, query, t, scratch, None) {
                let score = hit.score(field.kind);
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, f));
                }
            }
        }
        best
    }

    /// Matches term `t` of `query` in `field`, writing the matched character
    /// positions (relative to the field) to `positions` when asked.
    fn match_field(
        &self,
        field: FieldText,
        query: &Query,
        t: usize,
        scratch: &mut Scratch,
        positions: Option<&mut Vec<usize>>,
    ) -> Option<Hit> {
        if !field.may_match(&query.terms[t]) {
            return None;
        }
        if field.kind != FieldKind::AccountId {
            scratch.fill(query, &self.text[field.start as usize..field.end as usize]);
            scratch.filled = Some((field.start, field.end));
        }
        self.match_filled(field, &query.terms[t], scratch, positions)
    }

    /// [`SearchIndex::match_field`] once `scratch` holds the field's char
    /// positions ([`Scratch::fill`]).
    fn match_filled(
        &self,
        field: FieldText,
        term: &Term,
        scratch: &mut Scratch,
        positions: Option<&mut Vec<usize>>,
    ) -> Option<Hit> {
        let hay = &self.text[field.start as usize..field.end as usize];
        if field.kind == FieldKind::AccountId {
            let digits = term.digits.as_deref()?;
            scratch.work += (digits.len() * hay.len()) as u64;
            return match_contiguous(digits, hay, field.word_starts, positions);
        }
        match_term(term, hay, field.word_starts, scratch, positions)
    }
}

/// One whitespace-separated part of a query, folded.
#[derive(Debug)]
struct Term {
    chars: Vec<char>,
    /// The query slot of each char ([`Query::slot`]).
    slots: Vec<u8>,
    /// For terms of digits and hyphens: the digits, matched in account IDs.
    digits: Option<Vec<char>>,
    mask: u64,
    digits_mask: u64,
}

/// A query as matched: its first [`MAX_QUERY_TERMS`] terms and
/// [`MAX_QUERY_CHARS`] characters, and a slot per distinct character.
#[derive(Debug)]
struct Query {
    terms: Vec<Term>,
    /// The slot of each ASCII char of the query, `NO_SLOT` for the others.
    ascii: [u8; 128],
    /// The slots of the query's other chars.
    other: Vec<(char, u8)>,
    /// Number of distinct chars.
    slots: usize,
    /// Words or characters were left out.
    truncated: bool,
}

const NO_SLOT: u8 = u8::MAX;

impl Query {
    fn parse(query: &str) -> Query {
        let mut parsed = Query {
            terms: Vec::new(),
            ascii: [NO_SLOT; 128],
            other: Vec::new(),
            slots: 0,
            truncated: false,
        };
        let mut room = MAX_QUERY_CHARS;
        for word in query.split_whitespace() {
            if parsed.terms.len() == MAX_QUERY_TERMS || room == 0 {
                parsed.truncated = true;
                break;
            }
            let mut chars: Vec<char> = word.chars().map(fold).collect();
            if chars.len() > room {
                chars.truncate(room);
                parsed.truncated = true;
            }
            room -= chars.len();
            let slots = chars.iter().map(|&c| parsed.add_slot(c)).collect();
            let numeric = chars.iter().any(char::is_ascii_digit)
                && chars.iter().all(|c| c.is_ascii_digit() || *c == '-');
            let digits: Option<Vec<char>> =
                numeric.then(|| chars.iter().copied().filter(|c| *c != '-').collect());
            parsed.terms.push(Term {
                mask: char_mask(&chars),
                digits_mask: digits.as_deref().map_or(0, char_mask),
                chars,
                slots,
                digits,
            });
        }
        parsed
    }

    /// The slot of `c`, or `NO_SLOT` when the query does not have it.
    #[inline]
    fn slot(&self, c: char) -> u8 {
        match self.ascii.get(c as usize) {
            Some(&slot) => slot,
            None => self
                .other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(NO_SLOT, |&(_, slot)| slot),
        }
    }

    fn add_slot(&mut self, c: char) -> u8 {
        let found = self.slot(c);
        if found != NO_SLOT {
            return found;
        }
        // At most MAX_QUERY_CHARS (64) distinct chars: fits a u8.
        let slot = self.slots as u8;
        self.slots += 1;
        match self.ascii.get_mut(c as usize) {
            Some(ascii) => *ascii = slot,
            None => self.other.push((c, slot)),
        }
        slot
    }
}

/// Lower case, with Latin-1 accents removed: one char in, one char out, so
/// that positions in folded text are positions in the original.
fn fold(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// A set of the chars in `text`, one bit per letter and digit and shared
/// bits for the rest; a superset test on it can only give false positives.
fn char_mask(text: &[char]) -> u64 {
    text.iter().fold(0, |mask, &c| mask | char_bit(c))
}

/// `c`'s bit in a [`char_mask`].
fn char_bit(c: char) -> u64 {
    let bit = match c {
        'a'..='z' => c as u32 - 'a' as u32,
        '0'..='9' => 26 + (c as u32 - '0' as u32),
        _ => 36 + c as u32 % 28,
    };
    1 << bit
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '_' | '/' | '.' | '@' | ':' | '(' | ')' | ',' | '+')
}

/// A keystroke's working memory: where each of the query's chars occurs in
/// the field at hand, the table's buffers (allocated once rather than per
/// field), what is left of the table budget, and the work done.
#[derive(Debug)]
struct Scratch {
    /// Bit `j` of `at[slot]`: the field's char `j` is the query's char `slot`
    /// (the last slot gathers the chars the query does not have).
    at: [u64; MAX_QUERY_CHARS + 1],
    /// The field `at` describes (its range in the index text).
    filled: Option<(u32, u32)>,
    /// Per shared text and term, the keystroke's result ([`Memo`]).
    memo: Vec<u16>,
    cost: Vec<u64>,
    from: Vec<u32>,
    /// Table cells left for this keystroke.
    table_cells: usize,
    /// Work units (chars read, word operations per term char, table cells),
    /// for the tests that pin the bound.
    work: u64,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            at: [0; MAX_QUERY_CHARS + 1],
            filled: None,
            memo: Vec::new(),
            cost: Vec::new(),
            from: Vec::new(),
            table_cells: TABLE_BUDGET,
            work: 0,
        }
    }
}

impl Scratch {
    /// Ready for `query`, with `table_cells` to spend.
    fn start(&mut self, table_cells: usize) {
        self.filled = None;
        self.table_cells = table_cells;
    }

    /// Records where each of `query`'s chars occurs in `hay` (at most 64 chars).
    fn fill(&mut self, query: &Query, hay: &[char]) {
        self.at = [0; MAX_QUERY_CHARS + 1];
        self.work += hay.len() as u64;
        // Branch-free: chars the query does not have go to the last slot.
        for (j, &c) in hay.iter().enumerate().take(MAX_FIELD_CHARS) {
            self.at[usize::from(query.slot(c)).min(MAX_QUERY_CHARS)] |= 1 << j;
        }
    }
}

/// A term's result in a shared text, packed: tier and penalty, or no match.
struct Memo;

impl Memo {
    const UNKNOWN: u16 = u16::MAX;
    const NO_MATCH: u16 = u16::MAX - 1;

    fn of(hit: Option<Hit>) -> u16 {
        // Tiers are 0..=4 and penalties at most MAX_PENALTY (99).
        hit.map_or(Memo::NO_MATCH, |hit| {
            (hit.tier as u16) << 8 | hit.penalty as u16
        })
    }

    /// `None`: not known yet.
    fn get(packed: u16) -> Option<Option<Hit>> {
        match packed {
            Memo::UNKNOWN => None,
            Memo::NO_MATCH => Some(None),
            _ => Some(Some(Hit {
                tier: Tier::from_index(packed >> 8),
                penalty: u32::from(packed & 0xff),
            })),
        }
    }
}

/// Cost of a chunk (a run of consecutive matched characters) that starts a
/// word; a chunk starting mid-word costs `MID_WORD` more. Costs compare as
/// (mid-word chunks, chunks).
const CHUNK: u64 = 1;
const MID_WORD: u64 = 1 << 32;
const NONE: u64 = u64::MAX;

/// Exact or prefix, when `term` starts `hay`.
fn prefix_hit(term: &[char], hay: &[char]) -> Option<Hit> {
    let (m, n) = (term.len(), hay.len().min(MAX_FIELD_CHARS));
    if m == 0 || m > n || !hay.starts_with(term) {
        return None;
    }
    Some(if m == n {
        Hit::new(Tier::Exact, 0)
    } else {
        Hit::new(Tier::Prefix, n - m)
    })
}

/// Bits `k..64`.
fn from_bit(k: u32) -> u64 {
    u64::MAX.checked_shl(k).unwrap_or(0)
}

/// Bits `0..k`.
fn below_bit(k: u32) -> u64 {
    !from_bit(k)
}

/// The highest set bit of `bits` (0 for none, which callers rule out).
fn highest_bit(bits: u64) -> usize {
    63u32.saturating_sub(bits.leading_zeros()) as usize
}

/// Matches `term` in a field `hay` (at most 64 chars) whose char positions
/// are in `scratch` ([`Scratch::fill`]), in the best tier it reaches.
///
/// Every tier is decided with word operations, a few per char of the term:
/// contiguous occurrences (exact, prefix, one chunk at a word start,
/// substring), whether the term can be spelled by chunks that each start a
/// word (the word-starts tier), and whether it is a subsequence at all
/// (scattered). Only a match in several chunks needs the table over (term
/// char, field position), which finds the alignment with the fewest mid-word
/// chunks, then the fewest chunks, for the penalty within the tier; when the
/// keystroke's table budget is spent, the penalty is estimated from the
/// tightest alignment that ends where the term first completes.
fn match_term(
    term: &Term,
    hay: &[char],
    word_starts: u64,
    scratch: &mut Scratch,
    positions: Option<&mut Vec<usize>>,
) -> Option<Hit> {
    let (m, n) = (term.slots.len(), hay.len().min(MAX_FIELD_CHARS));
    if m == 0 || m > n {
        return None;
    }
    scratch.work += m as u64;
    // Where term[i] occurs in the field (slots are below MAX_QUERY_CHARS).
    let at = |i: usize| scratch.at[usize::from(term.slots[i]) % MAX_QUERY_CHARS];

    // Start positions of contiguous occurrences.
    let mut runs = below_bit((n - m + 1) as u32);
    for i in 0..m {
        runs &= at(i) >> i;
        if runs == 0 {
            break;
        }
    }
    let run = |hit: Hit, start: usize, positions: Option<&mut Vec<usize>>| {
        if let Some(positions) = positions {
            positions.extend(start..start + m);
        }
        Some(hit)
    };
    if runs & 1 != 0 {
        let hit = if m == n {
            Hit::new(Tier::Exact, 0)
        } else {
            Hit::new(Tier::Prefix, n - m)
        };
        return run(hit, 0, positions);
    }
    // One chunk at a word start is the cheapest alignment there is (the
    // table picks the first), and a single char not at a word start is a
    // substring at its first occurrence.
    if runs & word_starts != 0 {
        let start = (runs & word_starts).trailing_zeros() as usize;
        return run(Hit::new(Tier::WordStarts, 0), start, positions);
    }
    if m == 1 && runs != 0 {
        let start = runs.trailing_zeros() as usize;
        return run(Hit::new(Tier::Substring, start), start, positions);
    }

    // The tightest alignment ending where the term first completes: the
    // earliest end, then the latest start for it. None: not a subsequence.
    let mut end = 0;
    for i in 0..m {
        let next = at(i) & from_bit(if i == 0 { 0 } else { end as u32 + 1 });
        if next == 0 {
            return None;
        }
        end = next.trailing_zeros() as usize;
    }
    let mut start = end;
    for i in (0..m - 1).rev() {
        start = highest_bit(at(i) & below_bit(start as u32));
    }
    let gaps = end + 1 - start - m;

    // Where term[i] can sit with every chunk so far starting a word: right
    // after term[i-1], or at a later word start.
    let mut spelled = at(0) & word_starts;
    for i in 1..m {
        if spelled == 0 {
            break;
        }
        let later = from_bit(spelled.trailing_zeros() + 1);
        spelled = at(i) & ((spelled << 1) | (word_starts & later));
    }
    let estimate = if spelled != 0 {
        Hit::new(Tier::WordStarts, 10 + gaps.min(9))
    } else if runs != 0 {
        let start = runs.trailing_zeros() as usize;
        return run(Hit::new(Tier::Substring, start), start, positions);
    } else {
        Hit::new(Tier::Scattered, gaps)
    };

    let cells = m * n;
    if cells <= scratch.table_cells {
        scratch.table_cells -= cells;
        scratch.work += cells as u64;
        return match_table(&term.chars, &hay[..n], word_starts, scratch, positions);
    }
    if let Some(positions) = positions {
        let first = positions.len();
        let mut p = end;
        positions.push(p);
        for i in (0..m - 1).rev() {
            p = highest_bit(at(i) & below_bit(p as u32));
            positions.push(p);
        }
        positions[first..].reverse();
    }
    Some(estimate)
}

/// [`match_term`] for one term on its own (the tests' entry point).
#[cfg(test)]
fn match_fuzzy(
    term: &[char],
    hay: &[char],
    word_starts: u64,
    scratch: &mut Scratch,
    positions: Option<&mut Vec<usize>>,
) -> Option<Hit> {
    let query = Query::parse(&term.iter().collect::<String>());
    let term = query.terms.first()?;
    scratch.start(scratch.table_cells);
    scratch.fill(&query, hay);
    match_term(term, hay, word_starts, scratch, positions)
}

/// The general case of [`match_term`], for a `term` known to be a
/// subsequence of `hay`: the alignment with the fewest mid-word chunks,
/// then the fewest chunks.
fn match_table(
    term: &[char],
    hay: &[char],
    word_starts: u64,
    scratch: &mut Scratch,
    positions: Option<&mut Vec<usize>>,
) -> Option<Hit> {
    let (m, n) = (term.len(), hay.len());
    // cost[i*n + j]: best cost of matching term[..=i] with term[i] at hay[j].
    // from[i*n + j]: where term[i-1] sits in that alignment.
    let Scratch { cost, from, .. } = scratch;
    cost.clear();
    cost.resize(m * n, NONE);
    from.clear();
    from.resize(m * n, 0);
    for i in 0..m {
        // Cheapest cost[i-1][j'] over j' < j, with the latest such j'.
        let mut prev_best = NONE;
        let mut prev_at = 0;
        for j in 0..n {
            if i > 0 && j > 0 {
                let c = cost[(i - 1) * n + j - 1];
                if c <= prev_best {
                    prev_best = c;
                    prev_at = j - 1;
                }
            }
            if hay[j] != term[i] {
                continue;
            }
            let chunk = if word_starts >> j & 1 != 0 {
                CHUNK
            } else {
                CHUNK + MID_WORD
            };
            let (mut best, mut at) = (NONE, 0);
            if i == 0 {
                best = chunk;
            } else {
                if prev_best != NONE {
                    best = prev_best + chunk;
                    at = prev_at;
                }
                // Continuing the chunk of term[i-1] at hay[j-1] is free.
                if j > 0 {
                    let c = cost[(i - 1) * n + j - 1];
                    if c <= best {
                        best = c;
                        at = j - 1;
                    }
                }
            }
            cost[i * n + j] = best;
            from[i * n + j] = to_u32(at);
        }
    }

    let last = &cost[(m - 1) * n..];
    let (mut end, mut best) = (0, NONE);
    for (j, &c) in last.iter().enumerate() {
        if c < best {
            (end, best) = (j, c);
        }
    }
    if best == NONE {
        return None;
    }
    // Walk back to the position of term[0].
    let mut start = end;
    if let Some(positions) = positions {
        let first = positions.len();
        positions.push(end);
        for i in (1..m).rev() {
            start = from[i * n + start] as usize;
            positions.push(start);
        }
        positions[first..].reverse();
    } else {
        for i in (1..m).rev() {
            start = from[i * n + start] as usize;
        }
    }

    let mid_word = best / MID_WORD;
    let chunks = (best % MID_WORD) as usize;
    let gaps = end + 1 - start - m;
    Some(if mid_word == 0 {
        Hit::new(Tier::WordStarts, 10 * (chunks - 1) + gaps.min(9))
    } else if mid_word == 1 && chunks == 1 {
        Hit::new(Tier::Substring, start)
    } else {
        Hit::new(Tier::Scattered, gaps)
    })
}

/// Matches `term` as a run of consecutive characters: the best occurrence
/// (whole field, then prefix, then at a word start, then earliest).
fn match_contiguous(
    term: &[char],
    hay: &[char],
    word_starts: u64,
    positions: Option<&mut Vec<usize>>,
) -> Option<Hit> {
    let (m, n) = (term.len(), hay.len());
    if m == 0 || m > n {
        return None;
    }
    let mut best: Option<(Hit, usize)> = None;
    for start in 0..=n - m {
        if hay[start] != term[0] || hay[start..start + m] != *term {
            continue;
        }
        let hit = if m == n {
            Hit::new(Tier::Exact, 0)
        } else if start == 0 {
            Hit::new(Tier::Prefix, n - m)
        } else if word_starts >> start & 1 != 0 {
            Hit::new(Tier::WordStarts, 0)
        } else {
            Hit::new(Tier::Substring, start)
        };
        if best.is_none_or(|(b, _)| hit.beats(b)) {
            best = Some((hit, start));
        }
    }
    let (hit, start) = best?;
    if let Some(positions) = positions {
        positions.extend(start..start + m);
    }
    Some(hit)
}

#[cfg(test)]
fn is_subsequence(term: &[char], hay: &[char]) -> bool {
    let mut rest = hay.iter();
    term.iter().all(|c| rest.any(|h| h == c))
}

/// Where digit `i` of an account ID sits in its shown form.
fn account_display_position(shown: &str, i: usize) -> usize {
    if shown.len() == 14 && shown.as_bytes().get(4) == Some(&b'-') {
        i + i / 4
    } else {
        i
    }
}

/// Marks a shown hyphen whose neighbours are both marked, so that a match of
/// `1111-2` reads as one run.
fn fill_account_separators(shown: &str, marks: &mut [bool]) {
    for (i, c) in shown.chars().enumerate() {
        if c == '-' && i > 0 && i + 1 < marks.len() && marks[i - 1] && marks[i + 1] {
            marks[i] = true;
        }
    }
}

/// Turns per-char marks of `text` into merged UTF-16 ranges.
fn utf16_ranges(text: &str, marks: &[bool]) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = Vec::new();
    let mut offset = 0u32;
    for (c, &marked) in text.chars().zip(marks) {
        let end = offset + to_u32(c.len_utf16());
        if marked {
            match ranges.last_mut() {
                Some(last) if last.end == offset => last.end = end,
                _ => ranges.push(TextRange { start: offset, end }),
            }
        }
        offset = end;
    }
    ranges
}

/// Index arithmetic in u32, the width JavaScript receives; lists and fields
/// are far below 4 billion items.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BaseAccount, DEFAULT_ROLE_NAME};
    use proptest::prelude::*;

    fn env(name: &str) -> Environment {
        Environment {
            id: name.into(),
            account_id: "111122223333".into(),
            role_name: DEFAULT_ROLE_NAME.into(),
            display_name: name.into(),
            color: "#b7ca9d".into(),
            region: None,
            partition: None,
            production: false,
            group: None,
            base: None,
            title_prefix: None,
            portal_url: None,
        }
    }

    fn names(names: &[&str]) -> Vec<Environment> {
        names.iter().map(|n| env(n)).collect()
    }

    /// The tier `term` reaches in a display-name field holding `field`.
    fn tier_of(term: &str, field: &str) -> Option<Tier> {
        let mut index = SearchIndex::default();
        index.push_field(FieldKind::DisplayName, field);
        let query = Query::parse(term);
        index
            .match_field(index.fields[0], &query, 0, &mut Scratch::default(), None)
            .map(|hit| hit.tier)
    }

    fn range(start: u32, end: u32) -> TextRange {
        TextRange { start, end }
    }

    #[test]
    fn flat_highlights_count_then_ranges() {
        let index = SearchIndex::new(&crate::model::example_environments());
        // "prod": its name (0..4) and nothing in account or role.
        assert_eq!(index.highlight(1, "prod").flat(), vec![1, 0, 4, 0, 0]);
        assert_eq!(Highlights::default().flat(), vec![0, 0, 0]);
    }

    #[test]
    fn tiers() {
        use Tier::*;
        let cases = [
            ("prod", "prod", Some(Exact)),
            ("PROD", "Prod", Some(Exact)),
            ("prod", "production-eu", Some(Prefix)),
            ("prod", "team-prod", Some(WordStarts)),
            ("prod", "p-r-o-d", Some(WordStarts)),
            ("tpe", "team-payments-prod-eu", Some(WordStarts)),
            ("oaar", "OrganizationAccountAccessRole", Some(WordStarts)),
            ("access", "OrganizationAccountAccessRole", Some(WordStarts)),
            ("admin", "team/Admin", Some(WordStarts)),
            ("me", "a@me.com", Some(WordStarts)),
            ("prod", "reproduce", Some(Substring)),
            ("prod", "approved", Some(Scattered)),
            ("prod", "pro", None),
            ("prod", "dorp", None),
            ("cafe", "Café", Some(Exact)),
            ("é", "Émile", Some(Prefix)),
        ];
        for (term, field, want) in cases {
            assert_eq!(tier_of(term, field), want, "term {term:?} in {field:?}");
        }
    }

    #[test]
    fn ranking() {
        // Each case: list of display names, query, expected order of names.
        let cases: &[(&[&str], &str, &[&str])] = &[
            (
                &[
                    "approved",
                    "team-prod",
                    "prod",
                    "p-r-o-d",
                    "staging",
                    "production-eu",
                    "reproduce",
                ],
                "prod",
                &[
                    "prod",
                    "production-eu",
                    "team-prod",
                    "p-r-o-d",
                    "reproduce",
                    "approved",
                ],
            ),
            // Shorter field wins among prefixes, fewer gaps among word starts.
            (
                &["payments-platform", "payments"],
                "pay",
                &["payments", "payments-platform"],
            ),
            (
                &["data-x-y-z-lake", "data-lake"],
                "dl",
                &["data-lake", "data-x-y-z-lake"],
            ),
            // Equal scores keep the original order.
            (
                &["a-prod", "b-prod", "c-prod"],
                "prod",
                &["a-prod", "b-prod", "c-prod"],
            ),
            // All terms must match; each may match anywhere.
            (
                &[
                    "team-payments-prod-eu",
                    "team-payments-dev-us",
                    "identity-eu",
                ],
                "pay eu",
                &["team-payments-prod-eu", "team-payments-dev-us"],
            ),
            (
                &["team-payments-prod-eu", "identity-eu"],
                "pay prod",
                &["team-payments-prod-eu"],
            ),
            (&["alpha", "beta"], "zzz", &[]),
            (&["alpha", "beta"], "alpha zzz", &[]),
        ];
        for &(list, query, want) in cases {
            let envs = names(list);
            let index = SearchIndex::new(&envs);
            let got: Vec<&str> = index
                .search(query, usize::MAX)
                .into_iter()
                .map(|i| list[i as usize])
                .collect();
            assert_eq!(got, want, "query {query:?} over {list:?}");
        }
    }

    #[test]
    fn fields_and_aliases() {
        let mut envs = names(&["billing", "payments", "admin-tools", "sandbox", "search"]);
        envs[0].production = true;
        envs[0].region = Some("eu-west-1".into());
        envs[1].role_name = "team/Admin".into();
        envs[1].group = Some("Workloads".into());
        envs[3].base = Some(BaseAccount {
            account_id: None,
            alias: Some("acme-management".into()),
            role_name: None,
        });
        envs[4].group = Some("billing".into());
        let index = SearchIndex::new(&envs);
        let cases: &[(&str, &[u32])] = &[
            // Display name outranks role, group and aliases at equal tiers.
            ("admin", &[2, 1]),
            ("billing", &[0, 4]),
            // Aliases: production, region, base account alias.
            ("production", &[0]),
            ("prod eu-west", &[0]),
            ("acme", &[3]),
            // Terms may match different fields: role and group.
            ("admin work", &[1]),
        ];
        for &(query, want) in cases {
            assert_eq!(index.search(query, usize::MAX), want, "query {query:?}");
        }
    }

    #[test]
    fn account_ids_match_with_or_without_hyphens() {
        let mut envs = names(&["one", "two", "three"]);
        envs[0].account_id = "111122223333".into();
        envs[1].account_id = "444455556666".into();
        envs[2].account_id = "222211113333".into();
        let index = SearchIndex::new(&envs);
        let cases: &[(&str, &[u32])] = &[
            ("1111-22", &[0]),
            ("111122", &[0]),
            ("1111-2222-3333", &[0]),
            ("111122223333", &[0]),
            ("2222-3333", &[0]),
            // A prefix beats a match inside the ID.
            ("2222", &[2, 0]),
            ("1111", &[0, 2]),
            ("5-5", &[1]),
            ("1111-4", &[]),
            // Digits do not match scattered.
            ("4566", &[]),
        ];
        for &(query, want) in cases {
            assert_eq!(index.search(query, usize::MAX), want, "query {query:?}");
        }
    }

    #[test]
    fn empty_query_and_preferred_order() {
        let envs = names(&["a-prod", "b-prod", "c-prod", "d-prod"]);
        let index = SearchIndex::new(&envs);
        let cases: &[(&str, usize, &[u32], &[u32])] = &[
            ("", usize::MAX, &[], &[0, 1, 2, 3]),
            ("   ", usize::MAX, &[], &[0, 1, 2, 3]),
            ("", usize::MAX, &[2, 0], &[2, 0, 1, 3]),
            // Repeats and unknown indices are ignored.
            ("", usize::MAX, &[3, 3, 99, 1], &[3, 1, 0, 2]),
            ("", 2, &[2], &[2, 0]),
            ("", 0, &[], &[]),
            // With a query, preference breaks ties only.
            ("prod", usize::MAX, &[3, 1], &[3, 1, 0, 2]),
            ("b-prod", usize::MAX, &[3], &[1]),
            ("prod", 1, &[2], &[2]),
            ("c-p", usize::MAX, &[3], &[2]),
        ];
        for &(query, limit, preferred, want) in cases {
            assert_eq!(
                index.search_with(query, limit, preferred),
                want,
                "query {query:?} limit {limit} preferred {preferred:?}"
            );
        }
        assert!(SearchIndex::new(&[]).search("x", usize::MAX).is_empty());
        assert!(SearchIndex::new(&[]).search("", usize::MAX).is_empty());
    }

    #[test]
    fn limit_keeps_the_best() {
        let envs = names(&["approved", "team-prod", "prod", "production-eu"]);
        let index = SearchIndex::new(&envs);
        assert_eq!(index.search("prod", 2), vec![2, 3]);
    }

    /// (entry, query, display name, account as shown, role)
    type HighlightCase<'a> = (
        u32,
        &'a str,
        &'a [TextRange],
        &'a [TextRange],
        &'a [TextRange],
    );

    #[test]
    fn highlights() {
        let mut envs = names(&[
            "team-payments-prod-eu",
            "🚀 Émile-prod",
            "Café ☕",
            "approved",
            "approved",
        ]);
        envs[0].role_name = "team/Admin".into();
        envs[4].production = true;
        let index = SearchIndex::new(&envs);
        let none: &[TextRange] = &[];
        let cases: &[HighlightCase] = &[
            (
                0,
                "team pay",
                &[range(0, 4), range(5, 8)],
                none,
                &[range(0, 4)],
            ),
            (
                0,
                "tpe",
                &[range(0, 1), range(14, 15), range(19, 20)],
                none,
                none,
            ),
            (0, "admin", none, none, &[range(5, 10)]),
            (0, "1111-22", none, &[range(0, 7)], none),
            (0, "2222", none, &[range(5, 9)], none),
            (0, "33", none, &[range(10, 12)], none),
            // UTF-16: the rocket is two code units.
            (1, "prod", &[range(9, 13)], none, none),
            (1, "emile", &[range(3, 8)], none, none),
            (2, "☕", &[range(5, 6)], none, none),
            (2, "CAFE", &[range(0, 4)], none, none),
            // Scattered only when it is the term's best match.
            (3, "prod", &[range(2, 5), range(7, 8)], none, none),
            (4, "prod", none, none, none),
            (0, "zzz", none, none, none),
            (0, "", none, none, none),
            (99, "prod", none, none, none),
        ];
        for &(entry, query, name, account, role) in cases {
            let want = Highlights {
                display_name: name.to_vec(),
                account_id: account.to_vec(),
                role_name: role.to_vec(),
            };
            assert_eq!(
                index.highlight(entry, query),
                want,
                "entry {entry} query {query:?}"
            );
        }
    }

    #[test]
    fn highlights_serialize_camel_case() {
        let index = SearchIndex::new(&names(&["prod"]));
        let json = serde_json::to_string(&index.highlight(0, "pr")).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"displayName":[{"start":0,"end":2}],"accountId":[],"roleName":[]}"#
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// The shortcuts in `match_fuzzy` give what the table gives.
        #[test]
        fn shortcuts_agree_with_the_table(term in "[ab-]{1,4}", field in "[abAB-]{1,12}") {
            let mut index = SearchIndex::default();
            index.push_field(FieldKind::DisplayName, &field);
            let (hay, starts) = (&index.text[..], index.fields[0].word_starts);
            let term: Vec<char> = term.chars().collect();
            let mut scratch = Scratch::default();
            let fast = match_fuzzy(&term, hay, starts, &mut scratch, None);
            let table = (is_subsequence(&term, hay) && !hay.starts_with(&term))
                .then(|| match_table(&term, hay, starts, &mut scratch, None))
                .flatten();
            if fast.is_some_and(|hit| hit.tier < Tier::Prefix) {
                prop_assert_eq!(fast, table);
            }
        }
    }

    fn utf16_len(s: &str) -> u32 {
        to_u32(s.encode_utf16().count())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_and_stays_in_range(
            list in prop::collection::vec(("\\PC{0,20}", "[0-9-]{0,14}", "\\PC{0,12}", any::<bool>()), 0..12),
            query in "\\PC{0,12}",
            preferred in prop::collection::vec(0u32..20, 0..4),
        ) {
            let envs: Vec<Environment> = list
                .iter()
                .map(|(name, account, role, production)| Environment {
                    account_id: account.clone(),
                    role_name: role.clone(),
                    production: *production,
                    region: Some(name.to_uppercase()),
                    partition: None,
                    group: Some(role.to_lowercase()),
                    ..env(name)
                })
                .collect();
            let index = SearchIndex::new(&envs);
            let found = index.search_with(&query, usize::MAX, &preferred);
            prop_assert!(found.len() <= envs.len());
            for &i in &found {
                let e = &envs[i as usize];
                let marks = index.highlight(i, &query);
                let fields = [
                    (&marks.display_name, utf16_len(&e.display_name)),
                    (&marks.account_id, utf16_len(&e.account_display())),
                    (&marks.role_name, utf16_len(&e.role_name)),
                ];
                for (ranges, len) in fields {
                    let mut last_end = 0;
                    for r in ranges {
                        prop_assert!(r.start < r.end && r.end <= len, "{r:?} in length {len}");
                        prop_assert!(r.start >= last_end, "ranges overlap or unsorted: {ranges:?}");
                        last_end = r.end;
                    }
                }
            }
            // The empty query lists everyone.
            prop_assert_eq!(index.search("", usize::MAX).len(), envs.len());
        }
    }

    /// 64 chars of a and b, different for each `i`.
    fn ab_name(i: usize) -> String {
        (0..64)
            .map(|k| {
                if (i * 2_654_435_761 + k * 40_503) >> 7 & 1 == 1 {
                    'a'
                } else {
                    'b'
                }
            })
            .collect()
    }

    /// Lists that defeat every shortcut, `n` entries each.
    fn hostile_lists(n: usize) -> Vec<(&'static str, Vec<Environment>)> {
        let all_fields = |i: usize| Environment {
            role_name: format!("path/{}", &ab_name(i + 1)[..59]),
            group: Some(ab_name(i + 2)),
            region: Some("eu-west-1".into()),
            production: true,
            base: Some(BaseAccount {
                account_id: None,
                alias: Some(ab_name(i + 3)),
                role_name: None,
            }),
            ..env(&ab_name(i))
        };
        let numbered = |name: String, i: usize| Environment {
            account_id: format!("{}", 100_000_000_000 + i),
            ..env(&name)
        };
        vec![
            (
                "\"ab\"×32",
                (0..n).map(|i| numbered("ab".repeat(32), i)).collect(),
            ),
            (
                "distinct a/b",
                (0..n).map(|i| numbered(ab_name(i), i)).collect(),
            ),
            (
                "\"a-b\"×21",
                (0..n).map(|i| numbered("a-b".repeat(21), i)).collect(),
            ),
            (
                "every field",
                (0..n)
                    .map(|i| Environment {
                        account_id: format!("{}", 100_000_000_000 + i),
                        ..all_fields(i)
                    })
                    .collect(),
            ),
        ]
    }

    fn hostile_queries() -> Vec<String> {
        let ten_terms = vec!["a".repeat(32); 10].join(" ");
        let mut queries = vec![
            "a".repeat(16),
            format!("{} {}", "ab".repeat(8), "ba".repeat(8)),
            "ab".repeat(16),
            "1000 0000 0000 1".into(),
            "a b a b a b a b a b".into(),
        ];
        // Every keystroke of the ten terms.
        queries.extend((1..=ten_terms.len()).map(|k| ten_terms[..k].to_string()));
        queries
    }

    /// What one keystroke may cost: per field of each entry, its chars once,
    /// and per term a test of its char sets and a few word operations per
    /// term char (twice: the prefix test, then the bits); plus the tables'
    /// budget. Linear in the list, whatever the names and the query.
    fn work_bound(index: &SearchIndex, query: &Query) -> u64 {
        let terms = query.terms.len() as u64;
        let chars: u64 = query.terms.iter().map(|t| t.chars.len() as u64).sum();
        let digits: u64 = query
            .terms
            .iter()
            .filter_map(|t| t.digits.as_ref())
            .map(|d| d.len() as u64)
            .sum();
        let per_field = |f: &FieldText| {
            let n = u64::from(f.end - f.start);
            if f.kind == FieldKind::AccountId {
                terms + digits * n
            } else {
                terms + n + 2 * chars
            }
        };
        index.fields.iter().map(per_field).sum::<u64>() + TABLE_BUDGET as u64
    }

    #[test]
    fn a_keystroke_does_bounded_work_on_any_names_and_query() {
        for (list, envs) in hostile_lists(2000) {
            let index = SearchIndex::new(&envs);
            for query in hostile_queries() {
                let parsed = Query::parse(&query);
                let mut scratch = Scratch::default();
                let found = index.scores(&parsed, &mut scratch, TABLE_BUDGET);
                let bound = work_bound(&index, &parsed);
                assert!(
                    scratch.work <= bound,
                    "{list}, query {query:?}: {} work units, bound {bound} ({} found)",
                    scratch.work,
                    found.map_or(0, |f| f.len())
                );
            }
        }
    }

    #[test]
    fn queries_are_capped_and_say_so() {
        let cases: &[(&str, usize, usize, bool)] = &[
            ("pay prod eu", 3, 9, false),
            ("a b c d e f g h", 8, 8, false),
            ("a b c d e f g h i", 8, 8, true),
            (&"x".repeat(64), 1, 64, false),
            (&"x".repeat(65), 1, 64, true),
        ];
        for &(query, terms, chars, truncated) in cases {
            let parsed = Query::parse(query);
            assert_eq!(parsed.terms.len(), terms, "{query:?}");
            let counted: usize = parsed.terms.iter().map(|t| t.chars.len()).sum();
            assert_eq!(counted, chars, "{query:?}");
            assert_eq!(parsed.truncated, truncated, "{query:?}");
            assert_eq!(query_note(query).is_some(), truncated, "{query:?}");
        }
        let ten = vec!["a".repeat(32); 10].join(" ");
        let parsed = Query::parse(&ten);
        let lengths: Vec<usize> = parsed.terms.iter().map(|t| t.chars.len()).collect();
        assert_eq!(lengths, [32, 32]);
        assert_eq!(
            query_note(&ten).as_deref(),
            Some("Only the first 8 words and 64 characters of the filter are used; no name is longer.")
        );
    }

    #[test]
    fn past_the_table_budget_every_entry_keeps_its_tier() {
        for (list, envs) in hostile_lists(300) {
            let index = SearchIndex::new(&envs);
            for query in hostile_queries().into_iter().take(6) {
                let parsed = Query::parse(&query);
                let exact = index.scores(&parsed, &mut Scratch::default(), usize::MAX);
                let estimated = index.scores(&parsed, &mut Scratch::default(), 0);
                let (Some(exact), Some(estimated)) = (exact, estimated) else {
                    continue;
                };
                let found = |s: &[(u32, u32)]| s.iter().map(|&(_, i)| i).collect::<Vec<_>>();
                assert_eq!(
                    found(&exact),
                    found(&estimated),
                    "{list}, {query:?}: the same entries"
                );
                for (e, x) in exact.iter().zip(&estimated) {
                    // Scores differ by penalties only: at most MAX_PENALTY × weight per term.
                    let slack = (MAX_PENALTY as u32 + 1) * 4 * parsed.terms.len() as u32;
                    assert!(
                        e.0.abs_diff(x.0) < slack,
                        "{list}, {query:?}: {e:?} vs {x:?}"
                    );
                }
            }
        }
    }
}

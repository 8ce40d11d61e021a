//! The list as a state that any number of browsers change and merge.
//!
//! `chrome.storage.sync` keeps whichever write arrives last, item by item, so
//! two browsers that change the list at about the same time would overwrite
//! each other. Each browser therefore keeps its own copy of a [`ListState`]
//! and merges every state it sees into it with [`ListState::merge`], which is
//! commutative, associative and idempotent: whatever order, delay or
//! repetition the writes arrive in, every browser ends with the same list.
//!
//! The state records, per entry and per field, which browser set the value
//! and when (a Lamport counter), and which changes of each browser the entry
//! has seen (a version vector). From that, the merge rules follow:
//! - an addition is never lost;
//! - a deletion is never undone, unless the entry was changed on another
//!   browser that had not seen the deletion: then the change wins and the
//!   user is told;
//! - when two browsers change the same field at the same time, one value is
//!   kept (the later counter, then the browser id) and the other is reported
//!   as a conflict. Changes of different fields are both kept.
//!
//! A deleted entry leaves a tombstone (its id and version vector) and keeps
//! only the fields changed after it was added, with their stamps: what a
//! browser that brings it back by a change made without seeing the deletion
//! may lack. An entry deleted without ever being changed costs a few dozen
//! bytes. Tombstones are kept for [`TOMBSTONE_DAYS`] days and at most
//! [`MAX_TOMBSTONES`] of them (the oldest go first), so the state stays at
//! most that much larger than the list itself.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Environment, EnvironmentInput};
use crate::validate::{check_list, quote, validate_environment};

/// The replica name of entries taken over from a list written before merging
/// existed: every browser that reads the same old list gets the same state.
pub const GENESIS: &str = "";

/// How long a deletion is remembered, so that a browser that was offline for
/// less than this does not bring the entry back.
pub const TOMBSTONE_DAYS: u64 = 60;

/// At most this many deletions are remembered (the oldest are forgotten first).
pub const MAX_TOMBSTONES: usize = 5_000;

/// At most this many unreadable entries are described one by one.
pub const MAX_REPORTED: usize = 200;

/// The most environments a list may hold.
pub const MAX_ENVIRONMENTS: usize = 20_000;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// When and where a value was set: a Lamport counter and the browser that set it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub counter: u64,
    pub replica: String,
}

/// Which changes of each browser an entry has seen: browser → highest counter.
pub type Seen = BTreeMap<String, u64>;

fn covers(seen: &Seen, stamp: &Stamp) -> bool {
    seen.get(&stamp.replica)
        .is_some_and(|&c| c >= stamp.counter)
}

fn covers_all(outer: &Seen, inner: &Seen) -> bool {
    inner
        .iter()
        .all(|(r, c)| outer.get(r).is_some_and(|o| o >= c))
}

fn join_seen(a: &mut Seen, b: &Seen) {
    for (r, c) in b {
        let slot = a.entry(r.clone()).or_insert(0);
        *slot = (*slot).max(*c);
    }
}

/// One field's value with the stamp of the change that set it. `Null` is "absent".
#[derive(Debug, Clone, PartialEq)]
struct Register {
    value: Value,
    stamp: Stamp,
}

impl Register {
    /// The later of two registers. Equal stamps with different values only come
    /// from two old lists taken over separately; the value's text decides then.
    fn later<'a>(a: &'a Register, b: &'a Register) -> &'a Register {
        match a.stamp.cmp(&b.stamp) {
            Ordering::Greater => a,
            Ordering::Less => b,
            Ordering::Equal => {
                let (text_a, text_b) = (a.value.to_string(), b.value.to_string());
                if text_a >= text_b {
                    a
                } else {
                    b
                }
            }
        }
    }
}

/// One entry: its fields (the environment's JSON keys except `id`).
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// When it was added: the list is ordered by this.
    created: Stamp,
    fields: BTreeMap<String, Register>,
    seen: Seen,
}

/// What is left of a deleted entry.
#[derive(Debug, Clone, PartialEq)]
struct Tombstone {
    /// The changes the deletion had seen: a change it had not seen brings the entry back.
    seen: Seen,
    /// Milliseconds since the epoch, for forgetting old deletions.
    at: u64,
}

/// An entry from storage whose structure could not be read: kept as it was
/// until the user discards it, never dropped silently.
#[derive(Debug, Clone, PartialEq)]
struct Damaged {
    raw: Value,
    reason: String,
}

/// The replicated list. See the module documentation for the merge rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListState {
    /// The highest counter in the state: the next change uses the one after.
    clock: u64,
    entries: BTreeMap<String, Entry>,
    deleted: BTreeMap<String, Tombstone>,
    damaged: Vec<Damaged>,
}

/// Something a merge could not do as both browsers meant, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeNote {
    pub id: String,
    pub text: String,
}

/// Why a change could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeError {
    /// The list would hold more than [`MAX_ENVIRONMENTS`] entries.
    TooMany { count: usize },
    /// An environment that does not turn into JSON fields (never for a valid one).
    Unwritable { id: String },
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::TooMany { count } => write!(
                f,
                "The list would hold {count} environments; it can hold at most {MAX_ENVIRONMENTS}. Nothing was changed: split the list or remove entries first."
            ),
            ChangeError::Unwritable { id } => {
                write!(f, "Environment {} could not be stored.", quote(id))
            }
        }
    }
}

impl std::error::Error for ChangeError {}

/// An entry that could not be read back, kept so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreadable {
    /// The entry as stored.
    pub raw: Value,
    /// Why it was set aside.
    pub reason: String,
}

/// The list as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListView {
    pub environments: Vec<Environment>,
    /// Changes whenever the list changes, here or merged from elsewhere.
    pub revision: u64,
    /// Entries that are kept but cannot be used (invalid, or clashing with an
    /// earlier entry), the first [`MAX_REPORTED`] of them.
    pub unreadable: Vec<Unreadable>,
    /// How many more unreadable entries there are than listed.
    pub more_unreadable: usize,
    /// What was normalised, in words.
    pub repairs: Vec<String>,
}

fn fields_of(env: &Environment) -> Option<Map<String, Value>> {
    match serde_json::to_value(env) {
        Ok(Value::Object(mut map)) => {
            map.remove("id");
            Some(map)
        }
        _ => None,
    }
}

impl ListState {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes over a list written before merging existed (document version 1):
    /// the same old list always gives the same state, on every browser.
    pub fn from_v1(raw_entries: Vec<Value>) -> Self {
        let mut state = ListState::new();
        for (i, raw) in raw_entries.into_iter().enumerate() {
            let counter = i as u64 + 1;
            let Value::Object(mut map) = raw else {
                state.damaged.push(Damaged {
                    raw,
                    reason: "This stored entry is not an object.".into(),
                });
                continue;
            };
            let id = match map.remove("id") {
                Some(Value::String(id)) if !id.is_empty() && !state.entries.contains_key(&id) => id,
                _ => format!("restored-{i}"),
            };
            let stamp = Stamp {
                counter,
                replica: GENESIS.into(),
            };
            state.entries.insert(id, Entry::new(map, stamp));
            state.clock = counter;
        }
        state
    }

    /// Changes since this counter have not been made yet.
    pub fn revision(&self) -> u64 {
        self.clock
    }

    /// Whether the entry `id` is in the list (not covered by its tombstone).
    fn is_live(&self, id: &str) -> bool {
        self.entries.get(id).is_some_and(|e| {
            !self
                .deleted
                .get(id)
                .is_some_and(|t| covers_all(&t.seen, &e.seen))
        })
    }

    fn live_count(&self) -> usize {
        self.entries.keys().filter(|id| self.is_live(id)).count()
    }

    /// A deleted entry keeps only what a later merge can need: the fields
    /// changed after it was added (every browser that still shows the entry
    /// has the values it was added with, or later ones).
    fn prune(&mut self, id: &str) {
        if self.is_live(id) {
            return;
        }
        if let Some(entry) = self.entries.get_mut(id) {
            let created = entry.created.clone();
            if created.replica != GENESIS {
                entry.fields.retain(|_, r| r.stamp != created);
            }
        }
    }

    fn stamp(&mut self, replica: &str) -> Stamp {
        self.clock += 1;
        Stamp {
            counter: self.clock,
            replica: replica.into(),
        }
    }

    /// Applies the user's change from `before` (the list as shown to the user,
    /// [`ListState::view`]) to `after`, made on browser `replica` at `now` (ms):
    /// entries are matched by id; only what differs becomes a change, so an
    /// entry the user did not touch keeps what other browsers did to it.
    pub fn apply(
        &mut self,
        before: &[Environment],
        after: &[Environment],
        replica: &str,
        now: u64,
    ) -> Result<(), ChangeError> {
        let live_after = after.len() + self.live_count().saturating_sub(before.len());
        if after.len() > before.len() && live_after > MAX_ENVIRONMENTS {
            return Err(ChangeError::TooMany { count: live_after });
        }
        let old: BTreeMap<&str, &Environment> = before.iter().map(|e| (e.id.as_str(), e)).collect();
        let kept: BTreeSet<&str> = after.iter().map(|e| e.id.as_str()).collect();
        // Each changed entry gets a counter of its own, so that entries added
        // together keep their order.
        for env in after {
            if old.get(env.id.as_str()) == Some(&env) {
                continue;
            }
            let fields =
                fields_of(env).ok_or_else(|| ChangeError::Unwritable { id: env.id.clone() })?;
            let stamp = self.stamp(replica);
            if !self.set_fields(&env.id, fields, &stamp) {
                self.clock -= 1;
            }
        }
        let stamp = self.stamp(replica);
        let mut deleted = false;
        for env in before {
            if !kept.contains(env.id.as_str()) {
                deleted |= self.delete(&env.id, &stamp, now);
            }
        }
        if !deleted {
            self.clock -= 1;
        }
        Ok(())
    }

    /// Sets an entry's fields to `fields`, adding it when it is not there.
    fn set_fields(&mut self, id: &str, fields: Map<String, Value>, stamp: &Stamp) -> bool {
        let Some(entry) = self.entries.get_mut(id) else {
            self.entries
                .insert(id.to_string(), Entry::new(fields, stamp.clone()));
            return true;
        };
        let mut changed = false;
        let absent: Vec<String> = entry
            .fields
            .keys()
            .filter(|k| !fields.contains_key(*k))
            .cloned()
            .collect();
        let updates = fields
            .into_iter()
            .chain(absent.into_iter().map(|k| (k, Value::Null)));
        for (key, value) in updates {
            let same = entry.fields.get(&key).map(|r| &r.value) == Some(&value)
                || (value.is_null() && !entry.fields.contains_key(&key));
            if !same {
                entry.fields.insert(
                    key,
                    Register {
                        value,
                        stamp: stamp.clone(),
                    },
                );
                changed = true;
            }
        }
        if changed {
            join_seen(
                &mut entry.seen,
                &Seen::from([(stamp.replica.clone(), stamp.counter)]),
            );
        }
        changed
    }

    fn delete(&mut self, id: &str, stamp: &Stamp, now: u64) -> bool {
        if !self.is_live(id) {
            return false;
        }
        let Some(entry) = self.entries.get(id) else {
            return false;
        };
        let seen = entry.seen.clone();
        let tomb = self.deleted.entry(id.to_string()).or_insert(Tombstone {
            seen: Seen::new(),
            at: 0,
        });
        join_seen(&mut tomb.seen, &seen);
        join_seen(
            &mut tomb.seen,
            &Seen::from([(stamp.replica.clone(), stamp.counter)]),
        );
        tomb.at = tomb.at.max(now);
        self.prune(id);
        true
    }

    /// Deletes every entry that cannot be used (the ones [`ListState::view`]
    /// lists as unreadable) and forgets damaged ones: the user discarded them.
    pub fn discard_unreadable(&mut self, replica: &str, now: u64) {
        let (_, unusable) = self.evaluate();
        let stamp = self.stamp(replica);
        let mut changed = !self.damaged.is_empty();
        self.damaged.clear();
        for id in unusable {
            changed |= self.delete(&id, &stamp, now);
        }
        if !changed {
            self.clock -= 1;
        }
    }

    /// Merges `other` into this state; returns what the user should be told.
    pub fn merge(&mut self, other: &ListState) -> Vec<MergeNote> {
        let mut notes = Vec::new();
        let ids: BTreeSet<&String> = other.entries.keys().chain(other.deleted.keys()).collect();
        for id in ids {
            let deleted_here = self.deleted.contains_key(id) && !self.is_live(id);
            let live_here = self.is_live(id);
            let deleted_there = other.deleted.contains_key(id) && !other.is_live(id);
            if let Some(theirs) = other.entries.get(id) {
                match self.entries.get_mut(id) {
                    Some(mine) => mine.join(theirs, id, &mut notes),
                    None => {
                        self.entries.insert(id.clone(), theirs.clone());
                    }
                }
            }
            if let Some(theirs) = other.deleted.get(id) {
                let tomb = self.deleted.entry(id.clone()).or_insert(Tombstone {
                    seen: Seen::new(),
                    at: 0,
                });
                join_seen(&mut tomb.seen, &theirs.seen);
                tomb.at = tomb.at.max(theirs.at);
            }
            self.prune(id);
            if let Some(entry) = self.entries.get(id).filter(|_| self.is_live(id)) {
                let name = entry.name(id);
                if deleted_here {
                    notes.push(MergeNote {
                        id: id.clone(),
                        text: format!(
                            "{name} was deleted here but changed on another browser at the same time; it was kept with that change."
                        ),
                    });
                } else if live_here && deleted_there {
                    notes.push(MergeNote {
                        id: id.clone(),
                        text: format!(
                            "{name} was deleted on another browser while it was being changed here; it was kept."
                        ),
                    });
                }
            }
        }
        for d in &other.damaged {
            if !self.damaged.contains(d) {
                self.damaged.push(d.clone());
            }
        }
        self.clock = self.clock.max(other.clock);
        notes
    }

    /// Forgets deletions older than [`TOMBSTONE_DAYS`] at `now` (ms), and the
    /// oldest beyond [`MAX_TOMBSTONES`].
    pub fn compact(&mut self, now: u64) {
        let horizon = now.saturating_sub(TOMBSTONE_DAYS * DAY_MS);
        let mut forget: Vec<String> = self
            .deleted
            .iter()
            .filter(|(_, t)| t.at < horizon)
            .map(|(id, _)| id.clone())
            .collect();
        let kept = self.deleted.len() - forget.len();
        if kept > MAX_TOMBSTONES {
            let mut by_age: Vec<(u64, &String)> = self
                .deleted
                .iter()
                .filter(|(_, t)| t.at >= horizon)
                .map(|(id, t)| (t.at, id))
                .collect();
            by_age.sort();
            forget.extend(
                by_age
                    .into_iter()
                    .take(kept - MAX_TOMBSTONES)
                    .map(|(_, id)| id.clone()),
            );
        }
        for id in forget {
            // A deleted entry goes with its tombstone; one brought back stays.
            if !self.is_live(&id) {
                self.entries.remove(&id);
            }
            self.deleted.remove(&id);
        }
    }

    /// Entries in list order (when they were added), with their ids.
    fn ordered(&self) -> Vec<(&String, &Entry)> {
        let mut list: Vec<(&String, &Entry)> = self
            .entries
            .iter()
            .filter(|(id, _)| self.is_live(id))
            .collect();
        list.sort_by(|a, b| a.1.created.cmp(&b.1.created).then_with(|| a.0.cmp(b.0)));
        list
    }

    /// Checks every entry: the usable environments in order, with repairs noted,
    /// and the ids of the entries that cannot be used with why.
    fn evaluate(&self) -> (ListView, Vec<String>) {
        let mut view = ListView {
            environments: Vec::with_capacity(self.entries.len()),
            revision: self.clock,
            unreadable: Vec::new(),
            more_unreadable: 0,
            repairs: Vec::new(),
        };
        let mut unusable = Vec::new();
        let report = |view: &mut ListView, raw: Value, reason: String| {
            if view.unreadable.len() < MAX_REPORTED {
                view.unreadable.push(Unreadable { raw, reason });
            } else {
                view.more_unreadable += 1;
            }
        };
        let mut ids = Vec::with_capacity(self.entries.len());
        for (id, entry) in self.ordered() {
            let raw = entry.raw(id);
            let checked = EnvironmentInput::deserialize(&raw)
                .map_err(|e| format!("This stored entry is damaged ({e})."))
                .and_then(|input| {
                    validate_environment(&input, id).map_err(|errs| {
                        errs.iter()
                            .map(|e| e.message.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                });
            match checked {
                Ok(env) => {
                    if view.repairs.len() < MAX_REPORTED
                        && serde_json::to_value(&env).ok().as_ref() != Some(&raw)
                    {
                        view.repairs.push(format!(
                            "Entry {} ({}) was normalised.",
                            view.environments.len() + 1,
                            quote(&env.display_name)
                        ));
                    }
                    view.environments.push(env);
                    ids.push(id);
                }
                Err(reason) => {
                    unusable.push(id.clone());
                    report(&mut view, raw, reason);
                }
            }
        }
        // An entry that clashes with an earlier one (the same account and role
        // added on two browsers) is kept aside, not dropped.
        let clashes = check_list(&view.environments);
        let mut aside: BTreeMap<usize, String> = BTreeMap::new();
        for problem in clashes {
            aside.entry(problem.index).or_insert(problem.message);
        }
        let mut set_aside = Vec::new();
        for (index, reason) in aside.into_iter().rev() {
            let env = view.environments.remove(index);
            unusable.push(ids[index].clone());
            set_aside.push((serde_json::to_value(&env).unwrap_or(Value::Null), reason));
        }
        for (raw, reason) in set_aside.into_iter().rev() {
            report(&mut view, raw, reason);
        }
        for d in &self.damaged {
            report(&mut view, d.raw.clone(), d.reason.clone());
        }
        (view, unusable)
    }

    /// The list as the user sees it.
    pub fn view(&self) -> ListView {
        self.evaluate().0
    }
}

impl Entry {
    fn new(fields: Map<String, Value>, stamp: Stamp) -> Entry {
        Entry {
            seen: Seen::from([(stamp.replica.clone(), stamp.counter)]),
            fields: fields
                .into_iter()
                .map(|(k, value)| {
                    let stamp = stamp.clone();
                    (k, Register { value, stamp })
                })
                .collect(),
            created: stamp,
        }
    }

    /// The entry as a JSON object, as a list document holds it.
    fn raw(&self, id: &str) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), Value::String(id.into()));
        for (k, r) in &self.fields {
            if !r.value.is_null() {
                map.insert(k.clone(), r.value.clone());
            }
        }
        Value::Object(map)
    }

    /// The entry's display name for messages.
    fn name(&self, id: &str) -> String {
        match self.fields.get("displayName").map(|r| &r.value) {
            Some(Value::String(name)) => quote(name),
            _ => quote(id),
        }
    }

    fn join(&mut self, other: &Entry, id: &str, notes: &mut Vec<MergeNote>) {
        let keys: BTreeSet<String> = self
            .fields
            .keys()
            .chain(other.fields.keys())
            .cloned()
            .collect();
        for key in keys {
            let merged = match (self.fields.get(&key), other.fields.get(&key)) {
                (Some(a), Some(b)) if a != b => {
                    let later = Register::later(a, b).clone();
                    // Neither had seen the other's value: two changes at the same time.
                    if !covers(&self.seen, &b.stamp) && !covers(&other.seen, &a.stamp) {
                        let lost = if later == *a { b } else { a };
                        notes.push(MergeNote {
                            id: id.into(),
                            text: format!(
                                "{}: {} was changed on two browsers at the same time; {} was kept, {} was not.",
                                self.name(id),
                                field_label(&key),
                                shown(&later.value),
                                shown(&lost.value)
                            ),
                        });
                    }
                    later
                }
                (Some(_), _) => continue,
                (None, Some(b)) => b.clone(),
                (None, None) => continue,
            };
            self.fields.insert(key, merged);
        }
        if other.created < self.created {
            self.created = other.created.clone();
        }
        join_seen(&mut self.seen, &other.seen);
    }
}

fn field_label(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.replace("id", "ID")
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "no value".into(),
        Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

// ---- The stored form (document version 2) ----

/// An entry as stored: fields whose stamp is the entry's creation stamp carry
/// none of their own, so an entry nobody edited costs only its values.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    id: String,
    /// Creation stamp: `[counter, replica]`.
    o: (u64, String),
    /// Seen changes.
    v: Seen,
    /// Field values (`null`: removed by a change).
    f: Map<String, Value>,
    /// Stamps of fields changed after creation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    s: BTreeMap<String, (u64, String)>,
}

#[derive(Serialize, Deserialize)]
struct StoredTombstone {
    id: String,
    v: Seen,
    at: u64,
}

#[derive(Serialize, Deserialize)]
struct StoredDamaged {
    raw: Value,
    reason: String,
}

/// The state as a JSON value, for a list document of version 2.
#[derive(Serialize)]
pub(crate) struct StoredState<'a> {
    clock: u64,
    entries: Vec<StoredEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deleted: Vec<StoredTombstone>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    damaged: Vec<StoredDamaged>,
    #[serde(skip)]
    _state: std::marker::PhantomData<&'a ()>,
}

impl ListState {
    pub(crate) fn to_stored(&self) -> StoredState<'_> {
        StoredState {
            clock: self.clock,
            entries: self
                .entries
                .iter()
                .map(|(id, e)| StoredEntry {
                    id: id.clone(),
                    o: (e.created.counter, e.created.replica.clone()),
                    v: e.seen.clone(),
                    f: e.fields
                        .iter()
                        .map(|(k, r)| (k.clone(), r.value.clone()))
                        .collect(),
                    s: e.fields
                        .iter()
                        .filter(|(_, r)| r.stamp != e.created)
                        .map(|(k, r)| (k.clone(), (r.stamp.counter, r.stamp.replica.clone())))
                        .collect(),
                })
                .collect(),
            deleted: self
                .deleted
                .iter()
                .map(|(id, t)| StoredTombstone {
                    id: id.clone(),
                    v: t.seen.clone(),
                    at: t.at,
                })
                .collect(),
            damaged: self
                .damaged
                .iter()
                .map(|d| StoredDamaged {
                    raw: d.raw.clone(),
                    reason: d.reason.clone(),
                })
                .collect(),
            _state: std::marker::PhantomData,
        }
    }

    /// Reads a version 2 document's parts. Entries whose structure is damaged
    /// are kept as they are (shown, never dropped).
    pub(crate) fn from_parts(
        clock: u64,
        entries: Vec<Value>,
        deleted: Vec<Value>,
        damaged: Vec<Value>,
    ) -> ListState {
        let mut state = ListState {
            clock,
            ..ListState::default()
        };
        for raw in entries {
            match StoredEntry::deserialize(&raw) {
                Ok(e) if !state.entries.contains_key(&e.id) => {
                    let created = Stamp {
                        counter: e.o.0,
                        replica: e.o.1,
                    };
                    let fields =
                        e.f.into_iter()
                            .map(|(k, value)| {
                                let stamp = match e.s.get(&k) {
                                    Some((counter, replica)) => Stamp {
                                        counter: *counter,
                                        replica: replica.clone(),
                                    },
                                    None => created.clone(),
                                };
                                (k, Register { value, stamp })
                            })
                            .collect();
                    state.clock = state.clock.max(e.v.values().copied().max().unwrap_or(0));
                    state.entries.insert(
                        e.id,
                        Entry {
                            created,
                            fields,
                            seen: e.v,
                        },
                    );
                }
                Ok(_) => state.damaged.push(Damaged {
                    raw,
                    reason: "This stored entry repeats the id of another.".into(),
                }),
                Err(err) => state.damaged.push(Damaged {
                    raw,
                    reason: format!("This stored entry is damaged ({err})."),
                }),
            }
        }
        for raw in deleted {
            // A damaged tombstone is only a forgotten deletion.
            if let Ok(t) = StoredTombstone::deserialize(&raw) {
                state.clock = state.clock.max(t.v.values().copied().max().unwrap_or(0));
                state.deleted.insert(
                    t.id,
                    Tombstone {
                        seen: t.v,
                        at: t.at,
                    },
                );
            }
        }
        for raw in damaged {
            if let Ok(d) = StoredDamaged::deserialize(&raw) {
                state.damaged.push(Damaged {
                    raw: d.raw,
                    reason: d.reason,
                });
            }
        }
        // Deleted entries hold only what a merge can need (a damaged write may hold more).
        let ids: Vec<String> = state.entries.keys().cloned().collect();
        for id in ids {
            state.prune(&id);
        }
        state
    }

    /// Reads the state back from [`ListState::to_stored`]'s JSON value.
    #[cfg(test)]
    fn from_stored(doc: &Value) -> ListState {
        let list = |key: &str| {
            doc.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let clock = doc.get("clock").and_then(Value::as_u64).unwrap_or(0);
        ListState::from_parts(clock, list("entries"), list("deleted"), list("damaged"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;
    use proptest::prelude::*;

    fn env(id: &str, account: &str, name: &str) -> Environment {
        let mut e = example_environments().remove(0);
        e.id = id.into();
        e.account_id = account.into();
        e.display_name = name.into();
        e
    }

    fn names(state: &ListState) -> Vec<String> {
        state
            .view()
            .environments
            .into_iter()
            .map(|e| e.display_name)
            .collect()
    }

    /// A browser: its state, and its user's change on top of what it shows.
    fn change(state: &mut ListState, replica: &str, edit: impl FnOnce(&mut Vec<Environment>)) {
        let before = state.view().environments;
        let mut after = before.clone();
        edit(&mut after);
        state.apply(&before, &after, replica, 1_000).unwrap();
    }

    fn add<'a>(name: &'a str, account: &'a str) -> impl FnOnce(&mut Vec<Environment>) + 'a {
        move |list| list.push(env(name, account, name))
    }

    fn remove(name: &str) -> impl FnOnce(&mut Vec<Environment>) + '_ {
        move |list| list.retain(|e| e.display_name != name)
    }

    fn rename<'a>(from: &'a str, to: &'a str) -> impl FnOnce(&mut Vec<Environment>) + 'a {
        move |list| {
            for e in list.iter_mut().filter(|e| e.display_name == from) {
                e.display_name = to.into();
            }
        }
    }

    fn merged(a: &ListState, b: &ListState) -> ListState {
        let mut m = a.clone();
        m.merge(b);
        m
    }

    #[test]
    fn two_additions_on_one_browser_and_one_on_another_are_all_kept() {
        // The first case of issue 10: B adds P, then Q, while A adds R and A's write lands last.
        let mut base = ListState::new();
        change(&mut base, "a", add("base", "111111111111"));
        let (mut a, mut b) = (base.clone(), base.clone());
        change(&mut b, "b", add("P", "222222222222"));
        change(&mut b, "b", add("Q", "333333333333"));
        change(&mut a, "a", add("R", "444444444444"));
        let on_a = merged(&a, &b);
        let on_b = merged(&b, &a);
        assert_eq!(on_a, on_b);
        let mut got = names(&on_a);
        got.sort();
        assert_eq!(got, ["P", "Q", "R", "base"]);
    }

    #[test]
    fn a_deletion_seen_before_a_later_change_is_not_undone() {
        // The second case: A adds X; B sees it, deletes it, then adds Y; A sees B's list.
        let mut a = ListState::new();
        change(&mut a, "a", add("X", "111111111111"));
        let mut b = a.clone();
        change(&mut b, "b", remove("X"));
        change(&mut b, "b", add("Y", "222222222222"));
        let notes = a.merge(&b);
        assert_eq!(names(&a), ["Y"]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_change_made_without_seeing_a_deletion_wins_and_is_reported() {
        let mut base = ListState::new();
        change(&mut base, "a", add("X", "111111111111"));
        let (mut a, mut b) = (base.clone(), base.clone());
        change(&mut a, "a", remove("X"));
        change(&mut b, "b", rename("X", "X2"));
        let deleted_on_a = a.clone();
        let notes = a.merge(&b);
        assert_eq!(names(&a), ["X2"]);
        assert!(notes[0].text.contains("deleted here"), "{notes:?}");
        let notes = b.merge(&deleted_on_a);
        assert_eq!(names(&b), ["X2"]);
        assert!(
            notes[0].text.contains("deleted on another browser"),
            "{notes:?}"
        );
        // Deleting it again, now that the change is seen, deletes it everywhere.
        change(&mut a, "a", remove("X2"));
        b.merge(&a);
        assert!(names(&b).is_empty());
    }

    #[test]
    fn concurrent_changes_of_one_field_keep_one_and_report_the_other() {
        let mut base = ListState::new();
        change(&mut base, "a", add("X", "111111111111"));
        let (mut a, mut b) = (base.clone(), base.clone());
        change(&mut a, "a", rename("X", "from-a"));
        change(&mut b, "b", |l| {
            l[0].display_name = "from-b".into();
            l[0].region = Some("eu-west-1".into());
        });
        let notes = a.merge(&b);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].text.contains("display name"), "{}", notes[0].text);
        assert!(notes[0].text.contains("from-a") && notes[0].text.contains("from-b"));
        let env = &a.view().environments[0];
        // Different fields both stay; the same field keeps one value everywhere.
        assert_eq!(env.region.as_deref(), Some("eu-west-1"));
        assert_eq!(a, merged(&b, &a));
    }

    #[test]
    fn sequential_changes_are_not_conflicts() {
        let mut a = ListState::new();
        change(&mut a, "a", add("X", "111111111111"));
        let mut b = a.clone();
        change(&mut b, "b", rename("X", "Y"));
        a.merge(&b);
        change(&mut a, "a", rename("Y", "Z"));
        let notes = b.merge(&a);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(names(&b), ["Z"]);
    }

    #[test]
    fn removing_an_optional_field_is_a_change_that_merges() {
        let mut a = ListState::new();
        change(&mut a, "a", |l| {
            let mut e = env("X", "111111111111", "X");
            e.region = Some("eu-west-1".into());
            l.push(e);
        });
        let mut b = a.clone();
        change(&mut b, "b", |l| l[0].region = None);
        a.merge(&b);
        assert_eq!(a.view().environments[0].region, None);
    }

    #[test]
    fn the_same_account_added_on_two_browsers_is_kept_aside_not_lost() {
        let (mut a, mut b) = (ListState::new(), ListState::new());
        change(&mut a, "a", add("here", "555555555555"));
        change(&mut b, "b", add("there", "555555555555"));
        a.merge(&b);
        let view = a.view();
        assert_eq!(view.environments.len(), 1);
        assert_eq!(view.unreadable.len(), 1);
        assert!(view.unreadable[0].reason.contains("already in the list"));
        // Discarding it deletes it everywhere.
        a.discard_unreadable("a", 2_000);
        b.merge(&a);
        assert_eq!(b.view().environments.len(), 1);
        assert!(b.view().unreadable.is_empty());
    }

    #[test]
    fn a_list_from_before_merging_gives_the_same_state_everywhere() {
        let list: Vec<Value> = example_environments()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect();
        let a = ListState::from_v1(list.clone());
        let b = ListState::from_v1(list);
        assert_eq!(a, b);
        assert_eq!(a.view().environments, example_environments());
    }

    #[test]
    fn stored_form_round_trips() {
        let mut a = ListState::new();
        change(&mut a, "a", add("X", "111111111111"));
        change(&mut a, "a", add("Y", "222222222222"));
        change(&mut a, "b", rename("X", "X2"));
        change(&mut a, "b", remove("Y"));
        let value = serde_json::to_value(a.to_stored()).unwrap();
        let back = ListState::from_stored(&value);
        assert_eq!(back, a);
    }

    #[test]
    fn old_tombstones_are_forgotten_and_their_number_is_bounded() {
        let mut a = ListState::new();
        change(&mut a, "a", add("X", "111111111111"));
        a.apply(&a.view().environments, &[], "a", 10).unwrap();
        a.compact(10 + TOMBSTONE_DAYS * DAY_MS);
        assert_eq!(a.deleted.len(), 1, "kept for the whole period");
        a.compact(11 + TOMBSTONE_DAYS * DAY_MS);
        assert!(a.deleted.is_empty());

        let mut big = ListState::new();
        let list: Vec<Environment> = (0..MAX_TOMBSTONES + 10)
            .map(|i| env(&format!("e{i}"), &format!("{:012}", i), "x"))
            .collect();
        big.apply(&[], &list, "a", 0).unwrap();
        for (i, chunk) in list.chunks(1000).enumerate() {
            let before = big.view().environments;
            let after: Vec<Environment> = before
                .iter()
                .filter(|e| !chunk.iter().any(|c| c.id == e.id))
                .cloned()
                .collect();
            big.apply(&before, &after, "a", i as u64).unwrap();
        }
        big.compact(100);
        assert_eq!(big.deleted.len(), MAX_TOMBSTONES);
        assert!(!big.deleted.contains_key("e0"), "the oldest go first");
    }

    #[test]
    fn a_list_may_not_grow_past_the_maximum() {
        let mut a = ListState::new();
        let list: Vec<Environment> = (0..=MAX_ENVIRONMENTS)
            .map(|i| env(&format!("e{i}"), &format!("{:012}", i), "x"))
            .collect();
        let err = a.apply(&[], &list, "a", 0).unwrap_err();
        assert!(err.to_string().contains("at most 20000"), "{err}");
        assert_eq!(a, ListState::new(), "nothing changed");
    }

    #[test]
    fn unreadable_entries_are_reported_up_to_a_bound_and_counted_beyond() {
        let raw: Vec<Value> = (0..MAX_REPORTED + 50)
            .map(|i| serde_json::json!({"id": format!("bad{i}"), "accountId": "12"}))
            .collect();
        let view = ListState::from_v1(raw).view();
        assert_eq!(view.unreadable.len(), MAX_REPORTED);
        assert_eq!(view.more_unreadable, 50);
    }

    // ---- Property test: any operations, any delivery ----

    #[derive(Debug, Clone)]
    enum Op {
        /// Browser `r` adds an entry for account `n`.
        Add(usize, u8),
        /// Browser `r` renames its `k`-th entry.
        Rename(usize, usize, u8),
        /// Browser `r` sets or clears the region of its `k`-th entry.
        Region(usize, usize, bool),
        /// Browser `r` deletes its `k`-th entry.
        Delete(usize, usize),
        /// Browser `to` receives a state `from` had `age` steps ago (delays, reordering, repeats).
        Deliver { from: usize, to: usize, age: usize },
    }

    const BROWSERS: usize = 3;

    fn op() -> impl Strategy<Value = Op> {
        let r = 0..BROWSERS;
        prop_oneof![
            (r.clone(), any::<u8>()).prop_map(|(r, n)| Op::Add(r, n)),
            (r.clone(), 0..8usize, any::<u8>()).prop_map(|(r, k, n)| Op::Rename(r, k, n)),
            (r.clone(), 0..8usize, any::<bool>()).prop_map(|(r, k, s)| Op::Region(r, k, s)),
            (r.clone(), 0..8usize).prop_map(|(r, k)| Op::Delete(r, k)),
            (r.clone(), r, 0..6usize).prop_map(|(from, to, age)| Op::Deliver { from, to, age }),
        ]
    }

    /// What each operation did, to check the rules against.
    #[derive(Default)]
    struct Log {
        added: Vec<String>,
        /// Deleted ids, with the browser that deleted them.
        deleted: Vec<(String, usize)>,
        /// Every id changed, by browser, with the state's counter at the time.
        edited: Vec<(String, usize)>,
    }

    fn run(ops: &[Op]) -> (Vec<ListState>, Log) {
        let names = ["a", "b", "c"];
        let mut states = vec![ListState::new(); BROWSERS];
        let mut history: Vec<Vec<ListState>> = vec![vec![ListState::new()]; BROWSERS];
        let mut log = Log::default();
        let mut next = 0;
        for op in ops {
            match *op {
                Op::Add(r, n) => {
                    next += 1;
                    let id = format!("id{next}");
                    log.added.push(id.clone());
                    let account = format!("{:012}", next * 1000 + n as usize);
                    change(&mut states[r], names[r], |l| {
                        l.push(env(&id, &account, &format!("n{n}")))
                    });
                }
                Op::Rename(r, k, n) => {
                    let list = states[r].view().environments;
                    if let Some(e) = list.get(k % list.len().max(1)) {
                        log.edited.push((e.id.clone(), r));
                        let id = e.id.clone();
                        change(&mut states[r], names[r], |l| {
                            for e in l.iter_mut().filter(|e| e.id == id) {
                                e.display_name = format!("n{n}");
                            }
                        });
                    }
                }
                Op::Region(r, k, set) => {
                    let list = states[r].view().environments;
                    if let Some(e) = list.get(k % list.len().max(1)) {
                        log.edited.push((e.id.clone(), r));
                        let id = e.id.clone();
                        change(&mut states[r], names[r], |l| {
                            for e in l.iter_mut().filter(|e| e.id == id) {
                                e.region = set.then(|| "eu-west-1".into());
                            }
                        });
                    }
                }
                Op::Delete(r, k) => {
                    let list = states[r].view().environments;
                    if let Some(e) = list.get(k % list.len().max(1)) {
                        log.deleted.push((e.id.clone(), r));
                        let id = e.id.clone();
                        change(&mut states[r], names[r], |l| l.retain(|e| e.id != id));
                    }
                }
                Op::Deliver { from, to, age } => {
                    let h = &history[from];
                    let sent = h[h.len().saturating_sub(1 + age)].clone();
                    states[to].merge(&sent);
                }
            }
            for (r, s) in states.iter().enumerate() {
                history[r].push(s.clone());
            }
        }
        (states, log)
    }

    /// Everyone receives everyone's final state, twice around.
    fn settle(states: &mut [ListState]) {
        for _ in 0..2 {
            for from in 0..states.len() {
                for to in 0..states.len() {
                    let sent = states[from].clone();
                    states[to].merge(&sent);
                }
            }
        }
    }

    proptest! {
        // 300 cases by default; PROPTEST_CASES=n for a longer search.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn browsers_converge_and_lose_no_addition(ops in proptest::collection::vec(op(), 0..60)) {
            let (mut states, log) = run(&ops);
            settle(&mut states);
            for s in &states[1..] {
                prop_assert_eq!(s, &states[0]);
            }
            let final_ids: BTreeSet<String> = states[0]
                .entries
                .keys()
                .filter(|id| states[0].is_live(id))
                .cloned()
                .collect();
            let deleted: BTreeSet<&String> = log.deleted.iter().map(|(id, _)| id).collect();
            for id in &log.added {
                // Never deleted by anyone: it is there.
                if !deleted.contains(id) {
                    prop_assert!(final_ids.contains(id), "addition {} lost", id);
                }
            }
            // A deleted entry only survives if it was changed without that deletion being seen.
            for (id, _) in &log.deleted {
                if final_ids.contains(id) {
                    prop_assert!(log.edited.iter().any(|(e, _)| e == id), "deletion of {} undone", id);
                }
            }
        }

        #[test]
        fn merge_is_commutative_associative_and_idempotent(
            ops in proptest::collection::vec(op(), 0..40)
        ) {
            let (states, _) = run(&ops);
            let (a, b, c) = (&states[0], &states[1], &states[2]);
            prop_assert_eq!(merged(a, b), merged(b, a));
            prop_assert_eq!(merged(&merged(a, b), c), merged(a, &merged(b, c)));
            prop_assert_eq!(merged(a, a), a.clone());
            prop_assert_eq!(merged(&merged(a, b), b), merged(a, b));
        }

        #[test]
        fn stored_form_round_trips_any_state(ops in proptest::collection::vec(op(), 0..40)) {
            let (states, _) = run(&ops);
            for s in &states {
                let value = serde_json::to_value(s.to_stored()).unwrap();
                prop_assert_eq!(&ListState::from_stored(&value), s);
            }
        }
    }
}

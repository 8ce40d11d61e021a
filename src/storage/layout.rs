//! How the list is laid out in `chrome.storage`.
//!
//! `chrome.storage.sync` limits each item (key + JSON of the value) and the
//! number of items, so the list document is written as a meta item plus string
//! chunks that each fit. When the whole does not fit in sync storage, it goes
//! to local storage and the user is told. Reads validate every entry and report
//! what could not be read instead of dropping it silently.
//!
//! The layout is planned here and applied by the caller through a [`Store`];
//! [`MemoryStore`] lets native tests run every rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::fmt;

use crate::storage::sync::{ListState, MAX_ENVIRONMENTS, MAX_TOMBSTONES};

/// Version of the stored list: 1 held a plain list, 2 the merged state.
pub const STORED_VERSION: u32 = 2;

/// The meta item's key.
pub const META_KEY: &str = "envs";
/// Chunk keys are this prefix plus an index.
pub const CHUNK_PREFIX: &str = "envs.";

/// Limits of a storage area (`chrome.storage.sync.QUOTA_BYTES` and friends);
/// a limit the browser does not report is Chrome's documented sync one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Quota {
    /// Total bytes for the area.
    pub quota_bytes: usize,
    /// Bytes per item (key + JSON value).
    pub quota_bytes_per_item: usize,
    /// Items in the area.
    pub max_items: usize,
}

impl Quota {
    /// Chrome's documented sync limits, used when the API does not report its own.
    pub const SYNC: Quota = Quota {
        quota_bytes: 102_400,
        quota_bytes_per_item: 8_192,
        max_items: 512,
    };

    /// No limits (local storage with `unlimitedStorage`, or a test).
    pub const UNLIMITED: Quota = Quota {
        quota_bytes: usize::MAX,
        quota_bytes_per_item: usize::MAX,
        max_items: usize::MAX,
    };
}

impl Default for Quota {
    fn default() -> Quota {
        Quota::SYNC
    }
}

/// Whether `key` is one of the list's items (its meta item or a chunk), in either area.
pub fn is_list_key(key: &str) -> bool {
    key == META_KEY || key.starts_with(CHUNK_PREFIX)
}

/// Which `chrome.storage` area holds the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Area {
    Sync,
    Local,
}

/// The meta item: how many chunks, how they are encoded, and a checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub version: u32,
    pub chunks: usize,
    /// The state's change counter, for a person reading storage.
    #[serde(default)]
    pub revision: u64,
    /// How the chunks' text is encoded: absent for plain JSON, or `"deflate-base64"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// FNV-1a of the list's JSON text, so that chunks mixed from two writes
    /// (one browser's sync still arriving) are recognised, never misread.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub checksum: String,
    /// Written by version 1 (the list this one was made from); no longer used.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent: String,
}

/// Chunks hold the list's JSON compressed with DEFLATE, in base64.
pub const DEFLATE_BASE64: &str = "deflate-base64";

/// Items to write to one area, and chunk keys left over from a longer list to remove.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WritePlan {
    pub area: Area,
    pub set: BTreeMap<String, Value>,
    pub remove: Vec<String>,
    /// Bytes the items take, as the quota counts them.
    pub bytes: usize,
    /// Whether the list had to be compressed to fit.
    pub compressed: bool,
    /// The checksum of the list written.
    pub checksum: String,
    /// The quota the plan was made for: the sync area's when `area` is
    /// `Sync`, or when the list was too large for it (`area: Local`).
    pub sync_quota_bytes: usize,
}

fn item_bytes(key: &str, value: &Value) -> usize {
    key.len() + value.to_string().len()
}

/// Bytes `c` takes inside a JSON string as serde_json writes it.
fn json_escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// Splits `text` into pieces whose JSON-string encoding plus key fits `limit`.
fn chunk(text: &str, limit: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut bytes = 2; // the quotes
    for (i, c) in text.char_indices() {
        let key_len = CHUNK_PREFIX.len() + (chunks.len() + 1).to_string().len();
        let encoded = json_escaped_len(c);
        if key_len + bytes + encoded > limit && i > start {
            chunks.push(text[start..i].to_string());
            start = i;
            bytes = 2;
        }
        bytes += encoded;
    }
    if start < text.len() {
        chunks.push(text[start..].to_string());
    }
    chunks
}

/// FNV-1a, 64 bits, as 16 hex digits: cheap, and enough to tell two writes apart.
fn checksum(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        n = n << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Bytes the largest valid entry takes in the stored state: every field at its
/// longest, in four-byte characters, with the stamps of a few browsers
/// (pinned by a test).
pub const MAX_STORED_ENTRY: usize = 3 * 1024;

/// The largest list text inflated from storage: what a list of the most
/// environments, each as large as it can be, can need (a guard against
/// damaged or crafted data, which could otherwise inflate a thousandfold).
pub const MAX_INFLATED: usize = MAX_ENVIRONMENTS * MAX_STORED_ENTRY;

fn layout(
    text: &str,
    meta: Meta,
    area: Area,
    quota: &Quota,
    existing_keys: &[String],
) -> (WritePlan, bool) {
    // Chunks must fit the per-item limit; the meta item is small.
    let pieces = chunk(text, quota.quota_bytes_per_item.clamp(64, 1 << 30));
    let meta = Meta {
        chunks: pieces.len(),
        ..meta
    };
    let compressed = meta.encoding.is_some();
    let mut set = BTreeMap::new();
    set.insert(
        META_KEY.to_string(),
        serde_json::to_value(&meta).unwrap_or(Value::Null),
    );
    for (i, piece) in pieces.into_iter().enumerate() {
        set.insert(format!("{CHUNK_PREFIX}{i}"), Value::String(piece));
    }
    let bytes: usize = set.iter().map(|(k, v)| item_bytes(k, v)).sum();
    let fits = set.len() <= quota.max_items && bytes <= quota.quota_bytes;
    let remove = existing_keys
        .iter()
        .filter(|k| k.starts_with(CHUNK_PREFIX) && !set.contains_key(*k))
        .cloned()
        .collect();
    (
        WritePlan {
            checksum: meta.checksum.clone(),
            area,
            set,
            remove,
            bytes,
            compressed,
            sync_quota_bytes: quota.quota_bytes,
        },
        fits,
    )
}

/// Plans writing `state` to a sync area with `quota`, given the keys the area
/// holds now: plain JSON when it fits, compressed when only that fits, and
/// otherwise a plan for local storage (`area: Local`).
pub fn plan_write(state: &ListState, quota: &Quota, existing_keys: &[String]) -> WritePlan {
    let text = state_text(state);
    let meta = Meta {
        version: STORED_VERSION,
        chunks: 0,
        revision: state.revision(),
        encoding: None,
        checksum: checksum(&text),
        parent: String::new(),
    };
    let (plain, fits) = layout(&text, meta.clone(), Area::Sync, quota, existing_keys);
    if fits {
        return plain;
    }
    let packed = base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
    let encoded = Meta {
        encoding: Some(DEFLATE_BASE64.into()),
        ..meta
    };
    let (compressed, fits) = layout(&packed, encoded.clone(), Area::Sync, quota, existing_keys);
    if fits {
        return compressed;
    }
    // Local storage: no per-item limit worth chunking for; compressed, as it is smaller.
    let mut local = layout(
        &packed,
        encoded,
        Area::Local,
        &Quota::UNLIMITED,
        existing_keys,
    )
    .0;
    local.sync_quota_bytes = quota.quota_bytes;
    local
}

/// The stored document's text: `{"version":2,"clock":…,"entries":[…],…}`.
fn state_text(state: &ListState) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        #[serde(flatten)]
        state: crate::storage::sync::StoredState<'a>,
    }
    serde_json::to_string(&Doc {
        version: STORED_VERSION,
        state: state.to_stored(),
    })
    .unwrap_or_default()
}

/// The checksum of the state as it would be stored: two states with the same
/// checksum need no write from one to the other.
pub fn state_checksum(state: &ListState) -> String {
    checksum(&state_text(state))
}

/// Why the stored list could not be read. Nothing is changed when this happens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError {
    /// Chunks from two writes, or missing ones: another browser's write is still arriving.
    Incomplete,
    /// A chunk is missing: part `part` of `of`.
    MissingPart { part: usize, of: usize },
    /// Written by a newer version of the extension.
    Newer { version: u32 },
    /// An encoding this version does not know.
    UnknownEncoding { encoding: String },
    /// Larger, once decompressed, than any list the extension can write.
    TooLarge,
    /// The header or the document is damaged.
    Damaged { detail: String },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Incomplete => f.write_str(INCOMPLETE),
            ReadError::MissingPart { part, of } => write!(
                f,
                "Part {part} of {of} of the stored list is missing; it may still be syncing. Nothing was changed."
            ),
            ReadError::Newer { version } => write!(
                f,
                "The stored list was written by a newer version of the extension (format {version}); update the extension."
            ),
            ReadError::UnknownEncoding { encoding } => write!(
                f,
                "The stored list uses an encoding this version does not know ({encoding}); update the extension."
            ),
            ReadError::TooLarge => write!(
                f,
                "The stored list is damaged: decompressed, it would be larger than {} MiB, more than any list of {MAX_ENVIRONMENTS} environments can need. Nothing was changed.",
                MAX_INFLATED >> 20
            ),
            ReadError::Damaged { detail } => {
                write!(f, "The stored list is damaged ({detail}); nothing was changed.")
            }
        }
    }
}

impl std::error::Error for ReadError {}

const INCOMPLETE: &str =
    "The stored list is only partly there: another browser's change is still syncing. Nothing was changed; try again in a moment.";

/// The list read back from storage: its state, and the checksum it was stored with.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub state: ListState,
    /// The stored text's checksum ("" for an empty area).
    pub checksum: String,
}

/// Reads the list from an area's items. An empty area is an empty list; a list
/// written before merging existed (version 1) is taken over.
pub fn read(items: &BTreeMap<String, Value>) -> Result<Stored, ReadError> {
    let Some(meta) = items.get(META_KEY) else {
        return Ok(Stored {
            state: ListState::new(),
            checksum: String::new(),
        });
    };
    let meta: Meta = serde_json::from_value(meta.clone()).map_err(|e| ReadError::Damaged {
        detail: format!("its header: {e}"),
    })?;
    if meta.version > STORED_VERSION {
        return Err(ReadError::Newer {
            version: meta.version,
        });
    }
    // Each chunk is at most one item; a damaged header cannot make this allocate more.
    let mut text = String::new();
    for i in 0..meta.chunks {
        match items.get(&format!("{CHUNK_PREFIX}{i}")) {
            Some(Value::String(s)) => text.push_str(s),
            _ => {
                return Err(ReadError::MissingPart {
                    part: i + 1,
                    of: meta.chunks,
                })
            }
        }
    }
    match meta.encoding.as_deref() {
        None => {}
        Some(DEFLATE_BASE64) => {
            let bytes = base64_decode(&text).ok_or_else(|| damaged_or_incomplete(&meta))?;
            let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_INFLATED)
                .map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ReadError::TooLarge,
                    _ => damaged_or_incomplete(&meta),
                })?;
            text = String::from_utf8(inflated).map_err(|_| damaged_or_incomplete(&meta))?;
        }
        Some(other) => {
            return Err(ReadError::UnknownEncoding {
                encoding: other.into(),
            })
        }
    }
    let sum = checksum(&text);
    if !meta.checksum.is_empty() && sum != meta.checksum {
        return Err(ReadError::Incomplete);
    }
    let damaged = |e: serde_json::Error| ReadError::Damaged {
        detail: e.to_string(),
    };
    let state = if meta.version < STORED_VERSION {
        #[derive(Deserialize)]
        struct V1 {
            #[serde(default)]
            environments: Bounded<Value>,
        }
        let doc: V1 = serde_json::from_str(&text).map_err(damaged)?;
        ListState::from_v1(doc.environments.0)
    } else {
        #[derive(Deserialize)]
        struct V2 {
            clock: u64,
            #[serde(default)]
            entries: Bounded<Value>,
            #[serde(default)]
            deleted: Bounded<Value>,
            #[serde(default)]
            damaged: Bounded<Value>,
        }
        let doc: V2 = serde_json::from_str(&text).map_err(damaged)?;
        ListState::from_parts(doc.clock, doc.entries.0, doc.deleted.0, doc.damaged.0)
    };
    Ok(Stored {
        state,
        checksum: sum,
    })
}

/// The most items a stored list's arrays may hold: two browsers' full lists
/// (and deletions) before they were merged. Reading stops at once beyond.
pub const MAX_STORED_ITEMS: usize = 2 * (MAX_ENVIRONMENTS + MAX_TOMBSTONES);

/// A JSON array read item by item that refuses to hold more than [`MAX_STORED_ITEMS`].
#[derive(Default)]
struct Bounded<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Bounded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
            type Value = Bounded<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of at most {MAX_STORED_ITEMS} items")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX_STORED_ITEMS {
                        return Err(serde::de::Error::custom(format!(
                            "it holds more than {MAX_STORED_ITEMS} items, more than any list can"
                        )));
                    }
                    items.push(item);
                }
                Ok(Bounded(items))
            }
        }
        d.deserialize_seq(Items(std::marker::PhantomData))
    }
}

fn damaged_or_incomplete(meta: &Meta) -> ReadError {
    if meta.checksum.is_empty() {
        ReadError::Damaged {
            detail: "it does not decompress".into(),
        }
    } else {
        ReadError::Incomplete
    }
}

/// A storage area, as the extension's glue implements it over `chrome.storage`.
pub trait Store {
    /// Every item in the area.
    fn items(&self) -> BTreeMap<String, Value>;
    /// Writes the plan's items and removes its stale keys.
    fn apply(&mut self, plan: &WritePlan) -> Result<(), String>;
}

/// An in-memory area that enforces a quota like `chrome.storage.sync` does.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    pub items: BTreeMap<String, Value>,
    pub quota: Quota,
}

impl MemoryStore {
    pub fn new(quota: Quota) -> Self {
        MemoryStore {
            items: BTreeMap::new(),
            quota,
        }
    }
}

impl Store for MemoryStore {
    fn items(&self) -> BTreeMap<String, Value> {
        self.items.clone()
    }

    fn apply(&mut self, plan: &WritePlan) -> Result<(), String> {
        let mut next = self.items.clone();
        for key in &plan.remove {
            next.remove(key);
        }
        for (k, v) in &plan.set {
            if item_bytes(k, v) > self.quota.quota_bytes_per_item {
                return Err(format!("QUOTA_BYTES_PER_ITEM quota exceeded by {k}"));
            }
            next.insert(k.clone(), v.clone());
        }
        let total: usize = next.iter().map(|(k, v)| item_bytes(k, v)).sum();
        if total > self.quota.quota_bytes || next.len() > self.quota.max_items {
            return Err("QUOTA_BYTES quota exceeded".into());
        }
        self.items = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keys_are_the_meta_item_and_its_chunks() {
        for key in [META_KEY, "envs.0", "envs.17"] {
            assert!(is_list_key(key), "{key}");
        }
        for key in [
            "envsx",
            "settings",
            "bannerSettings",
            "replicaId",
            "listArea",
            "",
        ] {
            assert!(!is_list_key(key), "{key}");
        }
    }

    #[test]
    fn a_quota_limit_the_browser_does_not_report_is_chromes_documented_one() {
        let quota: Quota = serde_json::from_str(r#"{"quotaBytes": 50000}"#).unwrap();
        assert_eq!(
            quota,
            Quota {
                quota_bytes: 50_000,
                ..Quota::SYNC
            }
        );
    }
    use crate::model::{example_environments, Environment};

    fn many(n: usize) -> Vec<Environment> {
        (0..n)
            .map(|i| {
                let mut e = example_environments().remove(0);
                e.id = format!("id-{i}");
                e.account_id = format!("{:012}", 100_000_000_000u64 + i as u64);
                e.display_name = format!("team-{i} «ünïcødé» \"quoted\" \\ env");
                e
            })
            .collect()
    }

    fn state(envs: &[Environment]) -> ListState {
        let mut state = ListState::new();
        state.apply(&[], envs, "a", 0).unwrap();
        state
    }

    fn list(items: &BTreeMap<String, Value>) -> Vec<Environment> {
        read(items).unwrap().state.view().environments
    }

    fn write(store: &mut MemoryStore, envs: &[Environment]) -> WritePlan {
        let keys: Vec<String> = store.items.keys().cloned().collect();
        let plan = plan_write(&state(envs), &store.quota, &keys);
        if plan.area == Area::Sync {
            store.apply(&plan).unwrap();
        }
        plan
    }

    #[test]
    fn round_trip_through_chunks_within_item_quota() {
        for n in [0, 1, 2, 30, 120] {
            let envs = many(n);
            let mut store = MemoryStore::new(Quota::SYNC);
            let plan = write(&mut store, &envs);
            assert_eq!(plan.area, Area::Sync, "{n} entries should fit sync");
            for (k, v) in &plan.set {
                assert!(item_bytes(k, v) <= Quota::SYNC.quota_bytes_per_item, "{k}");
            }
            let back = read(&store.items()).unwrap();
            assert_eq!(back.state, state(&envs));
            let view = back.state.view();
            assert_eq!(view.environments, envs);
            assert!(view.unreadable.is_empty() && view.repairs.is_empty());
            assert_eq!(back.checksum, plan.checksum);
        }
    }

    #[test]
    fn shrinking_removes_stale_chunks() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(120));
        let before = store.items.len();
        let plan = write(&mut store, &many(2));
        assert!(!plan.remove.is_empty());
        assert!(store.items.len() < before);
        assert_eq!(list(&store.items()), many(2));
    }

    /// Rewrites a stored plain list, as an older version with laxer rules might have written it.
    fn rewrite(store: &mut MemoryStore, edit: impl Fn(String) -> String) {
        let text = edit(store.items["envs.0"].as_str().unwrap().to_string());
        let mut meta: Meta = serde_json::from_value(store.items[META_KEY].clone()).unwrap();
        meta.checksum = checksum(&text);
        store
            .items
            .insert(META_KEY.into(), serde_json::to_value(meta).unwrap());
        store.items.insert("envs.0".into(), Value::String(text));
    }

    #[test]
    fn a_list_written_before_merging_is_taken_over() {
        let envs = many(3);
        let text = serde_json::json!({"version": 1, "environments": envs}).to_string();
        let mut items = BTreeMap::new();
        items.insert(
            META_KEY.to_string(),
            serde_json::json!({"version": 1, "chunks": 1, "revision": 4, "checksum": checksum(&text)}),
        );
        items.insert("envs.0".to_string(), Value::String(text));
        let back = read(&items).unwrap();
        assert_eq!(back.state.view().environments, envs);
        assert_eq!(
            back.state,
            read(&items).unwrap().state,
            "the same on every browser"
        );
    }

    #[test]
    fn base64_round_trips() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(
                base64_decode(&base64_encode(&bytes)).unwrap(),
                bytes,
                "{len}"
            );
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
        assert_eq!(base64_decode("not*base64"), None);
    }

    #[test]
    fn chunks_count_json_escapes() {
        let text = "\"\\\u{1}é".repeat(500);
        for (i, piece) in chunk(&text, 100).into_iter().enumerate() {
            assert!(item_bytes(&format!("{CHUNK_PREFIX}{i}"), &Value::String(piece)) <= 100);
        }
        assert_eq!(chunk(&text, 100).concat(), text);
    }

    #[test]
    fn lists_too_big_for_plain_sync_are_compressed() {
        let envs = many(1500);
        let mut store = MemoryStore::new(Quota::SYNC);
        let plan = write(&mut store, &envs);
        assert_eq!((plan.area, plan.compressed), (Area::Sync, true));
        assert!(plan.bytes <= Quota::SYNC.quota_bytes);
        assert_eq!(list(&store.items()), envs);
        // Small lists stay plain JSON, readable in the browser's storage inspector.
        assert!(!plan_write(&state(&many(5)), &Quota::SYNC, &[]).compressed);
    }

    #[test]
    fn chunks_mixed_from_two_writes_are_refused_not_misread() {
        let mut a = MemoryStore::new(Quota::SYNC);
        write(&mut a, &many(120));
        let mut b = MemoryStore::new(Quota::SYNC);
        let mut other = many(120);
        other[0].display_name = "changed elsewhere".into();
        write(&mut b, &other);
        let mut mixed = a.items();
        mixed.insert("envs.0".into(), b.items["envs.0"].clone());
        assert_eq!(read(&mixed).unwrap_err(), ReadError::Incomplete);
        assert!(ReadError::Incomplete.to_string().contains("still syncing"));
    }

    #[test]
    fn too_big_for_sync_goes_local() {
        let plan = plan_write(&state(&many(20_000)), &Quota::SYNC, &[]);
        assert_eq!(plan.area, Area::Local);
        assert_eq!(
            plan.set.len(),
            2,
            "one chunk: local storage has no per-item limit"
        );
        let mut local = MemoryStore::new(Quota {
            quota_bytes: 10_000_000,
            quota_bytes_per_item: usize::MAX,
            max_items: usize::MAX,
        });
        local.apply(&plan).unwrap();
        assert_eq!(list(&local.items()).len(), 20_000);
    }

    #[test]
    fn damaged_entries_are_set_aside_not_dropped() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(3));
        // Damage the second entry's account ID and un-normalise the third's color.
        rewrite(&mut store, |text| {
            text.replacen("100000000001", "1000", 1)
                .replacen("#b7ca9d", "GREEN", 1)
        });
        let back = read(&store.items()).unwrap().state.view();
        assert_eq!(back.environments.len(), 2);
        assert_eq!(back.unreadable.len(), 1);
        assert!(
            back.unreadable[0].reason.contains("must be 12 digits"),
            "{}",
            back.unreadable[0].reason
        );
        assert_eq!(back.repairs.len(), 1, "{:?}", back.repairs);
    }

    #[test]
    fn entries_for_the_same_account_and_role_are_set_aside() {
        let mut envs = many(2);
        let mut again = envs[0].clone();
        again.id = "again".into();
        envs.push(again);
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &envs);
        let back = read(&store.items()).unwrap().state.view();
        assert_eq!(back.environments, many(2));
        assert_eq!(back.unreadable.len(), 1);
    }

    #[test]
    fn missing_chunk_or_newer_format_is_an_error() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(120));
        let mut items = store.items();
        items.remove("envs.1");
        let err = read(&items).unwrap_err();
        assert!(err.to_string().contains("Part 2 of"), "{err}");
        let mut items = store.items();
        items.insert(
            META_KEY.into(),
            serde_json::json!({"version": 9, "chunks": 1, "revision": 1}),
        );
        assert!(read(&items)
            .unwrap_err()
            .to_string()
            .contains("newer version"));
    }

    #[test]
    fn empty_area_is_empty_list() {
        let back = read(&BTreeMap::new()).unwrap();
        assert!(back.state.view().environments.is_empty());
    }

    /// Chunks that inflate far beyond anything the extension writes (a few KB
    /// that would become hundreds of MB) are refused without inflating them all.
    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = vec![b' '; MAX_INFLATED + 1];
        let packed = base64_encode(&miniz_oxide::deflate::compress_to_vec(&bomb, 9));
        assert!(packed.len() < 200_000, "{}", packed.len());
        let mut items = BTreeMap::new();
        items.insert(
            META_KEY.to_string(),
            serde_json::json!({"version": 2, "chunks": 1, "encoding": DEFLATE_BASE64, "checksum": "0"}),
        );
        items.insert("envs.0".to_string(), Value::String(packed));
        assert_eq!(read(&items).unwrap_err(), ReadError::TooLarge);
    }

    /// A few KB that inflate to megabytes of tiny entries stop being read at
    /// the most items a list can hold, instead of building millions of them.
    #[test]
    fn a_list_of_millions_of_entries_is_refused() {
        let text = format!(
            "{{\"version\":1,\"environments\":[{}{{}}]}}",
            "{},".repeat(3_000_000)
        );
        let packed = base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        assert!(packed.len() < 100_000, "{}", packed.len());
        let mut items = BTreeMap::new();
        items.insert(
            META_KEY.to_string(),
            serde_json::json!({"version": 1, "chunks": 1, "encoding": DEFLATE_BASE64, "checksum": checksum(&text)}),
        );
        items.insert("envs.0".to_string(), Value::String(packed));
        let err = read(&items).unwrap_err();
        assert!(err.to_string().contains("more than any list can"), "{err}");
    }

    /// A valid entry with every field as long as it can be, in four-byte
    /// characters, edited on several browsers, fits [`MAX_STORED_ENTRY`].
    #[test]
    fn the_largest_entry_fits_the_inflate_bound() {
        use crate::validate::{MAX_DISPLAY_NAME, MAX_ENV_TITLE_PREFIX, MAX_GROUP};
        let wide = |n: usize| "𝔸".repeat(n);
        let mut e = example_environments().remove(0);
        e.id = "x".repeat(64);
        e.display_name = wide(MAX_DISPLAY_NAME);
        e.group = Some(wide(MAX_GROUP));
        e.title_prefix = Some(wide(MAX_ENV_TITLE_PREFIX));
        e.role_name = format!("{}/{}", "p".repeat(30), "r".repeat(32));
        e.region = Some("ap-southeast-4".into());
        e.base = Some(crate::model::BaseAccount {
            account_id: Some("123456789012".into()),
            alias: Some("a".repeat(63)),
            role_name: Some("r".repeat(64)),
        });
        let mut state = ListState::new();
        state
            .apply(&[], std::slice::from_ref(&e), "browser-1", 0)
            .unwrap();
        assert!(
            state.view().unreadable.is_empty(),
            "{:?}",
            state.view().unreadable
        );
        for replica in ["browser-2", "browser-3", "browser-4"] {
            let before = state.view().environments;
            let mut after = before.clone();
            after[0].color = "#ff0000".into();
            after[0].production = !after[0].production;
            state.apply(&before, &after, replica, 0).unwrap();
        }
        let text = state_text(&state);
        assert!(text.len() <= MAX_STORED_ENTRY, "{} bytes", text.len());
    }
}

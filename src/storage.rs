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

use crate::model::{Document, Environment, EnvironmentInput, DOCUMENT_VERSION};
use crate::validate::{check_list, quote, validate_environment};

/// The meta item's key.
pub const META_KEY: &str = "envs";
/// Chunk keys are this prefix plus an index.
pub const CHUNK_PREFIX: &str = "envs.";

/// Limits of a storage area (`chrome.storage.sync.QUOTA_BYTES` and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
}

/// Which `chrome.storage` area holds the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Area {
    Sync,
    Local,
}

/// The meta item: how many chunks, and a revision for stale-write detection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub version: u32,
    pub chunks: usize,
    pub revision: u64,
    /// How the chunks' text is encoded: absent for plain JSON, or [`DEFLATE_BASE64`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// FNV-1a of the list's JSON text, so that chunks mixed from two writes
    /// (one browser's sync still arriving) are recognised, never misread.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub checksum: String,
    /// The checksum of the list this one was made from: another browser's write
    /// whose parent is not the list this browser last wrote was made concurrently.
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

/// The largest list text inflated from storage (a guard against damaged data).
const MAX_INFLATED: usize = 64 * 1024 * 1024;

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
        },
        fits,
    )
}

/// Plans writing `envs` as revision `revision` to a sync area with `quota`,
/// given the keys the area holds now: plain JSON when it fits, compressed when
/// only that fits, and otherwise a plan for local storage (`area: Local`).
pub fn plan_write(
    envs: &[Environment],
    revision: u64,
    parent: &str,
    quota: &Quota,
    existing_keys: &[String],
) -> WritePlan {
    let doc = Document {
        version: DOCUMENT_VERSION,
        environments: envs.to_vec(),
    };
    let text = serde_json::to_string(&doc).unwrap_or_default();
    let meta = Meta {
        version: DOCUMENT_VERSION,
        chunks: 0,
        revision,
        encoding: None,
        checksum: checksum(&text),
        parent: parent.to_string(),
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
    let local = Quota {
        quota_bytes: usize::MAX,
        quota_bytes_per_item: usize::MAX,
        max_items: usize::MAX,
    };
    layout(&packed, encoded, Area::Local, &local, existing_keys).0
}

const INCOMPLETE: &str =
    "The stored list is only partly there: another browser's change is still syncing. Nothing was changed; try again in a moment.";

/// An entry that could not be read back, kept so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreadable {
    /// The entry as stored.
    pub raw: Value,
    /// Why it was set aside.
    pub reason: String,
}

/// The list read back from storage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadResult {
    pub environments: Vec<Environment>,
    pub revision: u64,
    /// The stored list's checksum ("" for an empty area): the parent of the next write.
    pub checksum: String,
    /// Entries that could not be read, for the options page to show.
    pub unreadable: Vec<Unreadable>,
    /// What was repaired, in words.
    pub repairs: Vec<String>,
}

/// Reads the list from an area's items. An empty area is an empty list.
pub fn read(items: &BTreeMap<String, Value>) -> Result<ReadResult, String> {
    let Some(meta) = items.get(META_KEY) else {
        return Ok(ReadResult {
            environments: vec![],
            revision: 0,
            checksum: String::new(),
            unreadable: vec![],
            repairs: vec![],
        });
    };
    let meta: Meta = serde_json::from_value(meta.clone())
        .map_err(|e| format!("The stored list's header is damaged ({e}); nothing was changed."))?;
    if meta.version > DOCUMENT_VERSION {
        return Err(format!(
            "The stored list was written by a newer version of the extension (format {}); update the extension.",
            meta.version
        ));
    }
    let mut text = String::new();
    for i in 0..meta.chunks {
        match items.get(&format!("{CHUNK_PREFIX}{i}")) {
            Some(Value::String(s)) => text.push_str(s),
            _ => {
                return Err(format!(
                    "Part {} of {} of the stored list is missing; it may still be syncing. Nothing was changed.",
                    i + 1,
                    meta.chunks
                ))
            }
        }
    }
    if meta.encoding.as_deref() == Some(DEFLATE_BASE64) {
        let inflated = base64_decode(&text)
            .and_then(|bytes| {
                miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_INFLATED).ok()
            })
            .and_then(|bytes| String::from_utf8(bytes).ok());
        match inflated {
            Some(t) => text = t,
            None if !meta.checksum.is_empty() => return Err(INCOMPLETE.into()),
            None => {
                return Err(
                    "The stored list is damaged (it does not decompress); nothing was changed."
                        .into(),
                )
            }
        }
    } else if let Some(other) = &meta.encoding {
        return Err(format!(
            "The stored list uses an encoding this version does not know ({other}); update the extension."
        ));
    }
    if !meta.checksum.is_empty() && checksum(&text) != meta.checksum {
        return Err(INCOMPLETE.into());
    }
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("The stored list is damaged ({e}); nothing was changed."))?;
    let raw_envs = doc
        .get("environments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut result = ReadResult {
        environments: vec![],
        revision: meta.revision,
        checksum: if meta.checksum.is_empty() {
            checksum(&text)
        } else {
            meta.checksum.clone()
        },
        unreadable: vec![],
        repairs: vec![],
    };
    for (i, raw) in raw_envs.into_iter().enumerate() {
        let input: Result<EnvironmentInput, _> = serde_json::from_value(raw.clone());
        let checked = input.map_err(|e| e.to_string()).and_then(|inp| {
            validate_environment(&inp, &format!("restored-{i}"))
                .map(|env| (inp, env))
                .map_err(|errs| {
                    errs.iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
        });
        match checked {
            Ok((_, env)) => {
                if serde_json::to_value(&env).ok().as_ref() != Some(&raw) {
                    result.repairs.push(format!(
                        "Entry {} ({}) was normalised.",
                        i + 1,
                        quote(&env.display_name)
                    ));
                }
                result.environments.push(env);
            }
            Err(reason) => result.unreadable.push(Unreadable { raw, reason }),
        }
    }
    // Entries that clash with an earlier one are set aside, not dropped.
    let clashes = check_list(&result.environments);
    let mut set_aside: BTreeMap<usize, String> = BTreeMap::new();
    for problem in clashes {
        set_aside.entry(problem.index).or_insert(problem.message);
    }
    for (index, reason) in set_aside.into_iter().rev() {
        let env = result.environments.remove(index);
        result.unreadable.push(Unreadable {
            raw: serde_json::to_value(&env).unwrap_or(Value::Null),
            reason,
        });
    }
    Ok(result)
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
    use crate::model::example_environments;

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

    fn write(store: &mut MemoryStore, envs: &[Environment], rev: u64) -> WritePlan {
        let keys: Vec<String> = store.items.keys().cloned().collect();
        let plan = plan_write(envs, rev, "", &store.quota, &keys);
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
            let plan = write(&mut store, &envs, 7);
            assert_eq!(plan.area, Area::Sync, "{n} entries should fit sync");
            for (k, v) in &plan.set {
                assert!(item_bytes(k, v) <= Quota::SYNC.quota_bytes_per_item, "{k}");
            }
            let back = read(&store.items()).unwrap();
            assert_eq!(back.environments, envs);
            assert_eq!(back.revision, 7);
            assert!(back.unreadable.is_empty() && back.repairs.is_empty());
        }
    }

    #[test]
    fn shrinking_removes_stale_chunks() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(120), 1);
        let before = store.items.len();
        let plan = write(&mut store, &many(2), 2);
        assert!(!plan.remove.is_empty());
        assert!(store.items.len() < before);
        assert_eq!(read(&store.items()).unwrap().environments, many(2));
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
    fn writes_name_their_parent_and_reads_report_their_checksum() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(2), 1);
        let first = read(&store.items()).unwrap();
        assert_eq!(first.checksum.len(), 16);
        let keys: Vec<String> = store.items.keys().cloned().collect();
        let plan = plan_write(&many(3), 2, &first.checksum, &Quota::SYNC, &keys);
        assert_eq!(plan.set[META_KEY]["parent"], first.checksum.as_str());
        store.apply(&plan).unwrap();
        let second = read(&store.items()).unwrap();
        assert_eq!(second.checksum, plan.checksum);
        assert_ne!(second.checksum, first.checksum);
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
        let plan = write(&mut store, &envs, 3);
        assert_eq!((plan.area, plan.compressed), (Area::Sync, true));
        assert!(plan.bytes <= Quota::SYNC.quota_bytes);
        assert_eq!(read(&store.items()).unwrap().environments, envs);
        // Small lists stay plain JSON, readable in the browser's storage inspector.
        assert!(!plan_write(&many(5), 1, "", &Quota::SYNC, &[]).compressed);
    }

    #[test]
    fn chunks_mixed_from_two_writes_are_refused_not_misread() {
        let mut a = MemoryStore::new(Quota::SYNC);
        write(&mut a, &many(120), 1);
        let mut b = MemoryStore::new(Quota::SYNC);
        let mut other = many(120);
        other[0].display_name = "changed elsewhere".into();
        write(&mut b, &other, 2);
        let mut mixed = a.items();
        mixed.insert("envs.0".into(), b.items["envs.0"].clone());
        assert!(read(&mixed).unwrap_err().contains("still syncing"));
    }

    #[test]
    fn too_big_for_sync_goes_local() {
        let plan = plan_write(&many(20_000), 1, "", &Quota::SYNC, &[]);
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
        assert_eq!(read(&local.items()).unwrap().environments.len(), 20_000);
    }

    #[test]
    fn damaged_entries_are_set_aside_not_dropped() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(3), 1);
        // Damage the second entry's account ID and un-normalise the third's color.
        rewrite(&mut store, |text| {
            text.replacen("100000000001", "1000", 1)
                .replacen("#b7ca9d", "GREEN", 1)
        });
        let back = read(&store.items()).unwrap();
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
    fn duplicate_entries_are_set_aside() {
        let mut envs = many(2);
        envs.push(envs[0].clone()); // same id and same account+role
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &envs, 1);
        let back = read(&store.items()).unwrap();
        assert_eq!(back.environments, many(2));
        assert_eq!(back.unreadable.len(), 1);
    }

    #[test]
    fn missing_chunk_or_newer_format_is_an_error() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(120), 1);
        let mut items = store.items();
        items.remove("envs.1");
        assert!(read(&items).unwrap_err().contains("Part 2 of"));
        let mut items = store.items();
        items.insert(
            META_KEY.into(),
            serde_json::json!({"version": 9, "chunks": 1, "revision": 1}),
        );
        assert!(read(&items).unwrap_err().contains("newer version"));
    }

    #[test]
    fn empty_area_is_empty_list() {
        let back = read(&BTreeMap::new()).unwrap();
        assert!(back.environments.is_empty());
    }
}

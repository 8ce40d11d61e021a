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
}

/// Items to write to one area, and chunk keys left over from a longer list to remove.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WritePlan {
    pub area: Area,
    pub set: BTreeMap<String, Value>,
    pub remove: Vec<String>,
    /// Bytes the items take, as the quota counts them.
    pub bytes: usize,
}

fn item_bytes(key: &str, value: &Value) -> usize {
    key.len() + value.to_string().len()
}

/// Splits `text` into pieces whose JSON-string encoding plus key fits `limit`.
fn chunk(text: &str, limit: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut current_bytes = 2; // the quotes
    for c in text.chars() {
        let key_len = CHUNK_PREFIX.len() + (chunks.len() + 1).to_string().len();
        let encoded = Value::String(c.to_string()).to_string().len() - 2;
        if key_len + current_bytes + encoded > limit && !current.is_empty() {
            chunks.push(std::mem::take(&mut current));
            current_bytes = 2;
        }
        current.push(c);
        current_bytes += encoded;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Plans writing `envs` as revision `revision`, given the keys the area holds now.
///
/// Returns a sync plan when everything fits `quota`, otherwise a local plan.
pub fn plan_write(
    envs: &[Environment],
    revision: u64,
    quota: &Quota,
    existing_keys: &[String],
) -> WritePlan {
    let doc = Document {
        version: DOCUMENT_VERSION,
        environments: envs.to_vec(),
    };
    let text = serde_json::to_string(&doc).unwrap_or_default();
    // Leave room for the meta item within the per-item limit.
    let pieces = chunk(&text, quota.quota_bytes_per_item.max(64));
    let meta = Meta {
        version: DOCUMENT_VERSION,
        chunks: pieces.len(),
        revision,
    };
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
    WritePlan {
        area: if fits { Area::Sync } else { Area::Local },
        set,
        remove,
        bytes,
    }
}

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
        let plan = plan_write(envs, rev, &store.quota, &keys);
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

    #[test]
    fn too_big_for_sync_goes_local() {
        let plan = plan_write(&many(2000), 1, &Quota::SYNC, &[]);
        assert_eq!(plan.area, Area::Local);
        let mut local = MemoryStore::new(Quota {
            quota_bytes: 10_000_000,
            quota_bytes_per_item: usize::MAX,
            max_items: usize::MAX,
        });
        local.apply(&plan).unwrap();
        assert_eq!(read(&local.items()).unwrap().environments.len(), 2000);
    }

    #[test]
    fn damaged_entries_are_set_aside_not_dropped() {
        let mut store = MemoryStore::new(Quota::SYNC);
        write(&mut store, &many(3), 1);
        let text = store.items["envs.0"].as_str().unwrap().to_string();
        // Damage the second entry's account ID and un-normalise the third's color.
        let damaged = text
            .replacen("100000000001", "1000", 1)
            .replacen("#b7ca9d", "GREEN", 1);
        store.items.insert("envs.0".into(), Value::String(damaged));
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

//! The popup's wasm facade: search only, so that the popup loads a small
//! module (no formats, no storage, no JSON) after its first paint. Built from
//! this crate with `--features popup-wasm`; the full facade is `wasm_api.rs`.
//!
//! The popup gets the list as the rows the service worker wrote
//! ([`crate::popup::rows`]); results are plain arrays of numbers.

use wasm_bindgen::prelude::*;

use crate::{popup::search::PreparedLoader, read_popup_rows, SearchIndex};

/// A search index over the popup's rows, kept in wasm memory so that each
/// keystroke only sends the query across.
#[wasm_bindgen]
pub struct PopupSearch {
    index: SearchIndex,
    preferred: Vec<u32>,
}

#[wasm_bindgen]
impl PopupSearch {
    /// Indexes `rows`; `preferred` (favorites, then reachable, recents first)
    /// orders an empty query and breaks ties.
    #[wasm_bindgen(constructor)]
    pub fn new(rows: &str, preferred: Vec<u32>) -> PopupSearch {
        PopupSearch {
            index: SearchIndex::new(&read_popup_rows(rows)),
            preferred,
        }
    }

    /// Loads the index the service worker prepared for the same rows
    /// (`PopupList.searchIndex()`); throws when `prepared` is not one.
    #[wasm_bindgen(js_name = fromPrepared)]
    pub fn from_prepared(prepared: &str, preferred: Vec<u32>) -> Result<PopupSearch, JsError> {
        let index = SearchIndex::from_prepared(prepared)
            .ok_or_else(|| JsError::new("the prepared search index could not be read"))?;
        Ok(PopupSearch { index, preferred })
    }

    /// Replaces the preferred order (a favorite was starred or unstarred).
    #[wasm_bindgen(js_name = setPreferred)]
    pub fn set_preferred(&mut self, preferred: Vec<u32>) {
        self.preferred = preferred;
    }

    /// Indices of the entries matching `query`, best first.
    pub fn search(&self, query: &str) -> Vec<u32> {
        self.index.search_with(query, usize::MAX, &self.preferred)
    }

    /// Entry `index`'s row as the service worker wrote it (`PopupList.rows()`:
    /// fields separated by U+001F), or `undefined` for an unknown index: the
    /// popup draws rows from here once its search is loaded.
    pub fn row(&self, index: u32) -> Option<String> {
        self.index.row(index).map(str::to_string)
    }

    /// Matched ranges (UTF-16 offsets) in entry `index`'s display name, account
    /// (`1111-2222-3333`) and role, flat: per field the count, then start, end.
    pub fn highlight(&self, index: u32, query: &str) -> Vec<u32> {
        self.index.highlight(index, query).flat()
    }
}

/// Loads the index the service worker prepared a few entries at a time, so
/// that the popup takes keys between steps: `step` until it returns true,
/// then `finish`.
#[wasm_bindgen]
pub struct PopupSearchLoader {
    loader: Option<PreparedLoader>,
    preferred: Vec<u32>,
}

#[wasm_bindgen]
impl PopupSearchLoader {
    /// Starts loading `prepared` (`PopupList.searchIndex()`); throws when it is not one.
    #[wasm_bindgen(constructor)]
    pub fn new(prepared: String, preferred: Vec<u32>) -> Result<PopupSearchLoader, JsError> {
        let loader = PreparedLoader::new(prepared).ok_or_else(unreadable)?;
        Ok(PopupSearchLoader {
            loader: Some(loader),
            preferred,
        })
    }

    /// Starts loading `prepared` as UTF-8 bytes (as the service worker stores it for the
    /// popup: copied into wasm memory as they are, with no text encoding); throws when
    /// they are not one.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        prepared: Vec<u8>,
        preferred: Vec<u32>,
    ) -> Result<PopupSearchLoader, JsError> {
        let text = String::from_utf8(prepared).map_err(|_| unreadable())?;
        PopupSearchLoader::new(text, preferred)
    }

    /// Loads up to `entries` more entries; true once all are loaded.
    pub fn step(&mut self, entries: u32) -> Result<bool, JsError> {
        let loader = self.loader.as_mut().ok_or_else(unreadable)?;
        loader.step(entries as usize).ok_or_else(unreadable)
    }

    /// The search over the loaded index (once `step` returned true).
    pub fn finish(&mut self) -> Result<PopupSearch, JsError> {
        let index = self
            .loader
            .take()
            .and_then(PreparedLoader::finish)
            .ok_or_else(unreadable)?;
        Ok(PopupSearch {
            index,
            preferred: std::mem::take(&mut self.preferred),
        })
    }
}

fn unreadable() -> JsError {
    JsError::new("the prepared search index could not be read")
}

/// What the popup says when the search leaves part of `query` out (it has
/// caps on words and characters); `undefined` when it uses all of it.
#[wasm_bindgen(js_name = queryNote)]
pub fn query_note(query: &str) -> Option<String> {
    crate::popup::search::query_note(query)
}

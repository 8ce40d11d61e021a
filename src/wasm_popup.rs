//! The popup's wasm facade: search only, so that the popup loads a small
//! module (no formats, no storage, no JSON) after its first paint. Built from
//! this crate with `--features popup-wasm`; the full facade is `wasm_api.rs`.
//!
//! The popup gets the list as the rows the service worker wrote
//! ([`crate::popup_rows`]); results are plain arrays of numbers.

use wasm_bindgen::prelude::*;

use crate::{flat_highlights, read_popup_rows, SearchIndex};

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

    /// Replaces the preferred order (a favorite was starred or unstarred).
    #[wasm_bindgen(js_name = setPreferred)]
    pub fn set_preferred(&mut self, preferred: Vec<u32>) {
        self.preferred = preferred;
    }

    /// Indices of the entries matching `query`, best first.
    pub fn search(&self, query: &str) -> Vec<u32> {
        self.index.search_with(query, usize::MAX, &self.preferred)
    }

    /// Matched ranges (UTF-16 offsets) in entry `index`'s display name, account
    /// (`1111-2222-3333`) and role, flat: per field the count, then start, end.
    pub fn highlight(&self, index: u32, query: &str) -> Vec<u32> {
        flat_highlights(&self.index.highlight(index, query))
    }
}

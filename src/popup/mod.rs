//! The toolbar popup: its view (order, sections, favorites, recents), its
//! search, and the compact rows the worker prepares for it.

pub(crate) mod rows;
pub(crate) mod search;
pub(crate) mod view;

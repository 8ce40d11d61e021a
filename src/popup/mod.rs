//! The toolbar popup: its view (order, sections, favorites, recents), its
//! search, and the compact rows the worker prepares for it.

pub mod rows;
pub mod search;
pub mod view;

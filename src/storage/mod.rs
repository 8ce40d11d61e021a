//! The list in `chrome.storage`: the replicated state every browser merges
//! (`sync`) and its layout in storage items (`layout`).

pub mod layout;
pub mod sync;

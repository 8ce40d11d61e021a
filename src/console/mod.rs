//! What the extension computes for console and sign-in pages: a page's
//! identity, the switch plans, the banner and its lookup, Identity Center
//! names, links and multi-session choices.

pub mod banner;
pub mod identity;
pub mod links;
pub mod lookup;
pub mod reach;
pub mod sessions;
pub mod sso;
pub mod switch;

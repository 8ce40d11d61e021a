//! What the extension computes for console and sign-in pages: a page's
//! identity, the switch plans, the banner and its lookup, Identity Center
//! names, links and multi-session choices.

pub(crate) mod banner;
pub(crate) mod identity;
pub(crate) mod links;
pub(crate) mod lookup;
pub(crate) mod reach;
pub(crate) mod sessions;
pub(crate) mod sso;
pub(crate) mod switch;

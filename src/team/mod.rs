//! Team lists: subscriptions to a list published at an HTTPS URL, their
//! refresh and schedule, the merged view with the personal list and local
//! overrides, and browser policy.

pub(crate) mod managed;
pub(crate) mod merged;
pub(crate) mod refresh;
pub(crate) mod subscription;

//! Team lists: subscriptions to a list published at an HTTPS URL, their
//! refresh and schedule, the merged view with the personal list and local
//! overrides, and browser policy.

pub mod managed;
pub mod merged;
pub mod refresh;
pub mod subscription;

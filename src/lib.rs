//! Roleswitch core: the environment list, its validation, and everything the
//! extension computes about it (switch requests, console identity, banners,
//! storage layout). Pure Rust, no browser APIs; the wasm facades
//! (`wasm_api.rs`, and `wasm_popup.rs` for the popup's search) are the only
//! code that talks to JavaScript.
//!
//! The crate root holds the list: its model, validation and file formats,
//! which the CLI and the tests use. Everything else is in the module of the
//! part it serves: [`console`] (page identity, switch plans, banner, links,
//! sessions), [`popup`] (view, search, rows), [`storage`] (replicated state,
//! layout), [`team`] (subscriptions), [`settings`].
//!
//! ```
//! use roleswitch::{validate_environment, EnvironmentInput};
//!
//! let input = EnvironmentInput {
//!     account_id: Some("1111-2222-3333".into()),
//!     display_name: Some("test".into()),
//!     color: Some("green".into()),
//!     ..Default::default()
//! };
//! let env = validate_environment(&input, "env-1").unwrap();
//! assert_eq!(env.account_id, "111122223333");
//! assert_eq!(env.role_name, "OrganizationAccountAccessRole");
//! assert_eq!(env.color, "#b7ca9d");
//! ```

// Leaves: AWS facts, colors and a hasher, depending on nothing in the crate.
pub mod aws;
pub mod color;
mod fnv;
// The list: its model, validation and input checks.
pub mod input;
pub mod model;
pub mod settings;
pub mod validate;
// What is computed from the list, one folder a part of the extension.
pub mod console;
pub mod formats;
pub mod popup;
pub mod storage;
pub mod team;
#[cfg(all(target_arch = "wasm32", not(feature = "popup-wasm")))]
#[doc(hidden)]
pub mod wasm_api;
// The popup's own small wasm (search only), built with `--features popup-wasm`.
#[cfg(all(target_arch = "wasm32", feature = "popup-wasm"))]
#[doc(hidden)]
pub mod wasm_popup;

pub use aws::Partition;
pub use console::sso::reserved_permission_set;
pub use formats::{
    export, generated_id, parse, parse_any, plan_import, policy, Diagnostic, ExportOptions, Format,
    ImportMode, ImportOptions, PolicyOptions,
};
pub use input::{check_json_input, MAX_INPUT_DEPTH};
pub use model::{
    environments_json, example_environments, BaseAccount, BaseAccountInput, Document, Environment,
    EnvironmentInput, DEFAULT_ROLE_NAME,
};
pub use popup::rows::{popup_rows, read_popup_rows};
pub use popup::search::{SearchIndex, TextRange};
pub use team::subscription::{is_sudden_shrink, StaleReason};
pub use validate::{check_list, validate_environment};

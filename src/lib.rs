//! Roleswitch core: the environment list, its validation, and everything the
//! extension computes about it (switch requests, console identity, banners,
//! storage layout). Pure Rust, no browser APIs; the wasm facade in `wasm.rs`
//! is the only code that talks to JavaScript.
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

// Leaves: AWS facts and colors, depending on nothing in the crate.
mod aws;
mod color;
// The list: its model, validation and input checks.
mod input;
mod model;
mod settings;
mod validate;
// What is computed from the list, one folder a part of the extension.
mod console;
mod formats;
mod popup;
mod storage;
mod team;
#[cfg(all(target_arch = "wasm32", not(feature = "popup-wasm")))]
#[doc(hidden)]
pub mod wasm_api;
// The popup's own small wasm (search only), built with `--features popup-wasm`.
#[cfg(all(target_arch = "wasm32", feature = "popup-wasm"))]
#[doc(hidden)]
pub mod wasm_popup;

pub use aws::{format_account_id, host_kind, HostKind, Partition};
pub use color::AWS_COLORS;
pub use console::banner::{
    banner_for_environment, banner_for_page, contrast_ratio, luminance, readable_text, BannerLevel,
    BannerModel, MIN_CONTRAST,
};
pub use console::identity::{
    find_account_in_text, identify, match_environment, parse_principal_arn, ConsoleIdentity,
    ConsoleSignals, MatchKind,
};
pub use console::links::{
    console_home, copy_link, destination, parse_link, portal_shortcut, switch_role_link, LinkError,
    ParsedLink, MAX_LINK,
};
pub use console::lookup::{
    badge_text, title_prefix, BannerLookup, LookupEntry, EXTRACTION, LOOKUP_VERSION, PRODUCTION_CUE,
};
pub use console::reach::{base_label, base_matches, is_reachable};
pub use console::sessions::{choose_source, LiveSession, SourceChoice};
pub use console::sso::{reserved_permission_set, shown_role, RESERVED_PREFIX};
pub use console::switch::{
    check_destination, encode_query_value, nearest_form_color, plan_console_switch, plan_switch,
    redirect_uri_for, ConsoleFormFields, ConsoleSwitch, FormFill, PageContext, SessionSwitchBody,
    SwitchPlan,
};
pub use formats::{
    export, generated_id, parse, parse_any, parse_lenient, plan_import, policy, Change, Diagnostic,
    ExportError, ExportOptions, Format, ImportErrors, ImportMode, ImportOptions, ImportPlan,
    Lenient, Parsed, PolicyError, PolicyOptions,
};
pub use input::{
    check_json_input, import_too_large, InputError, MAX_IMPORT_BYTES, MAX_INPUT_BYTES,
    MAX_INPUT_DEPTH,
};
pub use model::{
    environments_json, example_environments, BaseAccount, BaseAccountInput, Document, Environment,
    EnvironmentInput, EnvironmentKind, DEFAULT_ROLE_NAME, DOCUMENT_VERSION,
};
pub use popup::rows::{
    flat_highlights, popup_rows, read_popup_rows, FIELD_SEPARATOR, ROW_FIELDS, ROW_SEPARATOR,
};
pub use popup::search::{
    query_note, Highlights, PreparedLoader, SearchIndex, TextRange, MAX_QUERY_CHARS,
    MAX_QUERY_TERMS, TABLE_BUDGET,
};
pub use popup::view::{
    back_environment, popup_view, read_favorites, toggle_favorite, touch_recent, BackOffer,
    PopupView, Section, MAX_FAVORITES, MAX_RECENTS,
};
pub use settings::{
    check_banner_settings, read_settings, BannerPosition, BannerSettings, Settings, SettingsRead,
    MAX_TITLE_PREFIX,
};
pub use storage::layout::{
    is_list_key, plan_write, read, state_checksum, Area, MemoryStore, Meta, Quota, ReadError,
    Store, Stored, WritePlan, MAX_INFLATED, STORED_VERSION,
};
pub use storage::sync::{
    ChangeError, ListState, ListView, MergeNote, Unreadable, MAX_ENVIRONMENTS, MAX_REPORTED,
    MAX_TOMBSTONES, TOMBSTONE_DAYS,
};
pub use team::managed::{read_managed, ManagedError, ManagedRead, ManagedSettings, MANAGED_KEYS};
pub use team::merged::{
    merged_view, set_override, Key, MergedEntry, MergedView, Override, OverrideError, Source,
    StaleNote,
};
pub use team::refresh::{
    clamp_interval, conditional_headers, next_refresh_at, retry_delay_ms, schedule, Header,
    Schedule, DEFAULT_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, RETRY_FIRST_MS,
};
pub use team::subscription::{
    apply_refresh, check_url, is_sudden_shrink, Changes, CheckedUrl, Fetched, GoodCopy, Outcome,
    RefreshOptions, Refreshed, StaleReason, Status, Subscription, SubscriptionError,
    SubscriptionState, UrlError, MAX_URL_LENGTH, SHRINK_MIN_PREVIOUS,
};
pub use validate::{
    account_to_add, check_list, parse_account_id, parse_color, parse_permission_set,
    parse_portal_url, parse_region, parse_role, quote, upsert, validate_environment, EntryError,
    Field, FieldError, RoleRef, MAX_DISPLAY_NAME, MAX_GROUP, MAX_PERMISSION_SET, MAX_PORTAL_URL,
    MAX_ROLE_PATH_AND_NAME,
};

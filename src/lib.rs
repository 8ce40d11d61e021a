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

mod aws;
mod banner;
mod color;
mod formats;
mod identity;
mod input;
mod links;
mod lookup;
mod managed;
mod merged;
mod model;
mod popup_rows;
mod reach;
mod refresh;
mod search;
mod sessions;
mod sso;
mod storage;
mod subscription;
mod switch;
mod sync;
mod validate;
#[cfg(all(target_arch = "wasm32", not(feature = "popup-wasm")))]
#[doc(hidden)]
pub mod wasm_api;
// The popup's own small wasm (search only), built with `--features popup-wasm`.
#[cfg(all(target_arch = "wasm32", feature = "popup-wasm"))]
#[doc(hidden)]
pub mod wasm_popup;

pub use aws::{format_account_id, host_kind, HostKind, Partition};
pub use banner::{
    banner_for_environment, banner_for_page, contrast_ratio, luminance, readable_text, BannerLevel,
    BannerModel, MIN_CONTRAST,
};
pub use color::AWS_COLORS;
pub use formats::{
    export, generated_id, parse, parse_any, parse_lenient, plan_import, policy, Change, Diagnostic,
    ExportError, ExportOptions, Format, ImportErrors, ImportMode, ImportOptions, ImportPlan,
    Lenient, Parsed, PolicyError, PolicyOptions,
};
pub use identity::{
    find_account_in_text, identify, match_environment, parse_principal_arn, ConsoleIdentity,
    ConsoleSignals, MatchKind,
};
pub use input::{
    check_json_input, import_too_large, InputError, MAX_IMPORT_BYTES, MAX_INPUT_BYTES,
    MAX_INPUT_DEPTH,
};
pub use links::{
    console_home, copy_link, destination, parse_link, portal_shortcut, switch_role_link, LinkError,
    ParsedLink, MAX_LINK,
};
pub use lookup::{
    badge_text, check_banner_settings, title_prefix, BannerLookup, BannerPosition, BannerSettings,
    LookupEntry, EXTRACTION, LOOKUP_VERSION, MAX_TITLE_PREFIX, PRODUCTION_CUE,
};
pub use managed::{read_managed, ManagedError, ManagedRead, ManagedSettings, MANAGED_KEYS};
pub use merged::{
    merged_view, set_override, Key, MergedEntry, MergedView, Override, OverrideError, Source,
    StaleNote,
};
pub use model::{
    environments_json, example_environments, BaseAccount, BaseAccountInput, Document, Environment,
    EnvironmentInput, EnvironmentKind, DEFAULT_ROLE_NAME, DOCUMENT_VERSION,
};
pub use popup_rows::{
    flat_highlights, popup_rows, read_popup_rows, FIELD_SEPARATOR, ROW_FIELDS, ROW_SEPARATOR,
};
pub use reach::{
    back_environment, base_label, base_matches, is_reachable, popup_view, read_favorites,
    read_settings, toggle_favorite, touch_recent, BackOffer, PopupView, Section, Settings,
    SettingsRead, MAX_FAVORITES, MAX_RECENTS,
};
pub use refresh::{
    clamp_interval, conditional_headers, next_refresh_at, retry_delay_ms, schedule, Header,
    Schedule, DEFAULT_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, RETRY_FIRST_MS,
};
pub use search::{
    query_note, Highlights, PreparedLoader, SearchIndex, TextRange, MAX_QUERY_CHARS,
    MAX_QUERY_TERMS, TABLE_BUDGET,
};
pub use sessions::{choose_source, LiveSession, SourceChoice};
pub use sso::{reserved_permission_set, shown_role, RESERVED_PREFIX};
pub use storage::{
    is_list_key, plan_write, read, state_checksum, Area, MemoryStore, Meta, Quota, ReadError,
    Store, Stored, WritePlan, MAX_INFLATED, STORED_VERSION,
};
pub use subscription::{
    apply_refresh, check_url, is_sudden_shrink, Changes, CheckedUrl, Fetched, GoodCopy, Outcome,
    RefreshOptions, Refreshed, StaleReason, Status, Subscription, SubscriptionError,
    SubscriptionState, UrlError, MAX_URL_LENGTH, SHRINK_MIN_PREVIOUS,
};
pub use switch::{
    check_destination, encode_query_value, nearest_form_color, plan_console_switch, plan_switch,
    redirect_uri_for, ConsoleFormFields, ConsoleSwitch, FormFill, PageContext, SessionSwitchBody,
    SwitchPlan,
};
pub use sync::{
    ChangeError, ListState, ListView, MergeNote, Unreadable, MAX_ENVIRONMENTS, MAX_REPORTED,
    MAX_TOMBSTONES, TOMBSTONE_DAYS,
};
pub use validate::{
    account_to_add, check_list, parse_account_id, parse_color, parse_permission_set,
    parse_portal_url, parse_region, parse_role, quote, upsert, validate_environment, EntryError,
    Field, FieldError, RoleRef, MAX_DISPLAY_NAME, MAX_GROUP, MAX_PERMISSION_SET, MAX_PORTAL_URL,
    MAX_ROLE_PATH_AND_NAME,
};

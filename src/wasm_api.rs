//! The wasm facade: the only code that talks to JavaScript.
//!
//! Every function takes and returns plain JSON-compatible values (objects,
//! arrays, strings, numbers; never `Map` or `undefined`), and reports failures
//! as JS `Error`s carrying the core's message. Validation problems a user can
//! fix are data (`{ ok: false, errors }`), not exceptions.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{check_json_input, input::import_too_large, input::InputError, input::MAX_INPUT_BYTES};
use crate::{
    console::banner::banner_for_page, console::identity::identify,
    console::identity::ConsoleSignals, console::links::copy_link, console::links::portal_shortcut,
    console::switch::check_destination, console::switch::plan_console_switch,
    console::switch::plan_switch, console::switch::PageContext, environments_json,
    example_environments, export, parse_any, plan_import, policy, popup::view::back_environment,
    popup::view::popup_view, popup::view::read_favorites, popup::view::toggle_favorite,
    popup::view::touch_recent, settings::Settings, storage::layout::plan_write,
    storage::layout::read, storage::layout::state_checksum, storage::layout::Quota,
    storage::sync::ListState, validate::upsert, validate::FieldError, validate_environment,
    Diagnostic, Environment, EnvironmentInput, ExportOptions, Format, ImportMode, ImportOptions,
    PolicyOptions,
};
use crate::{
    console::sessions::choose_source, console::sessions::LiveSession, team::managed::read_managed,
    team::merged::merged_view, team::merged::set_override, team::merged::Override,
    team::refresh::clamp_interval, team::refresh::conditional_headers, team::refresh::schedule,
    team::subscription::apply_refresh, team::subscription::check_url, team::subscription::Fetched,
    team::subscription::RefreshOptions, team::subscription::Subscription,
    team::subscription::SubscriptionState,
};

/// The one conversion of a core error into a JavaScript `Error`: its message is
/// the error's text (every core error says what, where and what to do).
fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

/// Results cross as one JSON text that the engine's `JSON.parse` turns into
/// objects: for lists of thousands of entries this is several times faster than
/// building each object field by field across the boundary, and it guarantees
/// plain JSON (no `Map`, no `undefined`).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    json_to_js(&to_json(value)?)
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("could not convert the result for JavaScript: {e}")))
}

fn json_to_js(text: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(text)
        .map_err(|_| JsError::new("could not convert the result for JavaScript"))
}

/// The one way values come in from JavaScript: as JSON text written by the
/// engine's own `JSON.stringify` (which refuses cycles and BigInts), checked by
/// [`check_json_input`] for size and nesting before serde's recursive reader
/// sees it. One bad value gets an error; it cannot overflow the wasm stack.
fn json_from_js(value: &JsValue, what: &str) -> Result<String, JsError> {
    if value.is_undefined() {
        return Ok("null".into());
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        // The engine's stack ran out first: nested far deeper than the limit.
        if e.is_instance_of::<js_sys::RangeError>() {
            return JsError::new(&format!("{what}: {}", InputError::TooDeep));
        }
        let reason = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        JsError::new(&format!(
            "{what}: not plain JSON data, so it was not read ({reason})"
        ))
    })?;
    checked(what, text)
}

/// JSON text from JavaScript, checked as [`json_from_js`] checks it. Its length
/// is looked at before it is copied into wasm memory (UTF-16 units, never more
/// than its UTF-8 bytes).
fn checked(what: &str, text: js_sys::JsString) -> Result<String, JsError> {
    if text.length() as usize > MAX_INPUT_BYTES {
        return Err(JsError::new(&format!(
            "{what}: {}",
            InputError::TooLarge(text.length() as usize)
        )));
    }
    // `undefined` (a function or symbol stringified) reads as null.
    let text = text.as_string().unwrap_or_else(|| "null".into());
    check_json_input(text).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// Reads checked JSON text; the error names `what` and the problem (its line
/// and column in machine-written text would only be noise).
fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, JsError> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(&*message, |(m, _)| m);
        JsError::new(&format!("{what}: {message}"))
    })
}

fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    from_json(&json_from_js(&value, what)?, what)
}

/// A list as an array of objects, or as its JSON text.
fn list_from_js(value: JsValue) -> Result<Vec<Environment>, JsError> {
    const WHAT: &str = "environment list";
    let text = match value.dyn_into::<js_sys::JsString>() {
        Ok(text) => checked(WHAT, text)?,
        Err(value) => json_from_js(&value, WHAT)?,
    };
    from_json(&text, WHAT)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checked<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a Environment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environments: Option<&'a [Environment]>,
    errors: &'a [FieldError],
}

/// `{ ok: false, errors }`: what the user can fix, as data.
fn invalid(errors: &[FieldError]) -> Result<JsValue, JsError> {
    to_js(&Checked {
        ok: false,
        environment: None,
        environments: None,
        errors,
    })
}

/// The crate version (also the extension's version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// An account ID as the console shows it: `1111-2222-3333`.
#[wasm_bindgen(js_name = formatAccountId)]
pub fn format_account_id_js(id: &str) -> String {
    crate::aws::format_account_id(id)
}

/// The colors AWS's switch-role form offers: `[{ name, hex }]`.
#[wasm_bindgen(js_name = awsColors)]
pub fn aws_colors() -> Result<JsValue, JsError> {
    let colors: Vec<serde_json::Value> = crate::color::AWS_COLORS
        .iter()
        .map(|(name, hex)| serde_json::json!({ "name": name, "hex": hex }))
        .collect();
    to_js(&colors)
}

/// Validates one environment form: `{ ok: true, environment }` or `{ ok: false, errors: [{ field, message }] }`.
#[wasm_bindgen(js_name = validateEnvironment)]
pub fn validate_environment_js(input: JsValue, id: &str) -> Result<JsValue, JsError> {
    let input: EnvironmentInput = from_js(input, "environment")?;
    match validate_environment(&input, id) {
        Ok(env) => to_js(&Checked {
            ok: true,
            environment: Some(&env),
            environments: None,
            errors: &[],
        }),
        Err(errors) => invalid(&errors),
    }
}

/// Validates `input` and adds it to `list` (or replaces the entry with its id):
/// `{ ok: true, environment, environments }` or `{ ok: false, errors }`.
#[wasm_bindgen(js_name = saveEnvironment)]
pub fn save_environment(list: JsValue, input: JsValue, new_id: &str) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let input: EnvironmentInput = from_js(input, "environment")?;
    let result = validate_environment(&input, new_id)
        .and_then(|env| upsert(&list, env.clone()).map(|l| (env, l)));
    match result {
        Ok((env, next)) => to_js(&Checked {
            ok: true,
            environment: Some(&env),
            environments: Some(&next),
            errors: &[],
        }),
        Err(errors) => invalid(&errors),
    }
}

/// `list` without the entry `id`. Throws when there is no such entry.
#[wasm_bindgen(js_name = deleteEnvironment)]
pub fn delete_environment(list: JsValue, id: &str) -> Result<JsValue, JsError> {
    to_js(&crate::validate::remove(&list_from_js(list)?, id).map_err(js_error)?)
}

/// The example list offered on first run.
#[wasm_bindgen(js_name = exampleEnvironments)]
pub fn example_environments_js() -> Result<JsValue, JsError> {
    to_js(&example_environments())
}

/// The switch for environment `id`: `{ envId, url, signinHost, fill }`.
#[wasm_bindgen(js_name = planSwitch)]
pub fn plan_switch_js(list: JsValue, id: &str) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let env = list
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| JsError::new(&format!("There is no environment with id {id:?}.")))?;
    to_js(&plan_switch(env))
}

/// Recently used ids as stored: anything; only strings in an array count.
fn recents_from_js(value: JsValue) -> Result<Vec<String>, JsError> {
    let value: serde_json::Value = from_js(value, "recently used")?;
    Ok(value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

fn find<'a>(list: &'a [Environment], id: &str) -> Result<&'a Environment, JsError> {
    list.iter()
        .find(|e| e.id == id)
        .ok_or_else(|| JsError::new(&format!("There is no environment with id {id:?}.")))
}

/// The switch into environment `id` from a console page
/// (`page`: `{ url, signals, csrf }`): `{ kind: "form", host, action, fields }`,
/// `{ kind: "session", host, url, body }` or `{ kind: "page", url, fallbackReason }`.
#[wasm_bindgen(js_name = planConsoleSwitch)]
pub fn plan_console_switch_js(list: JsValue, id: &str, page: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let page: PageContext = from_js(page, "console page")?;
    to_js(&plan_console_switch(find(&list, id)?, &page))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Destination {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// The multi-session switch into `id` answered `destination`:
/// `{ ok: true, url }` to open, or `{ ok: false, message }` to show.
#[wasm_bindgen(js_name = checkDestination)]
pub fn check_destination_js(
    list: JsValue,
    id: &str,
    destination: &str,
) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let checked = check_destination(find(&list, id)?, destination);
    to_js(&match checked {
        Ok(url) => Destination {
            ok: true,
            url: Some(url),
            message: None,
        },
        Err(error) => Destination {
            ok: false,
            url: None,
            message: Some(error.to_string()),
        },
    })
}

/// The access portal shortcut that opens Identity Center environment `id` on
/// its region's console landing page (a string). A JS error names an
/// assumed-role environment, which has none (see `copyLink`).
#[wasm_bindgen(js_name = shortcutLink)]
pub fn shortcut_link_js(list: JsValue, id: &str) -> Result<String, JsError> {
    let list = list_from_js(list)?;
    portal_shortcut(find(&list, id)?, None).map_err(js_error)
}

/// "Copy link" for environment `id` on console page `page_url` (empty: the
/// environment's landing page): the access portal shortcut to that page for
/// an Identity Center assignment, AWS's switch-role link for an assumed role
/// (a string). A page outside the environment's console is a JS error with
/// the message to show.
#[wasm_bindgen(js_name = copyLink)]
pub fn copy_link_js(list: JsValue, id: &str, page_url: &str) -> Result<String, JsError> {
    let list = list_from_js(list)?;
    let page = Some(page_url).filter(|p| !p.trim().is_empty());
    copy_link(find(&list, id)?, page).map_err(js_error)
}

#[derive(Serialize)]
struct Choice<'a> {
    #[serde(flatten)]
    choice: &'a crate::console::sessions::SourceChoice,
    /// What to tell the user.
    message: String,
}

/// Where a switch into environment `id` starts, among the live console
/// `sessions` (`[{ accountId, roleName?, identityCenter?, accountAlias?, host? }]`, in the
/// caller's order): `{ kind: "alreadyOpen" | "from", index }`,
/// `{ kind: "portal" }`, `{ kind: "signInTo", base, accountId }` or
/// `{ kind: "signInAnywhere", partition }`, each with its `message`.
#[wasm_bindgen(js_name = chooseSource)]
pub fn choose_source_js(list: JsValue, id: &str, sessions: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let sessions: Vec<LiveSession> = from_js(sessions, "live sessions")?;
    let choice = choose_source(find(&list, id)?, &sessions);
    to_js(&Choice {
        message: choice.to_string(),
        choice: &choice,
    })
}

/// What the banner says and offers on a console page on `host` that shows no
/// session (`identify(...).sessionless`): `{ accountId, message, offers: [{ id,
/// label }], more, automatic }` (`automatic`: the id to open without asking,
/// when `openAutomatically` and the account has one environment), or `null`
/// when the host names no account.
#[wasm_bindgen(js_name = sessionlessOffer)]
pub fn sessionless_offer_js(
    list: JsValue,
    host: &str,
    open_automatically: bool,
) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    to_js(&crate::console::sessions::sessionless_offer(
        &list,
        host,
        open_automatically,
    ))
}

#[derive(Serialize)]
struct Alongside<'a> {
    #[serde(flatten)]
    check: &'a crate::console::sessions::AlongsideCheck,
    /// What to tell the user.
    message: String,
}

/// Whether a session for environment `id` may be opened alongside the live
/// console `sessions` (as for `chooseSource`): `{ kind: "room" }`, or
/// `{ kind: "full", offers: [{ index, label }], sameAccount }` when the
/// console already holds five; each with its `message`.
#[wasm_bindgen(js_name = beforeAlongside)]
pub fn before_alongside_js(list: JsValue, id: &str, sessions: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let sessions: Vec<LiveSession> = from_js(sessions, "live sessions")?;
    let check = crate::console::sessions::before_alongside(find(&list, id)?, &sessions);
    to_js(&Alongside {
        message: check.to_string(),
        check: &check,
    })
}

/// The environment "back to the base account" of `id` switches into, or `null`.
#[wasm_bindgen(js_name = backEnvironment)]
pub fn back_environment_js(list: JsValue, id: &str) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    to_js(&back_environment(&list, find(&list, id)?))
}

/// Favorites as stored (anything): ids in star order.
fn favorites_from_js(value: JsValue) -> Result<Vec<String>, JsError> {
    let value: serde_json::Value = from_js(value, "favorites")?;
    Ok(read_favorites(&value))
}

fn view_of(
    list: &[Environment],
    signals: JsValue,
    recents: JsValue,
    favorites: JsValue,
    settings: JsValue,
) -> Result<JsValue, JsError> {
    let signals: Option<ConsoleSignals> = from_js(signals, "page signals")?;
    // The popup opens whatever is stored: unreadable recents or favorites count as none.
    let recents = recents_from_js(recents).unwrap_or_default();
    let favorites = favorites_from_js(favorites).unwrap_or_default();
    let settings: Settings = from_js(settings, "settings")?;
    let id = signals.as_ref().map(identify);
    to_js(&popup_view(
        list,
        id.as_ref(),
        &recents,
        &favorites,
        &settings,
    ))
}

/// A list parsed once and kept in wasm memory, so that the popup's view on each
/// open does not parse thousands of entries again (the worker keeps one per
/// version of the list; the garbage collector frees it).
#[wasm_bindgen]
pub struct PopupList(Vec<Environment>);

#[wasm_bindgen]
impl PopupList {
    /// Parses `list` (an array, or its JSON text).
    #[wasm_bindgen(constructor)]
    pub fn new(list: JsValue) -> Result<PopupList, JsError> {
        Ok(PopupList(list_from_js(list)?))
    }

    /// What the popup shows for this list on a page with `signals` (null: not a
    /// console page): `{ preferred, favorites, sections, visible, reachable, current, back, signedIn }`.
    pub fn view(
        &self,
        signals: JsValue,
        recents: JsValue,
        favorites: JsValue,
        settings: JsValue,
    ) -> Result<JsValue, JsError> {
        view_of(&self.0, signals, recents, favorites, settings)
    }

    /// The popup's rows for this list (see the core's `popup_rows`).
    pub fn rows(&self) -> Result<String, JsError> {
        crate::popup_rows(&self.0).map_err(js_error)
    }

    /// This list's search index as text for the popup (`PopupSearch.fromPrepared`),
    /// or null when it cannot be written so (then the popup builds it from the rows).
    #[wasm_bindgen(js_name = searchIndex)]
    pub fn search_index(&self) -> Option<String> {
        crate::SearchIndex::new(&self.0).to_prepared()
    }
}

/// `favorites` (ids in star order, as stored; anything else is dropped) with
/// `id` starred or unstarred. Throws when one more would be too many.
#[wasm_bindgen(js_name = toggleFavorite)]
pub fn toggle_favorite_js(favorites: JsValue, id: &str) -> Result<JsValue, JsError> {
    let next = toggle_favorite(&favorites_from_js(favorites)?, id).map_err(js_error)?;
    to_js(&next)
}

/// Settings as stored (anything), with the banner's from `legacyBanner` (the
/// `bannerSettings` item of earlier versions) when they have none:
/// `{ settings, repairs }`, with defaults for what is missing or wrong.
#[wasm_bindgen(js_name = readSettings)]
pub fn read_settings_js(raw: JsValue, legacy_banner: JsValue) -> Result<JsValue, JsError> {
    let raw: serde_json::Value = from_js(raw, "stored settings")?;
    let legacy: serde_json::Value = from_js(legacy_banner, "stored banner settings")?;
    to_js(&crate::settings::read_stored_settings(&raw, &legacy))
}

/// The settings after the user's `patch` (any part of them, `banner`
/// included) to `current` (as `readSettings` gave them); throws, naming each
/// invalid value, when the patch has one (nothing is to be saved then).
#[wasm_bindgen(js_name = changeSettings)]
pub fn change_settings_js(current: JsValue, patch: JsValue) -> Result<JsValue, JsError> {
    let current: Settings = from_js(current, "settings")?;
    let patch: serde_json::Value = from_js(patch, "settings change")?;
    let changed = crate::settings::change_settings(&current, &patch)
        .map_err(|repairs| JsError::new(&repairs.join(" ")))?;
    to_js(&changed)
}

/// `recents` (ids, most recent first; anything else stored is dropped) after
/// switching into `id`.
#[wasm_bindgen(js_name = touchRecent)]
pub fn touch_recent_js(recents: JsValue, id: &str) -> Result<JsValue, JsError> {
    to_js(&touch_recent(&recents_from_js(recents)?, id))
}

/// What a console page's signals say about its identity.
#[wasm_bindgen(js_name = identify)]
pub fn identify_js(signals: JsValue) -> Result<JsValue, JsError> {
    let signals: ConsoleSignals = from_js(signals, "page signals")?;
    to_js(&identify(&signals))
}

/// The banner model for a console page, or `null` when its account is not in the list.
#[wasm_bindgen(js_name = bannerForPage)]
pub fn banner_for_page_js(list: JsValue, signals: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let signals: ConsoleSignals = from_js(signals, "page signals")?;
    to_js(&banner_for_page(&list, &signals))
}

/// Reads banner settings (stored or from the options form), with defaults for
/// what is missing or invalid: `{ settings, repairs }`.
#[wasm_bindgen(js_name = checkBannerSettings)]
pub fn check_banner_settings_js(settings: JsValue) -> Result<JsValue, JsError> {
    let raw: serde_json::Value = from_js(settings, "banner settings")?;
    to_js(&crate::settings::check_banner_settings(&raw))
}

/// The lookup content scripts draw banners and tab cues from, for `list` under
/// `settings` (checked as by `checkBannerSettings`).
#[wasm_bindgen(js_name = bannerLookup)]
pub fn banner_lookup_js(list: JsValue, settings: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let raw: serde_json::Value = from_js(settings, "banner settings")?;
    let settings = crate::settings::check_banner_settings(&raw).settings;
    to_js(&crate::console::lookup::BannerLookup::build(
        &list, &settings,
    ))
}

/// What the search leaves out of `query` (words or characters past its caps),
/// for a note under the filter; `undefined` when it uses all of it.
#[wasm_bindgen(js_name = queryNote)]
pub fn query_note_js(query: &str) -> Option<String> {
    crate::popup::search::query_note(query)
}

/// A search index over one list, kept in wasm memory so that each keystroke
/// only sends the query across.
#[wasm_bindgen]
pub struct Searcher(crate::SearchIndex);

#[wasm_bindgen]
impl Searcher {
    /// Indexes `list` (an array, or its JSON text).
    #[wasm_bindgen(constructor)]
    pub fn new(list: JsValue) -> Result<Searcher, JsError> {
        Ok(Searcher(crate::SearchIndex::new(&list_from_js(list)?)))
    }

    /// Indices of the entries matching `query`, best first; `preferred` indices
    /// (favorites, recents) first for an empty query and on ties.
    pub fn search(&self, query: &str, preferred: Vec<u32>) -> Vec<u32> {
        self.0.search_with(query, usize::MAX, &preferred)
    }

    /// Matched ranges (UTF-16 offsets) in entry `index`'s display name, account
    /// (`1111-2222-3333`) and role: `{ displayName, accountId, roleName }`.
    pub fn highlight(&self, index: u32, query: &str) -> Result<JsValue, JsError> {
        to_js(&self.0.highlight(index, query))
    }
}

/// The list as stored: a replicated state kept in wasm memory, which the
/// worker merges with what other browsers wrote and changes as the user does
/// (see the core's `ListState` for the rules).
#[wasm_bindgen]
pub struct StoredList {
    state: ListState,
    checksum: String,
}

#[wasm_bindgen]
impl StoredList {
    /// Reads the list from a storage area's items (an empty area: an empty
    /// list). Throws, changing nothing, when the stored list cannot be read.
    pub fn read(items: JsValue) -> Result<StoredList, JsError> {
        let items = from_js(items, "stored items")?;
        let stored = read(&items).map_err(js_error)?;
        Ok(StoredList {
            state: stored.state,
            checksum: stored.checksum,
        })
    }

    /// The checksum the list was stored with ("" when the area was empty).
    #[wasm_bindgen(getter, js_name = storedChecksum)]
    pub fn stored_checksum(&self) -> String {
        self.checksum.clone()
    }

    /// The checksum of the list as it is now, as it would be stored.
    pub fn checksum(&self) -> String {
        state_checksum(&self.state)
    }

    /// `{ environments, revision, unreadable, moreUnreadable, repairs }`.
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&self.state.view())
    }

    /// Merges `other` into this list: `[{ id, text }]`, what the user should be told.
    pub fn merge(&mut self, other: &StoredList) -> Result<JsValue, JsError> {
        to_js(&self.state.merge(&other.state))
    }

    /// Applies the user's change from `before` (the list as viewed) to `after`,
    /// made on browser `replica` at `now` (ms since the epoch).
    pub fn apply(
        &mut self,
        before: JsValue,
        after: JsValue,
        replica: &str,
        now: f64,
    ) -> Result<(), JsError> {
        let (before, after) = (list_from_js(before)?, list_from_js(after)?);
        self.state
            .apply(&before, &after, replica, now as u64)
            .map_err(js_error)
    }

    /// Deletes the entries the view lists as unreadable: the user discarded them.
    #[wasm_bindgen(js_name = discardUnreadable)]
    pub fn discard_unreadable(&mut self, replica: &str, now: f64) {
        self.state.discard_unreadable(replica, now as u64);
    }

    /// Forgets old deletions at `now`, then plans writing the list to an area
    /// with `quota` (null: no limits, as for local storage; a missing limit:
    /// Chrome's documented sync one) holding `keys`:
    /// `{ area, set, remove, bytes, compressed, checksum }`.
    pub fn plan(&mut self, quota: JsValue, keys: JsValue, now: f64) -> Result<JsValue, JsError> {
        let quota: Option<Quota> = from_js(quota, "storage quota")?;
        let keys: Vec<String> = from_js(keys, "storage keys")?;
        self.state.compact(now as u64);
        to_js(&plan_write(
            &self.state,
            &quota.unwrap_or(Quota::UNLIMITED),
            &keys,
        ))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParsedJs<'a> {
    ok: bool,
    format: Option<Format>,
    environments: &'a [Environment],
    warnings: &'a [Diagnostic],
    errors: &'a [Diagnostic],
}

/// The formats, for pickers: `[{ id, label, canExport, fileName }]`.
#[wasm_bindgen]
pub fn formats() -> Result<JsValue, JsError> {
    let list: Vec<serde_json::Value> = Format::ALL
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": f,
                "label": f.label(),
                "canExport": f.can_export(),
                "fileName": f.file_name().unwrap_or_default(),
            })
        })
        .collect();
    to_js(&list)
}

/// Reads and validates a whole import. `format` is a format id, or null to detect it.
/// `{ ok, format, environments, warnings, errors }`; every error has `text` naming its line or path.
#[wasm_bindgen(js_name = parseImport)]
pub fn parse_import(text: &str, format: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let format: Option<Format> = from_js(format, "format")?;
    let options: Option<ImportOptions> = from_js(options, "import options")?;
    let refused = |message: String| {
        let errors = [Diagnostic {
            line: None,
            path: None,
            profile: None,
            message,
        }];
        to_js(&ParsedJs {
            ok: false,
            format: None,
            environments: &[],
            warnings: &[],
            errors: &errors,
        })
    };
    if let Some(message) = import_too_large(text.len()) {
        return refused(message);
    }
    let Some((format, parsed)) = parse_any(text, format, &options.unwrap_or_default()) else {
        return refused(
            "Could not tell what this is. Paste a Roleswitch JSON export, an AWS Extend Switch Roles \
             configuration, an ~/.aws/config file, or the output of `aws organizations list-accounts`, \
             or choose the format."
                .into(),
        );
    };
    match parsed {
        Ok(parsed) => {
            // `ParsedJs`, with the (long) list written by the core's direct writer.
            let list = environments_json(&parsed.environments);
            let warnings = to_json(&parsed.warnings)?;
            let format = to_json(&format)?;
            let mut text = String::with_capacity(list.len() + warnings.len() + 80);
            for part in [
                "{\"ok\":true,\"format\":",
                &format,
                ",\"environments\":",
                &list,
                ",\"warnings\":",
                &warnings,
                ",\"errors\":[]}",
            ] {
                text.push_str(part);
            }
            json_to_js(&text)
        }
        Err(problems) => to_js(&ParsedJs {
            ok: false,
            format: Some(format),
            environments: &[],
            warnings: &problems.warnings,
            errors: &problems.errors,
        }),
    }
}

/// Why an import of `bytes` of text (a file's size) is refused, or `undefined`:
/// the same cap and message as [`parse_import`]'s, before the file is read.
#[wasm_bindgen(js_name = importTooLarge)]
pub fn import_too_large_js(bytes: f64) -> Option<String> {
    // Saturating: NaN and negative sizes are 0, huge ones usize::MAX.
    import_too_large(bytes as usize)
}

/// What importing `incoming` into `current` does: `{ mode, added, changed, removed, unchanged, result }`.
/// `mode` is "merge" or "replace".
#[wasm_bindgen(js_name = planImport)]
pub fn plan_import_js(
    current: JsValue,
    incoming: JsValue,
    mode: JsValue,
) -> Result<JsValue, JsError> {
    let current = list_from_js(current)?;
    let incoming = list_from_js(incoming)?;
    let mode: ImportMode = from_js(mode, "import mode")?;
    to_js(&plan_import(&current, &incoming, mode))
}

/// Validates a whole list again (as the background does before writing an
/// import): `{ ok: true, environments }` or `{ ok: false, errors: [{ index,
/// name, field, message, text }] }`, `text` naming the entry.
#[wasm_bindgen(js_name = validateList)]
pub fn validate_list(list: JsValue) -> Result<JsValue, JsError> {
    let inputs: Vec<EnvironmentInput> = from_js(list, "environment list")?;
    match crate::validate::validate_list(&inputs) {
        Ok(environments) => to_js(&serde_json::json!({ "ok": true, "environments": environments })),
        Err(errors) => {
            let errors: Vec<serde_json::Value> = errors
                .iter()
                .map(|e| serde_json::json!({ "index": e.index, "name": e.name, "field": e.field, "message": e.message, "text": e.to_string() }))
                .collect();
            to_js(&serde_json::json!({ "ok": false, "errors": errors }))
        }
    }
}

/// The list written in `format` (a format id that can be exported).
#[wasm_bindgen(js_name = exportList)]
pub fn export_list(list: JsValue, format: JsValue) -> Result<String, JsError> {
    let list = list_from_js(list)?;
    let format: Format = from_js(format, "format")?;
    export(&list, format, &ExportOptions::default()).map_err(js_error)
}

/// The managing-account IAM policy for the list: `options` is `{ group?, requireMfa }`.
#[wasm_bindgen(js_name = iamPolicy)]
pub fn iam_policy(list: JsValue, options: JsValue) -> Result<String, JsError> {
    let list = list_from_js(list)?;
    let options: PolicyOptions = from_js(options, "policy options")?;
    policy(&list, &options).map_err(js_error)
}

/// Whether storage key `key` holds part of the list (in either area).
#[wasm_bindgen(js_name = isListKey)]
pub fn is_list_key_js(key: &str) -> bool {
    crate::storage::layout::is_list_key(key)
}

/// The account (and role, when it is a valid one) a console page's banner asks
/// to add: `{ accountId, kind: "assumedRole" | "identityCenter", roleName? }`
/// (`identity_center`: the page's is an Identity Center session and `role_name`
/// its permission set); throws the core's message for an account ID that is not one.
#[wasm_bindgen(js_name = accountToAdd)]
pub fn account_to_add_js(
    account_id: &str,
    role_name: Option<String>,
    identity_center: bool,
) -> Result<JsValue, JsError> {
    to_js(
        &crate::validate::account_to_add(account_id, role_name.as_deref(), identity_center)
            .map_err(js_error)?,
    )
}

/// What kind of AWS page `host` (a URL's hostname) serves: `"console"`,
/// `"signin"`, or null for any other host.
#[wasm_bindgen(js_name = hostKind)]
pub fn host_kind_js(host: &str) -> Option<String> {
    crate::aws::host_kind(host).map(|kind| kind.as_str().to_string())
}

// --- Team lists (subscriptions): see the core's `subscription`, `merged`,
// `refresh` and `managed` modules.

/// Checks a subscription URL: `{ ok: true, url, origin, permission }` (the
/// host permission to request) or `{ ok: false, error }`.
#[wasm_bindgen(js_name = checkSubscriptionUrl)]
pub fn check_subscription_url(url: &str) -> Result<JsValue, JsError> {
    match check_url(url) {
        Ok(checked) => to_js(&serde_json::json!({
            "ok": true,
            "url": checked.url,
            "origin": checked.origin,
            "permission": checked.permission,
        })),
        Err(e) => to_js(&serde_json::json!({ "ok": false, "error": e.to_string() })),
    }
}

/// A new subscription's state, not fetched yet: `{ ok: true, state, permission }`
/// or `{ ok: false, error }`. `existing` is the subscriptions' states.
#[wasm_bindgen]
pub fn subscribe(
    url: &str,
    name: Option<String>,
    group: Option<String>,
    existing: JsValue,
) -> Result<JsValue, JsError> {
    let existing: Option<Vec<SubscriptionState>> = from_js(existing, "subscriptions")?;
    let existing: Vec<Subscription> = existing
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.subscription)
        .collect();
    match Subscription::new(url, name.as_deref(), group.as_deref(), &existing) {
        Ok(subscription) => {
            let permission = check_url(&subscription.url)
                .map(|c| c.permission)
                .map_err(js_error)?;
            to_js(&serde_json::json!({
                "ok": true,
                "state": SubscriptionState::new(subscription),
                "permission": permission,
            }))
        }
        Err(e) => to_js(&serde_json::json!({ "ok": false, "error": e.to_string() })),
    }
}

/// Applies a fetch to a subscription's state: `fetched` is `{ kind: "body",
/// contentType, etag, lastModified }`, `{ kind: "notModified" }`, `{ kind:
/// "httpError", status }` or `{ kind: "networkError", message }`; `body` the
/// response's bytes (empty unless a body); `options` `{ acceptShrink }` or
/// null. Returns `{ state, outcome, changes: { added, changed, removed }, leftOut,
/// entriesChanged }` (`entriesChanged`: the entries in use are not those of before).
#[wasm_bindgen(js_name = applyRefresh)]
pub fn apply_refresh_js(
    state: JsValue,
    fetched: JsValue,
    body: &[u8],
    now: f64,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let state: SubscriptionState = from_js(state, "subscription")?;
    let fetched: Fetched = from_js(fetched, "fetch result")?;
    let options: Option<RefreshOptions> = from_js(options, "refresh options")?;
    to_js(&apply_refresh(
        &state,
        &fetched,
        body,
        now as u64,
        &options.unwrap_or_default(),
    ))
}

/// The one list to show: `{ entries: [{ environment, sources, readOnly,
/// favorite, hidden, local?, differs }], stale, dormantOverrides }` from the
/// personal list, the subscriptions' states and the overrides.
#[wasm_bindgen(js_name = mergedView)]
pub fn merged_view_js(
    personal: JsValue,
    subscriptions: JsValue,
    overrides: JsValue,
) -> Result<JsValue, JsError> {
    let personal = list_from_js(personal)?;
    let subscriptions: Option<Vec<SubscriptionState>> = from_js(subscriptions, "subscriptions")?;
    let overrides: Option<Vec<Override>> = from_js(overrides, "overrides")?;
    to_js(&merged_view(
        &personal,
        &subscriptions.unwrap_or_default(),
        &overrides.unwrap_or_default(),
    ))
}

/// Saves one local choice: `{ ok: true, overrides }` or `{ ok: false, error }`.
#[wasm_bindgen(js_name = setOverride)]
pub fn set_override_js(overrides: JsValue, change: JsValue) -> Result<JsValue, JsError> {
    let overrides: Option<Vec<Override>> = from_js(overrides, "overrides")?;
    let change: Override = from_js(change, "override")?;
    match set_override(&overrides.unwrap_or_default(), &change) {
        Ok(next) => to_js(&serde_json::json!({ "ok": true, "overrides": next })),
        Err(e) => to_js(&serde_json::json!({ "ok": false, "error": e.to_string() })),
    }
}

/// Which subscriptions are due at `now` and when the next alarm is:
/// `{ due: [url], nextAt }` (`nextAt` null without subscriptions).
/// `intervalMinutes` is clamped to 15..1440 (null: 60).
#[wasm_bindgen(js_name = refreshSchedule)]
pub fn refresh_schedule(
    states: JsValue,
    interval_minutes: Option<f64>,
    now: f64,
) -> Result<JsValue, JsError> {
    let states: Option<Vec<SubscriptionState>> = from_js(states, "subscriptions")?;
    let interval = clamp_interval(interval_minutes);
    to_js(&schedule(&states.unwrap_or_default(), interval, now as u64))
}

/// The headers for a subscription's next fetch: `[{ name, value }]`.
#[wasm_bindgen(js_name = conditionalHeaders)]
pub fn conditional_headers_js(state: JsValue) -> Result<JsValue, JsError> {
    let state: SubscriptionState = from_js(state, "subscription")?;
    to_js(&conditional_headers(&state))
}

/// Reads `chrome.storage.managed` values: `{ settings: { subscriptions,
/// refreshIntervalMinutes, confirmProductionLocked, bannerLocked }, errors: [text] }`.
#[wasm_bindgen(js_name = readManagedPolicy)]
pub fn read_managed_policy(raw: JsValue) -> Result<JsValue, JsError> {
    let raw: serde_json::Value = from_js(raw, "managed policy")?;
    let read = read_managed(&raw);
    let errors: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    to_js(&serde_json::json!({ "settings": read.settings, "errors": errors }))
}

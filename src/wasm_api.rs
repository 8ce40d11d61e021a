//! The wasm facade: the only code that talks to JavaScript.
//!
//! Every function takes and returns plain JSON-compatible values (objects,
//! arrays, strings, numbers; never `Map` or `undefined`), and reports failures
//! as JS `Error`s carrying the core's message. Validation problems a user can
//! fix are data (`{ ok: false, errors }`), not exceptions.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{
    banner_for_page, example_environments, identify, plan_switch, plan_write, read, upsert,
    validate_environment, ConsoleSignals, Environment, EnvironmentInput, FieldError, Quota,
};

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not convert the result for JavaScript: {e}")))
}

fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

fn list_from_js(value: JsValue) -> Result<Vec<Environment>, JsError> {
    from_js(value, "environment list")
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

/// The crate version (also the extension's version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// An account ID as the console shows it: `1111-2222-3333`.
#[wasm_bindgen(js_name = formatAccountId)]
pub fn format_account_id_js(id: &str) -> String {
    crate::format_account_id(id)
}

/// The colors AWS's switch-role form offers: `[{ name, hex }]`.
#[wasm_bindgen(js_name = awsColors)]
pub fn aws_colors() -> Result<JsValue, JsError> {
    let colors: Vec<serde_json::Value> = crate::AWS_COLORS
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
        Err(errors) => to_js(&Checked {
            ok: false,
            environment: None,
            environments: None,
            errors: &errors,
        }),
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
        Err(errors) => to_js(&Checked {
            ok: false,
            environment: None,
            environments: None,
            errors: &errors,
        }),
    }
}

/// `list` without the entry `id`. Throws when there is no such entry.
#[wasm_bindgen(js_name = deleteEnvironment)]
pub fn delete_environment(list: JsValue, id: &str) -> Result<JsValue, JsError> {
    let mut list = list_from_js(list)?;
    let before = list.len();
    list.retain(|e| e.id != id);
    if list.len() == before {
        return Err(JsError::new(&format!(
            "There is no environment with id {id:?}; it may have been deleted already."
        )));
    }
    to_js(&list)
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckedSettings<'a> {
    settings: &'a crate::BannerSettings,
    repairs: &'a [String],
}

/// Reads banner settings (stored or from the options form), with defaults for
/// what is missing or invalid: `{ settings, repairs }`.
#[wasm_bindgen(js_name = checkBannerSettings)]
pub fn check_banner_settings_js(settings: JsValue) -> Result<JsValue, JsError> {
    let raw: serde_json::Value = from_js(settings, "banner settings")?;
    let (settings, repairs) = crate::check_banner_settings(&raw);
    to_js(&CheckedSettings {
        settings: &settings,
        repairs: &repairs,
    })
}

/// The lookup content scripts draw banners and tab cues from, for `list` under
/// `settings` (checked as by `checkBannerSettings`).
#[wasm_bindgen(js_name = bannerLookup)]
pub fn banner_lookup_js(list: JsValue, settings: JsValue) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let raw: serde_json::Value = from_js(settings, "banner settings")?;
    let (settings, _) = crate::check_banner_settings(&raw);
    to_js(&crate::BannerLookup::build(&list, &settings))
}

/// A search index over one list, kept in wasm memory so that each keystroke
/// only sends the query across.
#[wasm_bindgen]
pub struct Searcher(crate::SearchIndex);

#[wasm_bindgen]
impl Searcher {
    /// Indexes `list`.
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

/// How to write `list` as `revision` to storage with `quota` (null: Chrome's sync
/// limits), given the keys the area holds: `{ area, set, remove, bytes }`.
#[wasm_bindgen(js_name = planWrite)]
pub fn plan_write_js(
    list: JsValue,
    revision: f64,
    quota: JsValue,
    existing_keys: JsValue,
) -> Result<JsValue, JsError> {
    let list = list_from_js(list)?;
    let quota: Option<Quota> = from_js(quota, "storage quota")?;
    let keys: Vec<String> = from_js(existing_keys, "storage keys")?;
    to_js(&plan_write(
        &list,
        revision as u64,
        &quota.unwrap_or(Quota::SYNC),
        &keys,
    ))
}

/// Reads the list from a storage area's items: `{ environments, revision, unreadable, repairs }`.
#[wasm_bindgen(js_name = readStored)]
pub fn read_stored(items: JsValue) -> Result<JsValue, JsError> {
    let items = from_js(items, "stored items")?;
    let result = read(&items).map_err(|e| JsError::new(&e))?;
    to_js(&result)
}

//! The user's settings, stored as one item (`settings` in sync storage): the
//! popup's choices and, under `banner`, the banner's. One reader takes
//! whatever was stored or submitted: a missing value gets its default, a value
//! of the wrong type or out of range is replaced by the default, an unknown key
//! is dropped, and each repair but a missing value is reported in one sentence
//! naming the key (`banner.compact`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::validate::{invisible_char, quote};

/// The user's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Ask before switching into a production environment.
    pub confirm_production: bool,
    /// Show only the environments reachable from the signed-in account
    /// (otherwise they are shown first).
    pub reachable_only: bool,
    /// What Enter does in a multi-session console (Shift+Enter does the other).
    pub enter_action: EnterAction,
    /// On a console page whose host names an account this browser has no
    /// session in, open that account's environment without asking (when the
    /// list has exactly one); off: the banner offers it.
    pub open_sessionless_automatically: bool,
    /// The banner and the tab cues on console pages.
    pub banner: BannerSettings,
}

/// What a key does to an environment chosen in the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum EnterAction {
    /// Replace this tab's session (or go to the environment's open session).
    #[default]
    SwitchHere,
    /// A new session in a new tab, the current one kept.
    OpenAlongside,
}

impl EnterAction {
    fn other(self) -> EnterAction {
        match self {
            EnterAction::SwitchHere => EnterAction::OpenAlongside,
            EnterAction::OpenAlongside => EnterAction::SwitchHere,
        }
    }
}

/// What Enter and Shift+Enter do in the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterKeys {
    pub enter: EnterAction,
    pub shift_enter: EnterAction,
}

impl Settings {
    /// The keys' actions on a page that is (`multi_session`) or is not a
    /// multi-session console: the setting picks Enter's there; elsewhere Enter
    /// switches and Shift+Enter opens alongside.
    pub fn enter_keys(&self, multi_session: bool) -> EnterKeys {
        let enter = if multi_session {
            self.enter_action
        } else {
            EnterAction::SwitchHere
        };
        EnterKeys {
            enter,
            shift_enter: enter.other(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            confirm_production: true,
            reachable_only: false,
            enter_action: EnterAction::SwitchHere,
            open_sessionless_automatically: false,
            banner: BannerSettings::default(),
        }
    }
}

/// Where the banner sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum BannerPosition {
    /// Above the page, pushing it down.
    #[default]
    Top,
    /// Docked to the bottom of the window; the page gets as much padding.
    Bottom,
}

/// The user's banner settings, always valid (see [`check_banner_settings`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerSettings {
    pub position: BannerPosition,
    /// A thinner banner with smaller text.
    pub compact: bool,
    /// Prefix the tab title (see `title_prefix_*`).
    pub title_cue: bool,
    /// Replace the tab's favicon by one in the environment's color.
    pub favicon_cue: bool,
    /// A badge in the environment's color on the toolbar icon, for that tab.
    pub badge_cue: bool,
    /// A neutral strip on console pages of accounts not in the list.
    pub unknown_account_strip: bool,
    /// A reminder over "Delete"/"Terminate" buttons on production pages.
    pub destructive_reminder: bool,
    /// Title prefix for production environments; `{name}` is the display name.
    pub title_prefix_production: String,
    /// Title prefix for other environments; `{name}` is the display name.
    pub title_prefix_normal: String,
}

/// Longest title prefix template, in characters.
pub const MAX_TITLE_PREFIX: usize = 40;

impl Default for BannerSettings {
    fn default() -> Self {
        BannerSettings {
            position: BannerPosition::Top,
            compact: false,
            title_cue: true,
            favicon_cue: true,
            badge_cue: true,
            unknown_account_strip: true,
            destructive_reminder: false,
            title_prefix_production: "[PROD] ".into(),
            title_prefix_normal: "[{name}] ".into(),
        }
    }
}

/// Settings read from storage or a form, and what was repaired on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsRead<T> {
    pub settings: T,
    /// One message per value that was of the wrong type, out of range, or unknown.
    pub repairs: Vec<String>,
}

/// Reads the keys of one stored settings object into typed slots.
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    /// Put before each key in messages (`banner.`), for a nested object.
    prefix: &'static str,
    /// A change the user submitted (refused whole), not what was stored (repaired).
    submitted: bool,
    known: Vec<&'static str>,
    repairs: Vec<String>,
}

impl<'a> Reader<'a> {
    /// The reader of `raw`, or the repairs to report when it is not an object
    /// (`what`: "settings", "banner settings").
    fn new(
        raw: &'a Value,
        what: &str,
        prefix: &'static str,
        submitted: bool,
    ) -> Result<Reader<'a>, Vec<String>> {
        match raw {
            Value::Object(obj) => Ok(Reader {
                obj,
                prefix,
                submitted,
                known: Vec::new(),
                repairs: Vec::new(),
            }),
            Value::Null => Err(Vec::new()),
            _ if submitted => Err(vec![format!(
                "The {what} given were not an object; nothing was saved."
            )]),
            _ => Err(vec![format!(
                "The stored {what} were not an object; the defaults are used."
            )]),
        }
    }

    /// What happens instead of the bad value: `used` is, or (for a change) nothing is saved.
    fn instead(&self, used: impl std::fmt::Display) -> String {
        if self.submitted {
            "nothing was saved".into()
        } else {
            format!("{used} is used")
        }
    }

    /// The value of `key`, noting the key as known.
    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.obj.get(key)
    }

    fn flag(&mut self, key: &'static str, slot: &mut bool) {
        match self.get(key) {
            None => {}
            Some(Value::Bool(b)) => *slot = *b,
            Some(other) => {
                let instead = self.instead(&slot);
                self.repairs.push(format!(
                    "Setting \"{}{key}\" was {other}, not true or false; {instead}.",
                    self.prefix
                ))
            }
        }
    }

    /// One of `choices` (their JSON names).
    fn choice<T: Copy>(&mut self, key: &'static str, slot: &mut T, choices: &[(&str, T)]) {
        let Some(value) = self.get(key) else { return };
        match choices
            .iter()
            .find(|(name, _)| value.as_str() == Some(name))
        {
            Some((_, choice)) => *slot = *choice,
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| quote(n)).collect();
                let instead = self.instead("the default");
                self.repairs.push(format!(
                    "Setting \"{}{key}\" was {value}, not one of {}; {instead}.",
                    self.prefix,
                    names.join(", ")
                ));
            }
        }
    }

    /// Text of at most `max` characters, without control or invisible characters.
    fn text(&mut self, key: &'static str, slot: &mut String, max: usize) {
        match self.get(key) {
            None => {}
            Some(Value::String(p))
                if p.chars().count() <= max
                    && !p
                        .chars()
                        .any(|c| c.is_control() || invisible_char(c).is_some()) =>
            {
                slot.clone_from(p)
            }
            Some(other) => {
                let instead = self.instead(quote(slot));
                self.repairs.push(format!(
                    "Setting \"{}{key}\" was {}, not text of at most {max} characters without \
                     control or invisible characters; {instead}.",
                    self.prefix,
                    match other {
                        Value::String(p) => quote(p),
                        other => other.to_string(),
                    },
                ))
            }
        }
    }

    /// The repairs, with one for each key no slot read.
    fn finish(mut self) -> Vec<String> {
        for key in self.obj.keys() {
            if !self.known.contains(&key.as_str()) {
                let what = if self.submitted {
                    "is not one; nothing was saved"
                } else {
                    "was dropped"
                };
                self.repairs
                    .push(format!("Unknown setting \"{}{key}\" {what}.", self.prefix));
            }
        }
        self.repairs
    }
}

/// Reads the settings from whatever was stored.
pub fn read_settings(raw: &Value) -> SettingsRead<Settings> {
    read_with(raw, false)
}

fn read_with(raw: &Value, submitted: bool) -> SettingsRead<Settings> {
    let mut settings = Settings::default();
    let mut r = match Reader::new(raw, "settings", "", submitted) {
        Ok(r) => r,
        Err(repairs) => return SettingsRead { settings, repairs },
    };
    r.flag("confirmProduction", &mut settings.confirm_production);
    r.flag("reachableOnly", &mut settings.reachable_only);
    r.choice(
        "enterAction",
        &mut settings.enter_action,
        &[
            ("switchHere", EnterAction::SwitchHere),
            ("openAlongside", EnterAction::OpenAlongside),
        ],
    );
    r.flag(
        "openSessionlessAutomatically",
        &mut settings.open_sessionless_automatically,
    );
    let mut repairs = Vec::new();
    if let Some(banner) = r.get("banner") {
        let read = read_banner(banner, "banner.", submitted);
        settings.banner = read.settings;
        repairs = read.repairs;
    }
    let mut all = r.finish();
    all.extend(repairs);
    SettingsRead {
        settings,
        repairs: all,
    }
}

/// Reads banner settings alone (as earlier versions stored them, under
/// `bannerSettings`, and as the options page's banner form submits them),
/// with the same rules.
pub fn check_banner_settings(raw: &Value) -> SettingsRead<BannerSettings> {
    read_banner(raw, "", false)
}

/// The stored settings, taking the banner's from `legacy_banner` (the item
/// earlier versions kept them in) when the stored ones have none.
pub fn read_stored_settings(stored: &Value, legacy_banner: &Value) -> SettingsRead<Settings> {
    let mut read = read_settings(stored);
    let has_banner = stored.get("banner").is_some();
    if !has_banner && !legacy_banner.is_null() {
        let legacy = read_banner(legacy_banner, "banner.", false);
        read.settings.banner = legacy.settings;
        read.repairs.extend(legacy.repairs);
    }
    read
}

/// The settings after the user's change `patch` (any subset of the stored
/// shape, `banner` included) to `current`; the messages for each value of the
/// patch that is not valid, when one is not (nothing is saved then).
pub fn change_settings(current: &Settings, patch: &Value) -> Result<Settings, Vec<String>> {
    let checked = read_with(patch, true);
    if !checked.repairs.is_empty() {
        return Err(checked.repairs);
    }
    let mut merged = serde_json::to_value(current).unwrap_or(Value::Null);
    if let (Value::Object(into), Value::Object(from)) = (&mut merged, patch) {
        for (key, value) in from {
            match (into.get_mut(key), value) {
                (Some(Value::Object(inner)), Value::Object(changes)) => {
                    inner.extend(changes.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                _ => {
                    into.insert(key.clone(), value.clone());
                }
            }
        }
    }
    Ok(read_settings(&merged).settings)
}

fn read_banner(raw: &Value, prefix: &'static str, submitted: bool) -> SettingsRead<BannerSettings> {
    let mut s = BannerSettings::default();
    let mut r = match Reader::new(raw, "banner settings", prefix, submitted) {
        Ok(r) => r,
        Err(repairs) => {
            return SettingsRead {
                settings: s,
                repairs,
            }
        }
    };
    r.choice(
        "position",
        &mut s.position,
        &[
            ("top", BannerPosition::Top),
            ("bottom", BannerPosition::Bottom),
        ],
    );
    r.flag("compact", &mut s.compact);
    r.flag("titleCue", &mut s.title_cue);
    r.flag("faviconCue", &mut s.favicon_cue);
    r.flag("badgeCue", &mut s.badge_cue);
    r.flag("unknownAccountStrip", &mut s.unknown_account_strip);
    r.flag("destructiveReminder", &mut s.destructive_reminder);
    r.text(
        "titlePrefixProduction",
        &mut s.title_prefix_production,
        MAX_TITLE_PREFIX,
    );
    r.text(
        "titlePrefixNormal",
        &mut s.title_prefix_normal,
        MAX_TITLE_PREFIX,
    );
    SettingsRead {
        settings: s,
        repairs: r.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn opening_an_environment_without_a_session_automatically_is_off_unless_chosen() {
        assert!(!Settings::default().open_sessionless_automatically);
        let on = read_settings(&json!({ "openSessionlessAutomatically": true }));
        assert!(on.settings.open_sessionless_automatically);
        assert_eq!(on.repairs, Vec::<String>::new());
        let bad = read_settings(&json!({ "openSessionlessAutomatically": "yes" }));
        assert!(!bad.settings.open_sessionless_automatically);
        assert_eq!(
            bad.repairs,
            vec![
                "Setting \"openSessionlessAutomatically\" was \"yes\", not true or false; false is used."
            ]
        );
        let changed = change_settings(
            &Settings::default(),
            &json!({ "openSessionlessAutomatically": true }),
        );
        assert_eq!(changed.map(|s| s.open_sessionless_automatically), Ok(true));
        assert!(change_settings(
            &Settings::default(),
            &json!({ "openSessionlessAutomatically": 1 })
        )
        .is_err());
    }

    #[test]
    fn enter_action_picks_enter_in_a_multi_session_console_and_is_repaired() {
        let read = read_settings(&json!({ "enterAction": "openAlongside" }));
        assert_eq!(read.repairs, Vec::<String>::new());
        let alongside = read.settings;
        assert_eq!(
            alongside.enter_keys(true),
            EnterKeys {
                enter: EnterAction::OpenAlongside,
                shift_enter: EnterAction::SwitchHere
            }
        );
        // Outside a multi-session console Enter switches, whatever the setting.
        let plain = EnterKeys {
            enter: EnterAction::SwitchHere,
            shift_enter: EnterAction::OpenAlongside,
        };
        assert_eq!(alongside.enter_keys(false), plain);
        assert_eq!(Settings::default().enter_keys(true), plain);
        let bad = read_settings(&json!({ "enterAction": "open" }));
        assert_eq!(bad.settings.enter_action, EnterAction::SwitchHere);
        assert_eq!(
            bad.repairs,
            vec![
                "Setting \"enterAction\" was \"open\", not one of \"switchHere\", \"openAlongside\"; the default is used."
            ]
        );
        let changed = change_settings(
            &Settings::default(),
            &json!({ "enterAction": "openAlongside" }),
        );
        assert_eq!(
            changed.map(|s| s.enter_action),
            Ok(EnterAction::OpenAlongside)
        );
        assert!(change_settings(&Settings::default(), &json!({ "enterAction": 1 })).is_err());
    }

    #[test]
    fn settings_are_repaired_with_defaults() {
        let cases: Vec<(serde_json::Value, Settings, usize)> = vec![
            (serde_json::Value::Null, Settings::default(), 0),
            (serde_json::json!({}), Settings::default(), 0),
            (
                serde_json::json!({ "confirmProduction": false, "reachableOnly": true }),
                Settings {
                    confirm_production: false,
                    reachable_only: true,
                    ..Settings::default()
                },
                0,
            ),
            (
                serde_json::json!({ "confirmProduction": "no", "colour": 1 }),
                Settings::default(),
                2,
            ),
            (serde_json::json!([true]), Settings::default(), 1),
        ];
        for (raw, want, repairs) in cases {
            let got = read_settings(&raw);
            assert_eq!(got.settings, want, "{raw}");
            assert_eq!(got.repairs.len(), repairs, "{raw}: {:?}", got.repairs);
        }
    }

    #[test]
    fn defaults_and_repairs() {
        let SettingsRead {
            settings: s,
            repairs: r,
        } = check_banner_settings(&Value::Null);
        assert_eq!((s, r.len()), (BannerSettings::default(), 0));
        let d = BannerSettings::default();
        assert!(d.unknown_account_strip && d.title_cue && d.favicon_cue && d.badge_cue);
        assert!(!d.destructive_reminder && !d.compact);

        let SettingsRead {
            settings: s,
            repairs: r,
        } = check_banner_settings(&json!({
            "position": "bottom", "compact": true, "badgeCue": false,
            "titlePrefixProduction": "!! {name} !! "
        }));
        assert!(r.is_empty(), "{r:?}");
        assert_eq!(s.position, BannerPosition::Bottom);
        assert!(s.compact && !s.badge_cue);
        assert_eq!(s.title_prefix_production, "!! {name} !! ");

        let SettingsRead {
            settings: s,
            repairs: r,
        } = check_banner_settings(&json!({
            "position": "left", "compact": "yes", "titlePrefixNormal": "x".repeat(41),
            "titlePrefixProduction": "a\nb", "unknownSetting": 1
        }));
        assert_eq!(s, BannerSettings::default());
        assert_eq!(r.len(), 5, "{r:?}");
        assert_eq!(
            r[0],
            r#"Setting "position" was "left", not one of "top", "bottom"; the default is used."#
        );
        assert_eq!(
            r[1],
            r#"Setting "compact" was "yes", not true or false; false is used."#
        );
        assert_eq!(r[4], r#"Unknown setting "unknownSetting" was dropped."#);

        let SettingsRead { repairs: r, .. } = check_banner_settings(&json!([1]));
        assert_eq!(
            r,
            ["The stored banner settings were not an object; the defaults are used."]
        );
    }

    #[test]
    fn settings_round_trip_as_camel_case_json() {
        let json = serde_json::to_value(BannerSettings::default()).unwrap();
        assert_eq!(json["position"], "top");
        assert_eq!(json["unknownAccountStrip"], true);
        let SettingsRead {
            settings: back,
            repairs,
        } = check_banner_settings(&json);
        assert_eq!((back, repairs.len()), (BannerSettings::default(), 0));
    }

    #[test]
    fn title_templates_with_invisible_characters_are_repaired() {
        let SettingsRead {
            settings: s,
            repairs: r,
        } = check_banner_settings(&json!({
            "titlePrefixProduction": "\u{202E}DORP ",
            "titlePrefixNormal": "[{name}\u{200B}] ",
        }));
        assert_eq!(s, BannerSettings::default());
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(
            r[0].contains("\"titlePrefixProduction\" was \"\\u{202e}DORP \""),
            "{}",
            r[0]
        );
        assert!(r[0].contains("invisible characters"), "{}", r[0]);
        assert!(!r.iter().any(|m| m.contains('\u{202E}')), "{r:?}");
    }

    #[test]
    fn one_item_holds_the_popup_and_banner_settings() {
        let read = read_settings(&json!({
            "confirmProduction": false,
            "banner": { "position": "bottom", "compact": "yes", "extra": 1 },
        }));
        assert!(!read.settings.confirm_production);
        assert_eq!(read.settings.banner.position, BannerPosition::Bottom);
        assert!(!read.settings.banner.compact);
        assert_eq!(
            read.repairs,
            [
                r#"Setting "banner.compact" was "yes", not true or false; false is used."#,
                r#"Unknown setting "banner.extra" was dropped."#,
            ]
        );
        let back = serde_json::to_value(&read.settings).unwrap();
        assert_eq!(
            read_settings(&back),
            SettingsRead {
                settings: read.settings,
                repairs: vec![]
            }
        );
    }

    #[test]
    fn banner_settings_of_earlier_versions_are_taken_until_the_item_has_its_own() {
        let legacy = json!({ "position": "bottom" });
        let read = read_stored_settings(&json!({ "reachableOnly": true }), &legacy);
        assert!(read.settings.reachable_only);
        assert_eq!(read.settings.banner.position, BannerPosition::Bottom);
        let own = read_stored_settings(&json!({ "banner": { "compact": true } }), &legacy);
        assert_eq!(
            own.settings.banner.position,
            BannerPosition::Top,
            "its own banner wins"
        );
        assert!(own.settings.banner.compact);
        let none = read_stored_settings(&Value::Null, &Value::Null);
        assert_eq!(
            none,
            SettingsRead {
                settings: Settings::default(),
                repairs: vec![]
            }
        );
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name_and_refuses_an_invalid_value() {
        let mut current = Settings::default();
        current.banner.compact = true;
        let changed =
            change_settings(&current, &json!({ "banner": { "position": "bottom" } })).unwrap();
        assert_eq!(changed.banner.position, BannerPosition::Bottom);
        assert!(
            changed.banner.compact,
            "the rest of the banner settings kept"
        );
        assert!(changed.confirm_production);
        let changed = change_settings(&changed, &json!({ "confirmProduction": false })).unwrap();
        assert!(!changed.confirm_production);
        assert_eq!(changed.banner.position, BannerPosition::Bottom);
        assert_eq!(
            change_settings(&changed, &json!({ "banner": { "position": "left" } })),
            Err(vec![
                r#"Setting "banner.position" was "left", not one of "top", "bottom"; nothing was saved."#
                    .to_string()
            ])
        );
    }
}

//! The user's settings, one reader for each group of them: the popup's
//! (`settings` in sync storage) and the banner's (`bannerSettings`). Both read
//! whatever was stored or submitted the same way: a missing value gets its
//! default, a value of the wrong type or out of range is replaced by the
//! default, an unknown key is dropped, and each repair but a missing value is
//! reported in one sentence.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::validate::{invisible_char, quote};

/// The user's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Ask before switching into a production environment.
    pub confirm_production: bool,
    /// Show only the environments reachable from the signed-in account
    /// (otherwise they are shown first).
    pub reachable_only: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            confirm_production: true,
            reachable_only: false,
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
    known: Vec<&'static str>,
    repairs: Vec<String>,
}

impl<'a> Reader<'a> {
    /// The reader of `raw`, or the repairs to report when it is not an object
    /// (`what`: "settings", "banner settings").
    fn new(raw: &'a Value, what: &str) -> Result<Reader<'a>, Vec<String>> {
        match raw {
            Value::Object(obj) => Ok(Reader {
                obj,
                known: Vec::new(),
                repairs: Vec::new(),
            }),
            Value::Null => Err(Vec::new()),
            _ => Err(vec![format!(
                "The stored {what} were not an object; the defaults are used."
            )]),
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
            Some(other) => self.repairs.push(format!(
                "Setting {key:?} was {other}, not true or false; {slot} is used."
            )),
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
                self.repairs.push(format!(
                    "Setting {key:?} was {value}, not one of {}; the default is used.",
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
            Some(other) => self.repairs.push(format!(
                "Setting {key:?} was {}; it must be text of at most {max} characters without \
                 control or invisible characters. {} is used.",
                match other {
                    Value::String(p) => quote(p),
                    other => other.to_string(),
                },
                quote(slot)
            )),
        }
    }

    /// The repairs, with one for each key no slot read.
    fn finish(mut self) -> Vec<String> {
        for key in self.obj.keys() {
            if !self.known.contains(&key.as_str()) {
                self.repairs
                    .push(format!("Unknown setting {key:?} was dropped."));
            }
        }
        self.repairs
    }
}

/// Reads the popup's settings from whatever was stored.
pub fn read_settings(raw: &Value) -> SettingsRead<Settings> {
    let mut settings = Settings::default();
    let mut r = match Reader::new(raw, "settings") {
        Ok(r) => r,
        Err(repairs) => return SettingsRead { settings, repairs },
    };
    r.flag("confirmProduction", &mut settings.confirm_production);
    r.flag("reachableOnly", &mut settings.reachable_only);
    SettingsRead {
        settings,
        repairs: r.finish(),
    }
}

/// Reads the banner settings from whatever was stored or submitted.
pub fn check_banner_settings(raw: &Value) -> SettingsRead<BannerSettings> {
    let mut s = BannerSettings::default();
    let mut r = match Reader::new(raw, "banner settings") {
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
    fn settings_are_repaired_with_defaults() {
        let cases: Vec<(serde_json::Value, Settings, usize)> = vec![
            (serde_json::Value::Null, Settings::default(), 0),
            (serde_json::json!({}), Settings::default(), 0),
            (
                serde_json::json!({ "confirmProduction": false, "reachableOnly": true }),
                Settings {
                    confirm_production: false,
                    reachable_only: true,
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
}

//! Settings an administrator sets by browser policy (`chrome.storage.managed`:
//! Chrome's extension policy, Firefox's `policies.json` `3rdparty`), as
//! declared in `extension/managed_schema.json`.
//!
//! Browsers check policy values against the schema loosely (Firefox hardly at
//! all), so the core reads them again: each value that is wrong is reported
//! and left out, the others apply. A locked setting is only ever turned on by
//! policy: a wrong value never unlocks anything that a right one locked.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::team::refresh::clamp_interval;
use crate::team::subscription::{Subscription, SubscriptionError};
use crate::validate::quote;

/// The policy keys, as `extension/managed_schema.json` declares them.
pub const MANAGED_KEYS: [&str; 4] = [
    "subscriptionUrls",
    "refreshIntervalMinutes",
    "confirmProductionAlwaysOn",
    "bannerAlwaysOn",
];

/// What policy sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedSettings {
    /// Subscriptions every user has; they cannot be removed in the options page.
    pub subscriptions: Vec<Subscription>,
    /// The refresh interval, clamped; `None` leaves it to the user.
    pub refresh_interval_minutes: Option<u32>,
    /// Asking before switching into production is on and locked.
    pub confirm_production_locked: bool,
    /// The banner is on and locked.
    pub banner_locked: bool,
}

/// A policy value that was left out (or, for the interval, brought into range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum ManagedError {
    /// The policy as a whole is not an object.
    NotAnObject,
    /// A key the schema does not declare (a typo, or a newer Roleswitch's).
    UnknownKey { key: String },
    /// A value of the wrong JSON type.
    WrongType { key: String, expected: String },
    /// A subscription URL that cannot be subscribed to.
    Subscription {
        index: usize,
        error: SubscriptionError,
    },
    /// The interval was outside 15..1440 minutes and was brought into range.
    IntervalClamped { given: String, used: u32 },
}

impl fmt::Display for ManagedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Browser policy for Roleswitch: ")?;
        match self {
            ManagedError::NotAnObject => {
                f.write_str("the policy is not an object of settings; it is ignored.")
            }
            ManagedError::UnknownKey { key } => write!(
                f,
                "{} is not a Roleswitch policy and is ignored; the policies are {}.",
                quote(key),
                MANAGED_KEYS.join(", ")
            ),
            ManagedError::WrongType { key, expected } => {
                write!(f, "{key} must be {expected}; it is ignored.")
            }
            ManagedError::Subscription { index, error } => {
                write!(f, "subscriptionUrls[{index}] is ignored: {error}")
            }
            ManagedError::IntervalClamped { given, used } => write!(
                f,
                "refreshIntervalMinutes is {given}; it must be from 15 to 1440, so {used} is used."
            ),
        }
    }
}

impl std::error::Error for ManagedError {}

/// Policy values read, and what was wrong with them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedRead {
    pub settings: ManagedSettings,
    pub errors: Vec<ManagedError>,
}

/// Reads what `chrome.storage.managed.get()` returned (`null` or `{}` when
/// there is no policy).
pub fn read_managed(raw: &Value) -> ManagedRead {
    let mut read = ManagedRead::default();
    let obj = match raw {
        Value::Null => return read,
        Value::Object(obj) => obj,
        _ => {
            read.errors.push(ManagedError::NotAnObject);
            return read;
        }
    };
    let wrong = |key: &str, expected: &str| ManagedError::WrongType {
        key: key.into(),
        expected: expected.into(),
    };
    for (key, value) in obj {
        match key.as_str() {
            "subscriptionUrls" => {
                let Some(list) = value.as_array() else {
                    read.errors.push(wrong(key, "a list of https:// URLs"));
                    continue;
                };
                for (index, item) in list.iter().enumerate() {
                    let Some(url) = item.as_str() else {
                        read.errors
                            .push(wrong(&format!("subscriptionUrls[{index}]"), "a URL text"));
                        continue;
                    };
                    match Subscription::new(url, None, None, &read.settings.subscriptions) {
                        Ok(s) => read.settings.subscriptions.push(s),
                        Err(error) => read
                            .errors
                            .push(ManagedError::Subscription { index, error }),
                    }
                }
            }
            "refreshIntervalMinutes" => {
                let Some(minutes) = value.as_f64() else {
                    read.errors.push(wrong(key, "a number of minutes"));
                    continue;
                };
                let used = clamp_interval(Some(minutes));
                if f64::from(used) != minutes {
                    read.errors.push(ManagedError::IntervalClamped {
                        given: value.to_string(),
                        used,
                    });
                }
                read.settings.refresh_interval_minutes = Some(used);
            }
            "confirmProductionAlwaysOn" | "bannerAlwaysOn" => {
                let Some(on) = value.as_bool() else {
                    read.errors.push(wrong(key, "true or false"));
                    continue;
                };
                if key == "bannerAlwaysOn" {
                    read.settings.banner_locked = on;
                } else {
                    read.settings.confirm_production_locked = on;
                }
            }
            _ => read
                .errors
                .push(ManagedError::UnknownKey { key: key.clone() }),
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_declares_exactly_the_keys_read() {
        let schema: Value =
            serde_json::from_str(include_str!("../../extension/managed_schema.json")).unwrap();
        let mut declared: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        declared.sort_unstable();
        let mut known = MANAGED_KEYS.to_vec();
        known.sort_unstable();
        assert_eq!(declared, known);
        // Only what Chrome's schema subset accepts.
        fn check(v: &Value) {
            let obj = v.as_object().unwrap();
            for key in obj.keys() {
                assert!(
                    ["type", "properties", "items", "title", "description"].contains(&key.as_str()),
                    "{key}"
                );
            }
            let t = obj["type"].as_str().unwrap();
            assert!(["object", "array", "string", "integer", "boolean", "number"].contains(&t));
            for p in obj
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.values())
            {
                check(p);
            }
            if let Some(items) = obj.get("items") {
                check(items);
            }
        }
        check(&schema);
    }

    #[test]
    fn a_full_policy_is_read() {
        let read = read_managed(&json!({
            "subscriptionUrls": ["https://lists.example.com/platform.json", "https://git.example.com/raw/b.ini"],
            "refreshIntervalMinutes": 30,
            "confirmProductionAlwaysOn": true,
            "bannerAlwaysOn": true
        }));
        assert_eq!(read.errors, []);
        let s = &read.settings;
        let urls: Vec<&str> = s.subscriptions.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://lists.example.com/platform.json",
                "https://git.example.com/raw/b.ini"
            ]
        );
        assert_eq!(
            s.subscriptions[0].name,
            "platform.json on lists.example.com"
        );
        assert_eq!(s.refresh_interval_minutes, Some(30));
        assert!(s.confirm_production_locked && s.banner_locked);
        assert_eq!(read_managed(&Value::Null), ManagedRead::default());
        assert_eq!(read_managed(&json!({})), ManagedRead::default());
    }

    #[test]
    fn wrong_values_are_reported_and_left_out() {
        let read = read_managed(&json!({
            "subscriptionUrls": ["http://lists.example.com/a.json", 7, "https://ok.example.com/a.json", "https://OK.example.com/a.json"],
            "refreshIntervalMinutes": 5,
            "confirmProductionAlwaysOn": "yes",
            "bannerAlwasOn": true
        }));
        let messages: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
        let want = [
            "Browser policy for Roleswitch: \"bannerAlwasOn\" is not a Roleswitch policy and is ignored; the policies are subscriptionUrls, refreshIntervalMinutes, confirmProductionAlwaysOn, bannerAlwaysOn.",
            "Browser policy for Roleswitch: confirmProductionAlwaysOn must be true or false; it is ignored.",
            "Browser policy for Roleswitch: refreshIntervalMinutes is 5; it must be from 15 to 1440, so 15 is used.",
            "Browser policy for Roleswitch: subscriptionUrls[0] is ignored: The URL starts with http://; Roleswitch fetches lists only over https://, so that no one on the network can change them.",
            "Browser policy for Roleswitch: subscriptionUrls[1] must be a URL text; it is ignored.",
            "Browser policy for Roleswitch: subscriptionUrls[3] is ignored: You are subscribed to this URL already, as \"a.json on ok.example.com\".",
        ];
        assert_eq!(messages, want);
        assert_eq!(read.settings.subscriptions.len(), 1);
        assert_eq!(read.settings.refresh_interval_minutes, Some(15));
        assert!(!read.settings.confirm_production_locked && !read.settings.banner_locked);
        let read = read_managed(&json!(["https://a.example/l"]));
        assert_eq!(read.errors, [ManagedError::NotAnObject]);
    }
}

//! When subscriptions are fetched again, and what the request says about the
//! copy already held.
//!
//! A subscription is refreshed every interval (default an hour, between 15
//! minutes and a day) after its last attempt. After a failure it is tried
//! again sooner, with a backoff like the store's sync retries: one minute,
//! then doubling, never later than the interval itself. No jitter is added
//! here: browsers start at different times, and the worker may add its own.

use serde::{Deserialize, Serialize};

use crate::team::subscription::SubscriptionState;

/// The refresh interval when none is set, in minutes.
pub const DEFAULT_INTERVAL_MINUTES: u32 = 60;
/// The shortest refresh interval, in minutes: a list is not a feed, and
/// hundreds of browsers fetch it.
pub const MIN_INTERVAL_MINUTES: u32 = 15;
/// The longest refresh interval, in minutes.
pub const MAX_INTERVAL_MINUTES: u32 = 24 * 60;
/// The first retry after a failure, in ms; each further failure doubles it.
pub const RETRY_FIRST_MS: u64 = 60 * 1000;

const MINUTE_MS: u64 = 60 * 1000;

/// An interval clamped to [`MIN_INTERVAL_MINUTES`]..=[`MAX_INTERVAL_MINUTES`];
/// `None`, NaN or a non-number is the default. Fractions round to the nearest minute.
pub fn clamp_interval(minutes: Option<f64>) -> u32 {
    match minutes {
        Some(m) if m.is_finite() => m.round().clamp(
            f64::from(MIN_INTERVAL_MINUTES),
            f64::from(MAX_INTERVAL_MINUTES),
        ) as u32,
        _ => DEFAULT_INTERVAL_MINUTES,
    }
}

/// How long after the last attempt a subscription is fetched again, in ms:
/// the interval, or after `failures` failures in a row the backoff.
pub fn retry_delay_ms(failures: u32, interval_minutes: u32) -> u64 {
    let interval = u64::from(clamp_interval(Some(f64::from(interval_minutes)))) * MINUTE_MS;
    if failures == 0 {
        return interval;
    }
    let doubled = RETRY_FIRST_MS.saturating_mul(1u64 << (failures - 1).min(32));
    doubled.min(interval)
}

/// When a subscription is due (ms since the epoch): now if never tried,
/// else its last attempt plus [`retry_delay_ms`].
pub fn next_refresh_at(state: &SubscriptionState, interval_minutes: u32) -> u64 {
    match state.last_attempt {
        None => 0,
        Some(at) => at.saturating_add(retry_delay_ms(state.failures, interval_minutes)),
    }
}

/// The refresh schedule of all subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// The URLs due now, to fetch.
    pub due: Vec<String>,
    /// When the next one is due after those (ms since the epoch), for the
    /// alarm; `None` without subscriptions.
    pub next_at: Option<u64>,
}

/// Which subscriptions to fetch at `now`, and when to look again assuming
/// the due ones are fetched now and succeed (the worker asks again after
/// applying their results).
pub fn schedule(states: &[SubscriptionState], interval_minutes: u32, now: u64) -> Schedule {
    let mut due = Vec::new();
    let mut next_at: Option<u64> = None;
    for state in states {
        let at = next_refresh_at(state, interval_minutes);
        let at = if at <= now {
            due.push(state.subscription.url.clone());
            now.saturating_add(retry_delay_ms(0, interval_minutes))
        } else {
            at
        };
        next_at = Some(next_at.map_or(at, |n| n.min(at)));
    }
    Schedule { due, next_at }
}

/// A request header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// The conditional-request headers for the next fetch: `If-None-Match` with
/// the good copy's `ETag`, `If-Modified-Since` with its `Last-Modified`.
/// None without a good copy, so that a server's `304` always means "the copy
/// you hold".
pub fn conditional_headers(state: &SubscriptionState) -> Vec<Header> {
    let Some(copy) = &state.last_good else {
        return Vec::new();
    };
    let mut headers = Vec::new();
    // Header values cannot hold line breaks; a stored one that does is dropped.
    let clean = |v: &str| !v.is_empty() && !v.contains(['\r', '\n', '\0']);
    if let Some(etag) = copy.etag.as_deref().filter(|v| clean(v)) {
        headers.push(Header {
            name: "If-None-Match".into(),
            value: etag.to_string(),
        });
    }
    if let Some(modified) = copy.last_modified.as_deref().filter(|v| clean(v)) {
        headers.push(Header {
            name: "If-Modified-Since".into(),
            value: modified.to_string(),
        });
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::subscription::tests::{body, list_text, subscribed};
    use crate::team::subscription::{apply_refresh, Fetched, RefreshOptions};

    const MIN: u64 = 60 * 1000;

    #[test]
    fn intervals_are_clamped() {
        let cases = [
            (None, 60),
            (Some(f64::NAN), 60),
            (Some(f64::INFINITY), 60),
            (Some(-5.0), 15),
            (Some(1.0), 15),
            (Some(15.0), 15),
            (Some(90.4), 90),
            (Some(1440.0), 1440),
            (Some(10_000.0), 1440),
        ];
        for (input, want) in cases {
            assert_eq!(clamp_interval(input), want, "{input:?}");
        }
    }

    #[test]
    fn failures_back_off_up_to_the_interval() {
        // (failures, interval minutes, delay minutes)
        let cases = [
            (0, 60, 60),
            (1, 60, 1),
            (2, 60, 2),
            (3, 60, 4),
            (6, 60, 32),
            (7, 60, 60),
            (200, 60, 60),
            (5, 15, 15),
            (11, 1440, 1024),
            (12, 1440, 1440),
            (0, 5, 15),
        ];
        for (failures, interval, want) in cases {
            assert_eq!(
                retry_delay_ms(failures, interval),
                want * MIN,
                "{failures} failures"
            );
        }
    }

    #[test]
    fn schedule_fetches_the_due_ones_and_sets_the_next_alarm() {
        let never = subscribed();
        let good = apply_refresh(
            &never,
            &body(),
            list_text(1, 2, "a").as_bytes(),
            1_000,
            &RefreshOptions::default(),
        )
        .state;
        let failed = apply_refresh(
            &good,
            &Fetched::HttpError { status: 500 },
            b"",
            2_000,
            &RefreshOptions::default(),
        )
        .state;
        assert_eq!(next_refresh_at(&never, 60), 0);
        assert_eq!(next_refresh_at(&good, 60), 1_000 + 60 * MIN);
        assert_eq!(next_refresh_at(&failed, 60), 2_000 + MIN);
        let s = schedule(&[good.clone(), failed.clone()], 60, 3_000);
        assert_eq!(
            s,
            Schedule {
                due: vec![],
                next_at: Some(2_000 + MIN)
            }
        );
        let s = schedule(&[never, good], 60, 5_000);
        assert_eq!(s.due, ["https://lists.example.com/team.json"]);
        assert_eq!(s.next_at, Some(1_000 + 60 * MIN));
        assert_eq!(schedule(&[], 60, 0).next_at, None);
    }

    #[test]
    fn conditional_headers_come_from_the_good_copy() {
        assert!(conditional_headers(&subscribed()).is_empty());
        let fetched = Fetched::Body {
            content_type: None,
            etag: Some("W/\"abc\"".into()),
            last_modified: Some("Sun, 29 Nov 2026 10:00:00 GMT".into()),
        };
        let good = apply_refresh(
            &subscribed(),
            &fetched,
            list_text(1, 2, "a").as_bytes(),
            1,
            &RefreshOptions::default(),
        )
        .state;
        let headers = conditional_headers(&good);
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("If-None-Match", "W/\"abc\""),
                ("If-Modified-Since", "Sun, 29 Nov 2026 10:00:00 GMT")
            ]
        );
        // A failed refresh keeps asking about the good copy.
        let failed = apply_refresh(&good, &body(), b"<html>", 2, &RefreshOptions::default()).state;
        assert_eq!(conditional_headers(&failed), headers);
    }
}

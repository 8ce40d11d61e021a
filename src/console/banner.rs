//! The banner model: everything the content script needs to draw the banner,
//! computed here so the page script only sets text and colors.

use serde::Serialize;

use crate::aws::format_account_id;
use crate::console::identity::{identify, match_environment, ConsoleSignals, MatchKind};
use crate::model::Environment;

/// Dark text, as dark as the AWS console's own.
pub const DARK_TEXT: &str = "#16191f";
/// Light text.
pub const LIGHT_TEXT: &str = "#ffffff";

/// How loud the banner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BannerLevel {
    Normal,
    /// Production: warning label and stripes, not only a color.
    Production,
}

/// What the banner shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerModel {
    pub env_id: String,
    pub display_name: String,
    /// `1111-2222-3333`.
    pub account: String,
    /// The role the page is in (the environment's when the page does not say).
    pub role_name: String,
    pub background: String,
    pub foreground: String,
    /// WCAG contrast ratio of foreground on background (at least 4.5).
    pub contrast: f64,
    pub level: BannerLevel,
    /// Short label before the name, e.g. `PRODUCTION`; empty for normal.
    pub label: String,
    /// Whether the page's role is the environment's role.
    pub role_matches: bool,
    /// One line for screen readers and the tab title.
    pub summary: String,
}

/// A channel (0-255) in linear light, as WCAG defines it.
fn linear(v: u8) -> f64 {
    let c = f64::from(v) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG relative luminance of `#rrggbb` (black for a value that is not a color).
pub fn luminance(color: &str) -> f64 {
    let (r, g, b) = crate::color::rgb(color).unwrap_or((0, 0, 0));
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG contrast ratio between two colors (1 to 21).
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// WCAG AA contrast for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The text color (dark or light) that reads best on `background`, with its ratio.
///
/// Prefers the console's dark grey; on the few mid-tones where neither it nor
/// white reaches [`MIN_CONTRAST`], pure black does.
pub fn readable_text(background: &str) -> (&'static str, f64) {
    let dark = contrast_ratio(DARK_TEXT, background);
    let light = contrast_ratio(LIGHT_TEXT, background);
    match (dark >= light, dark.max(light) >= MIN_CONTRAST) {
        (true, true) => (DARK_TEXT, dark),
        (false, true) => (LIGHT_TEXT, light),
        _ => ("#000000", contrast_ratio("#000000", background)),
    }
}

/// The banner for one environment, as seen with `page_role` (if known).
pub fn banner_for_environment(
    env: &Environment,
    page_role: Option<&str>,
    kind: MatchKind,
) -> BannerModel {
    let (foreground, contrast) = readable_text(&env.color);
    let level = if env.production {
        BannerLevel::Production
    } else {
        BannerLevel::Normal
    };
    let role_name = page_role.unwrap_or(&env.role_name).to_string();
    let account = format_account_id(&env.account_id);
    let label = if env.production {
        "PRODUCTION".to_string()
    } else {
        String::new()
    };
    let summary = if env.production {
        format!("PRODUCTION: {} ({account}, {role_name})", env.display_name)
    } else {
        format!("{} ({account}, {role_name})", env.display_name)
    };
    BannerModel {
        env_id: env.id.clone(),
        display_name: env.display_name.clone(),
        account,
        role_name,
        background: env.color.clone(),
        foreground: foreground.to_string(),
        contrast: (contrast * 100.0).round() / 100.0,
        level,
        label,
        role_matches: kind == MatchKind::AccountAndRole,
        summary,
    }
}

/// The banner for a console page, or `None` when its account is not in the list.
pub fn banner_for_page(envs: &[Environment], signals: &ConsoleSignals) -> Option<BannerModel> {
    let id = identify(signals);
    let (env, kind) = match_environment(envs, &id)?;
    Some(banner_for_environment(env, id.role_name.as_deref(), kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    #[test]
    fn contrast_known_values() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#777777", "#777777") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn text_is_readable_on_every_color() {
        // AWS's colors, extremes, and mid-greys where the choice flips.
        let cases = [
            ("#f2b0a9", DARK_TEXT),
            ("#83d4e8", DARK_TEXT),
            ("#ffffff", DARK_TEXT),
            ("#000000", LIGHT_TEXT),
            ("#1d3557", LIGHT_TEXT),
            ("#d0021b", LIGHT_TEXT),
            ("#ffff00", DARK_TEXT),
        ];
        for (bg, want) in cases {
            let (fg, ratio) = readable_text(bg);
            assert_eq!(fg, want, "{bg}");
            assert!(ratio >= 4.5, "{bg}: {ratio}");
        }
        // Exhaustive over a grid: never below WCAG AA for normal text.
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(17) {
                    let bg = format!("#{r:02x}{g:02x}{b:02x}");
                    let (_, ratio) = readable_text(&bg);
                    assert!(ratio >= MIN_CONTRAST, "{bg}: {ratio}");
                }
            }
        }
    }

    #[test]
    fn production_banner_is_labelled() {
        let envs = example_environments();
        let b = banner_for_environment(&envs[1], None, MatchKind::Account);
        assert_eq!(b.level, BannerLevel::Production);
        assert_eq!(b.label, "PRODUCTION");
        assert_eq!(
            b.summary,
            "PRODUCTION: prod (4444-5555-6666, OrganizationAccountAccessRole)"
        );
        let t = banner_for_environment(&envs[0], Some("Other"), MatchKind::Account);
        assert_eq!(
            (t.level, t.label.as_str(), t.role_name.as_str()),
            (BannerLevel::Normal, "", "Other")
        );
        assert!(!t.role_matches);
    }

    #[test]
    fn page_banner_or_none() {
        let envs = example_environments();
        let signals = |acct: &str| ConsoleSignals {
            session_data: Some(format!(
                r#"{{"accountId":"{acct}","sessionARN":"arn:aws:sts::{acct}:assumed-role/OrganizationAccountAccessRole/me"}}"#
            )),
            ..Default::default()
        };
        let b = banner_for_page(&envs, &signals("444455556666")).unwrap();
        assert_eq!(
            (b.display_name.as_str(), b.account.as_str()),
            ("prod", "4444-5555-6666")
        );
        assert!(b.role_matches);
        assert_eq!(banner_for_page(&envs, &signals("000011112222")), None);
    }
}

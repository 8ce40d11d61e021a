//! Colors: the palette of AWS's switch-role form, and `#rrggbb` values.
//!
//! A leaf module: it depends on nothing else in the crate.

/// The five colors AWS's switch-role form offers, by the names people use.
pub const AWS_COLORS: [(&str, &str); 5] = [
    ("red", RED),
    ("orange", ORANGE),
    ("yellow", YELLOW),
    ("green", GREEN),
    ("blue", BLUE),
];

/// AWS's red (the default for production environments).
pub const RED: &str = "#f2b0a9";
/// AWS's orange.
pub const ORANGE: &str = "#fbc8aa";
/// AWS's yellow.
pub const YELLOW: &str = "#efda95";
/// AWS's green.
pub const GREEN: &str = "#b7ca9d";
/// AWS's blue (the default for other environments).
pub const BLUE: &str = "#83d4e8";

/// The red, green and blue of `#rrggbb` (the `#` is optional), or `None`.
pub fn rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#').unwrap_or(hex);
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((c(0)?, c(2)?, c(4)?))
}

/// `#rrggbb` in lower case from `rrggbb` or `#RRGGBB`, or `None`.
pub fn normalize_hex(raw: &str) -> Option<String> {
    let hex = raw.strip_prefix('#').unwrap_or(raw);
    rgb(hex)?;
    Some(format!("#{}", hex.to_ascii_lowercase()))
}

/// The palette color named `name` (any case), as `#rrggbb`.
pub fn named(name: &str) -> Option<&'static str> {
    AWS_COLORS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, hex)| *hex)
}

/// The palette color nearest to `hex` (squared RGB distance); blue for a value that is not a color.
pub fn nearest_named(hex: &str) -> &'static str {
    let Some((r, g, b)) = rgb(hex) else {
        return BLUE;
    };
    let distance = |c: &str| {
        let (r2, g2, b2) = rgb(c).unwrap_or((0, 0, 0));
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(r, r2) + d(g, g2) + d(b, b2)
    };
    AWS_COLORS
        .iter()
        .map(|(_, c)| *c)
        .min_by_key(|c| distance(c))
        .unwrap_or(BLUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_values() {
        assert_eq!(rgb("#f2b0a9"), Some((0xf2, 0xb0, 0xa9)));
        assert_eq!(rgb("F2B0A9"), Some((0xf2, 0xb0, 0xa9)));
        for bad in ["", "#", "#f2b0a", "#f2b0a9f", "#g2b0a9", "#f2b0é"] {
            assert_eq!(rgb(bad), None, "{bad}");
        }
        assert_eq!(normalize_hex("F2B0A9").as_deref(), Some("#f2b0a9"));
        assert_eq!(normalize_hex("red"), None);
    }

    #[test]
    fn names_and_nearest() {
        assert_eq!(named("Red"), Some(RED));
        assert_eq!(named("purple"), None);
        assert_eq!(nearest_named("#ff0000"), RED);
        assert_eq!(nearest_named("#00ff00"), GREEN);
        assert_eq!(nearest_named(BLUE), BLUE);
        assert_eq!(nearest_named("not a color"), BLUE);
    }
}

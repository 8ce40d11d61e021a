//! How a user's text is read and shown back: trimming, quoting a value in a
//! message, and the control and invisible characters a name may not hide.

/// Quotes a user value for a message, shortened and with control characters escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in value.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else if invisible_char(c).is_some() {
            // Shown, not obeyed: a bidi override would reorder the message itself.
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

pub(super) fn trimmed<'a>(value: &Option<&'a str>) -> &'a str {
    value.map(trim).unwrap_or("")
}

/// `str::trim`, with a quick path for the ASCII whitespace that is nearly all
/// there is around pasted and imported values.
pub(crate) fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&z)) if a >= 0x80 || z >= 0x80 => t.trim(),
        _ => t,
    }
}

/// The first control character of a text and its length in characters.
pub(super) fn control_and_count(value: &str) -> (Option<char>, usize) {
    if value.is_ascii() {
        let control = value.bytes().find(|b| b.is_ascii_control()).map(char::from);
        return (control, value.len());
    }
    (
        value.chars().find(|c| c.is_control()),
        value.chars().count(),
    )
}

/// Invisible characters that change how the text around them reads: the
/// Unicode format characters (general category Cf, Unicode 16) — bidi
/// embeddings, overrides and isolates, zero-width characters, the soft hyphen,
/// tags — and the line and paragraph separators. Sorted ranges, each with its
/// name (the name of a range's first character is the range's name when they
/// share one).
const INVISIBLE: &[(u32, u32, &str)] = &[
    (0x00AD, 0x00AD, "SOFT HYPHEN"),
    (0x0600, 0x0605, "ARABIC NUMBER SIGN"),
    (0x061C, 0x061C, "ARABIC LETTER MARK"),
    (0x06DD, 0x06DD, "ARABIC END OF AYAH"),
    (0x070F, 0x070F, "SYRIAC ABBREVIATION MARK"),
    (0x0890, 0x0891, "ARABIC POUND MARK ABOVE"),
    (0x08E2, 0x08E2, "ARABIC DISPUTED END OF AYAH"),
    (0x180E, 0x180E, "MONGOLIAN VOWEL SEPARATOR"),
    (0x200B, 0x200B, "ZERO WIDTH SPACE"),
    (0x200C, 0x200C, "ZERO WIDTH NON-JOINER"),
    (0x200D, 0x200D, "ZERO WIDTH JOINER"),
    (0x200E, 0x200E, "LEFT-TO-RIGHT MARK"),
    (0x200F, 0x200F, "RIGHT-TO-LEFT MARK"),
    (0x2028, 0x2028, "LINE SEPARATOR"),
    (0x2029, 0x2029, "PARAGRAPH SEPARATOR"),
    (0x202A, 0x202A, "LEFT-TO-RIGHT EMBEDDING"),
    (0x202B, 0x202B, "RIGHT-TO-LEFT EMBEDDING"),
    (0x202C, 0x202C, "POP DIRECTIONAL FORMATTING"),
    (0x202D, 0x202D, "LEFT-TO-RIGHT OVERRIDE"),
    (0x202E, 0x202E, "RIGHT-TO-LEFT OVERRIDE"),
    (0x2060, 0x2060, "WORD JOINER"),
    (0x2061, 0x2061, "FUNCTION APPLICATION"),
    (0x2062, 0x2062, "INVISIBLE TIMES"),
    (0x2063, 0x2063, "INVISIBLE SEPARATOR"),
    (0x2064, 0x2064, "INVISIBLE PLUS"),
    (0x2066, 0x2066, "LEFT-TO-RIGHT ISOLATE"),
    (0x2067, 0x2067, "RIGHT-TO-LEFT ISOLATE"),
    (0x2068, 0x2068, "FIRST STRONG ISOLATE"),
    (0x2069, 0x2069, "POP DIRECTIONAL ISOLATE"),
    (0x206A, 0x206F, "DEPRECATED FORMAT CHARACTER"),
    (0xFEFF, 0xFEFF, "ZERO WIDTH NO-BREAK SPACE"),
    (0xFFF9, 0xFFFB, "INTERLINEAR ANNOTATION CHARACTER"),
    (0x110BD, 0x110BD, "KAITHI NUMBER SIGN"),
    (0x110CD, 0x110CD, "KAITHI NUMBER SIGN ABOVE"),
    (0x13430, 0x1343F, "EGYPTIAN HIEROGLYPH FORMAT CONTROL"),
    (0x1BCA0, 0x1BCA3, "SHORTHAND FORMAT CONTROL"),
    (0x1D173, 0x1D17A, "MUSICAL SYMBOL FORMAT CONTROL"),
    (0xE0001, 0xE0001, "LANGUAGE TAG"),
    (0xE0020, 0xE007F, "TAG CHARACTER"),
];

/// The name of `c` when it is one of the [`INVISIBLE`] characters.
pub(crate) fn invisible_char(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    if code < 0xAD {
        return None; // the usual case: ASCII and Latin-1 letters
    }
    let i = INVISIBLE.partition_point(|&(_, hi, _)| hi < code);
    INVISIBLE
        .get(i)
        .filter(|&&(lo, _, _)| lo <= code)
        .map(|&(_, _, name)| name)
}

/// The first invisible character of `value`: its 1-based position in
/// characters, the character and its name.
pub(super) fn first_invisible(value: &str) -> Option<(usize, char, &'static str)> {
    if value.is_ascii() {
        return None;
    }
    value
        .chars()
        .enumerate()
        .find_map(|(i, c)| invisible_char(c).map(|name| (i + 1, c, name)))
}

/// `U+202E`.
pub(super) fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        for raw in [
            "",
            " ",
            "  a b  ",
            "\t\r\na\x0c",
            "\u{a0}a\u{a0}",
            " \u{3000}a \u{2003}",
            "\u{85} a",
            "a\u{e9}",
            "\u{e9}a ",
            "\u{feff}a",
            " \u{1f600} ",
        ] {
            assert_eq!(trim(raw), raw.trim(), "{raw:?}");
        }
    }

    #[test]
    fn the_invisible_table_is_sorted_and_disjoint() {
        for pair in INVISIBLE.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        assert_eq!(
            invisible_char('\u{2065}'),
            None,
            "unassigned, between two ranges"
        );
        assert_eq!(
            invisible_char('\u{206C}'),
            Some("DEPRECATED FORMAT CHARACTER")
        );
        assert_eq!(invisible_char('\u{E007F}'), Some("TAG CHARACTER"));
        assert_eq!(invisible_char('\u{E0080}'), None);
        assert_eq!(invisible_char('a'), None);
    }
}

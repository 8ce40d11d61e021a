//! Limits on what the core reads from JavaScript.
//!
//! Every value the extension hands the core arrives as JSON text, and
//! [`check_json_input`] looks at that text once, without recursion, before
//! anything recursive (serde) reads it: a value nested deeper than any valid
//! one, or larger than any list the extension keeps, is refused with a message
//! instead of overflowing the wasm stack or memory.
//!
//! ```
//! use roleswitch::{check_json_input, MAX_INPUT_DEPTH};
//!
//! assert!(check_json_input(r#"{"a":[1,{"b":"[[["}]}"#.into()).is_ok());
//! let deep = "[".repeat(MAX_INPUT_DEPTH + 1) + &"]".repeat(MAX_INPUT_DEPTH + 1);
//! let err = check_json_input(deep).unwrap_err();
//! assert!(err.to_string().contains("more than 64 levels"));
//! ```

use std::fmt;

/// Deepest nesting of arrays and objects read from JavaScript. The deepest
/// valid value the core reads (a stored list: items, chunks, entries, their
/// base account) is a handful of levels deep.
pub const MAX_INPUT_DEPTH: usize = 64;

/// Largest JSON text read from JavaScript: 64 MiB, the size a stored list may
/// inflate to, and more than ten times the largest import.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Largest text an import reads, pasted or from a file: 16 MiB, three times
/// the extension's own export of the largest list it holds (20,000
/// environments are about 5.2 MB of Roleswitch JSON, 2.3 MB of AWS Extend
/// Switch Roles INI), so that every list it wrote imports back.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// Why an import of `bytes` of text is refused, if it is: what, how large,
/// and what to do. Checked before the text is read (or, for a file, loaded).
pub fn import_too_large(bytes: usize) -> Option<String> {
    (bytes > MAX_IMPORT_BYTES).then(|| {
        format!(
            "It is {}, more than the {} an import reads; nothing was read. Import the configuration \
             file itself rather than an archive or a log, or split the list into parts of at most {} and \
             import them one after the other.",
            megabytes(bytes),
            megabytes(MAX_IMPORT_BYTES),
            megabytes(MAX_IMPORT_BYTES)
        )
    })
}

/// `5 MB`, `5.1 MB`: sizes as people read them, never rounded down to the limit.
fn megabytes(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    let tenths = (bytes * 10).div_ceil(MB);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Why a value from JavaScript was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// Arrays or objects nested more than [`MAX_INPUT_DEPTH`] levels deep.
    TooDeep,
    /// JSON text longer than [`MAX_INPUT_BYTES`]; carries its length.
    TooLarge(usize),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TooDeep => write!(
                f,
                "nested more than {MAX_INPUT_DEPTH} levels deep, which no valid value is; it was not read"
            ),
            InputError::TooLarge(bytes) => write!(
                f,
                "{} MiB, more than the {} MiB the extension ever passes; it was not read",
                bytes.div_ceil(1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Checks JSON text from JavaScript for size and nesting in one pass, and
/// replaces escaped lone surrogates (which `JSON.stringify` writes for
/// malformed JS strings, and Rust strings cannot hold) by `\ufffd`, as the
/// engine's own string conversion does. Invalid JSON is left for the parser
/// to report.
pub fn check_json_input(text: String) -> Result<String, InputError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge(text.len()));
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut lone = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' => {
                    if bytes.get(i + 1) == Some(&b'u') {
                        if let Some(unit) = escaped_unit(bytes, i) {
                            let high = (0xd800..0xdc00).contains(&unit);
                            let low = (0xdc00..0xe000).contains(&unit);
                            let paired = high
                                && escaped_unit(bytes, i + 6)
                                    .is_some_and(|next| (0xdc00..0xe000).contains(&next));
                            if paired {
                                i += 12;
                                continue;
                            }
                            if high || low {
                                lone.push(i);
                            }
                            i += 6;
                            continue;
                        }
                    }
                    i += 2;
                    continue;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_INPUT_DEPTH {
                        return Err(InputError::TooDeep);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    if lone.is_empty() {
        return Ok(text);
    }
    let mut fixed = text.into_bytes();
    for at in lone {
        fixed[at..at + 6].copy_from_slice(b"\\ufffd");
    }
    // Only ASCII was replaced by ASCII: still UTF-8.
    Ok(String::from_utf8(fixed).unwrap_or_default())
}

/// The UTF-16 unit of the `\uXXXX` escape at `at`, if there is one.
fn escaped_unit(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, levels: usize) -> String {
        open.repeat(levels) + "1" + &close.repeat(levels)
    }

    #[test]
    fn depth_is_counted_outside_strings_only() {
        let at_limit = [
            nested("[", "]", MAX_INPUT_DEPTH),
            nested("{\"a\":", "}", MAX_INPUT_DEPTH),
            // Brackets and escaped quotes inside strings do not count.
            format!("[\"{}\"]", "[{".repeat(100)),
            format!("[\"\\\"[[[[\", {}]", nested("[", "]", MAX_INPUT_DEPTH - 1)),
            // Siblings do not add up.
            format!(
                "[{}]",
                vec![nested("[", "]", MAX_INPUT_DEPTH - 1); 3].join(",")
            ),
        ];
        for text in at_limit {
            assert_eq!(
                check_json_input(text.clone()),
                Ok(text.clone()),
                "{text:.80}"
            );
        }
        let too_deep = [
            nested("[", "]", MAX_INPUT_DEPTH + 1),
            nested("{\"a\":", "}", MAX_INPUT_DEPTH + 1),
            nested("[", "]", 5000),
            // Unbalanced or invalid text is still refused before it is parsed.
            "[".repeat(100_000),
            format!("[\"x\\\\\", {}]", nested("[", "]", MAX_INPUT_DEPTH)),
        ];
        for text in too_deep {
            assert_eq!(
                check_json_input(text.clone()),
                Err(InputError::TooDeep),
                "{text:.80}"
            );
        }
    }

    #[test]
    fn messages_name_the_limit() {
        assert_eq!(
            InputError::TooDeep.to_string(),
            "nested more than 64 levels deep, which no valid value is; it was not read"
        );
        assert_eq!(
            InputError::TooLarge(MAX_INPUT_BYTES + 1).to_string(),
            "65 MiB, more than the 64 MiB the extension ever passes; it was not read"
        );
        let huge = " ".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(
            check_json_input(huge),
            Err(InputError::TooLarge(MAX_INPUT_BYTES + 1))
        );
    }

    #[test]
    fn imports_over_the_cap_are_refused_with_their_size() {
        let cases = [
            (0, None),
            (MAX_IMPORT_BYTES, None),
            (
                MAX_IMPORT_BYTES + 1,
                Some("It is 16.1 MB, more than the 16 MB"),
            ),
            (17_500_000, Some("It is 16.7 MB, more than the 16 MB")),
            (50 * 1024 * 1024, Some("It is 50 MB, more than the 16 MB")),
        ];
        for (bytes, want) in cases {
            let got = import_too_large(bytes);
            assert_eq!(got.is_some(), want.is_some(), "{bytes} bytes");
            if let (Some(got), Some(want)) = (got, want) {
                assert!(got.starts_with(want), "{got}");
                assert!(
                    got.contains("split the list into parts of at most 16 MB"),
                    "{got}"
                );
            }
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_chars() {
        let cases = [
            (r#"["a\ud800b"]"#, r#"["a\ufffdb"]"#),
            (r#"["\udc00"]"#, r#"["\ufffd"]"#),
            (r#"["\ud800\ud800"]"#, r#"["\ufffd\ufffd"]"#),
            // A pair is kept, in either case of hex digits.
            (r#"["\ud83d\ude80"]"#, r#"["\ud83d\ude80"]"#),
            (r#"["\uD83D\uDE80"]"#, r#"["\uD83D\uDE80"]"#),
            // Not an escape: an escaped backslash followed by text.
            (r#"["\\ud800"]"#, r#"["\\ud800"]"#),
            (r#"["\u00e9"]"#, r#"["\u00e9"]"#),
        ];
        for (text, want) in cases {
            let fixed = check_json_input(text.into()).expect("read");
            assert_eq!(fixed, want);
            let value: serde_json::Value = serde_json::from_str(&fixed).expect("valid JSON");
            assert!(value.is_array());
        }
    }
}

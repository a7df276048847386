//! The ERRORS section: the error codes a script returns with `redis.error_reply`, each
//! with what it means.
//!
//! ```text
//! ERRORS:
//!     INSUFFICIENT_BALANCE - the source balance is lower than the amount
//! ```

use crate::diagnostic::{Diagnostic, Location};
use crate::model::DeclaredError;
use crate::redis::errors::reserved;
use crate::rules;

use super::sections::TextSection;

/// Reads the entries of an ERRORS section.
pub fn parse(section: &TextSection, diagnostics: &mut Vec<Diagnostic>) -> Vec<DeclaredError> {
    let first_line = section.heading.line + usize::from(!section.inline);
    let mut declared: Vec<DeclaredError> = Vec::new();
    for (i, text) in section.lines.iter().enumerate() {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let line = first_line + i;
        let column = text.len() - text.trim_start().len() + 1;
        let (code, description) = split_entry(trimmed);
        if !is_error_code(code) {
            diagnostics.push(
                Diagnostic::new(&rules::HEADER_SYNTAX,
                    format!("`{code}` is not an error code"),
                    Location::new(line, column),
                    code.chars().count().max(1),
                )
                .with_help("start each ERRORS line with a code in capitals, digits and `_`, like `INSUFFICIENT_BALANCE - what it means`"),
            );
            continue;
        }
        if let Some(why) = reserved(code, description) {
            diagnostics.push(
                Diagnostic::new(&rules::RESERVED_ERROR_CODE, format!("`{code}` cannot be a script's error code: {why}"), Location::new(line, column), code.len())
                    .with_help("callers would take an error with this code for Redis refusing the call before the script ran, and might run it again: pick a code of your own"),
            );
            continue;
        }
        if let Some(first) = declared.iter().find(|d| d.code == code) {
            diagnostics.push(
                Diagnostic::new(
                    &rules::HEADER_SYNTAX,
                    format!("`{code}` is declared twice (first on line {})", first.line),
                    Location::new(line, column),
                    code.len(),
                )
                .with_help("declare each error code once"),
            );
            continue;
        }
        declared.push(DeclaredError {
            code: code.to_owned(),
            description: description.to_owned(),
            line,
        });
    }
    declared
}

/// `CODE - description` (or `CODE: description`, `CODE = description`, or `CODE` alone).
fn split_entry(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| c.is_whitespace() || c == ':')
        .unwrap_or(text.len());
    let (code, rest) = text.split_at(end);
    let rest = rest.trim_start();
    let description = rest
        .strip_prefix(['-', ':', '='])
        .map_or(rest, str::trim_start);
    (code, description)
}

/// An error code: capitals, digits and `_`, starting with a capital, at least two long.
pub fn is_error_code(word: &str) -> bool {
    word.len() > 1
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(lines: &[&str]) -> TextSection {
        TextSection {
            title: "ERRORS".to_owned(),
            heading: Location::new(10, 5),
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            inline: false,
        }
    }

    #[test]
    fn reads_codes_and_descriptions() {
        let mut diagnostics = Vec::new();
        let declared = parse(
            &section(&[
                "",
                "    INSUFFICIENT_BALANCE - too little money",
                "    LOCKED: the account is locked",
                "    E42",
            ]),
            &mut diagnostics,
        );
        assert_eq!(diagnostics, []);
        let codes: Vec<(&str, &str, usize)> = declared
            .iter()
            .map(|d| (d.code.as_str(), d.description.as_str(), d.line))
            .collect();
        assert_eq!(
            codes,
            [
                ("INSUFFICIENT_BALANCE", "too little money", 12),
                ("LOCKED", "the account is locked", 13),
                ("E42", "", 14)
            ]
        );
    }

    #[test]
    fn rejects_bad_and_repeated_codes() {
        let mut diagnostics = Vec::new();
        parse(
            &section(&[
                "    Insufficient balance",
                "    LOCKED - a",
                "    LOCKED - b",
            ]),
            &mut diagnostics,
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`Insufficient` is not an error code",
                "`LOCKED` is declared twice (first on line 12)"
            ]
        );
    }

    #[test]
    fn rejects_the_codes_redis_uses_itself() {
        for code in crate::RESERVED_ERROR_CODES {
            let mut diagnostics = Vec::new();
            let line = format!("    {code} - ours");
            let declared = parse(&section(&[&line]), &mut diagnostics);
            assert!(declared.is_empty(), "{code}");
            assert_eq!(diagnostics.len(), 1, "{code}");
            assert_eq!(
                diagnostics[0].message,
                format!(
                    "`{code}` cannot be a script's error code: `{code}` is an error code Redis uses itself"
                )
            );
        }
        let mut diagnostics = Vec::new();
        parse(
            &section(&["    ERR - anything", "    OUT_OF_QUOTA"]),
            &mut diagnostics,
        );
        assert_eq!(diagnostics, []);
    }
}

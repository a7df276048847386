//! One KEYS/ARGV entry line: `[1] capacity: int - Maximum tokens` (block style) or
//! `KEYS[1] = rate limit key` (line style).

use crate::diagnostic::{Diagnostic, Location};
use crate::model::ParamKind;
use crate::names;
use crate::rules;
use crate::types::ParamType;

use super::extract::HeaderLine;

/// An entry as written, before numbering and names are checked across entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// KEYS or ARGV.
    pub kind: ParamKind,
    /// Where the entry goes.
    pub position: Position,
    /// `[n..]`: a variadic tail.
    pub variadic: bool,
    /// Where the bracketed index starts, and its width, for messages.
    pub label: Location,
    /// The width of the label in characters.
    pub label_width: usize,
    /// The name given in the header.
    pub name: Option<String>,
    /// The declared type.
    pub ty: Option<ParamType>,
    /// The description (continuation lines are appended later).
    pub description: String,
    /// Lines that describe parts of the entry (`opts - token - lock token` under
    /// `Input:` describes the `token` option of `opts`): `token - lock token`.
    pub details: Vec<String>,
    /// Indentation of the entry, so deeper lines continue its description.
    pub indent: usize,
}

/// Where an entry goes among the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// `[n]`, `[n..]`, `[n...]`, `[n..N]`, `[n .. m+N]`: at index `n`.
    At(usize),
    /// `[...]`: a tail after the entries written before it.
    Next,
    /// An index computed from counts, `[2+N]` or `[3+N .. end]`: only meaningful inside a
    /// variadic tail written before it, which it describes further; alone, it starts a
    /// tail after the entries written before it.
    Computed,
}

/// The highest index an entry may have: more parameters than this is not a script
/// anyone calls with positional arguments.
pub const MAX_INDEX: usize = 1000;

/// An entry, and a problem in the text after its index that did not stop it from being
/// read (so numbering checks still see it); or the error that did.
pub type ParsedEntry = Result<(RawEntry, Option<Diagnostic>), Diagnostic>;

/// Reads a line-style entry (`KEYS[1] = ...`, `ARGV[2] - ...`, `KEYS[1], KEYS[2], ... - ...`,
/// and bee-queue's `key 1 -> ...` / `arg 1 -> ...`). `None` when the line is not one.
pub fn parse_line_style(line: &HeaderLine<'_>) -> Option<ParsedEntry> {
    let indent = indentation(line.text);
    let trimmed = &line.text[indent..];
    let (kind, brackets) = if let Some(rest) = trimmed.strip_prefix("KEYS") {
        (ParamKind::Key, rest)
    } else if let Some(rest) = trimmed.strip_prefix("ARGV") {
        (ParamKind::Arg, rest)
    } else {
        return parse_word_style(line, indent, trimmed);
    };
    brackets
        .starts_with('[')
        .then(|| parse_bracketed(line, kind, indent, brackets))
}

/// `key 1 -> description` / `arg 2 -> description` (any case).
fn parse_word_style(line: &HeaderLine<'_>, indent: usize, text: &str) -> Option<ParsedEntry> {
    let (word, rest) = text.split_once(' ')?;
    let kind = match word.to_ascii_lowercase().as_str() {
        "key" => ParamKind::Key,
        "arg" => ParamKind::Arg,
        _ => return None,
    };
    let digits: &str = &rest[..rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len())];
    let index: usize = digits
        .parse()
        .ok()
        .filter(|i| (1..=MAX_INDEX).contains(i))?;
    let after = rest[digits.len()..].trim_start();
    let description = after
        .strip_prefix("->")
        .or_else(|| after.strip_prefix('-'))?;
    let label = Location::new(line.line, line.column + char_count(&line.text[..indent]));
    Some(Ok((
        RawEntry {
            kind,
            position: Position::At(index),
            variadic: false,
            label,
            label_width: word.len() + 1 + digits.len(),
            name: None,
            ty: None,
            description: clean_description(description),
            details: Vec::new(),
            indent,
        },
        None,
    )))
}

/// Reads a block-style entry (`[1] - ...`) of the section `kind`. `None` when the line does
/// not start with `[`.
pub fn parse_block_style(line: &HeaderLine<'_>, kind: ParamKind) -> Option<ParsedEntry> {
    let indent = indentation(line.text);
    let trimmed = &line.text[indent..];
    trimmed
        .starts_with('[')
        .then(|| parse_bracketed(line, kind, indent, trimmed))
}

/// Whether a line looks like an entry of either style, to report entries in wrong places.
pub fn looks_like_entry(text: &str) -> bool {
    let trimmed = text.trim_start();
    let after = trimmed
        .strip_prefix("KEYS")
        .or_else(|| trimmed.strip_prefix("ARGV"))
        .unwrap_or(trimmed);
    after
        .strip_prefix('[')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// Parses `[n]` or `[n..]` at the start of `text` (the entry's label starts at byte
/// `indent` of the line: `KEYS[` or `[`) and what follows it.
fn parse_bracketed(
    line: &HeaderLine<'_>,
    kind: ParamKind,
    indent: usize,
    text: &str,
) -> ParsedEntry {
    let label = Location::new(line.line, line.column + char_count(&line.text[..indent]));
    let prefix_len = line.text.len() - indent - text.len();
    let close = text.find(']').ok_or_else(|| {
        Diagnostic::new(
            &rules::HEADER_SYNTAX,
            "this entry's `[` is never closed",
            label,
            1,
        )
        .with_help("write the index as `[1]`, or `[2..]` for a variadic tail")
    })?;
    let inside = &text[1..close];
    let label_width = prefix_len + close + 1;
    let (position, variadic) = read_index(inside).ok_or_else(|| {
        Diagnostic::new(
            &rules::HEADER_SYNTAX,
            format!("`[{inside}]` is not an entry index"),
            label,
            label_width,
        )
        .with_help("indices are whole numbers from 1: `[1]`, `[2]`, or `[3..]` for a variadic tail")
    })?;
    let rest = &text[close + 1..];
    let rest_column = label.column + label_width;
    let (variadic, rest) = match list_tail(rest) {
        Some(after) => (true, after),
        None => (variadic, rest),
    };
    let (parts, problem) = match parse_rest(rest, Location::new(line.line, rest_column)) {
        Ok(parts) => (parts, None),
        Err(problem) => (RestParts::description(rest), Some(problem)),
    };
    let entry = RawEntry {
        kind,
        position,
        variadic,
        label,
        label_width,
        name: parts.name,
        ty: parts.ty,
        description: parts.description,
        details: Vec::new(),
        indent,
    };
    Ok((entry, problem))
}

/// Reads what is inside an entry's brackets: its position, and whether it is a tail.
fn read_index(inside: &str) -> Option<(Position, bool)> {
    let inside = inside.trim();
    if inside == "..." || inside == ".." {
        return Some((Position::Next, true));
    }
    let digits = &inside[..inside
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(inside.len())];
    if digits.is_empty() {
        // `[N]`, `[N+1]`: computed from counts written elsewhere.
        let single_capital =
            inside.len() == 1 && inside.starts_with(|c: char| c.is_ascii_uppercase());
        let computed = single_capital
            || (inside.contains('+') && inside.starts_with(|c: char| c.is_ascii_uppercase()));
        return computed.then_some((Position::Computed, true));
    }
    let index = digits
        .parse::<usize>()
        .ok()
        .filter(|i| (1..=MAX_INDEX).contains(i))?;
    let rest = inside[digits.len()..].trim_start();
    if rest.is_empty() {
        Some((Position::At(index), false))
    } else if rest.starts_with("..") {
        // `[n..]`, `[n...]`, `[n..N]`, `[n .. m+N]`, `[1..n]`: every value from `n` on.
        Some((Position::At(index), true))
    } else if rest.starts_with('+') {
        Some((Position::Computed, true))
    } else {
        None
    }
}

/// The seed's `KEYS[1], KEYS[2], ... - key arguments`: a list ending in `...` declares a
/// variadic tail. Returns the text after the list.
fn list_tail(rest: &str) -> Option<&str> {
    let trimmed = rest.trim_start();
    if !trimmed.starts_with(',') {
        return None;
    }
    let dots = trimmed.find("...")?;
    let head = &trimmed[..dots];
    head.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ',' | '[' | ']' | ' ' | '\t'))
        .then(|| &trimmed[dots + 3..])
}

/// The parts after the index.
struct RestParts {
    name: Option<String>,
    ty: Option<ParamType>,
    description: String,
}

impl RestParts {
    /// All of `text` as the description.
    fn description(text: &str) -> Self {
        Self {
            name: None,
            ty: None,
            description: clean_description(text),
        }
    }
}

/// Parses `name: type - description`, where each part is optional.
fn parse_rest(rest: &str, at: Location) -> Result<RestParts, Diagnostic> {
    let offset = indentation(rest);
    let text = &rest[offset..];
    let at = Location::new(at.line, at.column + char_count(&rest[..offset]));
    if let Some(after) = strip_separator(text) {
        // `KEYS[1] = name: type - description`: a name and a known type after the `=` too;
        // anything else there is description (`= window (seconds)`, `= note: see below`).
        let separator_len = text.len() - after.len();
        let after_at = Location::new(at.line, at.column + char_count(&text[..separator_len]));
        if let Ok(parts) = parse_rest(after, after_at)
            && parts.ty.is_some()
            && parts.name.is_some()
        {
            return Ok(parts);
        }
        return Ok(RestParts::description(after));
    }
    if let Some(after_colon) = text.strip_prefix(':') {
        return Ok(match parse_type_and_description(text, after_colon, at)? {
            Some((ty, description)) => RestParts {
                name: None,
                ty: Some(ty),
                description,
            },
            None => RestParts::description(after_colon),
        });
    }
    let Some((name, after_name)) = split_identifier(text) else {
        return Ok(RestParts::description(text));
    };
    if !names::is_snake_case_identifier(name) {
        return Ok(RestParts::description(text));
    }
    let after_trimmed = after_name.trim_start();
    if let Some(after_colon) = after_trimmed.strip_prefix(':') {
        if let Some((ty, description)) = parse_type_and_description(text, after_colon, at)? {
            check_given_name(name, at)?;
            return Ok(RestParts {
                name: Some(name.to_owned()),
                ty: Some(ty),
                description,
            });
        }
        return Ok(RestParts::description(text));
    }
    if let Some(description) = strip_separator(after_trimmed) {
        check_given_name(name, at)?;
        return Ok(RestParts {
            name: Some(name.to_owned()),
            ty: None,
            description: clean_description(description),
        });
    }
    Ok(RestParts::description(text))
}

/// After `:` (`after_colon` is the end of `text`, which starts at `at`): a type word, then
/// the end or a separator and a description. `Ok(None)` when the text does not have that
/// shape (it is then ordinary description text).
fn parse_type_and_description(
    text: &str,
    after_colon: &str,
    at: Location,
) -> Result<Option<(ParamType, String)>, Diagnostic> {
    let word_text = after_colon.trim_start();
    let Some((word, after_word)) = split_identifier(word_text) else {
        return Ok(None);
    };
    let word_at = Location::new(
        at.line,
        at.column + char_count(&text[..text.len() - word_text.len()]),
    );
    let after_word = after_word.trim_start();
    let description = if after_word.is_empty() {
        String::new()
    } else if let Some(description) = strip_separator(after_word) {
        description.trim().to_owned()
    } else {
        return Ok(None);
    };
    match ParamType::from_word(word) {
        Some(ty) => Ok(Some((ty, description))),
        None => Err(Diagnostic::new(
            &rules::HEADER_SYNTAX,
            format!("unknown parameter type `{word}`"),
            word_at,
            word.len(),
        )
        .with_help(format!(
            "use one of: {}; or leave the type out to accept any single Redis argument",
            ParamType::vocabulary()
        ))),
    }
}

fn check_given_name(name: &str, at: Location) -> Result<(), Diagnostic> {
    if names::is_keyword(name) {
        return Err(Diagnostic::new(
            &rules::HEADER_SYNTAX,
            format!("`{name}` is a Rust keyword and cannot name a parameter"),
            at,
            name.len(),
        )
        .with_help(format!("pick another name, e.g. `{name}_value`")));
    }
    Ok(())
}

/// A description as written, without the punctuation lists put around it: a trailing
/// comma or semicolon, and the quotes of a quoted single word (`'wait',` is `wait`).
pub fn clean_description(text: &str) -> String {
    let text = text.trim().trim_end_matches([',', ';']).trim_end();
    let unquoted = ['\'', '"', '`'].iter().find_map(|&quote| {
        let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
        (!inner.is_empty() && !inner.contains(char::is_whitespace)).then_some(inner)
    });
    unquoted.unwrap_or(text).to_owned()
}

/// The text after a leading `-` or `=` separator, which must be followed by a space or
/// the end of the line (so `rate-limit` stays one word).
fn strip_separator(text: &str) -> Option<&str> {
    let after = text
        .strip_prefix("->")
        .or_else(|| text.strip_prefix("=>"))
        .or_else(|| text.strip_prefix(['-', '=']))?;
    (after.is_empty() || after.starts_with(char::is_whitespace)).then_some(after)
}

/// Splits a leading `[A-Za-z_][A-Za-z0-9_]*` off `text`.
fn split_identifier(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let end = text
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(text.len());
    Some(text.split_at(end))
}

/// The byte length of the leading whitespace of `text`.
pub fn indentation(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> RawEntry {
        let line = HeaderLine {
            line: 7,
            column: 1,
            text,
        };
        let (entry, problem) = parse_block_style(&line, ParamKind::Arg).unwrap().unwrap();
        assert_eq!(problem, None);
        entry
    }

    fn block_error(text: &str) -> Diagnostic {
        let line = HeaderLine {
            line: 7,
            column: 1,
            text,
        };
        match parse_block_style(&line, ParamKind::Arg).unwrap() {
            Ok((_, Some(problem))) | Err(problem) => problem,
            Ok((entry, None)) => panic!("no problem found in {entry:?}"),
        }
    }

    fn line_style(text: &str) -> RawEntry {
        let line = HeaderLine {
            line: 2,
            column: 3,
            text,
        };
        parse_line_style(&line).unwrap().unwrap().0
    }

    #[test]
    fn seed_block_entry() {
        let entry = block("        [1] - Rate limit key (e.g., \"ratelimit:user:123\")");
        assert_eq!(entry.position, Position::At(1));
        assert!(!entry.variadic);
        assert_eq!(entry.name, None);
        assert_eq!(entry.ty, None);
        assert_eq!(
            entry.description,
            "Rate limit key (e.g., \"ratelimit:user:123\")"
        );
        assert_eq!(entry.label, Location::new(7, 9));
        assert_eq!(entry.label_width, 3);
        assert_eq!(entry.indent, 8);
    }

    #[test]
    fn seed_line_entry() {
        let entry = line_style(" KEYS[1] = rate limit key");
        assert_eq!(entry.kind, ParamKind::Key);
        assert_eq!(entry.position, Position::At(1));
        assert_eq!(entry.description, "rate limit key");
        assert_eq!(entry.label, Location::new(2, 4));
        assert_eq!(entry.label_width, 7);
    }

    #[test]
    fn names_and_types() {
        let entry = block("[1] capacity: int - Maximum tokens");
        assert_eq!(entry.name.as_deref(), Some("capacity"));
        assert_eq!(entry.ty, Some(ParamType::Int));
        assert_eq!(entry.description, "Maximum tokens");

        let entry = block("[2] bucket - the bucket");
        assert_eq!(entry.name.as_deref(), Some("bucket"));
        assert_eq!(entry.ty, None);

        let entry = block("[3]: float - ratio");
        assert_eq!(entry.name, None);
        assert_eq!(entry.ty, Some(ParamType::Float));

        let entry = block("[5]: the user key");
        assert_eq!(
            (entry.ty, entry.description.as_str()),
            (None, "the user key")
        );

        let entry = block("[4] flag: bool");
        assert_eq!(entry.name.as_deref(), Some("flag"));
        assert_eq!(entry.description, "");
    }

    #[test]
    fn line_entries_take_a_name_and_type_after_the_separator() {
        let entry = line_style(" ARGV[2] = job: json - the job");
        assert_eq!(entry.name.as_deref(), Some("job"));
        assert_eq!(entry.ty, Some(ParamType::Json));
        assert_eq!(entry.description, "the job");
        let prose = line_style(" ARGV[2] = note: see the docs");
        assert_eq!((prose.name, prose.ty), (None, None));
        assert_eq!(prose.description, "note: see the docs");
    }

    #[test]
    fn prose_stays_description() {
        assert_eq!(block("[1] Maximum - tokens").name, None);
        assert_eq!(
            block("[1] Note: something else").description,
            "Note: something else"
        );
        assert_eq!(block("[1] rate-limit key").description, "rate-limit key");
        assert_eq!(block("[1] window (seconds)").name, None);
    }

    #[test]
    fn variadic_forms() {
        let entry = block("[2..] - more keys");
        assert!(entry.variadic);
        assert_eq!(entry.position, Position::At(2));
        let entry = line_style("KEYS[1], KEYS[2], ... - key arguments");
        assert!(entry.variadic);
        assert_eq!(entry.position, Position::At(1));
        assert_eq!(entry.description, "key arguments");
    }

    #[test]
    fn bad_entries() {
        assert!(
            block_error("[0] - zero")
                .message
                .contains("not an entry index")
        );
        assert!(
            block_error("[x] - x")
                .message
                .contains("not an entry index")
        );
        assert!(block_error("[1 - open").message.contains("never closed"));
        let error = block_error("[1] count: integer - n");
        assert!(error.message.contains("unknown parameter type `integer`"));
        assert_eq!((error.location.column, error.width), (12, 7));
        assert!(
            error
                .help
                .unwrap()
                .contains("key, string, bytes, int, float, bool")
        );
        assert!(
            block_error("[1] type: int - t")
                .message
                .contains("Rust keyword")
        );
        assert!(
            block_error("[1000000000000000000000] - x")
                .message
                .contains("not an entry index")
        );
        assert!(
            block_error("[1001] - x")
                .message
                .contains("not an entry index")
        );
    }

    #[test]
    fn a_bad_type_keeps_the_entry_for_numbering() {
        let line = HeaderLine {
            line: 1,
            column: 1,
            text: "[2] n: integer - count",
        };
        let (entry, problem) = parse_block_style(&line, ParamKind::Arg).unwrap().unwrap();
        assert_eq!(entry.position, Position::At(2));
        assert!(problem.is_some());
    }

    #[test]
    fn recognises_entries_anywhere() {
        assert!(looks_like_entry("  [1] - x"));
        assert!(looks_like_entry("ARGV[2] = y"));
        assert!(!looks_like_entry("[see below]"));
        assert!(!looks_like_entry("Rate limiter"));
    }
}

//! Overlays: what a binding says about a script whose header it cannot edit (a vendored
//! file, replaced on every upgrade). The attribute names entries by name or index and
//! gives what the header leaves open: a type, a Rust name, a description; and RETURNS.
//!
//! ```text
//! #[redis_script("vendor/take.lua",
//!     keys(1 as waiting: key, active: key),
//!     argv(opts: msgpack - "the job's options", 4..: string),
//!     returns = "empty: int | job: (string, string)")]
//! ```
//!
//! An entry overlay is `selector ['as' name] [':' type] ['-' "description"]`, its
//! selector the entry's name (given or inferred), its index (`3`) or its tail (`4..`). The
//! overlay is applied to the header's model before the checks run, so a type the body
//! contradicts is found like a header's, and reported at the overlay.

use crate::diagnostic::{Diagnostic, Location, OverlayPart};
use crate::model::{Param, ParamKind, Returns, Script};
use crate::names;
use crate::rules;
use crate::types::{ParamType, ReturnType};

/// Everything a binding overlays on a script's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlay {
    /// The KEYS and ARGV entries it refines, in the order written.
    pub entries: Vec<EntryOverlay>,
    /// The RETURNS it gives, if any.
    pub returns: Option<ReturnsOverlay>,
}

/// How an overlay names the entry it refines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// By its name, as the header gives or infers it.
    Name(String),
    /// A fixed entry, by its 1-based index.
    Index(usize),
    /// The variadic tail starting at this index (`4..`).
    Tail(usize),
}

/// What an overlay says about one KEYS or ARGV entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryOverlay {
    /// KEYS or ARGV.
    pub kind: ParamKind,
    /// Which entry.
    pub selector: Selector,
    /// Its Rust name (`as name`).
    pub rename: Option<String>,
    /// Its type.
    pub ty: Option<ParamType>,
    /// Its description.
    pub description: Option<String>,
    /// The overlay as written, for messages: `argv(opts: msgpack)`.
    pub text: String,
}

/// The RETURNS an overlay gives: a type, or a union of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnsOverlay {
    /// The type.
    pub ty: ReturnType,
    /// The text after ` - `, if any.
    pub description: String,
}

impl Overlay {
    /// Reads the overlays of an attribute's options as written after the script's path,
    /// e.g. `keys(wait: key), argv(3 as opts: msgpack), returns = "int | nil", target =
    /// "redis-8.0"`: the options that are not overlays are skipped.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut overlay = Self::default();
        for option in attribute_options(text) {
            let option = option.trim();
            let kind = if let Some(rest) = option.strip_prefix("keys") {
                Some((ParamKind::Key, rest))
            } else {
                option
                    .strip_prefix("argv")
                    .map(|rest| (ParamKind::Arg, rest))
            };
            if let Some((kind, rest)) = kind {
                let Some(inner) = rest
                    .trim()
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                else {
                    continue;
                };
                for entry in attribute_options(inner) {
                    if !entry.trim().is_empty() {
                        overlay.entries.push(EntryOverlay::parse(kind, entry)?);
                    }
                }
            } else if let Some(rest) = option.strip_prefix("returns") {
                let Some(value) = rest.trim().strip_prefix('=') else {
                    continue;
                };
                let (value, _) = string_literal(value.trim())?;
                overlay.returns = Some(ReturnsOverlay::parse(&value)?);
            }
        }
        Ok(overlay)
    }

    /// Whether it says nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.returns.is_none()
    }
}

impl EntryOverlay {
    /// Reads one entry overlay of `keys(...)` or `argv(...)`: `opts: msgpack`,
    /// `3 as opts: msgpack - "the options"`, `4..: string`.
    pub fn parse(kind: ParamKind, text: &str) -> Result<Self, String> {
        // As written in Rust, whatever spacing the tokens were given.
        let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let written = format!(
            "{}({})",
            kind.array_name().to_ascii_lowercase(),
            spaced.replace(" :", ":").replace(" ..", "..")
        );
        let problem = |message: String| {
            format!(
                "`{written}`: {message}; an entry overlay reads `name: type`, `3 as name: type - \"description\"` or `4..: type`"
            )
        };
        let after_dash =
            |at: usize| text[at..].trim_start_matches(|c: char| c.is_whitespace() || c == '-');
        let dash = text.find('-');
        let (head, description) = match dash {
            Some(at) if after_dash(at).starts_with(['"', 'r']) => {
                let (description, rest) = string_literal(after_dash(at)).map_err(&problem)?;
                if !rest.trim().is_empty() {
                    return Err(problem(format!("`{}` after the description", rest.trim())));
                }
                (&text[..at], Some(description))
            }
            _ => (text, None),
        };
        // Spacing is free between the words (`3 as\n opts : int`).
        let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
        let head = head.as_str();
        let (head, ty) = match head.split_once(':') {
            Some((head, word)) => {
                let word = word.trim();
                let ty = ParamType::from_word(word).ok_or_else(|| {
                    problem(format!(
                        "`{word}` is not a type (the types: {})",
                        ParamType::vocabulary()
                    ))
                })?;
                (head, Some(ty))
            }
            None => (head, None),
        };
        let (selector, rename) = match head.split_once(" as ") {
            Some((selector, name)) => (selector, Some(name.trim().to_owned())),
            None => (head, None),
        };
        if let Some(name) = &rename
            && (!names::is_snake_case_identifier(name) || names::is_keyword(name))
        {
            return Err(problem(format!(
                "`{name}` is not a name: names are snake_case Rust identifiers, not keywords"
            )));
        }
        let selector = selector.trim();
        let selector = if let Some(start) = selector.strip_suffix("..") {
            Selector::Tail(index(start.trim()).ok_or_else(|| {
                problem(format!(
                    "`{selector}` is not a tail: write its first index, `4..`"
                ))
            })?)
        } else if selector.starts_with(|c: char| c.is_ascii_digit()) {
            Selector::Index(index(selector).ok_or_else(|| {
                problem(format!(
                    "`{selector}` is not an index: entries count from 1"
                ))
            })?)
        } else if names::is_snake_case_identifier(selector) {
            Selector::Name(selector.to_owned())
        } else {
            return Err(problem(format!(
                "`{selector}` names no entry: name one by its name, its index (`3`) or its tail (`4..`)"
            )));
        };
        if rename.is_none() && ty.is_none() && description.is_none() {
            return Err(problem("it says nothing about the entry".to_owned()));
        }
        Ok(Self {
            kind,
            selector,
            rename,
            ty,
            description,
            text: written,
        })
    }
}

impl ReturnsOverlay {
    /// Reads an overlay's RETURNS, `type` or `type - description`; the type must parse
    /// (it is not free text, as in a header) and a union must be one the reply can be
    /// read as.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (head, description) = text.split_once(" - ").unwrap_or((text, ""));
        let ty = ReturnType::parse(head).ok_or_else(|| {
            format!(
                "`returns = \"{text}\"`: `{}` is not a type (types: int, float, bool, string, bytes, status, nil, value, json, msgpack, `T?`, `[T]`, `{{K: V}}`, `(A, B)`, and unions `A | B` or `name: A | other: B`)",
                head.trim()
            )
        })?;
        if let Some(bad) = ty.invalid_map_key() {
            return Err(format!(
                "`returns = \"{text}\"` has map keys of type `{bad}`: map keys must be int, string, bytes, bool or status"
            ));
        }
        if let Some((message, help)) = ty.union_problem() {
            return Err(format!("`returns = \"{text}\"`: {message}; {help}"));
        }
        Ok(Self {
            ty,
            description: description.trim().to_owned(),
        })
    }
}

/// Applies `overlay` to `script`; what it gets wrong goes to `out`, each diagnostic
/// pointing at the overlay part it is about. Returns whether it gave the script its
/// RETURNS type (so that what the body returns against it is the overlay's to fix).
pub fn apply(script: &mut Script, overlay: &Overlay, out: &mut Vec<Diagnostic>) -> bool {
    // Entries are found by the header's names, before any overlay renames one.
    let found: Vec<Option<(ParamKind, usize, bool)>> = overlay
        .entries
        .iter()
        .map(|entry| find(script, entry).map(|p| (p.kind, p.index, p.variadic)))
        .collect();
    let mut seen: Vec<(ParamKind, usize, bool, usize)> = Vec::new();
    for ((at, entry), key) in overlay.entries.iter().enumerate().zip(found) {
        let part = Some(OverlayPart::entry(at));
        let Some(key) = key else {
            out.push(unknown_entry(script, entry).in_overlay(part));
            continue;
        };
        let param = entry_at(script, key);
        if let Some(&(.., first)) = seen.iter().find(|s| (s.0, s.1, s.2) == key) {
            out.push(
                Diagnostic::new(
                    &rules::OVERLAY_ENTRY,
                    format!(
                        "`{}` overlays {} again: `{}` already does",
                        entry.text,
                        param.label(),
                        overlay.entries[first].text
                    ),
                    param.label,
                    param.label_width,
                )
                .with_help("say everything about an entry in one overlay")
                .in_overlay(part),
            );
            continue;
        }
        seen.push((key.0, key.1, key.2, at));
        if let Some(name) = &entry.rename
            && let Some(other) = script
                .keys
                .iter()
                .chain(script.args.iter())
                .find(|p| &p.name == name && (p.kind, p.index, p.variadic) != key)
        {
            out.push(
                Diagnostic::new(
                    &rules::OVERLAY_ENTRY,
                    format!(
                        "`{}` names {} `{name}`, the name of {}",
                        entry.text,
                        key_label(key),
                        other.label()
                    ),
                    other.label,
                    other.label_width,
                )
                .with_help("give each entry a different name")
                .in_overlay(part),
            );
            continue;
        }
        refine(entry_at(script, key), entry, at, out);
    }
    overlay
        .returns
        .as_ref()
        .is_some_and(|returns| overlay_returns(script, returns, out))
}

/// Notes on each diagnostic about an overlay which overlay it is, for tools that show it
/// at the file (the command line, an editor), not at the attribute.
pub fn note_origins(found: &mut [Diagnostic], overlay: &Overlay) {
    for diagnostic in found {
        let written = match diagnostic.overlay {
            Some(OverlayPart::Entry(at)) => {
                overlay.entries.get(at as usize).map(|e| e.text.clone())
            }
            Some(OverlayPart::Returns) => overlay
                .returns
                .as_ref()
                .map(|r| format!("returns = \"{}\"", r.ty)),
            None => None,
        };
        if let Some(written) = written {
            diagnostic
                .notes
                .push(format!("from the binding's overlay `{written}`"));
        }
    }
}

/// Where the header starts (line 1 without one).
fn header_start(script: &Script) -> Location {
    Location::new(script.header_line.unwrap_or(1), 1)
}

fn key_label((kind, index, variadic): (ParamKind, usize, bool)) -> String {
    let dots = if variadic { ".." } else { "" };
    format!("{}[{index}{dots}]", kind.array_name())
}

fn find<'a>(script: &'a Script, entry: &EntryOverlay) -> Option<&'a Param> {
    let params = match entry.kind {
        ParamKind::Key => &script.keys,
        ParamKind::Arg => &script.args,
    };
    match &entry.selector {
        Selector::Name(name) => params.iter().find(|p| &p.name == name),
        Selector::Index(index) => params.fixed.iter().find(|p| p.index == *index),
        Selector::Tail(index) => params.tail.as_ref().filter(|p| p.index == *index),
    }
}

fn entry_at(script: &mut Script, (kind, index, variadic): (ParamKind, usize, bool)) -> &mut Param {
    let params = match kind {
        ParamKind::Key => &mut script.keys,
        ParamKind::Arg => &mut script.args,
    };
    params
        .fixed
        .iter_mut()
        .chain(params.tail.as_mut())
        .find(|p| p.index == index && p.variadic == variadic)
        .expect("the entry was found by its selector")
}

fn unknown_entry(script: &Script, entry: &EntryOverlay) -> Diagnostic {
    let params = match entry.kind {
        ParamKind::Key => &script.keys,
        ParamKind::Arg => &script.args,
    };
    let array = entry.kind.array_name();
    let wanted = match &entry.selector {
        Selector::Name(name) => format!("{array} entry named `{name}`"),
        Selector::Index(index) => format!("{array}[{index}]"),
        Selector::Tail(index) => format!("tail {array}[{index}..]"),
    };
    let listed: Vec<String> = params
        .iter()
        .map(|p| format!("{} `{}`", p.label(), p.name))
        .collect();
    let mut help = if listed.is_empty() {
        format!(
            "the header declares no {array} entries: an overlay refines entries the header declares"
        )
    } else {
        format!("its {array} entries: {}", listed.join(", "))
    };
    if let Selector::Name(name) = &entry.selector
        && let Some(close) = params
            .iter()
            .filter(|p| names::edit_distance(&p.name, name) <= 2)
            .min_by_key(|p| names::edit_distance(&p.name, name))
    {
        help = format!("did you mean `{}` ({})? {help}", close.name, close.label());
    }
    // At the entries the overlay could have meant, else at the header.
    let (at, width) = params.iter().next().map_or_else(
        || (header_start(script), 1),
        |first| (first.label, first.label_width),
    );
    Diagnostic::new(
        &rules::OVERLAY_ENTRY,
        format!("`{}`: {} declares no {wanted}", entry.text, script.path),
        at,
        width,
    )
    .with_help(help)
}

/// Gives `param` what `entry` says; a part that repeats the header is a warning, one that
/// contradicts it an error.
fn refine(param: &mut Param, entry: &EntryOverlay, at: usize, out: &mut Vec<Diagnostic>) {
    let part = Some(OverlayPart::entry(at));
    let (label, location, width) = (param.label(), param.label, param.label_width);
    let repeated = |what: String| {
        Diagnostic::new(
            &rules::REDUNDANT_OVERLAY,
            format!(
                "`{}` repeats what the header says: {label} {what}",
                entry.text
            ),
            location,
            width,
        )
        .with_help("leave it to the header: the overlay changes nothing")
        .in_overlay(part)
    };
    if let Some(ty) = entry.ty {
        match param.ty {
            Some(declared) if declared == ty => out.push(repeated(format!("is `{}`", ty.name()))),
            Some(declared) => out.push(
                Diagnostic::new(
                    &rules::OVERLAY_ENTRY,
                    format!(
                        "`{}` makes {} `{}`, but the header declares it `{}`",
                        entry.text,
                        param.label(),
                        ty.name(),
                        declared.name()
                    ),
                    param.label,
                    param.label_width,
                )
                .with_help(
                    "an overlay gives what the header leaves open; drop its type, or bind the entry as the header declares it",
                )
                .in_overlay(part),
            ),
            None => {
                param.ty = Some(ty);
                param.overlay = Some(at);
            }
        }
    }
    if let Some(name) = &entry.rename {
        if param.name_given && &param.name == name {
            out.push(repeated(format!("is named `{name}`")));
        } else {
            param.name = name.clone();
            param.name_given = true;
        }
    }
    if let Some(description) = &entry.description {
        if param.description.trim() == description.trim() {
            out.push(repeated(format!("is described \"{description}\"")));
        } else {
            param.description = description.clone();
        }
    }
}

fn overlay_returns(
    script: &mut Script,
    returns: &ReturnsOverlay,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let part = Some(OverlayPart::Returns);
    let at = header_start(script);
    match &script.returns {
        Returns::Typed { ty, .. } if *ty == returns.ty => out.push(
            Diagnostic::new(
                &rules::REDUNDANT_OVERLAY,
                format!("`returns = \"{ty}\"` repeats the header's RETURNS"),
                at,
                1,
            )
            .with_help("leave it to the header: the overlay changes nothing")
            .in_overlay(part),
        ),
        Returns::Typed { ty, .. } => out.push(
            Diagnostic::new(
                &rules::OVERLAY_ENTRY,
                format!(
                    "`returns = \"{}\"`, but the header declares `RETURNS: {ty}`",
                    returns.ty
                ),
                at,
                1,
            )
            .with_help("an overlay gives what the header leaves open: drop `returns`")
            .in_overlay(part),
        ),
        Returns::Text(_) | Returns::Undeclared => {
            let description = match &script.returns {
                Returns::Text(text) if returns.description.is_empty() => text.clone(),
                _ => returns.description.clone(),
            };
            script.returns = Returns::Typed {
                ty: returns.ty.clone(),
                description,
            };
            return true;
        }
    }
    false
}

/// A 1-based index.
fn index(text: &str) -> Option<usize> {
    text.parse().ok().filter(|i| *i > 0)
}

/// The options of an attribute's arguments (or the entries of `argv(...)`): `text` split
/// at the commas outside brackets and string literals.
pub fn attribute_options(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c, depth) in outside_strings(text) {
        if c == ',' && depth == 0 {
            parts.push(&text[start..at]);
            start = at + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The arguments of an attribute as written in Rust source: `rest` (the text after the
/// attribute's opening parenthesis) up to the parenthesis that closes it, brackets and
/// string literals inside skipped. `None` when it is not closed.
pub fn attribute_arguments(rest: &str) -> Option<&str> {
    outside_strings(rest)
        .find(|&(_, c, depth)| c == ')' && depth == 0)
        .map(|(at, ..)| &rest[..at])
}

/// The characters of `text` outside string literals, with where they are and how deep in
/// brackets they are (a bracket is inside the pair it opens or closes; a closing bracket
/// that closes nothing is at depth 0).
fn outside_strings(text: &str) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    text.char_indices().filter_map(move |(at, c)| {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            return None;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                return Some((at, c, depth + 1));
            }
            _ => {}
        }
        Some((at, c, depth))
    })
}

/// The value of the Rust string literal `text` starts with (`"..."` with escapes, or a raw
/// `r"..."`, `r#"..."#`), and what follows it.
fn string_literal(text: &str) -> Result<(String, &str), String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..]
            .strip_prefix('"')
            .ok_or("expected a string literal")?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body
            .find(&close)
            .ok_or("the string literal is not closed")?;
        return Ok((body[..end].to_owned(), &body[end + close.len()..]));
    }
    let body = text
        .strip_prefix('"')
        .ok_or_else(|| format!("expected a string literal, found `{text}`"))?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &body[at + 1..])),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some('0') => value.push('\0'),
                Some(c @ ('\\' | '"' | '\'')) => value.push(c),
                Some('\n') => {
                    // A line continuation: the next line's leading spaces are skipped.
                    let rest = chars.as_str();
                    let skipped = rest.len() - rest.trim_start().len();
                    for _ in rest[..skipped].chars() {
                        chars.next();
                    }
                }
                other => {
                    return Err(format!(
                        "the escape `\\{}` in a string literal is not supported here",
                        other.map(String::from).unwrap_or_default()
                    ));
                }
            },
            c => value.push(c),
        }
    }
    Err("the string literal is not closed".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entry_overlays() {
        let overlay = Overlay::parse(
            r#"keys(1 as waiting: key, active : key), argv(opts: msgpack - "the job's \"options\"", 4..: string), returns = "empty: int | job: (string, string) - the job", target = "redis-8.0""#,
        )
        .unwrap();
        assert_eq!(overlay.entries.len(), 4);
        let first = &overlay.entries[0];
        assert_eq!(first.selector, Selector::Index(1));
        assert_eq!(first.rename.as_deref(), Some("waiting"));
        assert_eq!(first.ty, Some(ParamType::Key));
        assert_eq!(first.text, "keys(1 as waiting: key)");
        let opts = &overlay.entries[2];
        assert_eq!(opts.selector, Selector::Name("opts".to_owned()));
        assert_eq!(opts.description.as_deref(), Some("the job's \"options\""));
        assert_eq!(overlay.entries[3].selector, Selector::Tail(4));
        let returns = overlay.returns.unwrap();
        assert_eq!(returns.ty.to_string(), "empty: int | job: (string, string)");
        assert_eq!(returns.description, "the job");
    }

    #[test]
    fn refuses_what_is_not_an_overlay() {
        let error = |text: &str| Overlay::parse(text).unwrap_err();
        assert!(error("argv(opts: msgpak)").contains("`msgpak` is not a type"));
        assert!(error("argv(0: int)").contains("entries count from 1"));
        assert!(error("argv(opts)").contains("says nothing"));
        assert!(error("argv(1 as Opts: int)").contains("not a name"));
        assert!(error("argv(x..: int)").contains("not a tail"));
        assert!(error(r#"returns = "int | bool""#).contains("could not be told apart"));
        assert!(error(r#"returns = "a number""#).contains("is not a type"));
        assert!(error(r#"argv(opts - "never closed)"#).contains("not closed"));
    }

    #[test]
    fn finds_where_an_attribute_ends() {
        assert_eq!(
            attribute_arguments(r#""a.lua", argv(x: int - "a (b)"), allow = ["c"])] struct A;"#),
            Some(r#""a.lua", argv(x: int - "a (b)"), allow = ["c"]"#)
        );
        assert_eq!(attribute_arguments(r#""a.lua", argv(x: int"#), None);
    }

    #[test]
    fn reads_raw_strings_and_continuations() {
        assert_eq!(
            string_literal("r#\"a \"b\"\"#, x").unwrap(),
            ("a \"b\"".to_owned(), ", x")
        );
        assert_eq!(string_literal("\"one \\\n     two\"").unwrap().0, "one two");
    }
}

//! Sorts header lines into the summary, entries and sections (`KEYS:`, `ARGV:`,
//! `RETURNS:`, `EXAMPLE:`, and any other `TITLE:`).

use crate::diagnostic::{Diagnostic, Location};
use crate::model::ParamKind;
use crate::rules;

use super::entry::{self, RawEntry, indentation};
use super::extract::HeaderLine;

/// The header's lines, sorted by meaning.
#[derive(Debug, Default)]
pub struct Sections {
    /// Free text outside sections.
    pub summary: Vec<String>,
    /// KEYS and ARGV entries in the order written.
    pub entries: Vec<RawEntry>,
    /// The RETURNS text: the line of the heading first, when it has text.
    pub returns: Option<TextSection>,
    /// The EXAMPLE lines, as written.
    pub example: Option<TextSection>,
    /// Other titled sections.
    pub others: Vec<(String, TextSection)>,
    /// Whether a `KEYS:` section was written (maybe `KEYS: none`).
    pub keys_section: bool,
    /// Whether an `ARGV:` section was written (maybe `ARGV: none`).
    pub args_section: bool,
}

/// The lines of a titled section.
#[derive(Debug)]
pub struct TextSection {
    /// The heading's title, in capitals (`RETURNS`, `OUTPUT`).
    pub title: String,
    /// Where the heading is.
    pub heading: Location,
    /// The lines after the heading, blank ones included (the heading's own text first).
    pub lines: Vec<String>,
    /// Whether `lines` starts with the text on the heading's own line.
    pub inline: bool,
}

impl TextSection {
    /// The lines without their common indentation and without blank lines at either end.
    pub fn dedented(&self) -> String {
        let indent = self
            .lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| indentation(l))
            .min()
            .unwrap_or(0);
        let lines: Vec<&str> = self
            .lines
            .iter()
            .map(|l| strip_indentation(l, indent).trim_end())
            .collect();
        lines.join("\n").trim_matches('\n').to_owned()
    }
}

/// `line` without up to `width` bytes of leading whitespace, cut at a character boundary.
fn strip_indentation(line: &str, width: usize) -> &str {
    let mut cut = width.min(indentation(line));
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    &line[cut..]
}

/// Which section the lines being read belong to.
#[derive(Clone, Copy)]
enum Current {
    Summary,
    Params(ParamKind),
    /// BullMQ's `Input:`: `KEYS[n] ...` and `ARGV[n] ...` lines, with deeper lines
    /// describing the entry above them (nested lists included).
    Input,
    Returns,
    Example,
    Other(usize),
}

/// Titles a header may use for its sections, besides free-form ones.
const KNOWN_TITLES: &[&str] = &["KEYS", "ARGV", "RETURNS", "EXAMPLE", "EXAMPLES"];

/// Titles read as headings in any case (`Input:`, `Returns:`), as other projects write them.
const ANY_CASE_TITLES: &[&str] = &[
    "EXAMPLE", "EXAMPLES", "INPUT", "OUTPUT", "RETURN", "RETURNS",
];

/// Sorts `lines` into sections; every malformed line is reported.
pub fn split(lines: &[HeaderLine<'_>]) -> (Sections, Vec<Diagnostic>) {
    let mut sections = Sections::default();
    let mut diagnostics = Vec::new();
    let mut current = Current::Summary;
    let mut heading_indent = 0;
    let mut continuing: Option<usize> = None;
    for line in lines {
        let text = line.text;
        if text.trim().is_empty() {
            continuing = None;
            push_blank(&mut sections, &current);
            continue;
        }
        // In RETURNS, EXAMPLE and other text sections, a deeper `CAPS:` line is text.
        let is_text = matches!(
            current,
            Current::Returns | Current::Example | Current::Other(_)
        );
        let heading = heading(text).filter(|_| !is_text || indentation(text) <= heading_indent);
        if let Some((title, inline)) = heading {
            heading_indent = indentation(text);
            let at = Location::new(line.line, line.column + heading_indent);
            continuing = None;
            current = open_section(&mut sections, &mut diagnostics, title, inline, at);
            continue;
        }
        let continued = continuing.filter(|&i| indentation(text) > sections.entries[i].indent);
        if let Some(parsed) = entry::parse_line_style(line) {
            continuing = push_entry(&mut sections, &mut diagnostics, parsed);
            continue;
        }
        match current {
            Current::Params(kind) => {
                if let Some(parsed) = entry::parse_block_style(line, kind) {
                    continuing = push_entry(&mut sections, &mut diagnostics, parsed);
                } else if let Some(last) = continued {
                    append_description(&mut sections.entries[last].description, text);
                } else {
                    diagnostics.push(stray_line_in_params(line, kind));
                }
            }
            Current::Input => {
                if let Some(last) = continued {
                    append_description(&mut sections.entries[last].description, text);
                } else if let Some((entry, detail)) = detail_of(&sections.entries, text) {
                    sections.entries[entry].details.push(detail);
                }
                // Other text under `Input:` describes the input as a whole.
            }
            Current::Returns => push_text(&mut sections.returns, text),
            Current::Example => push_text(&mut sections.example, text),
            Current::Other(i) => {
                if entry::looks_like_entry(text) {
                    diagnostics.push(entry_outside_params(line, Some(&sections.others[i].0)));
                } else {
                    sections.others[i].1.lines.push(text.to_owned());
                }
            }
            Current::Summary => {
                if let Some(last) = continued {
                    append_description(&mut sections.entries[last].description, text);
                } else if entry::looks_like_entry(text) {
                    diagnostics.push(entry_outside_params(line, None));
                } else if !(sections.summary.is_empty() && is_own_path(text)) {
                    continuing = None;
                    sections.summary.push(text.trim().to_owned());
                }
            }
        }
    }
    (sections, diagnostics)
}

/// A heading and the text on its line: `TITLE: text` where TITLE is in capitals (letters,
/// digits, `_`, spaces); one of [`ANY_CASE_TITLES`] in any case (`Input:`); or a single
/// capitalised word alone on its line (`Events:`).
fn heading(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_start();
    let colon = trimmed.find(':')?;
    let title = trimmed[..colon].trim_end();
    let inline = trimmed[colon + 1..].trim();
    let starts_upper = title.starts_with(|c: char| c.is_ascii_uppercase());
    let in_capitals = starts_upper
        && title
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == ' ');
    let known = ANY_CASE_TITLES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(title));
    let lone_word =
        starts_upper && inline.is_empty() && title.chars().all(|c| c.is_ascii_alphabetic());
    (in_capitals || known || lone_word).then_some((title, inline))
}

fn open_section(
    sections: &mut Sections,
    diagnostics: &mut Vec<Diagnostic>,
    title: &str,
    inline: &str,
    heading: Location,
) -> Current {
    let upper = title.to_ascii_uppercase();
    let text_section = |inline: &str| TextSection {
        title: upper.clone(),
        heading,
        lines: if inline.is_empty() {
            Vec::new()
        } else {
            vec![inline.to_owned()]
        },
        inline: !inline.is_empty(),
    };
    match upper.as_str() {
        "KEYS" | "ARGV" => {
            let kind = if upper == "KEYS" {
                sections.keys_section = true;
                ParamKind::Key
            } else {
                sections.args_section = true;
                ParamKind::Arg
            };
            if !inline.is_empty() && !inline.eq_ignore_ascii_case("none") {
                diagnostics.push(
                    Diagnostic::new(&rules::HEADER_SYNTAX,
                        format!("`{title}:` takes its entries on the lines below it"),
                        heading,
                        title.len() + 1,
                    )
                    .with_help(format!(
                        "write each entry on its own line, e.g. `    [1] name - description`, or `{title}: none`"
                    )),
                );
            }
            Current::Params(kind)
        }
        "INPUT" => Current::Input,
        "RETURNS" | "RETURN" | "OUTPUT" => {
            if sections.returns.is_some() {
                diagnostics.push(duplicate_section(title, heading));
            }
            sections.returns = Some(text_section(inline));
            Current::Returns
        }
        "EXAMPLE" | "EXAMPLES" => {
            if sections.example.is_some() {
                diagnostics.push(duplicate_section(title, heading));
            }
            sections.example = Some(text_section(inline));
            Current::Example
        }
        _ => {
            sections
                .others
                .push((title.to_owned(), text_section(inline)));
            Current::Other(sections.others.len() - 1)
        }
    }
}

fn duplicate_section(title: &str, heading: Location) -> Diagnostic {
    Diagnostic::new(
        &rules::HEADER_SYNTAX,
        format!("the header has a second `{title}:` section"),
        heading,
        title.len() + 1,
    )
    .with_help(format!("merge the two `{title}:` sections into one"))
}

fn push_blank(sections: &mut Sections, current: &Current) {
    let section = match current {
        Current::Returns => sections.returns.as_mut(),
        Current::Example => sections.example.as_mut(),
        Current::Other(i) => sections.others.get_mut(*i).map(|(_, s)| s),
        Current::Summary => {
            if sections.summary.last().is_some_and(|l| !l.is_empty()) {
                sections.summary.push(String::new());
            }
            None
        }
        Current::Params(_) | Current::Input => None,
    };
    if let Some(section) = section {
        section.lines.push(String::new());
    }
}

fn push_text(section: &mut Option<TextSection>, text: &str) {
    if let Some(section) = section {
        section.lines.push(text.to_owned());
    }
}

/// Records an entry; returns the index of the entry that deeper lines continue.
fn push_entry(
    sections: &mut Sections,
    diagnostics: &mut Vec<Diagnostic>,
    parsed: entry::ParsedEntry,
) -> Option<usize> {
    match parsed {
        Ok((entry, problem)) => {
            diagnostics.extend(problem);
            sections.entries.push(entry);
            Some(sections.entries.len() - 1)
        }
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    }
}

/// A line `NAME - detail` that describes a part of an entry written before it, the entry
/// whose name or one-word description is `NAME` (`opts - token - lock token` describes
/// the `token` option of the entry `ARGV[8] opts`): its index and the detail.
fn detail_of(entries: &[entry::RawEntry], text: &str) -> Option<(usize, String)> {
    let (name, detail) = text.trim().split_once(" - ")?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) || detail.trim().is_empty() {
        return None;
    }
    let names = |entry: &entry::RawEntry| {
        entry
            .name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            || entry.description.trim().eq_ignore_ascii_case(name)
    };
    let index = entries.iter().rposition(names)?;
    Some((index, detail.trim().to_owned()))
}

fn append_description(description: &mut String, text: &str) {
    if !description.is_empty() {
        description.push(' ');
    }
    description.push_str(text.trim());
}

/// The seed's headers start with the file's own path (`-- lua_scripts/rate_limiter.lua`):
/// a first line that is a lone word ending in `.lua` says nothing about the script and is
/// left out.
fn is_own_path(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.ends_with(".lua") && !trimmed.contains(char::is_whitespace)
}

fn stray_line_in_params(line: &HeaderLine<'_>, kind: ParamKind) -> Diagnostic {
    let indent = indentation(line.text);
    let at = Location::new(line.line, line.column + indent);
    Diagnostic::new(&rules::HEADER_SYNTAX,
        format!(
            "expected an entry of `{}:` like `[1] name - description`",
            kind.array_name()
        ),
        at,
        line.text.trim().chars().count(),
    )
    .with_help(
        "start each entry with its index in brackets; indent a line deeper than its entry to continue the description",
    )
}

fn entry_outside_params(line: &HeaderLine<'_>, section: Option<&str>) -> Diagnostic {
    let indent = indentation(line.text);
    let at = Location::new(line.line, line.column + indent);
    let width = line.text[indent..].find(']').map_or(1, |close| {
        line.text[indent..=indent + close].chars().count()
    });
    let (message, help) = match section {
        Some(title) => (
            format!("an entry under `{title}:`, which is not a KEYS or ARGV section"),
            match suggest_title(title) {
                Some(known) => format!("did you mean `{known}:`?"),
                None => "put entries under `KEYS:` or `ARGV:`".to_owned(),
            },
        ),
        None => (
            "an entry before any `KEYS:` or `ARGV:` heading".to_owned(),
            "put a `KEYS:` or `ARGV:` line above it, or write it as `KEYS[1] = description`"
                .to_owned(),
        ),
    };
    Diagnostic::new(&rules::HEADER_SYNTAX, message, at, width).with_help(help)
}

/// The known title a misspelt one probably meant.
fn suggest_title(title: &str) -> Option<&'static str> {
    match title {
        "ARG" | "ARGS" | "ARGUMENTS" | "ARGV S" | "PARAMS" | "PARAMETERS" => Some("ARGV"),
        "KEY" | "KEYS S" => Some("KEYS"),
        _ => KNOWN_TITLES
            .iter()
            .copied()
            .find(|known| known.starts_with(title) || title.starts_with(known)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<HeaderLine<'_>> {
        text.lines()
            .enumerate()
            .map(|(i, text)| HeaderLine {
                line: i + 1,
                column: 1,
                text,
            })
            .collect()
    }

    #[test]
    fn seed_block_header() {
        let top = super::super::extract::extract(crate::seed::SEED_BLOCK).unwrap();
        let (sections, diagnostics) = split(&top.lines);
        assert_eq!(diagnostics, []);
        assert_eq!(
            sections.summary,
            ["Rate Limiter using Token Bucket Algorithm", ""]
        );
        assert_eq!(sections.entries.len(), 4);
        assert_eq!(sections.entries[0].kind, ParamKind::Key);
        assert_eq!(sections.entries[3].kind, ParamKind::Arg);
        assert_eq!(
            sections.entries[3].position,
            super::super::entry::Position::At(3)
        );
        assert_eq!(
            sections.returns.unwrap().dedented(),
            "1 if allowed, 0 if rate limited"
        );
        assert_eq!(
            sections.example.unwrap().dedented(),
            "EVAL script 1 \"ratelimit:user:123\" 100 10 1"
        );
    }

    #[test]
    fn seed_line_header_skips_the_path_line() {
        let text = " lua_scripts/rate_limiter.lua\n Rate limiter script\n KEYS[1] = rate limit key\n ARGV[1] = limit\n ARGV[2] = window (seconds)";
        let (sections, diagnostics) = split(&lines(text));
        assert_eq!(diagnostics, []);
        assert_eq!(sections.summary, ["Rate limiter script"]);
        assert_eq!(sections.entries.len(), 3);
        assert_eq!(sections.entries[2].description, "window (seconds)");
    }

    #[test]
    fn continuation_lines_and_inline_returns() {
        let text = "KEYS:\n  [1] - first\n      and more\nRETURNS: int - the count\n  of items\nNOTES:\n  keep it short";
        let (sections, diagnostics) = split(&lines(text));
        assert_eq!(diagnostics, []);
        assert_eq!(sections.entries[0].description, "first and more");
        assert_eq!(
            sections.returns.unwrap().lines,
            ["int - the count", "  of items"]
        );
        assert_eq!(sections.others[0].0, "NOTES");
        assert_eq!(sections.others[0].1.dedented(), "keep it short");
    }

    #[test]
    fn deeper_capitalised_lines_in_text_sections_are_text() {
        let text = "RETURNS:\n    OK: stored\n    NIL: missing\nEXAMPLE:\n    SET FOO:1 x\nARGV:\n  [1] - a";
        let (sections, diagnostics) = split(&lines(text));
        assert_eq!(diagnostics, []);
        assert_eq!(
            sections.returns.unwrap().dedented(),
            "OK: stored\nNIL: missing"
        );
        assert_eq!(sections.example.unwrap().dedented(), "SET FOO:1 x");
        assert_eq!(sections.entries.len(), 1);
    }

    #[test]
    fn dedenting_never_cuts_a_character() {
        let section = TextSection {
            title: "RETURNS".to_owned(),
            heading: Location::new(1, 1),
            lines: vec!["\u{3000}x".to_owned(), " y".to_owned()],
            inline: false,
        };
        assert_eq!(section.dedented(), "\u{3000}x\ny");
    }

    #[test]
    fn lines_that_describe_an_entry_s_parts_are_kept_with_it() {
        let text = "Input:\n  KEYS[1] wait key\n  ARGV[1] jobId\n  ARGV[2] opts\n\n  opts - token - lock token\n  opts - keepJobs\n  unrelated - text\n  the input as a whole\n";
        let (sections, diagnostics) = split(&lines(text));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let opts = &sections.entries[2];
        assert_eq!(opts.details, ["token - lock token", "keepJobs"]);
        assert!(sections.entries[0].details.is_empty());
    }

    #[test]
    fn misplaced_lines_are_reported() {
        let text =
            "[1] - early\nARGS:\n  [1] - misspelt\nKEYS:\n  [1] - fine\n  not an entry\nKEYS: a b";
        let (_, diagnostics) = split(&lines(text));
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "an entry before any `KEYS:` or `ARGV:` heading",
                "an entry under `ARGS:`, which is not a KEYS or ARGV section",
                "expected an entry of `KEYS:` like `[1] name - description`",
                "`KEYS:` takes its entries on the lines below it",
            ]
        );
        assert_eq!(
            diagnostics[1].help.as_deref(),
            Some("did you mean `ARGV:`?")
        );
        assert_eq!(diagnostics[1].location, Location::new(3, 3));
        assert_eq!(diagnostics[1].width, 3);
    }
}

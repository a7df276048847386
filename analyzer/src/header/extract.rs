//! Finds the header: the comment at the top of the file, after an optional `#!lua` line.

use crate::diagnostic::{Diagnostic, Location};
use crate::model::Shebang;
use crate::rules;

/// One line of the header comment, without the comment markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderLine<'a> {
    /// 1-based line number in the file.
    pub line: usize,
    /// 1-based column (in characters) where `text` starts.
    pub column: usize,
    /// The comment text of the line.
    pub text: &'a str,
}

/// The top of a script file split into its parts.
#[derive(Debug, Default)]
pub struct Top<'a> {
    /// The `#!lua` line, when line 1 is one.
    pub shebang: Option<Shebang>,
    /// The lines of the header comment; empty when the file has none.
    pub lines: Vec<HeaderLine<'a>>,
}

/// Splits off the shebang and the header comment of `source`.
pub fn extract(source: &str) -> Result<Top<'_>, Diagnostic> {
    let (shebang, mut comments) = top_comments(source)?;
    let mut top = Top {
        shebang,
        lines: Vec::new(),
    };
    let header = comments
        .iter()
        .position(|comment| declares_anything(comment))
        .unwrap_or(0);
    if header < comments.len() {
        top.lines = comments.swap_remove(header);
    }
    Ok(top)
}

/// The first comment at the top of `source`, after an optional `#!lua` line.
pub fn first_comment(source: &str) -> Result<Vec<HeaderLine<'_>>, Diagnostic> {
    Ok(top_comments(source)?
        .1
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// The shebang of `source` and the comments before its first line of code.
#[allow(clippy::type_complexity)]
fn top_comments(source: &str) -> Result<(Option<Shebang>, Vec<Vec<HeaderLine<'_>>>), Diagnostic> {
    let mut lines = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, text)| (i + 1, text))
        .peekable();
    let shebang = Shebang::of(source);
    if shebang.is_some() {
        lines.next();
    }
    let mut comments: Vec<Vec<HeaderLine<'_>>> = Vec::new();
    loop {
        while lines.next_if(|(_, text)| text.trim().is_empty()).is_some() {}
        let Some(&(line, text)) = lines.peek() else {
            break;
        };
        let indent = text.len() - text.trim_start().len();
        let trimmed = &text[indent..];
        if let Some(level) = block_opening(trimmed) {
            let opener_len = 4 + level;
            let first = HeaderLine {
                line,
                column: column_of(text, indent + opener_len),
                text: &trimmed[opener_len..],
            };
            lines.next();
            comments.push(block_lines(first, level, &mut lines)?);
        } else if trimmed.starts_with("--") {
            let mut run = Vec::new();
            while let Some((line, text)) = lines.next_if(|(_, t)| {
                let t = t.trim_start();
                t.starts_with("--") && block_opening(t).is_none()
            }) {
                let start = text.len() - text.trim_start().trim_start_matches('-').len();
                run.push(HeaderLine {
                    line,
                    column: column_of(text, start),
                    text: &text[start..],
                });
            }
            comments.push(run);
        } else {
            break;
        }
    }
    Ok((shebang, comments))
}

/// The comment that ends on the line right above `line` (1-based): a run of `--` lines,
/// or a block comment whose closing line holds nothing else; empty when that line is
/// not a comment's end.
pub fn comment_above(source: &str, line: usize) -> Vec<HeaderLine<'_>> {
    let all: Vec<(usize, &str)> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, text)| (i + 1, text))
        .collect();
    let Some(&(above, above_text)) = line.checked_sub(2).and_then(|i| all.get(i)) else {
        return Vec::new();
    };
    let trimmed = above_text.trim();
    if trimmed.ends_with(']') {
        // A block comment may end here: the nearest opener above must close on this line.
        let opener = all[..above]
            .iter()
            .rposition(|(_, text)| block_opening(text.trim_start()).is_some());
        if let Some(start) = opener {
            let (opener_line, text) = all[start];
            let indent = text.len() - text.trim_start().len();
            let level = block_opening(&text[indent..]).unwrap_or(0);
            let opener_len = 4 + level;
            let first = HeaderLine {
                line: opener_line,
                column: column_of(text, indent + opener_len),
                text: &text[indent + opener_len..],
            };
            let closer = format!("]{}]", "=".repeat(level));
            let mut rest = all[start + 1..].iter().copied();
            if let Ok(lines) = block_lines(first, level, &mut rest)
                && lines.last().is_some_and(|last| last.line == above)
                && trimmed.ends_with(&closer)
            {
                return lines;
            }
        }
    }
    let mut run = Vec::new();
    for &(number, text) in all[..above].iter().rev() {
        let t = text.trim_start();
        if !t.starts_with("--") || block_opening(t).is_some() {
            break;
        }
        let start = text.len() - t.trim_start_matches('-').len();
        run.push(HeaderLine {
            line: number,
            column: column_of(text, start),
            text: &text[start..],
        });
    }
    run.reverse();
    run
}

/// Whether a comment has header content: a KEYS, ARGV or RETURNS line, or an entry.
/// The header is the first comment at the top of the file that has some (so a license
/// line above it does not hide it), else the first comment.
pub fn declares_anything(comment: &[HeaderLine<'_>]) -> bool {
    comment.iter().any(|line| {
        let text = line.text.trim_start();
        ["KEYS", "ARGV", "RETURNS"]
            .iter()
            .any(|word| text.starts_with(word))
            || text
                .strip_prefix('[')
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// The level (number of `=`) of a block comment opener `--[==[` at the start of `text`.
fn block_opening(text: &str) -> Option<usize> {
    let after = text.strip_prefix("--[")?;
    let level = after.len() - after.trim_start_matches('=').len();
    after[level..].starts_with('[').then_some(level)
}

/// Collects block comment lines up to the closing `]==]`, starting with the opener's line.
fn block_lines<'a>(
    first: HeaderLine<'a>,
    level: usize,
    rest: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<Vec<HeaderLine<'a>>, Diagnostic> {
    let closer = format!("]{}]", "=".repeat(level));
    let opened_at = Location::new(first.line, first.column.saturating_sub(4 + level));
    let mut out = Vec::new();
    let candidates = std::iter::once(first).chain(rest.map(|(line, text)| HeaderLine {
        line,
        column: 1,
        text,
    }));
    for header_line in candidates {
        if let Some(end) = header_line.text.find(&closer) {
            let text = header_line.text[..end].trim_end();
            let text = text.strip_suffix("--").unwrap_or(text);
            out.push(HeaderLine {
                text,
                ..header_line
            });
            return Ok(out);
        }
        out.push(header_line);
    }
    Err(Diagnostic::new(
        &rules::HEADER_SYNTAX,
        "the header's block comment is never closed",
        opened_at,
        4 + level,
    )
    .with_help(format!("end the comment with `--{closer}` on its own line")))
}

/// The 1-based character column of byte offset `byte` in `text`.
fn column_of(text: &str, byte: usize) -> usize {
    text[..byte].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<(usize, usize, String)> {
        extract(source)
            .unwrap()
            .lines
            .iter()
            .map(|l| (l.line, l.column, l.text.to_owned()))
            .collect()
    }

    #[test]
    fn line_comments_until_the_first_code_line() {
        let source = "-- Rate limiter\n--   KEYS[1] = key\n---ARGV[1] = limit\n\nlocal x = 1\n";
        assert_eq!(
            texts(source),
            vec![
                (1, 3, " Rate limiter".to_owned()),
                (2, 3, "   KEYS[1] = key".to_owned()),
                (3, 4, "ARGV[1] = limit".to_owned()),
            ]
        );
    }

    #[test]
    fn block_comment_with_seed_closer() {
        let source = "--[[\n    Summary\n    KEYS:\n--]]\nreturn 1";
        assert_eq!(
            texts(source),
            vec![
                (1, 5, String::new()),
                (2, 1, "    Summary".to_owned()),
                (3, 1, "    KEYS:".to_owned()),
                (4, 1, String::new()),
            ]
        );
    }

    #[test]
    fn block_comment_with_level_on_one_line() {
        assert_eq!(
            texts("--[==[ one ]] line ]==] return 1"),
            vec![(1, 7, " one ]] line".to_owned())]
        );
    }

    #[test]
    fn shebang_then_header() {
        let top = extract("#!lua flags=no-writes,allow-oom\n-- Reads a key\nreturn 1").unwrap();
        assert_eq!(top.shebang.unwrap().flags, ["no-writes", "allow-oom"]);
        assert_eq!(top.lines.len(), 1);
    }

    #[test]
    fn a_license_line_above_a_block_header_does_not_hide_it() {
        let source = "-- SPDX-License-Identifier: MIT\n--[[\n  KEYS:\n    [1] - key\n]]\nreturn 1";
        let lines = texts(source);
        assert_eq!(lines[1], (3, 1, "  KEYS:".to_owned()));
        let source = "-- Copyright 2026\n\n-- KEYS[1] = key\nreturn 1";
        assert_eq!(texts(source), vec![(3, 3, " KEYS[1] = key".to_owned())]);
        let source = "-- Just prose\n--[[ old code ]]\nreturn 1";
        assert_eq!(texts(source), vec![(1, 3, " Just prose".to_owned())]);
    }

    #[test]
    fn no_comment_means_no_header() {
        assert!(extract("\n\nreturn 1\n").unwrap().lines.is_empty());
        assert!(extract("").unwrap().lines.is_empty());
    }

    #[test]
    fn unterminated_block_is_an_error_at_the_opener() {
        let error = extract("\n  --[[\n KEYS:\n").unwrap_err();
        assert_eq!(error.location, Location::new(2, 3));
        assert!(error.message.contains("never closed"));
    }
}

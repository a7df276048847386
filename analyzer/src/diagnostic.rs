//! Problems found in a script file, with the place they point at and how to fix them.

use std::fmt::Write as _;

use crate::rules::{Level, Rule};

/// A position in a script file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// A location at `line`, `column` (both 1-based).
    pub fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// The script cannot be bound: compilation fails.
    #[default]
    Error,
    /// Something probably wrong that still works: compilation goes on with a warning.
    Warning,
}

/// One problem in a script file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
    /// More about where it is (`included from lua_scripts/x.lua:12`), shown before the
    /// help.
    pub notes: Vec<String>,
    /// The rule it comes from: its level decides whether it is shown, as a warning or an
    /// error.
    pub rule: &'static Rule,
    /// The part of the binding's overlay it is about, when the fix is there (the attribute
    /// that typed an entry, not the file, which may not be the user's to edit).
    pub overlay: Option<OverlayPart>,
}

/// A part of a binding's [`Overlay`](crate::Overlay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayPart {
    /// The entry overlay at this index of [`Overlay::entries`](crate::Overlay::entries)
    /// (a `u32` keeps diagnostics small).
    Entry(u32),
    /// The overlay's RETURNS.
    Returns,
}

impl OverlayPart {
    /// The entry overlay at `index`.
    pub fn entry(index: usize) -> Self {
        Self::Entry(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

impl Diagnostic {
    /// A finding of `rule` at `location` underlining `width` characters, as serious as
    /// the rule's default level (levels set for the rule apply later).
    pub fn new(
        rule: &'static Rule,
        message: impl Into<String>,
        location: Location,
        width: usize,
    ) -> Self {
        Self {
            severity: match rule.default {
                Level::Deny => Severity::Error,
                Level::Warn | Level::Allow => Severity::Warning,
            },
            message: message.into(),
            location,
            width: width.max(1),
            help: None,
            notes: Vec::new(),
            rule,
            overlay: None,
        }
    }

    /// Says the fix is in the binding's overlay `part`, when there is one.
    pub fn in_overlay(mut self, part: Option<OverlayPart>) -> Self {
        self.overlay = part;
        self
    }

    /// Adds the advice shown after the source line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like a compiler message, its rule after the message and, for
    /// a rule that can be allowed, a note saying how:
    ///
    /// ```text
    /// lua_scripts/x.lua:4:9: KEYS[3] follows KEYS[1]: KEYS[2] is missing [header_syntax]
    ///   |
    /// 4 |         [3] - second key
    ///   |         ^^^
    ///   = help: number the entries 1, 2, 3, ... in order
    /// ```
    pub fn render(&self, path: &str, source: &str) -> String {
        let Location { line, column } = self.location;
        let mut out = format!(
            "{path}:{line}:{column}: {} [{}]",
            self.message, self.rule.name
        );
        if let Some(text) = source_line(source, line) {
            let gutter = " ".repeat(line.to_string().len());
            let pad: String = text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = write!(
                out,
                "\n{gutter} |\n{line} | {text}\n{gutter} | {pad}{}",
                "^".repeat(self.width)
            );
            self.write_notes(&mut out, &gutter);
        } else {
            self.write_notes(&mut out, " ");
        }
        out
    }

    fn write_notes(&self, out: &mut String, gutter: &str) {
        for note in &self.notes {
            let _ = write!(out, "\n{gutter} = note: {note}");
        }
        if self.rule.allowable {
            // What an overlay causes is the binding's: the file may not be the user's to edit.
            let allow = if self.overlay.is_some() {
                "`allow = [\"{0}\"]` in the binding allows it"
            } else {
                "`-- redis-script: allow({0})` allows it on this line"
            };
            let allow = allow.replace("{0}", self.rule.name);
            let _ = write!(
                out,
                "\n{gutter} = note: `{0}` ({1}) is {2} here; {allow}, `redis-script explain {0}` says more",
                self.rule.name,
                self.rule.code,
                match self.severity {
                    Severity::Error => "an error",
                    Severity::Warning => "a warning",
                }
            );
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n{gutter} = help: {help}");
        }
    }
}

/// The text of 1-based line `line` of `source`, without its line ending.
pub fn source_line(source: &str, line: usize) -> Option<&str> {
    let text = source.split('\n').nth(line.checked_sub(1)?)?;
    Some(text.strip_suffix('\r').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_line_column_source_and_caret() {
        let source = "--[[\n    KEYS:\n        [3] - key\n]]\n";
        let diagnostic = Diagnostic::new(
            &crate::rules::HEADER_SYNTAX,
            "KEYS[3] follows nothing",
            Location::new(3, 9),
            3,
        )
        .with_help("start at [1]");
        assert_eq!(
            diagnostic.render("lua_scripts/x.lua", source),
            "lua_scripts/x.lua:3:9: KEYS[3] follows nothing [header_syntax]\n  |\n3 |         [3] - key\n  |         ^^^\n  = help: start at [1]"
        );
    }

    #[test]
    fn a_location_past_the_end_still_renders_the_message() {
        let diagnostic =
            Diagnostic::new(&crate::rules::LUA_SYNTAX, "empty", Location::new(9, 1), 1)
                .with_help("add text");
        assert_eq!(
            diagnostic.render("a.lua", ""),
            "a.lua:9:1: empty [lua_syntax]\n  = help: add text"
        );
    }

    #[test]
    fn a_rule_that_can_be_allowed_says_how() {
        let source = "return redis.call('GETT', KEYS[1])\n";
        let diagnostic = Diagnostic::new(
            &crate::rules::UNKNOWN_COMMAND,
            "`GETT` is not a command",
            Location::new(1, 19),
            6,
        );
        assert_eq!(
            diagnostic.render("x.lua", source),
            "x.lua:1:19: `GETT` is not a command [unknown_command]\n  |\n1 | return redis.call('GETT', KEYS[1])\n  |                   ^^^^^^\n  = note: `unknown_command` (RS0101) is an error here; `-- redis-script: allow(unknown_command)` allows it on this line, `redis-script explain unknown_command` says more"
        );
    }
}

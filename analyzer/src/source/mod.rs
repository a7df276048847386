//! The text a script sends and where each of its lines comes from.
//!
//! A script may pull shared Lua in with `--- @include "path"` lines ([`include`]); what
//! is analyzed, hashed and sent is the expanded text. [`Sources`] keeps every file read
//! and a map from each line of the expanded text to the file and line it was written on,
//! so that messages point at the file the user wrote.

mod include;

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Location};

pub use include::{expand, expand_with};

/// A script's text and the files it was made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The expanded text: what is analyzed, hashed and sent.
    pub text: String,
    /// The files read, the script itself first, then its includes in the order met.
    pub files: Vec<SourceFile>,
    /// Runs of lines of the expanded text that come from one file, in order.
    pub segments: Vec<Segment>,
}

/// One file of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its path as messages show it, from the crate root: `lua_scripts/includes/x.lua`.
    pub path: String,
    /// Its absolute path, when it was read from disk.
    pub absolute: Option<PathBuf>,
    /// Its text as written.
    pub text: String,
    /// Where it was included from (the including file's index in [`Sources::files`] and
    /// the line of the `@include`); `None` for the script itself.
    pub included_from: Option<(usize, usize)>,
}

/// A run of consecutive lines of the expanded text that come from one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The run's first line in the expanded text (1-based).
    pub first_line: usize,
    /// The file, an index in [`Sources::files`].
    pub file: usize,
    /// The run's first line in that file (1-based).
    pub file_line: usize,
}

/// A line of the expanded text, traced back to where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The file it is in.
    pub file: &'a SourceFile,
    /// Its line in that file (1-based).
    pub line: usize,
}

impl Sources {
    /// A script without includes: its text as it is.
    pub fn single(path: &str, text: &str) -> Self {
        Self {
            text: text.to_owned(),
            files: vec![SourceFile {
                path: path.to_owned(),
                absolute: None,
                text: text.to_owned(),
                included_from: None,
            }],
            segments: vec![Segment {
                first_line: 1,
                file: 0,
                file_line: 1,
            }],
        }
    }

    /// The script's own file.
    pub fn main(&self) -> &SourceFile {
        &self.files[0]
    }

    /// Whether the script includes other files.
    pub fn has_includes(&self) -> bool {
        self.files.len() > 1
    }

    /// Where line `line` of the expanded text was written.
    pub fn origin(&self, line: usize) -> Origin<'_> {
        let segment = self
            .segments
            .iter()
            .rev()
            .find(|s| s.first_line <= line)
            .copied()
            .unwrap_or(Segment {
                first_line: 1,
                file: 0,
                file_line: 1,
            });
        Origin {
            file: &self.files[segment.file],
            line: segment.file_line + (line - segment.first_line),
        }
    }

    /// The include chain of `file`: each `@include` line that led to it, innermost first,
    /// as (path of the including file, line).
    pub fn chain<'a>(&'a self, file: &'a SourceFile) -> Vec<(&'a str, usize)> {
        let mut chain = Vec::new();
        let mut current = file;
        while let Some((parent, line)) = current.included_from {
            current = &self.files[parent];
            chain.push((current.path.as_str(), line));
        }
        chain
    }

    /// `diagnostic`, whose location is in the expanded text, rendered like a compiler
    /// message at the file and line it points at, with the include chain:
    ///
    /// ```text
    /// lua_scripts/includes/store.lua:4:12: `INCRR` is not a Redis 7.0.15 command
    ///   |
    /// 4 |     return rcall("INCRR", key)
    ///   |            ^^^^^^^
    ///   = note: included from lua_scripts/add_job.lua:12
    ///   = help: check the spelling
    /// ```
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let (path, text, mapped) = self.mapped(diagnostic);
        mapped.render(path, text)
    }

    /// `diagnostic` moved to the file and line it points at, with its include chain as
    /// notes, and that file's path and text.
    pub fn mapped(&self, diagnostic: &Diagnostic) -> (&str, &str, Diagnostic) {
        let origin = self.origin(diagnostic.location.line);
        let mut mapped = diagnostic.clone();
        mapped.location = Location::new(origin.line, diagnostic.location.column);
        let chain = self
            .chain(origin.file)
            .into_iter()
            .map(|(path, line)| format!("included from {path}:{line}"));
        mapped.notes.splice(0..0, chain);
        (&origin.file.path, &origin.file.text, mapped)
    }

    /// Every diagnostic rendered with [`render`](Self::render), separated by blank lines.
    pub fn render_all(&self, diagnostics: &[Diagnostic]) -> String {
        diagnostics
            .iter()
            .map(|d| self.render(d))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

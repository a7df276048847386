//! An open file, analyzed for a request: its text, the options its crate gives it and
//! what the analyzer read.

use lsp_types::Uri;
use redis_script_analyzer::{Options, Script};

use super::documents::Documents;
use crate::files::{Checked, Checker, Model, ScriptFile};

/// An open file, analyzed.
pub struct Source {
    /// The file, with its unsaved text.
    pub file: ScriptFile,
    /// The target and levels it is checked with.
    pub options: Options,
    /// What the analyzer read.
    pub checked: Checked,
}

impl Source {
    /// `uri` analyzed, when it is an open local file whose crate settings can be read.
    pub fn of(checker: &mut Checker, documents: &Documents, uri: &Uri) -> Option<Self> {
        let file = documents.script_file(uri)?;
        let options = checker.options(&file).ok()?;
        let checked = file.check(&options);
        Some(Self {
            file,
            options,
            checked,
        })
    }

    /// The line of the file itself that line `expanded` of the text sent comes from;
    /// `None` for a line an include brought in. (The analyzer's lines are those of the
    /// text sent, includes expanded.)
    pub fn file_line(&self, expanded: usize) -> Option<usize> {
        let origin = self.checked.sources.origin(expanded);
        std::ptr::eq(origin.file, &self.checked.sources.files[0]).then_some(origin.line)
    }

    /// The line of the text sent that line `line` of the file itself is.
    fn expanded_line(&self, line: usize) -> usize {
        let lines = self.checked.sources.text.lines().count();
        (1..=lines)
            .find(|&expanded| self.file_line(expanded) == Some(line))
            .unwrap_or(line)
    }

    /// The header a `KEYS[n]` at 1-based `line` of the file refers to: the script's, or
    /// the library function's whose doc comment is the last one above `line`.
    pub fn contract_at(&self, line: usize) -> Option<&Script> {
        let line = self.expanded_line(line);
        match self.checked.model.as_ref()? {
            Model::Script(script) => Some(script),
            Model::Library(library) => library
                .functions
                .iter()
                .filter(|function| function.contract.header_line.is_some_and(|at| at <= line))
                .max_by_key(|function| function.contract.header_line)
                .or_else(|| library.functions.first())
                .map(|function| &function.contract),
        }
    }
}

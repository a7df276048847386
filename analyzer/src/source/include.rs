//! `--- @include "path"`: shared Lua pulled into a script at compile time, the convention
//! of BullMQ and the projects that copied it.
//!
//! - The path is relative to the including file; `.lua` may be left out.
//! - The directive line is replaced by the included file's text, expanded the same way,
//!   depth first. Each file is included once per script, where it is first met; a later
//!   directive for the same file stays as it is (a comment to Lua).
//! - A missing file, a cycle, or a path that leaves the scripts folder is an error at the
//!   directive, naming the chain of includes that led there; the directive then stays as
//!   it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Segment, SourceFile, Sources};
use crate::diagnostic::{Diagnostic, Location};
use crate::rules;

/// Expands the includes of the script `relative` (a path inside `root`, the scripts
/// folder shown in messages as `lua_scripts/`) whose text is `text`. Returns the sources,
/// and the problems found at `@include` lines, located in the expanded text.
pub fn expand(root: &Path, relative: &str, text: &str) -> (Sources, Vec<Diagnostic>) {
    expand_with(root, relative, text, &HashMap::new())
}

/// [`expand`], reading an included file from `unsaved` (by canonical path) when it is
/// there: an editor's buffer not saved yet.
pub fn expand_with(
    root: &Path,
    relative: &str,
    text: &str,
    unsaved: &HashMap<PathBuf, String>,
) -> (Sources, Vec<Diagnostic>) {
    let mut expansion = Expansion {
        unsaved,
        root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        sources: Sources {
            text: String::with_capacity(text.len()),
            files: vec![SourceFile {
                path: display_path(relative),
                absolute: root.join(relative).canonicalize().ok(),
                text: text.to_owned(),
                included_from: None,
            }],
            segments: Vec::new(),
        },
        lines: 0,
        diagnostics: Vec::new(),
    };
    expansion.file(0, &mut vec![0]);
    (expansion.sources, expansion.diagnostics)
}

/// `lua_scripts/<relative>`, with `/` separators.
fn display_path(relative: &str) -> String {
    format!("lua_scripts/{}", relative.replace('\\', "/"))
}

struct Expansion<'a> {
    /// Texts read instead of files.
    unsaved: &'a HashMap<PathBuf, String>,
    /// The canonical scripts folder: no include may leave it.
    root: PathBuf,
    sources: Sources,
    /// How many lines the expanded text has so far.
    lines: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Expansion<'_> {
    /// Appends the expansion of file `index`; `stack` holds the files being expanded, the
    /// outermost first, `index` last.
    fn file(&mut self, index: usize, stack: &mut Vec<usize>) {
        let text = self.sources.files[index].text.clone();
        let mut segment_open = false;
        for (offset, line) in text.split_inclusive('\n').enumerate() {
            let line_number = offset + 1;
            if let Some((target, column)) = directive(line)
                && let Some(included) = self.resolve(index, line_number, target, column, stack)
            {
                stack.push(included);
                self.file(included, stack);
                stack.pop();
                segment_open = false;
                continue;
            }
            if !segment_open {
                self.sources.segments.push(Segment {
                    first_line: self.lines + 1,
                    file: index,
                    file_line: line_number,
                });
                segment_open = true;
            }
            self.sources.text.push_str(line);
            if !line.ends_with('\n') {
                // The next file starts on a line of its own.
                self.sources.text.push('\n');
            }
            self.lines += 1;
        }
    }

    /// The file a directive on line `line` of file `from` names, when it is to be included
    /// there: a new index in the sources. `None` when it was included before, or cannot be
    /// (then a diagnostic says why).
    fn resolve(
        &mut self,
        from: usize,
        line: usize,
        target: &str,
        column: usize,
        stack: &[usize],
    ) -> Option<usize> {
        // The directive stays in the text when it is not expanded: it will be this line.
        let at = Location::new(self.lines + 1, column);
        let width = target.chars().count() + 2;
        let including = &self.sources.files[from];
        let with_extension = if Path::new(target).extension().is_some() {
            target.to_owned()
        } else {
            format!("{target}.lua")
        };
        // Paths are resolved by their text, from the including file's place in the
        // folder: `..` may not climb out of it (a symbolic link inside may point anywhere).
        let including_dir = Path::new(
            including
                .path
                .strip_prefix("lua_scripts/")
                .unwrap_or(&including.path),
        )
        .parent()
        .unwrap_or(Path::new(""));
        let chain = self.chain_text(stack);
        let Some(relative) = normalized(&including_dir.join(&with_extension)) else {
            self.diagnostics.push(
                Diagnostic::new(&rules::INCLUDE,
                    format!("the included file `{target}` is outside lua_scripts/"),
                    at,
                    width,
                )
                .with_help("keep shared Lua inside lua_scripts/ (a subfolder such as `includes/` is fine), so the crate carries every file it sends"),
            );
            return None;
        };
        let wanted = self.root.join(&relative);
        let Ok(absolute) = wanted.canonicalize() else {
            self.diagnostics.push(
                Diagnostic::new(&rules::INCLUDE,
                    format!("the included file `{target}` does not exist"),
                    at,
                    width,
                )
                .with_help(format!(
                    "looked for {}, relative to {} (`.lua` is added when the path has no extension){chain}",
                    display_path(&relative),
                    including.path
                )),
            );
            return None;
        };
        if let Some(position) = stack
            .iter()
            .position(|&i| self.sources.files[i].absolute.as_deref() == Some(absolute.as_path()))
        {
            let cycle: Vec<&str> = stack[position..]
                .iter()
                .map(|&i| self.sources.files[i].path.as_str())
                .chain([self.sources.files[stack[position]].path.as_str()])
                .collect();
            self.diagnostics.push(
                Diagnostic::new(&rules::INCLUDE,
                    format!("including `{target}` here makes a cycle: {}", cycle.join(" -> ")),
                    at,
                    width,
                )
                .with_help("each file is included once per script; remove this @include or the one that leads back here"),
            );
            return None;
        }
        if self
            .sources
            .files
            .iter()
            .any(|f| f.absolute.as_deref() == Some(absolute.as_path()))
        {
            return None;
        }
        let read = match self.unsaved.get(&absolute) {
            Some(text) => Ok(Ok(text.clone())),
            None => std::fs::read(&absolute).map(String::from_utf8),
        };
        let text = match read {
            Ok(Ok(text)) => text,
            Ok(Err(error)) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        &rules::INCLUDE,
                        format!("the included file `{target}` is not valid UTF-8"),
                        at,
                        width,
                    )
                    .with_help(format!(
                        "first bad byte at offset {}: save lua_scripts/{relative} as UTF-8",
                        error.utf8_error().valid_up_to()
                    )),
                );
                return None;
            }
            Err(error) => {
                self.diagnostics.push(Diagnostic::new(
                    &rules::INCLUDE,
                    format!("the included file `{target}` cannot be read: {error}"),
                    at,
                    width,
                ));
                return None;
            }
        };
        self.sources.files.push(SourceFile {
            path: display_path(&relative),
            absolute: Some(absolute),
            text,
            included_from: Some((from, line)),
        });
        Some(self.sources.files.len() - 1)
    }

    /// `; included from a.lua:3, included from b.lua:7` for the files on `stack`, or
    /// nothing for the script itself.
    fn chain_text(&self, stack: &[usize]) -> String {
        let Some(&innermost) = stack.last() else {
            return String::new();
        };
        let chain = self.sources.chain(&self.sources.files[innermost]);
        chain
            .iter()
            .map(|(path, line)| format!("; included from {path}:{line}"))
            .collect()
    }
}

/// `path` with `.` and `..` resolved by its text, `/`-separated; `None` when `..` climbs
/// above its start.
fn normalized(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// The target of `--- @include "path"` (or `'path'`) on `line`, and the 1-based column of
/// its opening quote.
fn directive(line: &str) -> Option<(&str, usize)> {
    let trimmed = line.trim();
    let rest = trimmed.strip_prefix("---")?.trim_start();
    let rest = rest.strip_prefix("@include")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let quoted = rest.trim();
    let quote = quoted.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let target = quoted[1..].strip_suffix(quote)?;
    if target.is_empty() || target.contains(quote) {
        return None;
    }
    let column = line.chars().count() - line.trim_start().chars().count() + trimmed.chars().count()
        - quoted.chars().count()
        + 1;
    Some((target, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripts folder of its own under the system's temporary folder.
    struct Folder(PathBuf);

    impl Folder {
        fn new(files: &[(&str, &str)]) -> Self {
            static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "redis-script-includes-{}-{}",
                std::process::id(),
                COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            for (path, text) in files {
                let file = dir.join(path);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, text).unwrap();
            }
            Self(dir)
        }

        fn expand(&self, relative: &str) -> (Sources, Vec<Diagnostic>) {
            let text = std::fs::read_to_string(self.0.join(relative)).unwrap();
            expand(&self.0, relative, &text)
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn an_unsaved_text_is_read_instead_of_its_file() {
        let folder = Folder::new(&[
            ("main.lua", "--- @include \"a\"\nreturn a()\n"),
            ("a.lua", "local function a() return 1 end\n"),
        ]);
        let a = folder.0.join("a.lua").canonicalize().unwrap();
        let unsaved = HashMap::from([(a, "local function a() return 2 end\n".to_owned())]);
        let text = std::fs::read_to_string(folder.0.join("main.lua")).unwrap();
        let (sources, problems) = expand_with(&folder.0, "main.lua", &text, &unsaved);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            sources.text,
            "local function a() return 2 end\nreturn a()\n"
        );
    }

    #[test]
    fn reads_directives() {
        assert_eq!(
            directive("--- @include \"includes/a\"\n"),
            Some(("includes/a", 14))
        );
        assert_eq!(directive("  --- @include 'b.lua'  "), Some(("b.lua", 16)));
        assert_eq!(directive("-- @include \"a\""), None);
        assert_eq!(directive("--- @includes \"a\""), None);
        assert_eq!(directive("--- @include a"), None);
        assert_eq!(directive("--- @include \"\""), None);
    }

    #[test]
    fn expands_depth_first_once_per_file_and_maps_every_line() {
        let folder = Folder::new(&[
            (
                "main.lua",
                "-- main\n--- @include \"includes/a\"\n--- @include \"includes/b\"\nreturn a() + b()\n",
            ),
            (
                "includes/a.lua",
                "--- @include \"c\"\nlocal function a() return c() end",
            ),
            (
                "includes/b.lua",
                "--- @include \"c.lua\"\nlocal function b() return c() end\n",
            ),
            ("includes/c.lua", "local function c() return 1 end\n"),
        ]);
        let (sources, diagnostics) = folder.expand("main.lua");
        assert_eq!(diagnostics, []);
        assert_eq!(
            sources.text,
            "-- main\nlocal function c() return 1 end\nlocal function a() return c() end\n--- @include \"c.lua\"\nlocal function b() return c() end\nreturn a() + b()\n"
        );
        let paths: Vec<&str> = sources.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "lua_scripts/main.lua",
                "lua_scripts/includes/a.lua",
                "lua_scripts/includes/c.lua",
                "lua_scripts/includes/b.lua"
            ]
        );
        let origins: Vec<(String, usize)> = (1..=6)
            .map(|line| {
                let origin = sources.origin(line);
                (origin.file.path.clone(), origin.line)
            })
            .collect();
        assert_eq!(
            origins,
            [
                ("lua_scripts/main.lua".to_owned(), 1),
                ("lua_scripts/includes/c.lua".to_owned(), 1),
                ("lua_scripts/includes/a.lua".to_owned(), 2),
                ("lua_scripts/includes/b.lua".to_owned(), 1),
                ("lua_scripts/includes/b.lua".to_owned(), 2),
                ("lua_scripts/main.lua".to_owned(), 4),
            ]
        );
        let c = &sources.files[2];
        assert_eq!(
            sources.chain(c),
            [
                ("lua_scripts/includes/a.lua", 1),
                ("lua_scripts/main.lua", 2)
            ]
        );
    }

    #[test]
    fn missing_files_cycles_and_escapes_are_errors_at_the_directive() {
        let folder = Folder::new(&[
            (
                "main.lua",
                "--- @include \"one\"\n--- @include \"nowhere\"\n--- @include \"../outside\"\nreturn 1\n",
            ),
            ("one.lua", "--- @include \"two\"\n"),
            ("two.lua", "--- @include \"one\"\n"),
            ("../outside.lua", "return 2\n"),
        ]);
        let (sources, diagnostics) = folder.expand("main.lua");
        let shown: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let origin = sources.origin(d.location.line);
                format!("{}:{}: {}", origin.file.path, origin.line, d.message)
            })
            .collect();
        assert_eq!(
            shown,
            [
                "lua_scripts/two.lua:1: including `one` here makes a cycle: lua_scripts/one.lua -> lua_scripts/two.lua -> lua_scripts/one.lua",
                "lua_scripts/main.lua:2: the included file `nowhere` does not exist",
                "lua_scripts/main.lua:3: the included file `../outside` is outside lua_scripts/",
            ]
        );
        let rendered = sources.render(&diagnostics[0]);
        assert!(
            rendered.contains("= note: included from lua_scripts/one.lua:1\n  = note: included from lua_scripts/main.lua:1"),
            "{rendered}"
        );
        let _ = std::fs::remove_file(folder.0.join("../outside.lua"));
    }
}

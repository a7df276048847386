//! Diagnostics for the editor, the same the macros and `check` give: for the target and
//! rule levels the file's crate sets, with each finding's rule as its code. A script's own
//! problems go on their lines; a problem inside a file it includes goes on the
//! `--- @include` line that brought it in. A file that others include (a fragment) gets
//! what its includers' analyses find in it. Open files are read with their unsaved text,
//! also where they are included.

use std::path::{Path, PathBuf};

use lsp_types::{Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Range, Uri};
use redis_script_analyzer::{Diagnostic, Location, Severity, Sources};

use super::documents::{self, Documents};
use crate::files::{self, Checked, Checker, ScriptFile};

/// The diagnostics to publish for `uri` (and for nothing else: each file's own).
pub fn diagnose(checker: &mut Checker, documents: &Documents, uri: &Uri) -> Vec<LspDiagnostic> {
    let Some(file) = documents.script_file(uri) else {
        return Vec::new();
    };
    let path = file.root.join(&file.relative);
    let includers = includers(checker, documents, &file, &path);
    if !includers.is_empty() {
        return fragment(&file, &path, &includers);
    }
    match checker.check(&file) {
        Ok(checked) => entry_point(&file, &checked),
        Err(message) => vec![plain(Range::default(), message, DiagnosticSeverity::ERROR)],
    }
}

/// The findings of a script or library, on its own lines or on its include lines.
fn entry_point(file: &ScriptFile, checked: &Checked) -> Vec<LspDiagnostic> {
    let main = &checked.sources.files[0];
    checked
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let (_, _, mut mapped) = checked.sources.mapped(diagnostic);
            let origin = checked.sources.origin(diagnostic.location.line);
            if std::ptr::eq(origin.file, main) {
                converted(&file.text, &mapped, mapped.location, mapped.width, None)
            } else {
                // Shown on the include line: the chain of includes is where it is.
                mapped
                    .notes
                    .retain(|note| !note.starts_with("included from"));
                let line = include_line(&checked.sources, diagnostic);
                let brought = format!(
                    "{}:{}: ",
                    inside(&file.root, origin.file.absolute.as_deref())
                        .unwrap_or_else(|| origin.file.path.clone()),
                    mapped.location.line
                );
                let at = Location::new(line, 1);
                let width = file
                    .text
                    .split('\n')
                    .nth(line.saturating_sub(1))
                    .map_or(1, |text| text.trim_end_matches('\r').chars().count());
                converted(&file.text, &mapped, at, width, Some(brought))
            }
        })
        .collect()
}

/// `path` inside the scripts folder `root`, with `/` separators.
fn inside(root: &Path, path: Option<&Path>) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let relative = path?.strip_prefix(root).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

/// The line of the main file whose `@include` brought in the line `diagnostic` is on.
fn include_line(sources: &Sources, diagnostic: &Diagnostic) -> usize {
    let origin = sources.origin(diagnostic.location.line);
    sources
        .chain(origin.file)
        .last()
        .map_or(1, |(_, line)| *line)
}

/// What the includers of a fragment find in it.
fn fragment(file: &ScriptFile, path: &Path, includers: &[Checked]) -> Vec<LspDiagnostic> {
    let absolute = path.canonicalize().ok();
    let mut found: Vec<LspDiagnostic> = Vec::new();
    for checked in includers {
        for diagnostic in &checked.diagnostics {
            let origin = checked.sources.origin(diagnostic.location.line);
            if origin.file.absolute.is_none() || origin.file.absolute != absolute {
                continue;
            }
            let (_, _, mapped) = checked.sources.mapped(diagnostic);
            let converted = converted(&file.text, &mapped, mapped.location, mapped.width, None);
            if !found
                .iter()
                .any(|d| d.range == converted.range && d.message == converted.message)
            {
                found.push(converted);
            }
        }
    }
    found
}

/// The files of `file`'s folder that include it, analyzed (open ones with their unsaved
/// text). Only files that name it in an `@include` line are analyzed.
fn includers(
    checker: &mut Checker,
    documents: &Documents,
    file: &ScriptFile,
    path: &Path,
) -> Vec<Checked> {
    // Only a scripts folder is searched for includers: a Lua file elsewhere (in a home
    // folder, say) is checked alone.
    if file
        .root
        .file_name()
        .is_none_or(|name| name != "lua_scripts")
    {
        return Vec::new();
    }
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let Ok(absolute) = path.canonicalize() else {
        return Vec::new();
    };
    let mut candidates: Vec<PathBuf> = Vec::new();
    files::lua_files_under(&file.root, &mut candidates);
    candidates.sort();
    let mut found = Vec::new();
    for candidate in candidates {
        if candidate.canonicalize().ok().as_ref() == Some(&absolute) {
            continue;
        }
        let open =
            documents::uri_of(&candidate).and_then(|uri| documents.text(&uri).map(str::to_owned));
        let Some(text) = open.or_else(|| std::fs::read_to_string(&candidate).ok()) else {
            continue;
        };
        let names_it = text
            .lines()
            .any(|line| line.contains("@include") && line.contains(stem));
        if !names_it {
            continue;
        }
        let includer = files::with_text(&candidate, text);
        let Ok(checked) = checker.check(&includer) else {
            continue;
        };
        let includes_it = checked
            .sources
            .files
            .iter()
            .skip(1)
            .any(|f| f.absolute.as_ref() == Some(&absolute));
        if includes_it {
            found.push(checked);
        }
    }
    found
}

/// `diagnostic` for the editor, at `at` (`width` characters), its message prefixed with
/// `prefix` (where an include brought it from).
fn converted(
    text: &str,
    diagnostic: &Diagnostic,
    at: Location,
    width: usize,
    prefix: Option<String>,
) -> LspDiagnostic {
    let mut message = format!("{}{}", prefix.unwrap_or_default(), diagnostic.message);
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    LspDiagnostic {
        range: documents::range(text, at, width),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.rule.name.to_owned())),
        source: Some(format!("redis-script {}", diagnostic.rule.code)),
        message,
        ..Default::default()
    }
}

/// What is shown when checking the file failed inside redis-script (a bug to report).
pub fn failed() -> LspDiagnostic {
    plain(
        Range::default(),
        "redis-script could not check this file (please report it, with the file)".to_owned(),
        DiagnosticSeverity::ERROR,
    )
}

/// A diagnostic that is not a finding (the crate's settings cannot be read).
fn plain(range: Range, message: String, severity: DiagnosticSeverity) -> LspDiagnostic {
    LspDiagnostic {
        range,
        severity: Some(severity),
        source: Some("redis-script".to_owned()),
        message,
        ..Default::default()
    }
}

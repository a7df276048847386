//! The files the editor has open, with their unsaved text, and the conversions between the
//! editor's terms (`file://` URIs, UTF-16 positions) and the analyzer's (paths, 1-based
//! lines and character columns).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};
use redis_script_analyzer::Location;

use crate::files::{self, ScriptFile};

/// One open file.
#[derive(Debug)]
pub struct Document {
    /// Its text as the editor has it.
    pub text: String,
    /// Whether it changed since its diagnostics were last sent.
    pub dirty: bool,
}

/// The open files, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<String, Document>,
}

impl Documents {
    /// Opens (or replaces) `uri` with `text`.
    pub fn open(&mut self, uri: &Uri, text: String) {
        self.open
            .insert(uri.as_str().to_owned(), Document { text, dirty: true });
    }

    /// Sets the text of `uri`, open or not; the open files that may include it are to be
    /// checked again too.
    pub fn change(&mut self, uri: &Uri, text: String) {
        self.open(uri, text);
        let stem = path_of(uri)
            .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()));
        if let Some(stem) = stem {
            for document in self.open.values_mut() {
                let includes = document
                    .text
                    .lines()
                    .any(|line| line.contains("@include") && line.contains(stem.as_str()));
                document.dirty |= includes;
            }
        }
    }

    /// The open files' texts, by canonical path: what the analyzer reads for them.
    pub fn unsaved(&self) -> HashMap<PathBuf, String> {
        self.open
            .iter()
            .filter_map(|(uri, document)| {
                let path = path_of(&Uri::from_str(uri).ok()?)?.canonicalize().ok()?;
                Some((path, document.text.clone()))
            })
            .collect()
    }

    /// Forgets `uri`.
    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri.as_str());
    }

    /// The text of `uri`, if it is open.
    pub fn text(&self, uri: &Uri) -> Option<&str> {
        self.open.get(uri.as_str()).map(|d| d.text.as_str())
    }

    /// Marks every open file changed (what they include may have changed on disk).
    pub fn mark_all_dirty(&mut self) {
        for document in self.open.values_mut() {
            document.dirty = true;
        }
    }

    /// The URIs changed since their diagnostics were sent, marked sent.
    pub fn take_dirty(&mut self) -> Vec<Uri> {
        let mut dirty = Vec::new();
        for (uri, document) in &mut self.open {
            if std::mem::take(&mut document.dirty)
                && let Ok(uri) = Uri::from_str(uri)
            {
                dirty.push(uri);
            }
        }
        dirty.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        dirty
    }

    /// `uri` as a script file with its unsaved text; `None` for what is not a local file.
    pub fn script_file(&self, uri: &Uri) -> Option<ScriptFile> {
        let path = path_of(uri)?;
        let text = self.text(uri)?.to_owned();
        Some(files::with_text(&path, text))
    }
}

/// The local path of a `file://` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let Some(byte) = raw
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            bytes.push(byte);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

/// The `file://` URI of `path` (made absolute).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let mut text = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).ok()
}

/// The LSP position of 1-based `location` in `text` (columns in UTF-16 units).
pub fn position(text: &str, location: Location) -> Position {
    let line = location.line.saturating_sub(1);
    let line_text = text.split('\n').nth(line).unwrap_or_default();
    let character: usize = line_text
        .chars()
        .take(location.column.saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    Position::new(line as u32, character as u32)
}

/// The range of `width` characters at `location` in `text`.
pub fn range(text: &str, location: Location, width: usize) -> Range {
    let start = position(text, location);
    let end = position(
        text,
        Location::new(location.line, location.column + width.max(1)),
    );
    Range::new(start, end)
}

/// The line of `text` at `position` and the character index of the position in it.
pub fn line_at(text: &str, position: Position) -> Option<(&str, usize)> {
    let line = text.split('\n').nth(position.line as usize)?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut units = 0;
    let mut index = 0;
    for c in line.chars() {
        if units >= position.character as usize {
            break;
        }
        units += c.len_utf16();
        index += 1;
    }
    Some((line, index))
}

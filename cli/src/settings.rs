//! The settings each file is checked with, as the crate that binds it says: its rule
//! levels (`[package.metadata.redis-script]`), and the server it is checked for: the
//! `[package.metadata.redis-script] target` of its `Cargo.toml`, and a binding's own
//! `#[redis_script("x.lua", target = "...")]` (or `#[redis_library]`), found in the
//! crate's Rust files, with the overlays a binding gives a script's header (`keys(...)`,
//! `argv(...)`, `returns = "..."`). Without a crate around the scripts folder, the
//! default target and no overlays.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use redis_script_analyzer::Overlay;

/// The targets and rule levels of one scripts folder's crate.
#[derive(Debug)]
pub struct CrateSettings {
    /// The crate-wide target of `Cargo.toml`.
    default: Option<String>,
    /// The crate-wide rule levels of `Cargo.toml`, or why they cannot be read.
    pub levels: Result<redis_script_analyzer::RuleLevels, String>,
    /// The target of each bound file, by its path inside the scripts folder.
    bound: HashMap<String, String>,
    /// The overlays of each bound file's binding, or why they cannot be read.
    overlays: HashMap<String, Result<redis_script_analyzer::Overlay, String>>,
}

impl Default for CrateSettings {
    fn default() -> Self {
        Self {
            default: None,
            levels: Ok(Default::default()),
            bound: HashMap::new(),
            overlays: HashMap::new(),
        }
    }
}

impl CrateSettings {
    /// The targets of the crate whose scripts folder is `root` (a folder named
    /// `lua_scripts` next to a `Cargo.toml`).
    pub fn of(root: &Path) -> Self {
        let Some(crate_root) = root
            .canonicalize()
            .ok()
            .filter(|root| root.file_name().is_some_and(|name| name == "lua_scripts"))
            .and_then(|root| root.parent().map(Path::to_path_buf))
            .filter(|dir| dir.join("Cargo.toml").is_file())
        else {
            return Self::default();
        };
        let manifest = std::fs::read_to_string(crate_root.join("Cargo.toml")).unwrap_or_default();
        let default = redis_script_analyzer::manifest_target(&manifest);
        let levels = redis_script_analyzer::manifest_levels(&manifest);
        let (mut bound, mut overlays) = (HashMap::new(), HashMap::new());
        for folder in ["src", "tests", "examples", "benches"] {
            for file in rust_files(&crate_root.join(folder)) {
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                for binding in bindings(&text) {
                    if let Some(target) = binding.target {
                        bound.insert(binding.path.clone(), target);
                    }
                    let overlay = binding
                        .overlay
                        .map_err(|message| format!("{}: {message}", file.display()));
                    if overlay.as_ref().is_ok_and(Overlay::is_empty) {
                        continue;
                    }
                    overlays.entry(binding.path).or_insert(overlay);
                }
            }
        }
        Self {
            default,
            levels,
            bound,
            overlays,
        }
    }

    /// The overlays the binding of the file `relative` gives it (none when it has no
    /// binding), or why they cannot be read.
    pub fn overlay_of(&self, relative: &str) -> Result<Overlay, String> {
        self.overlays
            .get(relative)
            .cloned()
            .unwrap_or(Ok(Overlay::default()))
    }

    /// The target of the file `relative`, when the crate gives one.
    pub fn of_file(&self, relative: &str) -> Option<&str> {
        self.bound
            .get(relative)
            .or(self.default.as_ref())
            .map(String::as_str)
    }
}

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// What a `#[redis_script("file", ...)]` or `#[redis_library(...)]` attribute says.
#[derive(Debug)]
struct Binding {
    /// The file, inside the scripts folder.
    path: String,
    /// The target it names, if any.
    target: Option<String>,
    /// Its overlays, or why they cannot be read.
    overlay: Result<Overlay, String>,
}

/// The bindings of a Rust file (its comments left out, doc comments included).
fn bindings(text: &str) -> Vec<Binding> {
    let text = &without_comments(text);
    let mut found = Vec::new();
    for attribute in ["redis_script(", "redis_library("] {
        for (at, _) in text.match_indices(attribute) {
            let rest = &text[at + attribute.len()..];
            let Some(arguments) = redis_script_analyzer::attribute_arguments(rest) else {
                continue;
            };
            let Some(path) = quoted(arguments) else {
                continue;
            };
            // The options come after the path (which may itself hold the word `target`).
            let options = arguments
                .find(path)
                .map_or("", |start| &arguments[start + path.len() + 1..]);
            let options = options.trim_start().strip_prefix(',').unwrap_or(options);
            let target = redis_script_analyzer::attribute_options(options)
                .into_iter()
                .find_map(|option| {
                    let value = option.trim().strip_prefix("target")?;
                    quoted(value.trim_start().strip_prefix('=')?)
                });
            found.push(Binding {
                path: path.to_owned(),
                target: target.map(str::to_owned),
                overlay: Overlay::parse(options),
            });
        }
    }
    found
}

/// `text` without its `//` and `/* */` comments (string literals kept as they are).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['"', '/']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if let Some(after) = from.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else if let Some(after) = from.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else if from.starts_with('"') {
            let end = string_end(from);
            out.push_str(&from[..end]);
            rest = &from[end..];
        } else {
            out.push('/');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The length of the string literal `text` starts with (all of `text` when it is not
/// closed).
fn string_end(text: &str) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// The first string literal of `text`.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_overlays_of_bindings() {
        let rust = r#"
#[redis_script(
    "vendor/take.lua",
    keys(1 as wait: key),
    argv(opts: msgpack - "the options (a map)"),
    returns = "empty: int | job: (string, int)",
    target = "redis-8.0",
)]
pub struct Take;
#[redis_script("vendor/bad.lua", argv(opts: msgpak))]
pub struct Bad;
"#;
        let found = bindings(rust);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].target.as_deref(), Some("redis-8.0"));
        let overlay = found[0].overlay.as_ref().unwrap();
        assert_eq!(overlay.entries.len(), 2);
        assert_eq!(
            overlay.entries[1].description.as_deref(),
            Some("the options (a map)")
        );
        assert_eq!(
            overlay.returns.as_ref().unwrap().ty.to_string(),
            "empty: int | job: (string, int)"
        );
        assert!(found[1].overlay.as_ref().unwrap_err().contains("msgpak"));
    }

    #[test]
    fn comments_and_entries_named_target_are_not_options() {
        let rust = r#"
/// An example that is not this crate's binding: `#[redis_script("take.lua", argv(x: int))]`
#[redis_script(
    "take.lua", // the vendored file
    keys(target: key), /* the key to move to */
    argv(3 as
        opts: msgpack - "a // not a comment"),
    target = "valkey-8.0",
)]
pub struct Take;
"#;
        let found = bindings(rust);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].target.as_deref(), Some("valkey-8.0"));
        let overlay = found[0].overlay.as_ref().unwrap();
        assert_eq!(overlay.entries.len(), 2);
        assert_eq!(overlay.entries[1].rename.as_deref(), Some("opts"));
        assert_eq!(
            overlay.entries[1].description.as_deref(),
            Some("a // not a comment")
        );
    }

    #[test]
    fn finds_the_targets_bindings_name() {
        let rust = r#"
#[redis_script("targets/field_expiry.lua", target = "redis-7.4")]
pub struct FieldExpiry;
#[redis_script("plain.lua")]
pub struct Plain;
#[redis_script::redis_library("lib.lua", target="valkey-9.0")]
pub struct Lib;
"#;
        let mut found: Vec<(String, String)> = bindings(rust)
            .into_iter()
            .filter_map(|b| Some((b.path, b.target?)))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("lib.lua".to_owned(), "valkey-9.0".to_owned()),
                (
                    "targets/field_expiry.lua".to_owned(),
                    "redis-7.4".to_owned()
                )
            ]
        );
    }
}

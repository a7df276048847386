//! The settings each file is checked with, as the crate that binds it says: its rule
//! levels (`[package.metadata.redis-script]`), and the server it is checked for: the
//! `[package.metadata.redis-script] target` of its `Cargo.toml`, and a binding's own
//! `#[redis_script("x.lua", target = "...")]` (or `#[redis_library]`), found in the
//! crate's Rust files. Without a crate around the scripts folder, the default target.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The targets and rule levels of one scripts folder's crate.
#[derive(Debug)]
pub struct CrateSettings {
    /// The crate-wide target of `Cargo.toml`.
    default: Option<String>,
    /// The crate-wide rule levels of `Cargo.toml`, or why they cannot be read.
    pub levels: Result<redis_script_analyzer::RuleLevels, String>,
    /// The target of each bound file, by its path inside the scripts folder.
    bound: HashMap<String, String>,
}

impl Default for CrateSettings {
    fn default() -> Self {
        Self {
            default: None,
            levels: Ok(Default::default()),
            bound: HashMap::new(),
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
        let mut bound = HashMap::new();
        for folder in ["src", "tests", "examples", "benches"] {
            for file in rust_files(&crate_root.join(folder)) {
                if let Ok(text) = std::fs::read_to_string(&file) {
                    bound.extend(bindings(&text));
                }
            }
        }
        Self {
            default,
            levels,
            bound,
        }
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

/// The (file, target) of each `#[redis_script("file", target = "...")]` and
/// `#[redis_library(...)]` attribute of a Rust file that names a target.
fn bindings(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for attribute in ["redis_script(", "redis_library("] {
        for (at, _) in text.match_indices(attribute) {
            let rest = &text[at + attribute.len()..];
            let Some(end) = rest.find(')') else { continue };
            let arguments = &rest[..end];
            let Some(path) = quoted(arguments) else {
                continue;
            };
            // The options come after the path (which may itself hold the word `target`).
            let options = arguments
                .find(path)
                .map_or("", |start| &arguments[start + path.len() + 1..]);
            let target = options.split_once("target").and_then(|(_, after)| {
                let after = after.trim_start().strip_prefix('=')?;
                quoted(after)
            });
            if let Some(target) = target {
                found.push((path.to_owned(), target.to_owned()));
            }
        }
    }
    found
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
    fn finds_the_targets_bindings_name() {
        let rust = r#"
#[redis_script("targets/field_expiry.lua", target = "redis-7.4")]
pub struct FieldExpiry;
#[redis_script("plain.lua")]
pub struct Plain;
#[redis_script::redis_library("lib.lua", target="valkey-9.0")]
pub struct Lib;
"#;
        let mut found = bindings(rust);
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

//! Finds the script under `<crate root>/lua_scripts/` and reads it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::attribute::ScriptPath;

/// A script file, read.
pub struct ScriptFile {
    /// The canonical absolute path, for `include_str!`.
    pub absolute: PathBuf,
    /// The file's text.
    pub source: String,
}

/// How many other scripts a "not found" message lists.
const LISTED_SCRIPTS: usize = 12;

/// The root of the crate being compiled, which holds `lua_scripts/`.
pub fn crate_root() -> Result<PathBuf, String> {
    std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).ok_or_else(|| {
        "CARGO_MANIFEST_DIR is not set: #[redis_script] finds lua_scripts/ through it, so build with cargo"
            .to_owned()
    })
}

/// Reads the script `path` names, relative to `lua_scripts/` in `crate_root`.
pub fn read(crate_root: &Path, path: &ScriptPath) -> Result<ScriptFile, String> {
    let manifest_dir = crate_root;
    let root = manifest_dir.join("lua_scripts");
    if !root.is_dir() {
        return Err(format!(
            "there is no lua_scripts/ folder in the crate root ({}): create it next to Cargo.toml and put {} in it",
            manifest_dir.display(),
            path.relative
        ));
    }
    let file = root.join(&path.relative);
    if !file.is_file() {
        // Relative to the crate root only: the absolute path depends on where the crate
        // is checked out and built.
        let mut message = format!(
            "{} not found in the crate's lua_scripts/ folder (next to its Cargo.toml)",
            path.display()
        );
        let known = scripts_in(&root);
        if known.is_empty() {
            message.push_str("; lua_scripts/ has no .lua files yet");
        } else {
            message.push_str("; lua_scripts/ has: ");
            message.push_str(&known.join(", "));
        }
        return Err(message);
    }
    let bytes = fs::read(&file).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let source = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not valid UTF-8 (first bad byte at offset {}): save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let absolute = file
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", file.display()))?;
    Ok(ScriptFile { absolute, source })
}

/// The `.lua` files under `root`, relative to it, sorted, at most [`LISTED_SCRIPTS`].
fn scripts_in(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Symlinked folders are not followed, so a link cycle cannot trap the search.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "lua")
                && let Ok(relative) = path.strip_prefix(root)
            {
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    if found.len() > LISTED_SCRIPTS {
        found.truncate(LISTED_SCRIPTS);
        found.push("...".to_owned());
    }
    found
}

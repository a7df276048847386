//! `redis-script expand`: the text that is sent, its SHA1, and where its lines come from.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::files;

/// Prints the text sent for `file` on stdout; its SHA1 (and with `map`, the source map) on
/// stderr. 1 when an `@include` cannot be expanded.
pub fn run(file: &Path, map: bool) -> Result<ExitCode, String> {
    let script = files::one(file)?;
    let Some(sources) = script.expanded() else {
        return Ok(ExitCode::from(1));
    };
    let sources = &sources;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(sources.text.as_bytes())
        .map_err(|error| format!("cannot write the text: {error}"))?;
    let sha1 = redis_script_analyzer::sha1_hex(sources.text.as_bytes());
    eprintln!("sha1 {sha1} ({} bytes)", sources.text.len());
    if map {
        for (i, segment) in sources.segments.iter().enumerate() {
            let last = sources
                .segments
                .get(i + 1)
                .map_or_else(|| sources.text.lines().count(), |next| next.first_line - 1);
            let file = &sources.files[segment.file];
            let length = last.saturating_sub(segment.first_line);
            eprintln!(
                "lines {}-{last}: {}:{}-{}",
                segment.first_line,
                file.path,
                segment.file_line,
                segment.file_line + length
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

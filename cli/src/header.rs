//! `redis-script header`: a header inferred from a script's body, printed or written in.

use std::path::Path;
use std::process::ExitCode;

use crate::files;

/// Prints the header `file` could have; with `write`, inserts it when the file has none.
pub fn run(file: &Path, write: bool) -> Result<ExitCode, String> {
    let script = files::one(file)?;
    if script.is_library() {
        return Err(format!(
            "{} is a function library: its functions are documented one by one, in the comment above each `redis.register_function`",
            file.display()
        ));
    }
    let header = redis_script_analyzer::suggest_header(&script.text);
    if !write {
        out!("{header}");
        return Ok(ExitCode::SUCCESS);
    }
    let checked = script.check(&Default::default());
    let has_header = match &checked.model {
        Some(files::Model::Script(model)) => model.header_line.is_some(),
        _ => true,
    };
    if has_header {
        eprintln!(
            "{} already starts with a comment: it was left as it is; the header its body suggests is:\n{header}",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    let (shebang, rest) = match script.text.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => (format!("{first}\n"), rest),
        _ => (String::new(), script.text.as_str()),
    };
    let text = format!("{shebang}{header}\n{rest}");
    std::fs::write(file, text)
        .map_err(|error| format!("cannot write {}: {error}", file.display()))?;
    eprintln!(
        "wrote a header into {}: describe the script and name its entries",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

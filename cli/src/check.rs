//! `redis-script check`: every problem of every file, like the macros report them, as
//! text, JSON lines or GitHub annotations.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use redis_script_analyzer::{Diagnostic, Severity, source_line};

use crate::Format;
use crate::files::{self, Checked};
use crate::json::{self, Value};

/// Above this many files a progress bar shows on a terminal.
const PROGRESS_FROM: usize = 20;

/// Checks the files `paths` name; 1 when any has an error.
pub fn run(
    paths: &[PathBuf],
    asked: &files::Asked,
    format: Format,
    quiet: bool,
) -> Result<ExitCode, String> {
    // The target given is checked before anything is read.
    files::options(asked.target.as_deref())?;
    let found = files::collect(paths)?;
    let progress = (found.len() >= PROGRESS_FROM && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(found.len() as u64));
    let mut checker = files::Checker::new(asked.clone());
    let checked: Vec<Checked> = found
        .iter()
        .map(|file| {
            if let Some(bar) = &progress {
                bar.set_message(file.relative.clone());
                bar.inc(1);
            }
            checker.check(file)
        })
        .collect::<Result<_, String>>()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let checked = files::entry_points(checked);
    let mut counts = Counts::default();
    for file in &checked {
        counts.files += 1;
        if file.file.is_library() {
            counts.libraries += 1;
        }
        for diagnostic in &file.diagnostics {
            match diagnostic.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning if quiet => continue,
                Severity::Warning => counts.warnings += 1,
            }
            print(format, file, diagnostic);
        }
    }
    counts.report(
        format,
        asked
            .target
            .as_deref()
            .unwrap_or("each file's crate target"),
    );
    Ok(if counts.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the check found.
#[derive(Debug, Default)]
struct Counts {
    files: u64,
    libraries: u64,
    errors: u64,
    warnings: u64,
}

impl Counts {
    fn report(&self, format: Format, target: &str) {
        match format {
            Format::Json => out!(
                "{}",
                json::object(&[
                    ("summary", Value::Text("check")),
                    ("target", Value::Text(target)),
                    ("files", Value::Number(self.files)),
                    ("libraries", Value::Number(self.libraries)),
                    ("errors", Value::Number(self.errors)),
                    ("warnings", Value::Number(self.warnings)),
                ])
            ),
            Format::Human | Format::Github => eprintln!(
                "checked {} file{} ({} librar{}), for {target}: {} error{}, {} warning{}",
                self.files,
                plural(self.files),
                self.libraries,
                if self.libraries == 1 { "y" } else { "ies" },
                self.errors,
                plural(self.errors),
                self.warnings,
                plural(self.warnings),
            ),
        }
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Prints one problem of `file` in `format`.
fn print(format: Format, file: &Checked, diagnostic: &Diagnostic) {
    let (path, text, mapped) = file.sources.mapped(diagnostic);
    let severity = match mapped.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    match format {
        Format::Human => out!("{severity}: {}\n", mapped.render(path, text)),
        Format::Json => {
            let line = mapped.location.line as u64;
            let column = mapped.location.column as u64;
            let source = source_line(text, mapped.location.line).unwrap_or_default();
            let help = mapped.help.as_deref().map_or(Value::Null, Value::Text);
            out!(
                "{}",
                json::object(&[
                    ("file", Value::Text(path)),
                    ("line", Value::Number(line)),
                    ("column", Value::Number(column)),
                    ("width", Value::Number(mapped.width as u64)),
                    ("severity", Value::Text(severity)),
                    ("rule", Value::Text(mapped.rule.name)),
                    ("code", Value::Text(mapped.rule.code)),
                    ("message", Value::Text(&mapped.message)),
                    ("help", help),
                    ("notes", Value::Texts(&mapped.notes)),
                    ("source_line", Value::Text(source)),
                    ("checked_file", Value::Text(&file.file.display())),
                ])
            );
        }
        Format::Github => {
            let mut message = mapped.message.clone();
            for note in &mapped.notes {
                message.push_str(&format!("\nnote: {note}"));
            }
            if let Some(help) = &mapped.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            out!(
                "::{severity} file={},line={},col={},title={}::{}",
                property(path),
                mapped.location.line,
                mapped.location.column,
                property(&format!(
                    "redis-script {} ({})",
                    mapped.rule.name, mapped.rule.code
                )),
                data(&message)
            );
        }
    }
}

/// A workflow command's message, escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

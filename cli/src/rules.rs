//! `explain` and `rules`: the analyzer's rules, told at length or listed.

use std::fmt::Write as _;
use std::process::ExitCode;

use redis_script_analyzer::{RULES, Rule};

/// Prints the explanation of the rule named (or coded) `name`.
pub fn explain(name: &str) -> Result<ExitCode, String> {
    let rule = Rule::find(name)
        .ok_or_else(|| format!("there is no rule `{name}`; `redis-script rules` lists them"))?;
    out!("{}", rule.explain());
    Ok(ExitCode::SUCCESS)
}

/// Prints one line per rule: code, name, default level, basis, summary.
pub fn list() -> Result<ExitCode, String> {
    let width = RULES.iter().map(|rule| rule.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        let _ = writeln!(
            out,
            "{}  {:width$}  {:5}  {}",
            rule.code,
            rule.name,
            rule.default.text(),
            rule.summary
        );
    }
    out!("{}", out.trim_end());
    Ok(ExitCode::SUCCESS)
}

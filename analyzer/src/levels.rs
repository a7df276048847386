//! Where the rules' levels meet the findings: the levels a crate, an attribute or the
//! command line set, and the `-- redis-script: allow(name)` comments of the script.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Level, Rule, RuleLevels};

/// Applies the levels of `levels` and the allows written in `source` to `found`: a
/// finding of an allowed rule is dropped, one of a denied rule is an error, of a warned
/// one a warning. Syntax findings stay errors.
pub fn apply(found: &mut Vec<Diagnostic>, source: &str, levels: &RuleLevels) {
    let allowed = line_allows(source);
    found.retain_mut(|diagnostic| {
        let rule = diagnostic.rule;
        if !rule.allowable {
            diagnostic.severity = Severity::Error;
            return true;
        }
        let line = diagnostic.location.line;
        let allowed_here = allowed
            .iter()
            .any(|(at, names)| *at == line && names.iter().any(|n| Rule::find(n) == Some(rule)));
        if allowed_here {
            return false;
        }
        diagnostic.severity = match levels.level(rule) {
            Level::Allow => return false,
            Level::Warn => Severity::Warning,
            Level::Deny => Severity::Error,
        };
        true
    });
}

/// The lines each `-- redis-script: allow(a, b)` comment allows rules on: its own line
/// when it follows code, else the next line.
fn line_allows(source: &str) -> Vec<(usize, Vec<String>)> {
    const MARK: &str = "redis-script: allow(";
    let mut allows = Vec::new();
    for (i, text) in source.lines().enumerate() {
        let Some(at) = text.find(MARK) else {
            continue;
        };
        let Some(comment) = text[..at].rfind("--") else {
            continue;
        };
        let rest = &text[at + MARK.len()..];
        let Some(end) = rest.find(')') else {
            continue;
        };
        let names = rest[..end]
            .split(',')
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect();
        let alone = text[..comment].trim().is_empty();
        allows.push((if alone { i + 2 } else { i + 1 }, names));
    }
    allows
}

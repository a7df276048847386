//! The header's KEYS and ARGV against what the body reads.
//!
//! - `KEYS[n]` with a literal `n` the header does not declare is an error naming both the
//!   read and the header;
//! - a declared entry the body never reads is an error, unless its name starts with `_`
//!   (`[2] _legacy - ...`), as Rust's unused variables;
//! - reading an array as a whole or with a computed index (`#KEYS`, `KEYS[i]`,
//!   `unpack(ARGV)`, passing `KEYS` around) requires a variadic tail (`[2..]`), which the
//!   generated function takes as a slice.
//!
//! Aliases (`local k = KEYS`) count as the array itself; a local named `KEYS` shadows it.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{ArrayUse, Facts};
use crate::model::{ParamKind, Params, Script};

/// Checks both arrays.
pub fn check(script: &Script, facts: &Facts, out: &mut Vec<Diagnostic>) {
    check_array(ParamKind::Key, &script.keys, facts, out);
    check_array(ParamKind::Arg, &script.args, facts, out);
}

fn check_array(kind: ParamKind, params: &Params, facts: &Facts, out: &mut Vec<Diagnostic>) {
    let array = kind.array_name();
    let uses: Vec<&ArrayUse> = facts.arrays.iter().filter(|u| u.kind == kind).collect();
    let dynamic = uses.iter().find(|u| u.index.is_none());
    let declared = params.fixed.len();
    if params.tail.is_none() {
        for read in &uses {
            let Some(index) = read.index.filter(|&i| i == 0 || i > declared) else {
                continue;
            };
            let (message, help) = if index == 0 {
                (
                    format!("{array}[0] is always nil: Lua arrays start at 1"),
                    format!("the first entry is {array}[1]"),
                )
            } else {
                (
                    format!(
                        "{array}[{index}] is read here, but the header declares {}",
                        declared_text(array, params)
                    ),
                    match params.fixed.last() {
                        Some(last) => format!(
                            "declare it in the header after {} (line {}), e.g. `[{index}] name - description`",
                            last.label(),
                            last.line
                        ),
                        None => format!(
                            "declare it in the header: `{array}:` then `[1] name - description`"
                        ),
                    },
                )
            };
            out.push(Diagnostic::new(message, read.site.at, read.site.width).with_help(help));
        }
        if let Some(read) = dynamic {
            out.push(
                Diagnostic::new(
                    format!("{array} is read as a whole or with a computed index here, but the header declares no variadic tail"),
                    read.site.at,
                    read.site.width,
                )
                .with_help(format!(
                    "declare the values after the fixed entries as a tail: `[{}..] name - description`; the generated function then takes them as a slice",
                    declared + 1
                )),
            );
        }
    }
    if dynamic.is_some() {
        return;
    }
    let read = |index: usize| uses.iter().any(|u| u.index == Some(index));
    for param in params
        .fixed
        .iter()
        .filter(|p| !p.name.starts_with('_') && !read(p.index))
    {
        out.push(unread(param));
    }
    if let Some(tail) = params.tail.as_ref().filter(|t| !t.name.starts_with('_'))
        && !uses
            .iter()
            .any(|u| u.index.is_some_and(|i| i >= tail.index))
    {
        out.push(unread(tail));
    }
}

fn unread(param: &crate::model::Param) -> Diagnostic {
    Diagnostic::new(
        format!(
            "{} (`{}`) is declared, but the script never reads it",
            param.label(),
            param.name
        ),
        param.label,
        param.label_width,
    )
    .with_help(format!(
        "remove it, or keep it on purpose by naming it with a leading underscore: `[{}] _{} - ...`",
        param.index,
        param.name.trim_start_matches('_')
    ))
}

/// "no KEYS", "only KEYS[1]" or "KEYS[1] to KEYS[3]".
fn declared_text(array: &str, params: &Params) -> String {
    match params.fixed.len() {
        0 => format!("no {array}"),
        1 => format!("only {array}[1]"),
        n => format!("{array}[1] to {array}[{n}]"),
    }
}

//! The header's KEYS and ARGV against what the body reads.
//!
//! - `KEYS[n]` with a literal `n` the header does not declare is an error naming both the
//!   read and the header;
//! - a declared entry the body never reads is a warning (callers still pass it, so the
//!   signature keeps it), unless its name starts with `_` (`[2] _legacy - ...`), as Rust's
//!   unused variables;
//! - a file without a header comment, or with one that declares neither KEYS nor ARGV
//!   while the body reads them, gets one error at the top, with a header to paste built
//!   from what the body reads;
//! - reading an array as a whole or with a computed index (`#KEYS`, `KEYS[i]`,
//!   `unpack(ARGV)`, passing `KEYS` around) requires a variadic tail (`[2..]`), which the
//!   generated function takes as a slice.
//!
//! Aliases (`local k = KEYS`) count as the array itself; a local named `KEYS` shadows it.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Location};
use crate::lua::facts::{ArrayUse, Facts};
use crate::model::{ParamKind, Params, Script};
use crate::rules;

/// Checks both arrays of a script (`function` is `None`), or of the library function
/// `function`, whose keys and args are its callback's first two parameters.
pub fn check(script: &Script, facts: &Facts, function: Option<&str>, out: &mut Vec<Diagnostic>) {
    let uses = uses_of(facts, function);
    let Some(header_line) = script.header_line else {
        if function.is_some() {
            // The library check reports it, at the registration: see [`undocumented`].
            return;
        }
        let line = if script.shebang.is_some() { 2 } else { 1 };
        out.push(
            Diagnostic::new(
                &rules::MISSING_HEADER,
                "the script has no header comment declaring its KEYS, ARGV and RETURNS",
                Location::new(line, 1),
                1,
            )
            .with_help(format!(
                "add a header at the top of the file, for example:\n\n{}{}",
                suggested_header(facts),
                if script.shebang.is_some() {
                    "\n\n(keep the `#!lua` line first: Redis reads it only on line 1)"
                } else {
                    ""
                }
            )),
        );
        return;
    };
    let declares_nothing = !script.keys.declared && !script.args.declared;
    if declares_nothing && !uses.is_empty() {
        // One message at the comment, not one per read of KEYS or ARGV.
        out.push(
            Diagnostic::new(&rules::MISSING_HEADER,
                format!(
                    "this comment is taken as the {}, but nothing in it declares KEYS or ARGV in a form redis-script reads",
                    if function.is_some() { "function's doc comment" } else { "script's header" }
                ),
                Location::new(header_line, 1),
                2,
            )
            .with_help(format!(
                "the body reads {}; declare them in the header, for example:\n\n{}\n\n(the header grammar is in the `redis_script::header` docs: `KEYS[1] = description` lines, `KEYS:` / `ARGV:` sections with `[1] name - description` entries, or BullMQ's `Input:` lines)",
                read_summary(&uses),
                suggested_header(facts)
            )),
        );
        return;
    }
    let header = if function.is_some() {
        "the doc comment"
    } else {
        "the header"
    };
    let unit = super::wording::unit(function);
    check_array(ParamKind::Key, &script.keys, &uses, (header, unit), out);
    check_array(ParamKind::Arg, &script.args, &uses, (header, unit), out);
}

/// The error of the library function `function`, registered on line `line`, without a
/// doc comment.
pub fn undocumented(function: &str, line: usize, facts: &Facts) -> Diagnostic {
    let uses = uses_of(facts, Some(function));
    Diagnostic::new(&rules::MISSING_HEADER,
        format!("function `{function}` has no doc comment declaring its KEYS, ARGV and RETURNS"),
        Location::new(line, 1),
        1,
    )
    .with_help(format!(
        "add one right above its `redis.register_function` (or above the local function it registers); its keys and args are the callback's first two parameters, declared as KEYS and ARGV:\n\n{}",
        skeleton(&uses, "function")
    ))
}

/// The reads of KEYS and ARGV of a script (`function` is `None`) or of a library function.
fn uses_of<'a>(facts: &'a Facts, function: Option<&str>) -> Vec<&'a ArrayUse> {
    facts
        .arrays
        .iter()
        .filter(|u| u.function.as_deref() == function)
        .collect()
}

/// What the body reads of KEYS and ARGV, for messages: "KEYS[1] to KEYS[2], ARGV as a whole".
fn read_summary(uses: &[&ArrayUse]) -> String {
    [ParamKind::Key, ParamKind::Arg]
        .into_iter()
        .filter_map(|kind| {
            let (highest, dynamic) = reads_of(uses, kind);
            let array = kind.array_name();
            let fixed = match highest {
                0 => None,
                1 => Some(format!("{array}[1]")),
                n => Some(format!("{array}[1] to {array}[{n}]")),
            };
            let dynamic = dynamic.then(|| format!("{array} as a whole or with a computed index"));
            let parts: Vec<String> = fixed.into_iter().chain(dynamic).collect();
            (!parts.is_empty()).then(|| parts.join(" and "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The highest literal index the body reads in `kind`'s array, and whether it reads it as
/// a whole or with a computed index.
fn reads_of(uses: &[&ArrayUse], kind: ParamKind) -> (usize, bool) {
    let uses = uses.iter().copied().filter(|u| u.kind == kind);
    let highest = uses
        .clone()
        .filter_map(|u| u.index)
        .filter(|&i| i <= crate::header::MAX_INDEX)
        .max()
        .unwrap_or(0);
    (highest, uses.clone().any(ArrayUse::dynamic))
}

/// A header declaring what the body reads: an entry per literal index, and a variadic
/// tail when an array is read as a whole.
fn skeleton(uses: &[&ArrayUse], what: &str) -> String {
    skeleton_returning(uses, what, None)
}

/// A header for a script whose body `facts` describe: its KEYS and ARGV entries, and
/// RETURNS with the type its literal returns agree on, when they do.
pub fn suggested_header(facts: &Facts) -> String {
    let uses = uses_of(facts, None);
    let returns = super::returns::inferred_type(facts).map(|ty| ty.to_string());
    skeleton_returning(&uses, "script", returns)
}

/// [`skeleton`] with RETURNS filled in when `returns` is known.
fn skeleton_returning(uses: &[&ArrayUse], what: &str, returns: Option<String>) -> String {
    let mut out = format!("--[[\n    What the {what} does.\n");
    for kind in [ParamKind::Key, ParamKind::Arg] {
        let (highest, dynamic) = reads_of(uses, kind);
        if highest == 0 && !dynamic {
            continue;
        }
        let _ = write!(out, "\n    {}:\n", kind.array_name());
        // Names of their own per entry, so the skeleton binds as it is.
        let stem = match kind {
            ParamKind::Key => "key",
            ParamKind::Arg => "arg",
        };
        for i in 1..=highest {
            let _ = writeln!(out, "        [{i}] {stem}_{i} - description");
        }
        if dynamic {
            let _ = writeln!(
                out,
                "        [{}..] more_{stem}s - the values after those",
                highest + 1
            );
        }
    }
    let returns = returns.unwrap_or_else(|| format!("what the {what} returns"));
    out.push_str(&format!("\n    RETURNS:\n        {returns}\n--]]"));
    out
}

/// Checks one array; `header` names what declares it in messages, `unit` what reads it.
fn check_array(
    kind: ParamKind,
    params: &Params,
    uses: &[&ArrayUse],
    (header, unit): (&str, &str),
    out: &mut Vec<Diagnostic>,
) {
    let array = kind.array_name();
    let uses: Vec<&ArrayUse> = uses.iter().copied().filter(|u| u.kind == kind).collect();
    let dynamic = uses.iter().find(|u| u.dynamic());
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
                        "{array}[{index}] is read here, but {header} declares {}",
                        declared_text(array, params)
                    ),
                    match params.fixed.last() {
                        Some(last) => format!(
                            "declare it in {header} after {} (line {}), e.g. `[{index}] name - description`",
                            last.label(),
                            last.line
                        ),
                        None => format!(
                            "declare it in {header}: `{array}:` then `[1] name - description`"
                        ),
                    },
                )
            };
            out.push(
                Diagnostic::new(
                    &rules::UNDECLARED_PARAMETER,
                    message,
                    read.site.at,
                    read.site.width,
                )
                .with_help(help),
            );
        }
        if let Some(read) = dynamic {
            out.push(
                Diagnostic::new(&rules::UNDECLARED_PARAMETER,
                    format!("{array} is read as a whole or with a computed index here, but {header} declares no variadic tail"),
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
        out.push(unread(param, unit));
    }
    if let Some(tail) = params.tail.as_ref().filter(|t| !t.name.starts_with('_'))
        && !uses
            .iter()
            .any(|u| u.index.is_some_and(|i| i >= tail.index))
    {
        out.push(unread(tail, unit));
    }
}

fn unread(param: &crate::model::Param, unit: &str) -> Diagnostic {
    Diagnostic::new(&rules::UNREAD_PARAMETER,
        format!(
            "{} (`{}`) is declared, but the {unit} never reads it",
            param.label(),
            param.name
        ),
        param.label,
        param.label_width,
    )
    .with_help(format!(
        "callers must still pass it; remove it, or say it is kept on purpose by naming it with a leading underscore: `[{}] _{} - ...`",
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

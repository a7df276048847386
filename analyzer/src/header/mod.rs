//! The header contract: from the comment at the top of a script to KEYS, ARGV, RETURNS.
//!
//! `extract` finds the comment, `sections` sorts its lines, `entry` reads one entry; this
//! module checks the entries against each other and builds the model.

mod entry;
mod errors;
mod extract;
mod sections;

use crate::diagnostic::Diagnostic;
use crate::model::{Param, ParamKind, Params, Returns, Script, Shebang};
use crate::names;
use crate::rules;
use crate::types::{ParamType, ReturnType};

pub use entry::MAX_INDEX;
use entry::{Position, RawEntry};
use sections::{Sections, TextSection};

/// Reads and checks the header of `source`, the script at `path`, into the model; every
/// problem found is reported.
pub fn parse(path: &str, source: &str) -> Result<Script, Vec<Diagnostic>> {
    let top = extract::extract(source).map_err(|d| vec![d])?;
    // Without a header comment the model is empty; the checks, which see what the body
    // reads, report it with a skeleton to paste.
    read_comment(
        path,
        crate::sha1_hex(source.as_bytes()),
        top.shebang,
        &top.lines,
    )
}

/// The doc comment right above `line` of `source` (a function's of the library whose
/// SHA1 is `sha1`), read with the header grammar. Without a comment the model is empty
/// (and `header_line` is `None`).
pub fn parse_doc(
    path: &str,
    sha1: &str,
    source: &str,
    line: usize,
) -> Result<Script, Vec<Diagnostic>> {
    let lines = extract::comment_above(source, line);
    read_comment(path, sha1.to_owned(), None, &lines)
}

/// Of the `lines` (in order of preference), the first with a comment right above it
/// that declares something (a KEYS, ARGV or RETURNS line, an entry); else the first with
/// any comment right above it.
pub fn doc_comment_line(source: &str, lines: impl Iterator<Item = usize> + Clone) -> Option<usize> {
    let mut commented = lines.filter(|&line| !extract::comment_above(source, line).is_empty());
    commented
        .clone()
        .find(|&line| extract::declares_anything(&extract::comment_above(source, line)))
        .or_else(|| commented.next())
}

/// The free text of the first comment at the top of `source`, unless `is_doc` says the
/// comment, ending on the given line, documents something else.
pub fn top_comment_summary(source: &str, is_doc: impl Fn(usize) -> bool) -> String {
    let Ok(lines) = extract::first_comment(source) else {
        return String::new();
    };
    match lines.last() {
        Some(last) if !is_doc(last.line) => read_comment("", String::new(), None, &lines)
            .map_or_else(|_| String::new(), |m| m.summary),
        _ => String::new(),
    }
}

/// The model a comment's `lines` declare.
fn read_comment(
    path: &str,
    sha1: String,
    shebang: Option<Shebang>,
    lines: &[extract::HeaderLine<'_>],
) -> Result<Script, Vec<Diagnostic>> {
    let header_line = lines.first().map(|line| line.line);
    let (sections, mut diagnostics) = sections::split(lines);
    let Sections {
        summary,
        entries,
        returns,
        example,
        others,
        keys_section,
        args_section,
    } = sections;
    let mut keys = numbered(&entries, ParamKind::Key, &mut diagnostics);
    let mut args = numbered(&entries, ParamKind::Arg, &mut diagnostics);
    keys.declared = keys_section || !keys.fixed.is_empty() || keys.tail.is_some();
    args.declared = args_section || !args.fixed.is_empty() || args.tail.is_some();
    check_arg_types(&args, &mut diagnostics);
    name_params(&mut keys, &mut args, &mut diagnostics);
    let returns = returns
        .map(|section| parse_returns(&section, &mut diagnostics))
        .unwrap_or(Returns::Undeclared);
    let (errors, others): (Vec<_>, Vec<_>) = others
        .into_iter()
        .partition(|(title, _)| title.eq_ignore_ascii_case("ERRORS"));
    let errors = errors
        .iter()
        .flat_map(|(_, section)| errors::parse(section, &mut diagnostics))
        .collect();
    if !diagnostics.is_empty() {
        diagnostics.sort_by_key(|d| d.location);
        return Err(diagnostics);
    }
    Ok(Script {
        path: path.to_owned(),
        sha1,
        shebang,
        header_line,
        summary: summary.join("\n").trim().to_owned(),
        keys,
        args,
        returns,
        example: example.map(|e| e.dedented()).filter(|e| !e.is_empty()),
        errors,
        other_sections: others
            .into_iter()
            .map(|(title, section)| (title, section.dedented()))
            .collect(),
    })
}

/// Checks the numbering of the `kind` entries (1, 2, 3, ..., an optional tail last) and
/// builds the params with provisional names.
fn numbered(entries: &[RawEntry], kind: ParamKind, diagnostics: &mut Vec<Diagnostic>) -> Params {
    let array = kind.array_name();
    let mut params = Params::default();
    let mut expected = 1;
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut tail_line: Option<usize> = None;
    for raw in entries.iter().filter(|e| e.kind == kind) {
        let index = match (raw.position, params.tail.as_mut()) {
            (Position::At(index), _) => index,
            // `[2+N] ...` after a tail `[2 .. 1+N]`: more about the values the tail takes.
            (Position::Computed, Some(tail)) => {
                if !raw.description.is_empty() {
                    tail.description.push_str("; ");
                    tail.description.push_str(&raw.description);
                }
                continue;
            }
            (Position::Next | Position::Computed, _) => expected,
        };
        let label = format!("{array}[{index}]");
        let problem = |message: String, help: &str| {
            Diagnostic::new(&rules::HEADER_SYNTAX, message, raw.label, raw.label_width)
                .with_help(help)
        };
        if let Some(&(_, first_line)) = seen.iter().find(|(seen, _)| *seen == index) {
            diagnostics.push(problem(
                format!("{label} is declared twice (first on line {first_line})"),
                "give each entry its own index, or remove one of them",
            ));
            continue;
        }
        seen.push((index, raw.label.line));
        if let Some(line) = tail_line {
            diagnostics.push(problem(
                format!("{label} comes after the variadic tail on line {line}"),
                "a variadic tail `[n..]` takes every remaining value: it must be the last entry",
            ));
            continue;
        }
        if index != expected {
            let message = if index > expected {
                format!("{label} is declared but {array}[{expected}] is missing")
            } else {
                format!("{label} comes after {array}[{}]", expected - 1)
            };
            diagnostics.push(problem(
                message,
                &format!("number the {array} entries 1, 2, 3, ... in order, without gaps"),
            ));
        }
        expected = index.saturating_add(1);
        let param = Param {
            kind,
            index,
            variadic: raw.variadic,
            name: raw.name.clone().unwrap_or_default(),
            name_given: raw.name.is_some(),
            ty: raw.ty,
            description: raw.description.clone(),
            details: raw.details.clone(),
            line: raw.label.line,
            label: raw.label,
            label_width: raw.label_width,
            overlay: None,
        };
        if raw.variadic {
            tail_line = Some(raw.label.line);
            params.tail = Some(param);
        } else {
            params.fixed.push(param);
        }
    }
    params
}

/// A key belongs in KEYS: Redis Cluster routes by KEYS, and ACLs check them.
fn check_arg_types(args: &Params, diagnostics: &mut Vec<Diagnostic>) {
    for param in args.iter().filter(|p| p.ty == Some(ParamType::Key)) {
        diagnostics.push(
            Diagnostic::new(
                &rules::HEADER_SYNTAX,
                format!(
                    "{} is typed `key`, but keys must be passed in KEYS",
                    param.label()
                ),
                param.label,
                param.label_width,
            )
            .with_help(
                "move it to KEYS (Redis Cluster routes a script by its KEYS), or type it `string`",
            ),
        );
    }
}

/// Gives every param a unique Rust name: given names are checked, others are inferred.
fn name_params(keys: &mut Params, args: &mut Params, diagnostics: &mut Vec<Diagnostic>) {
    let mut all: Vec<&mut Param> = keys
        .fixed
        .iter_mut()
        .chain(keys.tail.iter_mut())
        .chain(args.fixed.iter_mut())
        .chain(args.tail.iter_mut())
        .collect();
    for param in all.iter_mut().filter(|p| !p.name_given) {
        param.name = names::infer(&param.description).unwrap_or_else(|| {
            let stem = match param.kind {
                ParamKind::Key => "key",
                ParamKind::Arg => "arg",
            };
            format!("{stem}{}", param.index)
        });
    }
    for (i, param) in all.iter().enumerate().filter(|(_, p)| p.name_given) {
        if let Some(first) = all[..i]
            .iter()
            .find(|p| p.name_given && p.name == param.name)
        {
            diagnostics.push(
                Diagnostic::new(
                    &rules::HEADER_SYNTAX,
                    format!(
                        "{} is named `{}`, like {} on line {}",
                        param.label(),
                        param.name,
                        first.label(),
                        first.line
                    ),
                    param.label,
                    param.label_width,
                )
                .with_help("give each entry a different name"),
            );
        }
    }
    let mut names: Vec<(String, bool)> =
        all.iter().map(|p| (p.name.clone(), p.name_given)).collect();
    names::deduplicate(&mut names);
    for (param, (name, _)) in all.iter_mut().zip(names) {
        param.name = name;
    }
}

/// Reads RETURNS: `type`, `type - description`, or free text.
fn parse_returns(section: &TextSection, diagnostics: &mut Vec<Diagnostic>) -> Returns {
    let text = section.dedented();
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let (head, after) = first.split_once(" - ").unwrap_or((first, ""));
    let description = [after.trim(), rest.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(ty) = ReturnType::parse(head) {
        if let Some(bad) = ty.invalid_map_key() {
            diagnostics.push(
                Diagnostic::new(
                    &rules::HEADER_SYNTAX,
                    format!("RETURNS `{ty}` has map keys of type `{bad}`"),
                    section.heading,
                    "RETURNS".len(),
                )
                .with_help("map keys must be int, string, bytes, bool or status"),
            );
        }
        if let Some((message, help)) = ty.union_problem() {
            diagnostics.push(
                Diagnostic::new(
                    &rules::HEADER_SYNTAX,
                    format!("RETURNS `{ty}`: {message}"),
                    section.heading,
                    "RETURNS".len(),
                )
                .with_help(help),
            );
        }
        return Returns::Typed { ty, description };
    }
    let head = head.trim();
    // Under another project's `Output:`, text that starts like a type is only text.
    let strict = section.title != "OUTPUT";
    if strict && (head.starts_with(['[', '{']) || (head.ends_with('?') && !head.contains(' '))) {
        diagnostics.push(
            Diagnostic::new(&rules::HEADER_SYNTAX,
                format!("RETURNS `{head}` looks like a type but is not one"),
                section.heading,
                "RETURNS".len(),
            )
            .with_help(
                "types: int, float, bool, string, bytes, status, nil, value, `T?`, `[T]`, `{K: V}`, `(A, B)`, and unions `A | B`",
            ),
        );
    }
    if text.is_empty() {
        Returns::Undeclared
    } else {
        Returns::Text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(source: &str) -> Vec<String> {
        parse("x.lua", source)
            .unwrap_err()
            .into_iter()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect()
    }

    #[test]
    fn numbering_errors_name_both_lines() {
        let source = "--[[\nKEYS:\n  [1] - a\n  [1] - b\n  [3] - c\nARGV:\n  [2] - x\n]]";
        assert_eq!(
            errors(source),
            [
                "4:3 KEYS[1] is declared twice (first on line 3)",
                "5:3 KEYS[3] is declared but KEYS[2] is missing",
                "7:3 ARGV[2] is declared but ARGV[1] is missing",
            ]
        );
    }

    #[test]
    fn tails_must_be_last() {
        let source = "--[[\nKEYS:\n  [1..] - all\n  [2] - more\n]]";
        assert_eq!(
            errors(source),
            ["4:3 KEYS[2] comes after the variadic tail on line 3"]
        );
        let header = parse("x.lua", "--[[\nKEYS:\n  [1] - first\n  [2..] - rest\n]]").unwrap();
        assert_eq!(header.keys.fixed.len(), 1);
        assert_eq!(header.keys.tail.as_ref().unwrap().name, "rest");
    }

    #[test]
    fn names_are_inferred_checked_and_deduplicated() {
        let source = "--[[\nKEYS:\n  [1] - user\nARGV:\n  [1] - user\n  [2] - (unnamed)\n]]";
        let header = parse("x.lua", source).unwrap();
        let names: Vec<&str> = header
            .keys
            .iter()
            .chain(header.args.iter())
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["user", "user_2", "arg2"]);
        let clash = "--[[\nKEYS:\n  [1] id - a\nARGV:\n  [1] id - b\n]]";
        assert_eq!(
            errors(clash),
            ["5:3 ARGV[1] is named `id`, like KEYS[1] on line 3"]
        );
    }

    #[test]
    fn keys_in_argv_are_rejected() {
        assert_eq!(
            errors("--[[\nARGV:\n  [1] other: key - a key\n]]"),
            ["3:3 ARGV[1] is typed `key`, but keys must be passed in KEYS"]
        );
    }

    #[test]
    fn returns_typed_text_or_undeclared() {
        let typed = parse("x.lua", "-- RETURNS: int - 1 if allowed\nreturn 1").unwrap();
        assert_eq!(
            typed.returns,
            Returns::Typed {
                ty: ReturnType::Int,
                description: "1 if allowed".to_owned()
            }
        );
        let text = parse(
            "x.lua",
            "--[[\nRETURNS:\n  1 if allowed, 0 if rate limited\n]]",
        )
        .unwrap();
        assert_eq!(
            text.returns,
            Returns::Text("1 if allowed, 0 if rate limited".to_owned())
        );
        assert_eq!(
            parse("x.lua", "-- Just a summary").unwrap().returns,
            Returns::Undeclared
        );
        assert_eq!(
            errors("--[[\nRETURNS: [strng]\n]]"),
            ["2:1 RETURNS `[strng]` looks like a type but is not one"]
        );
        assert_eq!(
            errors("--[[\nRETURNS: {float: int}\n]]"),
            ["2:1 RETURNS `{float: int}` has map keys of type `float`"]
        );
    }
}

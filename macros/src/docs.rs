//! Rustdoc for the generated items, built from the header, so docs.rs shows the contract.

use redis_script_analyzer::{
    Function, Library, Param, Params, ReturnType, Returns, Script, Sources,
};

use crate::rust_types::{param_type_text, return_type_text};

/// Docs appended to the user's own docs on the struct; `union` names the enum of a union
/// reply.
pub fn struct_docs(
    script: &Script,
    sources: &Sources,
    has_user_docs: bool,
    call_path: &str,
    union: &str,
) -> String {
    let mut out = String::new();
    if has_user_docs {
        out.push_str("\n\n");
    }
    if !script.summary.is_empty() {
        out.push_str(&script.summary);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Bound to `{}` by `#[redis_script]`; call it with [`{call_path}`](Self::call).\n",
        script.path
    ));
    push_params(&mut out, "KEYS", &script.keys);
    push_params(&mut out, "ARGV", &script.args);
    out.push_str("\n# RETURNS\n\n");
    out.push_str(&returns_text(&script.returns, union));
    out.push('\n');
    if !script.errors.is_empty() {
        out.push_str("\n# ERRORS\n\n");
        for error in &script.errors {
            out.push_str(&format!("- `{}`", error.code));
            if !error.description.is_empty() {
                out.push_str(&format!(": {}", prose(&error.description)));
            }
            out.push('\n');
        }
        out.push_str("\nMatch them with `error_of`.\n");
    }
    if let Some(example) = &script.example {
        out.push_str("\n# EXAMPLE\n\n");
        out.push_str(&fenced("text", example));
    }
    for (title, text) in &script.other_sections {
        out.push_str(&format!("\n# {title}\n\n{}\n", prose(text)));
    }
    out.push_str(&format!("\n# Source\n\nSHA1 `{}`", script.sha1));
    if sources.has_includes() {
        let included: Vec<String> = sources.files[1..]
            .iter()
            .map(|f| format!("`{}`", f.path))
            .collect();
        out.push_str(&format!(
            " (of the text sent: the file below with its includes, {}, expanded)",
            included.join(", ")
        ));
    }
    out.push_str("\n\n");
    out.push_str(&fenced("lua", &sources.main().text));
    out
}

/// Docs of the typed entry point of a call of `what` (the script's path, in backticks, or
/// the library function); `union` names the enum of a union reply.
pub fn call_docs(script: &Script, what: &str, union: &str) -> String {
    let (first_sentence, _) = split_summary(&script.summary);
    let mut out = format!("Prepares a call of {what}");
    if first_sentence.is_empty() {
        out.push('.');
    } else {
        out.push_str(&format!(": {first_sentence}"));
    }
    out.push_str(
        "\n\nRun it with `.invoke(&mut con)` on a sync connection or \
         `.invoke_async(&mut con).await` on an async one.\n",
    );
    let params: Vec<&Param> = script.keys.iter().chain(script.args.iter()).collect();
    if !params.is_empty() {
        out.push_str("\n# Arguments\n\n");
        for param in params {
            out.push_str(&param_line(param));
        }
    }
    out.push_str("\n# Returns\n\n");
    out.push_str(&returns_text(&script.returns, union));
    out.push('\n');
    out
}

/// Docs appended to the user's own docs on a `#[redis_library]` struct.
pub fn library_docs(library: &Library, sources: &Sources, has_user_docs: bool) -> String {
    let mut out = String::new();
    if has_user_docs {
        out.push_str("\n\n");
    }
    if !library.summary.is_empty() {
        out.push_str(&prose(&library.summary));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "The Redis Functions library `{}`, bound to `{}` by `#[redis_library]`. Its functions:\n\n",
        library.name, library.path
    ));
    for function in &library.functions {
        let (summary, _) = split_summary(&function.contract.summary);
        let ro = if function.read_only() {
            " (`no-writes`: `FCALL_RO`)"
        } else {
            ""
        };
        out.push_str(&format!("- [`{0}`](Self::{0}){ro}", function.rust_name));
        if !summary.is_empty() {
            out.push_str(&format!(": {summary}"));
        }
        out.push('\n');
    }
    let errors: Vec<_> = library
        .functions
        .iter()
        .flat_map(|f| &f.contract.errors)
        .collect();
    if !errors.is_empty() {
        out.push_str("\nIts functions declare error codes: match them with `error_of`.\n");
    }
    out.push_str(&format!("\n# Source\n\nSHA1 `{}`", library.sha1));
    if sources.has_includes() {
        out.push_str(" (of the text sent: the file below with its includes expanded)");
    }
    out.push_str("\n\n");
    out.push_str(&fenced("lua", &sources.main().text));
    out
}

/// Docs of a library function's typed entry point; `union` names the enum of a union
/// reply.
pub fn function_docs(library: &Library, function: &Function, union: &str) -> String {
    let what = format!(
        "function `{}` of library `{}` (`{}`, line {})",
        function.name, library.name, library.path, function.line
    );
    let mut out = call_docs(&function.contract, &what, union);
    let (_, extra) = split_summary(&function.contract.summary);
    if !extra.trim().is_empty() {
        out.push_str(&format!("\n{}\n", prose(extra)));
    }
    if !function.flags.is_empty() {
        out.push_str(&format!(
            "\nRegistered with the flags `{}`{}.\n",
            function.flags.join("`, `"),
            if function.read_only() {
                ": it is sent as `FCALL_RO` and may run on a replica"
            } else {
                ""
            }
        ));
    }
    if !function.contract.errors.is_empty() {
        out.push_str("\n# Errors\n\n");
        for error in &function.contract.errors {
            out.push_str(&format!("- `{}`", error.code));
            if !error.description.is_empty() {
                out.push_str(&format!(": {}", prose(&error.description)));
            }
            out.push('\n');
        }
    }
    out
}

fn push_params(out: &mut String, title: &str, params: &Params) {
    if params.fixed.is_empty() && params.tail.is_none() {
        return;
    }
    out.push_str(&format!("\n# {title}\n\n"));
    for param in params.iter() {
        out.push_str(&param_line(param));
    }
}

/// `- `name` (`KEYS[1]`, `impl ToSingleRedisArg`): description`; a type the binding's
/// overlay gave is said to be.
fn param_line(param: &Param) -> String {
    let given = match (param.overlay, param.ty) {
        (Some(_), Some(ty)) => format!(", `{}` by the binding", ty.name()),
        _ => String::new(),
    };
    let mut line = format!(
        "- `{}` (`{}`, `{}`{given})",
        param.name,
        param.label(),
        param_type_text(param, "")
    );
    if !param.description.is_empty() {
        line.push_str(": ");
        line.push_str(&param.description);
    }
    line.push('\n');
    for detail in &param.details {
        // `token - lock token`: the part, then what it is.
        match detail.split_once(" - ") {
            Some((part, what)) => {
                line.push_str(&format!("  - `{}`: {}\n", part.trim(), what.trim()))
            }
            None => line.push_str(&format!("  - `{}`\n", detail.trim())),
        }
    }
    line
}

/// The first sentence of a summary (its first paragraph's lines joined, up to the first
/// full stop followed by a space or the end), and the rest: a summary is never cut in
/// the middle of a sentence that goes on over several lines.
fn split_summary(summary: &str) -> (String, &str) {
    let paragraph_end = summary.find("\n\n").unwrap_or(summary.len());
    let paragraph = &summary[..paragraph_end];
    let mut end = paragraph.len();
    for (at, _) in paragraph.match_indices('.') {
        let after = &paragraph[at + 1..];
        if after.is_empty() || after.starts_with(char::is_whitespace) {
            end = at + 1;
            break;
        }
    }
    let first = paragraph[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (first, summary[end..].trim_start())
}

fn returns_text(returns: &Returns, union: &str) -> String {
    match returns {
        Returns::Typed {
            ty: ty @ ReturnType::Union(alternatives),
            description,
        } => {
            let mut text = format!("`{ty}`, as [`{union}`]: a variant per alternative");
            if !description.is_empty() {
                text.push_str(". ");
                text.push_str(&prose(description));
            }
            text.push('\n');
            for alternative in alternatives {
                text.push_str(&format!(
                    "\n- `{union}::{}`: `{}`",
                    alternative.variant(),
                    alternative.ty
                ));
            }
            text
        }
        Returns::Typed { ty, description } => {
            let mut text = format!("`{ty}`, as `{}`", return_type_text(ty, "", union));
            if !description.is_empty() {
                text.push_str(": ");
                text.push_str(&prose(description));
            }
            text
        }
        Returns::Text(text) => format!(
            "{}\n\nThe header gives no type, so the caller picks any `FromRedisValue` type.",
            prose(text)
        ),
        Returns::Undeclared => {
            "Not declared: the caller picks any `FromRedisValue` type.".to_owned()
        }
    }
}

/// Header text as markdown prose: each line trimmed, so no indentation can turn part of it
/// into a code block (which rustdoc would compile as a doctest).
fn prose(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// `text` in a fenced code block whose fence is longer than any backtick run inside it.
fn fenced(language: &str, text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}\n", text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_cut_at_a_sentence_never_at_a_line() {
        let summary = "Move a job from active to a finished state, and fetch the next one\nwhen asked to. This goes on.\n\nMore.";
        let (first, rest) = split_summary(summary);
        assert_eq!(
            first,
            "Move a job from active to a finished state, and fetch the next one when asked to."
        );
        assert_eq!(rest, "This goes on.\n\nMore.");
        assert_eq!(
            split_summary("No full stop\nover two lines").0,
            "No full stop over two lines"
        );
        assert_eq!(
            split_summary("Version 1.2 is here. Then.").0,
            "Version 1.2 is here."
        );
    }

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        assert_eq!(fenced("lua", "return 1"), "```lua\nreturn 1\n```\n");
        assert_eq!(
            fenced("lua", "x = [[````]]"),
            "`````lua\nx = [[````]]\n`````\n"
        );
    }

    #[test]
    fn indented_header_text_never_becomes_a_code_block() {
        assert_eq!(
            prose("first\n\n        local x = 1\n  second"),
            "first\n\nlocal x = 1\nsecond"
        );
    }

    #[test]
    fn docs_carry_the_contract() {
        let source = "--[[\n  Adds.\n  KEYS:\n    [1] counter: key - The counter\n  ARGV:\n    [1] - amount\n  RETURNS: int - the new value\n--]]\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])\n";
        let script = redis_script_analyzer::analyze("lua_scripts/add.lua", source).unwrap();
        let sources = Sources::single("lua_scripts/add.lua", source);
        let docs = struct_docs(&script, &sources, false, "Add::call", "AddReply");
        assert!(
            docs.starts_with("Adds.\n\nBound to `lua_scripts/add.lua`"),
            "{docs}"
        );
        assert!(docs.contains("- `counter` (`KEYS[1]`, `impl ToSingleRedisArg`): The counter\n"));
        assert!(docs.contains("- `amount` (`ARGV[1]`, `impl ToSingleRedisArg`): amount\n"));
        assert!(docs.contains("# RETURNS\n\n`int`, as `i64`: the new value\n"));
        assert!(docs.contains("```lua\n--[[\n  Adds."));
        let call = call_docs(&script, "`lua_scripts/add.lua`", "AddReply");
        assert!(call.starts_with("Prepares a call of `lua_scripts/add.lua`: Adds."));
        assert!(call.contains("# Arguments\n\n- `counter`"));
    }
}

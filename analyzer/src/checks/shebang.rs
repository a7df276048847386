//! The `#!lua` line: only the `lua` engine, only the flags Redis knows.

use crate::diagnostic::{Diagnostic, Location};
use crate::redis::flags::KNOWN_FLAGS;
use crate::redis::target::{Family, Target};
use crate::rules::{self, Rule};

/// The words after the engine of a shebang whose text after `#!` is `rest`; `None`, after
/// reporting it as a finding of `rule` with `help`, when the engine is not `lua`, in any
/// case when `any_case` (libraries on every server, scripts on Valkey), else only in lower
/// case (scripts on Redis).
pub fn after_engine<'a>(
    rest: &'a str,
    any_case: bool,
    rule: &'static Rule,
    help: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<std::str::SplitWhitespace<'a>> {
    let mut words = rest.split_whitespace();
    let engine = words.next().unwrap_or_default();
    if engine == "lua" || (any_case && engine.eq_ignore_ascii_case("lua")) {
        return Some(words);
    }
    let message = if engine.eq_ignore_ascii_case("lua") {
        format!("the script engine is `lua` in lower case on this server, not `{engine}`")
    } else {
        format!("unknown script engine `{engine}`")
    };
    out.push(
        Diagnostic::new(rule, message, Location::new(1, 3), engine.len().max(1)).with_help(help),
    );
    None
}

/// Checks line 1 when it is a shebang, for `target` (Redis reads a script's engine name
/// only in lower case, Valkey in any case).
pub fn check(source: &str, target: Target, out: &mut Vec<Diagnostic>) {
    let Some(rest) = source
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#!"))
    else {
        return;
    };
    let Some(words) = after_engine(
        rest,
        target.family == Family::Valkey,
        &rules::SHEBANG,
        "Redis scripts start with `#!lua`, optionally followed by `flags=...`",
        out,
    ) else {
        return;
    };
    for word in words {
        let column = rest.find(word).map_or(3, |at| at + 3);
        match word.strip_prefix("flags=") {
            Some(list) => {
                let mut offset = column + "flags=".len();
                for flag in list.split(',') {
                    let at = offset;
                    offset += flag.len() + 1;
                    if !flag.is_empty() && !KNOWN_FLAGS.contains(&flag) {
                        out.push(
                            Diagnostic::new(&rules::SHEBANG,
                                format!("unknown shebang flag `{flag}`"),
                                Location::new(1, at),
                                flag.len(),
                            )
                            .with_help(format!("Redis knows: {}", KNOWN_FLAGS.join(", "))),
                        );
                    }
                }
            }
            None => out.push(
                Diagnostic::new(&rules::SHEBANG,
                    format!("unexpected `{word}` in the shebang"),
                    Location::new(1, column),
                    word.len(),
                )
                .with_help(if word.starts_with("name=") {
                    "`name=` names a Redis Functions library: bind this file with #[redis_library] instead (a script's shebang takes only `flags=a,b`)"
                } else {
                    "a script's shebang takes only `flags=a,b` (`name=` is for Redis functions)"
                }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(source: &str) -> Vec<String> {
        messages_for(source, Target::default())
    }

    fn messages_for(source: &str, target: Target) -> Vec<String> {
        let mut out = Vec::new();
        check(source, target, &mut out);
        out.into_iter()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect()
    }

    #[test]
    fn known_flags_pass_and_others_are_named() {
        assert_eq!(
            messages("#!lua flags=no-writes,allow-oom\nreturn 1"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("#!lua flags=no-writes,no-write\n"),
            ["1:23 unknown shebang flag `no-write`"]
        );
        assert_eq!(
            messages("#!python\n"),
            ["1:3 unknown script engine `python`"]
        );
        assert_eq!(
            messages("#!lua name=lib\n"),
            ["1:7 unexpected `name=lib` in the shebang"]
        );
        assert_eq!(messages("return 1"), Vec::<String>::new());
    }

    #[test]
    fn the_engine_is_lower_case_on_redis_and_any_case_on_valkey() {
        assert_eq!(
            messages("#!LUA\nreturn 1"),
            ["1:3 the script engine is `lua` in lower case on this server, not `LUA`"]
        );
        let valkey = Target::parse("valkey-8.1").unwrap();
        assert_eq!(
            messages_for("#!LUA\nreturn 1", valkey),
            Vec::<String>::new()
        );
    }
}

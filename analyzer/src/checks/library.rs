//! The rules of a Redis Functions library that scripts do not have: its `#!lua name=...`
//! line, its registrations, and the narrow sandbox its top level runs in when it loads.
//!
//! - line 1 is `#!lua name=<library>` and nothing else (flags belong to each function);
//! - library and function names are letters, digits and `_`; a library registers at least
//!   one function, each name once, with a literal name and flags Redis knows;
//! - each callback is a function the file defines, so its keys and args can be checked;
//! - while the library loads, Redis offers only `redis.register_function`, `redis.log`,
//!   the `redis.LOG_*` levels and `redis.REDIS_VERSION(_NUM)`: no commands, no other
//!   globals (not even `string` or `pairs`); function bodies see the full environment;
//! - function bodies get their keys and args as parameters: `KEYS` and `ARGV` do not exist.

use crate::diagnostic::{Diagnostic, Location};
use crate::lua::facts::{Facts, Registration, Site};
use crate::model::Function;
use crate::redis::flags::KNOWN_FLAGS;
use crate::redis::functions::{LOAD_TIME_MEMBERS, REGISTRATION_FIELDS, name_problem};
use crate::redis::target::{Known, Target};
use crate::rules;

/// What exists while a library loads, and what to do instead.
const LOAD_TIME_HELP: &str = "while a library loads, Redis offers only `redis.register_function`, `redis.log`, the `redis.LOG_*` levels and `redis.REDIS_VERSION`/`REDIS_VERSION_NUM`; move this into a function's body";

/// The library's name from its `#!lua name=...` line; problems of the line go to `out`.
pub fn name(source: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    let first = source.lines().next().unwrap_or_default();
    let Some(rest) = first.strip_prefix("#!") else {
        out.push(
            Diagnostic::new(&rules::LIBRARY_NAME,
                "a function library must start with a `#!lua name=<library>` line",
                Location::new(1, 1),
                1,
            )
            .with_help("Redis reads the library's name from line 1, e.g. `#!lua name=ratelimit`; scripts without one are bound with #[redis_script]"),
        );
        return None;
    };
    let mut name = None;
    let found_before = out.len();
    let words = super::shebang::after_engine(
        rest,
        true,
        &rules::LIBRARY_NAME,
        "function libraries start with `#!lua name=<library>`",
        out,
    )?;
    for word in words {
        let column = first.find(word).map_or(1, |at| at + 1);
        // Redis reads the key in any case and takes the value without its quotes.
        let value = word
            .split_once('=')
            .filter(|(key, _)| key.eq_ignore_ascii_case("name"))
            .map(|(_, value)| unquoted(value));
        match value {
            Some(value) if name.is_none() => {
                let at = Location::new(1, column + "name=".len());
                match name_problem(value) {
                    Some(problem) => out.push(
                        Diagnostic::new(&rules::LIBRARY_NAME,
                            format!("`{value}` is not a valid library name: {problem}"),
                            at,
                            value.len().max(1),
                        )
                        .with_help("Redis accepts letters, digits and `_` in library names"),
                    ),
                    None => name = Some(value.to_owned()),
                }
            }
            _ => out.push(
                Diagnostic::new(&rules::LIBRARY_NAME,
                    format!("unexpected `{word}` in the library's `#!lua` line"),
                    Location::new(1, column),
                    word.len(),
                )
                .with_help(if word.starts_with("flags=") {
                    "a library's `#!lua` line takes only `name=`: give each function its flags in its registration, `redis.register_function{function_name = 'f', callback = f, flags = {'no-writes'}}`"
                } else {
                    "a library's `#!lua` line takes only `name=<library>`"
                }),
            ),
        }
    }
    if name.is_none() && out.len() == found_before {
        out.push(
            Diagnostic::new(
                &rules::LIBRARY_NAME,
                "the `#!lua` line does not name the library",
                Location::new(1, 1),
                first.len().max(1),
            )
            .with_help("write `#!lua name=<library>`: Redis refuses a library without a name"),
        );
    }
    name
}

/// `value` without the quotes around it (`"jobs"` and `'jobs'` are `jobs`).
fn unquoted(value: &str) -> &str {
    ['"', '\'']
        .iter()
        .find_map(|quote| value.strip_prefix(*quote)?.strip_suffix(*quote))
        .unwrap_or(value)
}

/// The name under which the body of function `name` was walked: its own, or that of the
/// first function registered with the same callback.
pub fn walked_as(name: &str, facts: &Facts) -> String {
    let callback = facts
        .registrations
        .iter()
        .find(|r| r.name.as_deref() == Some(name))
        .and_then(|r| r.callback.as_ref());
    callback
        .and_then(|callback| {
            facts
                .registrations
                .iter()
                .find(|r| r.callback.as_ref() == Some(callback))
                .and_then(|r| r.name.clone())
        })
        .unwrap_or_else(|| name.to_owned())
}

/// Checks the registrations and what the top level does when the library loads.
pub fn check(facts: &Facts, target: Target, out: &mut Vec<Diagnostic>) {
    registrations(&facts.registrations, out);
    for site in &facts.registration_calls {
        if !facts.registrations.iter().any(|r| r.call_site == *site) {
            out.push(
                Diagnostic::new(&rules::UNBINDABLE_FUNCTION,
                    "this function is registered inside a block: redis-script binds only registrations at the top level of the library",
                    site.at,
                    site.width,
                )
                .with_help("move the `redis.register_function` call out of the `if`/`do`/loop, so the function is always registered and gets its typed method"),
            );
        }
    }
    load_time(facts, target, out);
    for read in facts
        .global_reads
        .iter()
        .filter(|read| !read.at_load && matches!(read.name.as_str(), "KEYS" | "ARGV"))
    {
        let parameter = if read.name == "KEYS" {
            "first"
        } else {
            "second"
        };
        out.push(
            Diagnostic::new(&rules::UNDEFINED_GLOBAL,
                format!("`{}` does not exist in a function", read.name),
                read.site.at,
                read.site.width,
            )
            .with_help(format!(
                "a function gets its {} as its callback's {parameter} parameter: `function(keys, args)`",
                if read.name == "KEYS" { "keys" } else { "arguments" }
            )),
        );
    }
}

/// Two functions whose Rust methods would have one name (`myHset` and `my_hset`).
pub fn method_names(functions: &[Function], facts: &Facts, out: &mut Vec<Diagnostic>) {
    for (i, function) in functions.iter().enumerate() {
        let Some(earlier) = functions[..i]
            .iter()
            .find(|f| f.rust_name == function.rust_name && f.name != function.name)
        else {
            continue;
        };
        let site = facts
            .registrations
            .iter()
            .find(|r| r.name.as_ref() == Some(&function.name))
            .map(|r| r.name_site);
        let (at, width) = site.map_or((Location::new(function.line, 1), 1), |s| (s.at, s.width));
        out.push(
            Diagnostic::new(&rules::UNBINDABLE_FUNCTION,
                format!(
                    "functions `{}` and `{}` would both be the method `{}`",
                    earlier.name, function.name, function.rust_name
                ),
                at,
                width,
            )
            .with_help("rename one of them: the typed API names each function's method after it, in snake_case"),
        );
    }
}

fn registrations(registrations: &[Registration], out: &mut Vec<Diagnostic>) {
    if registrations.is_empty() {
        out.push(
            Diagnostic::new(&rules::FUNCTION_REGISTRATION, "the library registers no function", Location::new(1, 1), 1)
                .with_help("Redis refuses a library without functions: register one with `redis.register_function('name', callback)` at the top level"),
        );
    }
    for (i, registration) in registrations.iter().enumerate() {
        for (why, site) in &registration.refused_arguments {
            out.push(
                Diagnostic::new(&rules::FUNCTION_REGISTRATION, why.clone(), site.at, site.width)
                    .with_help("Redis refuses the library: `redis.register_function('name', callback)`, or `redis.register_function{function_name = 'name', callback = callback, flags = {'no-writes'}, description = 'text'}`"),
            );
        }
        let site = registration.name_site;
        let Some(name) = &registration.name else {
            out.push(
                Diagnostic::new(&rules::UNBINDABLE_FUNCTION,
                    "the function's name is not a string literal",
                    site.at,
                    site.width,
                )
                .with_help("write the name as a literal, `redis.register_function('name', callback)`: the typed API is named after it"),
            );
            continue;
        };
        if let Some(problem) = name_problem(name) {
            out.push(
                Diagnostic::new(
                    &rules::FUNCTION_REGISTRATION,
                    format!("`{name}` is not a valid function name: {problem}"),
                    site.at,
                    site.width,
                )
                .with_help("Redis accepts letters, digits and `_` in function names"),
            );
        }
        // The servers tell function names apart by case (`take` and `TAKE` load; the
        // binding's methods clash, which the unbindable-function check reports).
        if let Some(first) = registrations[..i]
            .iter()
            .find(|earlier| earlier.name.as_deref() == Some(name.as_str()))
        {
            out.push(
                Diagnostic::new(
                    &rules::FUNCTION_REGISTRATION,
                    format!(
                        "function `{name}` is registered twice (first on line {})",
                        first.line
                    ),
                    site.at,
                    site.width,
                )
                .with_help("Redis refuses the library: give each function its own name"),
            );
        }
        for (flag, site) in &registration.flags {
            if !KNOWN_FLAGS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(flag))
            {
                out.push(
                    Diagnostic::new(
                        &rules::FUNCTION_REGISTRATION,
                        format!("unknown function flag `{flag}`"),
                        site.at,
                        site.width,
                    )
                    .with_help(format!("Redis knows: {}", KNOWN_FLAGS.join(", "))),
                );
            }
        }
        for (field, site) in &registration.unknown_fields {
            out.push(
                Diagnostic::new(
                    &rules::FUNCTION_REGISTRATION,
                    format!("`redis.register_function` takes no field `{field}`"),
                    site.at,
                    site.width,
                )
                .with_help(format!(
                    "Redis refuses the library; the fields are: {}",
                    REGISTRATION_FIELDS.join(", ")
                )),
            );
        }
        if !registration.callback_known() {
            out.push(
                Diagnostic::new(&rules::FUNCTION_REGISTRATION,
                    format!("the callback of `{name}` is not a function this file defines"),
                    site.at,
                    site.width,
                )
                .with_help("register a `local function` of the library, or write the function in the registration, so its keys and args can be checked against its doc comment"),
            );
        }
    }
}

/// The top level runs when the library loads, in a sandbox with almost nothing in it.
fn load_time(facts: &Facts, target: Target, out: &mut Vec<Diagnostic>) {
    for call in facts.commands.iter().filter(|call| call.at_load) {
        out.push(
            Diagnostic::new(
                &rules::LOAD_TIME_SANDBOX,
                "Redis commands cannot be called while the library loads",
                call.site.at,
                call.site.width,
            )
            .with_help(LOAD_TIME_HELP),
        );
    }
    for read in facts.global_reads.iter().filter(|read| read.at_load) {
        // Names the target's Lua lacks altogether are the sandbox check's.
        if matches!(read.name.as_str(), "redis" | "server")
            || target.global(&read.name) != Known::Yes(())
        {
            continue;
        }
        out.push(missing_at_load(&read.name, read.site));
    }
    for read in facts.member_reads.iter().filter(|read| read.at_load) {
        let Some(member) = read
            .name
            .strip_prefix("redis.")
            .or_else(|| read.name.strip_prefix("server."))
        else {
            continue;
        };
        if member == "log" && crashes_logging_at_load(target) {
            out.push(
                Diagnostic::new(
                    &rules::LOAD_TIME_SANDBOX,
                    format!(
                        "`{}` while the library loads crashes {} (an assertion in its script_lua.c)",
                        read.name,
                        target.server()
                    ),
                    read.site.at,
                    read.site.width,
                )
                .with_help("the server exits on FUNCTION LOAD: log from a function's body instead, or leave the line out"),
            );
            continue;
        }
        if LOAD_TIME_MEMBERS.contains(&member) {
            continue;
        }
        let called = facts
            .commands
            .iter()
            .any(|call| call.at_load && call.site.at.line == read.site.at.line);
        if matches!(member, "call" | "pcall") && called {
            continue;
        }
        out.push(missing_at_load(&read.name, read.site));
    }
}

/// Whether `redis.log` called while a library loads crashes the server: Valkey 9 (seen
/// on 9.1.2: `FUNCTION LOAD` fails the assertion `rctx` in script_lua.c and the server
/// exits; Valkey 8.1 and Redis log the line).
fn crashes_logging_at_load(target: Target) -> bool {
    target.family == crate::redis::target::Family::Valkey
        && target.version >= crate::redis::version::RedisVersion::new(9, 0)
}

/// `name`, read at `site` while the library loads, does not exist then.
fn missing_at_load(name: &str, site: Site) -> Diagnostic {
    Diagnostic::new(
        &rules::LOAD_TIME_SANDBOX,
        format!("`{name}` does not exist while the library loads"),
        site.at,
        site.width,
    )
    .with_help(LOAD_TIME_HELP)
}

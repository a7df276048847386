//! Redis's Lua sandbox: scripts may not create globals, and only some globals exist.

use super::Options;
use crate::diagnostic::Diagnostic;
use crate::lua::facts::Facts;
use crate::names::edit_distance;
use crate::redis::environment::LIBRARIES;
use crate::redis::target::{Known, Target};
use crate::rules;

/// Checks global writes and reads.
pub fn check(facts: &Facts, options: &Options, out: &mut Vec<Diagnostic>) {
    for write in &facts.global_writes {
        out.push(
            Diagnostic::new(&rules::GLOBAL_WRITE,
                format!("`{}` is assigned as a global", write.name),
                write.site.at,
                write.site.width,
            )
            .with_help(format!(
                "Redis rejects this at run time with: Attempt to modify a readonly table; make it local (`local {0} = ...` or `local function {0}`)",
                write.name
            )),
        );
    }
    for write in &facts.protected_writes {
        out.push(
            Diagnostic::new(
                &rules::GLOBAL_WRITE,
                format!("`{}` changes a table Redis protects", write.name),
                write.site.at,
                write.site.width,
            )
            .with_help("Redis rejects this at run time with: Attempt to modify a readonly table; keep what you need in a local table"),
        );
    }
    let target = options.target;
    for read in &facts.global_reads {
        let help = match target.global(&read.name) {
            Known::Yes(()) => continue,
            Known::Elsewhere(other) => elsewhere_help(&read.name, target, other),
            Known::No => missing_global_help(&read.name).to_owned(),
        };
        out.push(
            Diagnostic::new(
                &rules::UNDEFINED_GLOBAL,
                format!(
                    "`{}` is not defined in {}'s Lua environment",
                    read.name,
                    target.server()
                ),
                read.site.at,
                read.site.width,
            )
            .with_help(help),
        );
    }
    for write in &facts.member_writes {
        let library = write.name.split('.').next().unwrap_or_default();
        if !LIBRARIES.contains(&library) {
            continue;
        }
        out.push(
            Diagnostic::new(&rules::GLOBAL_WRITE,
                format!("`{}` is assigned into the library table `{library}`", write.name),
                write.site.at,
                write.site.width,
            )
            .with_help(format!(
                "Redis's library tables are read-only: this fails at run time with: Attempt to modify a readonly table; keep your function in a local (`local function name(...)`) or a table of your own (`local {library}_ext = {{}}`)"
            )),
        );
    }
    for read in facts.member_reads.iter().filter(|read| !read.fallback) {
        let library = read.name.split('.').next().unwrap_or_default();
        if !LIBRARIES.contains(&library) || target.global(library) != Known::Yes(()) {
            continue;
        }
        if read.at_load && read.name.ends_with(".register_function") {
            // Only a library registers functions: a script that does lacks its name line.
            out.push(
                Diagnostic::new(
                    &rules::LIBRARY_NAME,
                    "this registers a function, but the file is not a library: its first line does not name one",
                    read.site.at,
                    read.site.width,
                )
                .with_help("a function library starts with `#!lua name=<library>` (Redis refuses `#!lua` without a name), and is bound with #[redis_library]"),
            );
            continue;
        }
        let known = target.member(&read.name);
        if known == Known::Yes(()) {
            continue;
        }
        // Only a member the target lacks is compared with the others (it costs).
        let help = match (known, closest(target, &read.name, library)) {
            (_, Some(close)) => format!("did you mean `{close}`?"),
            (Known::Elsewhere(other), None) => elsewhere_help(&read.name, target, other),
            _ => format!("`{library}` has no such member in Redis's Lua environment"),
        };
        // Called, it fails the script; read as a value, it is nil.
        let rule = if read.called {
            &rules::UNDEFINED_GLOBAL
        } else {
            &rules::MISSING_MEMBER
        };
        out.push(
            Diagnostic::new(
                rule,
                format!(
                    "`{}` is not part of {}'s Lua environment",
                    read.name,
                    target.server()
                ),
                read.site.at,
                read.site.width,
            )
            .with_help(help),
        );
    }
}

/// Help for a name the target's Lua lacks and `other`'s has.
fn elsewhere_help(name: &str, target: Target, other: Target) -> String {
    let on = if other.family == target.family {
        format!(
            "{} {} adds it",
            other.family.display(),
            other.version.text()
        )
    } else {
        format!("it is {}'s ({other} and later)", other.family.display())
    };
    format!(
        "{on}; this script targets {target}: to rely on `{name}`, set `target = \"{other}\"` in the #[redis_script] attribute or under `[package.metadata.redis-script]`"
    )
}

fn missing_global_help(name: &str) -> &'static str {
    match name {
        "print" => "Redis scripts have no `print`: log with `redis.log(redis.LOG_WARNING, ...)`",
        "require" | "dofile" | "loadfile" | "io" | "package" | "module" => {
            "Redis scripts cannot load modules or touch files"
        }
        "debug" => {
            "the debug library is not available; step through a script with `redis-cli --ldb`"
        }
        _ => {
            "scripts see Lua's base functions, string, table, math, cjson, cmsgpack, bit, struct, redis, KEYS and ARGV: declare it with `local`"
        }
    }
}

/// The member of `library` closest to `name` (at most two edits away) in the target's Lua.
fn closest(target: Target, name: &str, library: &str) -> Option<&'static str> {
    target
        .members_of(library)
        .map(|member| (edit_distance(name, member), member))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, member)| member)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("redis.cal", "redis.call"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
        let target = Target::default();
        assert_eq!(closest(target, "redis.cal", "redis"), Some("redis.call"));
        assert_eq!(closest(target, "string.nothing_like_it", "string"), None);
    }
}

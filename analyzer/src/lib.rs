//! Reads a Redis Lua script file and its doc header into a checked [`Script`] model.
//!
//! This is the plain-library half of `redis-script`'s `#[redis_script]` macro: a file in,
//! a model or a list of [`Diagnostic`]s out. It has no proc-macro types, so tools and tests
//! can use it directly.
//!
//! ```
//! let source = "-- Rate limiter script\n-- KEYS[1] = rate limit key\n-- ARGV[1] = limit\n\
//!               return redis.call('INCR', KEYS[1]) > tonumber(ARGV[1]) and 0 or 1\n";
//! let script = redis_script_analyzer::analyze("lua_scripts/limiter.lua", source).unwrap();
//! assert_eq!(script.keys.fixed[0].name, "rate_limit_key");
//! assert_eq!(script.args.fixed[0].name, "limit");
//! assert_eq!(script.sha1.len(), 40);
//!
//! let typo = "-- Counts\n-- KEYS[1] = counter\nreturn redis.call('INCRR', KEYS[1])\n";
//! let errors = redis_script_analyzer::analyze("lua_scripts/count.lua", typo).unwrap_err();
//! assert_eq!(errors[0].message, "`INCRR` is not a Redis 7.0.15 command");
//! ```
//!
//! The header grammar is documented in the `redis-script` crate (module `header`).

mod checks;
mod commands;
mod diagnostic;
mod header;
mod lua;
mod model;
mod names;
#[rustfmt::skip]
mod redis_tables;
#[cfg(test)]
mod seed;
mod types;

pub use checks::{Options, RedisVersion};
pub use diagnostic::{Diagnostic, Location, Severity, source_line};
pub use model::{DeclaredError, Param, ParamKind, Params, Returns, Script, Shebang};
/// The Redis version whose command table and Lua environment the checks use.
pub use redis_tables::REDIS_VERSION;
pub use types::{ParamType, ReturnType};

/// Reads `source`, the text of the script at `path` (the path is only used in messages),
/// into a [`Script`], checking it for Redis 7.0; on failure returns every error found, in
/// file order. Warnings of a script that passes are in [`Script::warnings`].
pub fn analyze(path: &str, source: &str) -> Result<Script, Vec<Diagnostic>> {
    analyze_with(path, source, &Options::default())
}

/// [`analyze`] with explicit [`Options`].
pub fn analyze_with(
    path: &str,
    source: &str,
    options: &Options,
) -> Result<Script, Vec<Diagnostic>> {
    let body = lua::read(source);
    let mut found = body.diagnostics;
    match header::parse(path, source) {
        Ok(mut script) => {
            if !body.has_syntax_errors {
                checks::run(&mut script, &body.facts, source, options, &mut found);
            }
            let (warnings, errors): (Vec<_>, Vec<_>) = found
                .into_iter()
                .partition(|d| d.severity == Severity::Warning);
            if errors.is_empty() {
                script.warnings = warnings;
                return Ok(script);
            }
            Err(sorted(errors))
        }
        Err(header_errors) => {
            found.retain(|d| d.severity == Severity::Error);
            found.extend(header_errors);
            Err(sorted(found))
        }
    }
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| d.location);
    diagnostics
}

/// SHA1 of `bytes` as 40 lowercase hex digits, as Redis names a loaded script.
pub fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// Renders all `diagnostics` of the file at `path` with their source lines, separated by
/// blank lines.
pub fn render_all(diagnostics: &[Diagnostic], path: &str, source: &str) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(path, source))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{SEED_BLOCK, SEED_LINES};

    fn names(params: &Params) -> Vec<&str> {
        params.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn the_seed_block_header_parses_as_written() {
        let script =
            header::parse("lua_scripts/rate_limiting/token_bucket.lua", SEED_BLOCK).unwrap();
        assert_eq!(script.summary, "Rate Limiter using Token Bucket Algorithm");
        assert_eq!(names(&script.keys), ["rate_limit_key"]);
        assert_eq!(
            names(&script.args),
            ["maximum_tokens", "refill_rate", "requested_tokens"]
        );
        assert_eq!(
            script.returns,
            Returns::Text("1 if allowed, 0 if rate limited".to_owned())
        );
        assert_eq!(
            script.example.as_deref(),
            Some(r#"EVAL script 1 "ratelimit:user:123" 100 10 1"#)
        );
    }

    #[test]
    fn the_seed_line_header_parses_as_written() {
        let script = header::parse("lua_scripts/rate_limiter.lua", SEED_LINES).unwrap();
        assert_eq!(script.summary, "Rate limiter script");
        assert_eq!(names(&script.keys), ["rate_limit_key"]);
        assert_eq!(names(&script.args), ["limit", "window"]);
        assert_eq!(script.args.fixed[1].description, "window (seconds)");
        assert_eq!(script.returns, Returns::Undeclared);
    }

    #[test]
    fn the_seed_structure_comment_declares_variadic_arrays() {
        let source = "-- Basic structure\n-- KEYS[1], KEYS[2], ... - key arguments\n-- ARGV[1], ARGV[2], ... - non-key arguments\nreturn 1";
        let script = header::parse("x.lua", source).unwrap();
        assert_eq!(script.keys.tail.as_ref().unwrap().name, "key_arguments");
        assert_eq!(script.args.tail.as_ref().unwrap().name, "non_key_arguments");
        assert!(script.keys.fixed.is_empty());
    }

    #[test]
    fn sha1_is_of_the_exact_bytes() {
        let script = analyze("x.lua", "-- Hello\nreturn 'Hello'\n").unwrap();
        assert_eq!(script.sha1, sha1_hex(b"-- Hello\nreturn 'Hello'\n"));
        assert_eq!(
            sha1_hex(b"return 'Hello'"),
            "af6b5d19da06755d789858a67760f34bbd2e9e52"
        );
    }

    #[test]
    fn all_problems_are_reported_in_file_order() {
        let source = "--[[\n  ARGV:\n    [2] - b\n  KEYS:\n    [1] count: integer - n\n  RETURNS: [strng]\n]]";
        let diagnostics = analyze("lua_scripts/bad.lua", source).unwrap_err();
        let lines: Vec<usize> = diagnostics.iter().map(|d| d.location.line).collect();
        assert_eq!(lines, [3, 5, 6]);
        let rendered = render_all(&diagnostics, "lua_scripts/bad.lua", source);
        assert!(
            rendered.starts_with(
                "lua_scripts/bad.lua:3:5: ARGV[2] is declared but ARGV[1] is missing\n"
            )
        );
        assert!(rendered.contains("\n3 |     [2] - b\n  |     ^^^\n"));
    }
}

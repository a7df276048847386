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
//!
//! // The model survives errors of the body, so a code generator can still emit the API.
//! let analysis = redis_script_analyzer::check("lua_scripts/count.lua", typo, &Default::default());
//! assert!(analysis.has_errors());
//! assert_eq!(analysis.model.unwrap().keys.fixed[0].name, "counter");
//! ```
//!
//! The header grammar is documented in the `redis-script` crate (module `header`).

mod checks;
mod coverage;
mod diagnostic;
mod header;
mod levels;
mod library;
mod lua;
mod model;
mod names;
mod overlay;
mod redis;
pub mod rules;
#[cfg(test)]
mod seed;
mod settings;
mod source;
mod types;

pub use checks::Options;
pub use coverage::{COVERAGE_MARK, Instrumented, instrument};
pub use diagnostic::{Diagnostic, Location, OverlayPart, Severity, source_line};
pub use model::{
    DeclaredError, Function, Library, Param, ParamKind, Params, Returns, Script, Shebang,
};
pub use names::upper_camel;
pub use overlay::{
    EntryOverlay, Overlay, ReturnsOverlay, Selector, attribute_arguments, attribute_options,
};
pub use redis::commands::{Arg, ArgKind, Command};
pub use redis::errors::{RESERVED_ERR_MESSAGES, RESERVED_ERROR_CODES};
pub use redis::target::{Family, Known, Target};
pub use redis::version::RedisVersion;
pub use rules::{Basis, Level, RULES, Rule, RuleLevels};
pub use settings::{manifest_levels, manifest_target};
pub use source::{Origin, Segment, SourceFile, Sources, expand, expand_with};
pub use types::{Alternative, Codec, ParamType, ReturnType};

/// What the analysis of a script (or, as `Analysis<Library>`, of a function library)
/// found: the model when its header could be read (even if the body has errors, so code
/// using it can still be generated), and every diagnostic, errors and warnings, in file
/// order.
#[derive(Debug, Clone)]
pub struct Analysis<M = Script> {
    /// The model; `None` when the header (of a library: its `#!lua name=` line) could
    /// not be read.
    pub model: Option<M>,
    /// Every problem found, in the order of the expanded text; locations are in the
    /// expanded text ([`Sources::origin`] and [`render`](Self::render) map them back).
    pub diagnostics: Vec<Diagnostic>,
    /// The files the script was made of, and the expanded text.
    pub sources: Sources,
}

impl<M> Analysis<M> {
    /// Whether any diagnostic is an error: the script cannot be bound.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// `diagnostic` rendered at the file and line it points at (see [`Sources::render`]).
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        self.sources.render(diagnostic)
    }

    /// The model when there is no error, else the errors.
    pub fn into_result(self) -> Result<M, Vec<Diagnostic>> {
        match self.model {
            Some(model) if !self.has_errors() => Ok(model),
            _ => Err(self
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect()),
        }
    }
}

/// Reads `source`, the text of the script at `path` (the path is only used in messages),
/// into a [`Script`], checking it for Redis 7.0 (the default [`Target`]); on failure returns every error found, in
/// file order. Use [`check`] for the warnings, or for the model of a script with errors.
pub fn analyze(path: &str, source: &str) -> Result<Script, Vec<Diagnostic>> {
    check(path, source, &Options::default()).into_result()
}

/// Reads and checks `source`, the text of the script at `path`, with `options`: the model
/// when the header can be read, and every error and warning. `@include` lines are not
/// expanded (there is no folder to find the files in): use [`check_file`] for that.
pub fn check(path: &str, source: &str, options: &Options) -> Analysis {
    check_sources(Sources::single(path, source), Vec::new(), options)
}

/// Reads and checks the script `relative` of the scripts folder `root` (shown as
/// `lua_scripts/` in messages), whose text is `text`, with its `@include`s expanded.
pub fn check_file(
    root: &std::path::Path,
    relative: &str,
    text: &str,
    options: &Options,
) -> Analysis {
    let (sources, problems) = source::expand_with(root, relative, text, &options.unsaved);
    check_sources(sources, problems, options)
}

fn check_sources(sources: Sources, mut found: Vec<Diagnostic>, options: &Options) -> Analysis {
    let source = sources.text.as_str();
    let path = sources.main().path.as_str();
    let body = lua::read(source);
    found.extend(body.diagnostics);
    let (mut script, header_errors) = match header::parse(path, source) {
        Ok(script) => (Some(script), Vec::new()),
        Err(errors) => (None, errors),
    };
    let returns_overlaid = script
        .as_mut()
        .is_some_and(|script| overlay::apply(script, &options.overlay, &mut found));
    if !body.has_syntax_errors {
        let checked = found.len();
        checks::run(script.as_mut(), &body.facts, source, options, &mut found);
        if returns_overlaid {
            // The body is not the user's to edit: what it returns against the overlay's
            // RETURNS is the overlay's to fix.
            for diagnostic in &mut found[checked..] {
                if diagnostic.rule == &rules::RETURNS_MISMATCH
                    || diagnostic.rule == &rules::FRACTIONAL_RETURN
                {
                    diagnostic.overlay = Some(OverlayPart::Returns);
                }
            }
        }
    }
    if script.is_none() {
        // Without a header, the body's warnings would only add noise.
        found.retain(|d| d.severity == Severity::Error);
    }
    found.extend(header_errors);
    overlay::note_origins(&mut found, &options.overlay);
    levels::apply(&mut found, source, &options.levels);
    found.sort_by_key(|d| d.location);
    Analysis {
        model: script,
        diagnostics: found,
        sources,
    }
}

/// Reads and checks `source`, the text of the function library at `path` (`#!lua
/// name=...` and its `redis.register_function` calls), with `options`. `@include` lines
/// are not expanded: use [`check_library_file`] for that.
///
/// ```
/// let source = "#!lua name=counters\n\n-- Adds to a counter.\n-- KEYS[1] = counter\n\
///               -- ARGV[1] = amount\n-- RETURNS: int - the new value\n\
///               local function add(keys, args)\n\
///                 return redis.call('INCRBY', keys[1], args[1])\nend\n\
///               redis.register_function('add', add)\n";
/// let options = Default::default();
/// let library = redis_script_analyzer::check_library("lua_scripts/counters.lua", source, &options)
///     .into_result()
///     .unwrap();
/// assert_eq!(library.name, "counters");
/// assert_eq!(library.functions[0].name, "add");
/// assert_eq!(library.functions[0].contract.keys.fixed[0].name, "counter");
/// ```
pub fn check_library(path: &str, source: &str, options: &Options) -> Analysis<Library> {
    library::check(Sources::single(path, source), Vec::new(), options)
}

/// Reads and checks the function library `relative` of the scripts folder `root`, whose
/// text is `text`, with its `@include`s expanded.
pub fn check_library_file(
    root: &std::path::Path,
    relative: &str,
    text: &str,
    options: &Options,
) -> Analysis<Library> {
    let (sources, problems) = source::expand_with(root, relative, text, &options.unsaved);
    library::check(sources, problems, options)
}

/// A header comment for the script `source`, built from its body: an entry for each
/// `KEYS[n]` and `ARGV[n]` it reads, a variadic tail when it reads an array as a whole,
/// and RETURNS with the type its literal returns agree on (else a placeholder).
///
/// ```
/// let header = redis_script_analyzer::suggest_header(
///     "local n = redis.call('INCRBY', KEYS[1], ARGV[1])\nif n > 10 then return 0 end\nreturn 1\n",
/// );
/// assert!(header.contains("KEYS:\n        [1] key_1 - description"));
/// assert!(header.contains("RETURNS:\n        int"));
/// ```
pub fn suggest_header(source: &str) -> String {
    let body = lua::read(source);
    checks::contract::suggested_header(&body.facts)
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
        assert!(rendered.starts_with(
            "lua_scripts/bad.lua:3:5: ARGV[2] is declared but ARGV[1] is missing [header_syntax]\n"
        ));
        assert!(rendered.contains("\n3 |     [2] - b\n  |     ^^^\n"));
    }
}

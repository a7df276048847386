//! Checks of a script's body against its header and against what Redis accepts: every
//! mistake that can be seen in the file fails the build instead of production Redis.
//!
//! - [`contract`]: the `KEYS`/`ARGV` the body reads against those the header declares;
//! - [`sandbox`]: globals Redis forbids assigning, and names its Lua environment lacks;
//! - [`calls`]: `redis.call`/`redis.pcall` with unknown or forbidden commands or a wrong
//!   number of arguments;
//! - [`shebang`]: the `#!lua` line's engine and flags;
//! - [`error_codes`]: literal error texts that would pass for Redis's own refusals;
//! - [`returns`]: literal returns against RETURNS, and RETURNS inferred from them.

pub mod advice;
pub mod api_arguments;
pub mod calls;
pub mod contract;
pub mod error_codes;
pub mod library;
pub mod returns;
pub mod sandbox;
pub mod shebang;
pub mod structured;
mod wording;

use crate::diagnostic::Diagnostic;
use crate::lua::Facts;
use crate::model::{Function, Script, Shebang};
use crate::redis::flags::NO_WRITES;
use crate::redis::target::Target;

/// How scripts are checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The server the script must run on, and its oldest version: the commands, their
    /// arguments and the Lua environment of that server are what the checks allow.
    pub target: Target,
    /// The levels of the rules (see [`RULES`](crate::RULES)), where they differ from the
    /// defaults.
    pub levels: crate::rules::RuleLevels,
    /// Texts of files not saved yet (an editor's open buffers), by canonical path: an
    /// `@include` of one of them reads this text instead of the file.
    pub unsaved: std::sync::Arc<std::collections::HashMap<std::path::PathBuf, String>>,
    /// What the binding overlays on the script's header (types, names, descriptions,
    /// RETURNS it leaves open); applied before the checks, so they hold the overlay to the
    /// body like a header.
    pub overlay: crate::Overlay,
}

/// Runs every check; problems go to `out`, and RETURNS may be inferred into `script`.
///
/// Without a `script` (its header could not be read), the checks that need the header
/// (the KEYS/ARGV contract, RETURNS) are left out and the others still run, so every
/// problem of the file is reported at once.
pub fn run(
    script: Option<&mut Script>,
    facts: &Facts,
    source: &str,
    options: &Options,
    out: &mut Vec<Diagnostic>,
) {
    shebang::check(source, options.target, out);
    sandbox::check(facts, options, out);
    let read_only = Shebang::of(source).is_some_and(|shebang| shebang.has_flag(NO_WRITES));
    let refused = |_: &_| {
        read_only.then(|| {
            (
                "the script's shebang declares `no-writes`".to_owned(),
                "the `#!lua` line",
            )
        })
    };
    calls::check(&refused, facts, options.target, out);
    api_arguments::check(facts, options.target, out);
    error_codes::check(facts, out);
    advice::check(facts, options.target, out);
    if let Some(script) = script {
        contract::check(script, facts, None, out);
        structured::check(script, facts, None, out);
        returns::check(script, facts, None, out);
    }
}

/// Runs every check of a function library; RETURNS may be inferred into each function's
/// contract. `functions` are those whose registration could be read.
pub fn run_library(
    functions: &mut [Function],
    facts: &Facts,
    options: &Options,
    out: &mut Vec<Diagnostic>,
) {
    sandbox::check(facts, options, out);
    // A callback registered under several names is walked once, under the first.
    let walked_as: Vec<(String, String)> = functions
        .iter()
        .map(|function| {
            (
                function.name.clone(),
                library::walked_as(&function.name, facts),
            )
        })
        .collect();
    let refused = |call: &crate::lua::facts::CommandCall| {
        let walked = call.function.as_deref()?;
        let (name, _) = walked_as.iter().find(|(name, as_walked)| {
            as_walked == walked && functions.iter().any(|f| &f.name == name && f.read_only())
        })?;
        Some((
            format!("function `{name}` is registered with the `no-writes` flag"),
            "its registration's flags",
        ))
    };
    calls::check(&refused, facts, options.target, out);
    api_arguments::check(facts, options.target, out);
    error_codes::check(facts, out);
    advice::check(facts, options.target, out);
    library::check(facts, options.target, out);
    library::method_names(functions, facts, out);
    for (function, (_, walked)) in functions.iter_mut().zip(&walked_as) {
        if function.contract.header_line.is_none() {
            out.push(contract::undocumented(&function.name, function.line, facts));
        }
        contract::check(&function.contract, facts, Some(walked), out);
        structured::check(&function.contract, facts, Some(walked), out);
        returns::check(&mut function.contract, facts, Some(walked), out);
    }
}

#[cfg(test)]
mod tests {
    //! What the checks read from headers and bodies beyond any one rule: header styles,
    //! the skeletons proposed, inferred returns, targets, nesting limits. Each rule's own
    //! cases are fixture files under `analyzer/tests/rules/`.

    use crate::{Analysis, Options, Returns, Target, analyze};

    fn warnings(analysis: &Analysis) -> Vec<&crate::Diagnostic> {
        analysis.warnings().collect()
    }

    /// `line:column message` of every error of `source`.
    fn errors(source: &str) -> Vec<String> {
        match analyze("lua_scripts/x.lua", source) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
                .collect(),
        }
    }

    fn clean(source: &str) {
        assert_eq!(errors(source), Vec::<String>::new(), "{source}");
    }

    const HEADER: &str =
        "--[[\n  KEYS:\n    [1] key - a key\n  ARGV:\n    [1] value - a value\n--]]\n";

    fn with_header(body: &str) -> String {
        format!("{HEADER}{body}")
    }

    #[test]
    fn literal_reads_beyond_the_header_name_both_places() {
        let found = analyze(
            "x.lua",
            &with_header("return redis.call('SET', KEYS[1], ARGV[1], ARGV[3])"),
        )
        .unwrap_err();
        assert_eq!(
            found[0].message,
            "ARGV[3] is read here, but the header declares only ARGV[1]"
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("after ARGV[1] (line 5)")
        );
        assert_eq!(
            errors(&with_header(
                "return redis.call('SET', KEYS[0], KEYS[1], ARGV[1])"
            )),
            ["7:26 KEYS[0] is always nil: Lua arrays start at 1"]
        );
    }

    #[test]
    fn unread_entries_are_warnings_unless_named_with_an_underscore() {
        let analysis = crate::check(
            "x.lua",
            &with_header("return redis.call('GET', KEYS[1])"),
            &Options::default(),
        );
        assert!(!analysis.has_errors());
        let warnings: Vec<String> = warnings(&analysis)
            .iter()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect();
        assert_eq!(
            warnings,
            ["5:5 ARGV[1] (`value`) is declared, but the script never reads it"]
        );
        let quiet = crate::check(
            "x.lua",
            "--[[\n  KEYS:\n    [1] key - a key\n  ARGV:\n    [1] _spare - kept for later\n--]]\nreturn redis.call('GET', KEYS[1])",
            &Options::default(),
        );
        assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.diagnostics);
    }

    #[test]
    fn a_comment_that_declares_nothing_gets_one_message_with_a_header_to_paste() {
        let source = "-- Moves a job between lists.\n-- (keys documented in the wiki)\nlocal job = redis.call('LPOP', KEYS[1])\nredis.call('RPUSH', KEYS[2], job)\nfor i = 3, #KEYS do redis.call('DEL', KEYS[i]) end\nreturn redis.call('HSET', KEYS[1], 'by', ARGV[1])";
        let found = analyze("x.lua", source).unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "this comment is taken as the script's header, but nothing in it declares KEYS or ARGV in a form redis-script reads"
        );
        assert_eq!(found[0].location.line, 1);
        let help = found[0].help.as_deref().unwrap();
        assert!(
            help.starts_with("the body reads KEYS[1] to KEYS[2] and KEYS as a whole or with a computed index, ARGV[1];"),
            "{help}"
        );
        assert!(
            help.contains("    KEYS:\n        [1] key_1 - description\n        [2] key_2 - description\n        [3..] more_keys - the values after those\n"),
            "{help}"
        );
        assert!(
            help.contains("    ARGV:\n        [1] arg_1 - description\n"),
            "{help}"
        );
    }

    #[test]
    fn a_file_without_header_gets_a_skeleton_from_its_body() {
        let found = analyze(
            "x.lua",
            "#!lua flags=no-writes\nreturn redis.call('GET', KEYS[2]) .. ARGV[1]",
        )
        .unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, crate::Location::new(2, 1));
        let help = found[0].help.as_deref().unwrap();
        assert!(
            help.contains(
                "KEYS:\n        [1] key_1 - description\n        [2] key_2 - description"
            ),
            "{help}"
        );
        assert!(help.contains("keep the `#!lua` line first"), "{help}");
    }

    #[test]
    fn job_queue_headers_are_read_as_written() {
        // An `Input:` / `Output:` block as job queues write them: quoted one-word names,
        // free text, a nested list under an argument, and a tail written `[n...]`.
        let source = "--[[
  Moves a job from the waiting list to the active one.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'active'
      KEYS[3] events stream key

      ARGV[1] pushCmd
      ARGV[2] msgpacked options
            [1]  lock duration,
            [2]  limiter settings
      ARGV[3...] job ids

    Output:
      0 - ok
      -1 - missing key

    Events:
      'active'
]]
local rcall = redis.call
local opts = cmsgpack.unpack(ARGV[2])
for i = 3, #ARGV do rcall(ARGV[1], KEYS[2], ARGV[i]) end
rcall('LREM', KEYS[1], 0, opts[1])
rcall('XADD', KEYS[3], '*', 'event', 'active')
return 0";
        let script = analyze("x.lua", source).unwrap();
        let names: Vec<&str> = script
            .keys
            .iter()
            .chain(script.args.iter())
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "wait",
                "active",
                "events_stream_key",
                "push_cmd",
                "msgpacked_options",
                "job_ids"
            ]
        );
        assert!(script.args.tail.is_some());
        assert_eq!(script.args.tail.as_ref().unwrap().index, 3);
        assert!(
            script.args.fixed[1].description.contains("lock duration"),
            "{:?}",
            script.args.fixed[1]
        );
        // `Output:` is the RETURNS text; the literal returns make it an `int`.
        assert!(
            matches!(&script.returns, Returns::Typed { ty: crate::ReturnType::Int, description } if description.starts_with("0 - ok")),
            "{:?}",
            script.returns
        );
        assert_eq!(script.other_sections[0].0, "Events");
    }

    #[test]
    fn ranges_with_counts_become_one_tail() {
        let source = "--[[
  Input:
    KEYS[1] prefix
    ARGV[1] count of suffixes (N)
    ARGV[2 .. 1+N] suffixes
    ARGV[2+N] count of ids (M)
    ARGV[3+N .. end] ids
]]
local n = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('DEL', KEYS[1] .. ARGV[i]) end
return n";
        let script = analyze("x.lua", source).unwrap();
        let tail = script.args.tail.as_ref().unwrap();
        assert_eq!((tail.index, tail.name.as_str()), (2, "suffixes"));
        assert!(
            tail.description.contains("count of ids (M); ids"),
            "{tail:?}"
        );
        let both = analyze(
            "x.lua",
            "-- KEYS[1..n] every key\n-- ARGV[...] every value\nreturn #KEYS + #ARGV",
        )
        .unwrap();
        assert_eq!(both.keys.tail.as_ref().map(|t| t.index), Some(1));
        assert_eq!(both.args.tail.as_ref().map(|t| t.index), Some(1));
    }

    #[test]
    fn line_styles_of_other_projects() {
        for (header, names) in [
            (
                "-- KEYS[1] -> queue:pending\n-- ARGV[1] -> task id",
                ["queue", "task_id"],
            ),
            (
                "-- KEYS[1]: processing set\n-- ARGV[1]: job ID\n-- Returns: 1 on success,\n--          0 if missing",
                ["processing_set", "job_id"],
            ),
            (
                "-- KEYS[1] - The queue to pop from\n-- ARGV[1] - The retry deadline",
                ["queue_to_pop_from", "retry_deadline"],
            ),
            (
                "--[[\n  key 1 -> q:jobs\n  arg 1 -> job data\n]]",
                ["q", "job_data"],
            ),
        ] {
            let source = format!("{header}\nreturn redis.call('HSET', KEYS[1], 'x', ARGV[1])");
            let script = analyze("x.lua", &source).unwrap_or_else(|e| panic!("{header}: {e:?}"));
            let found: Vec<&str> = script
                .keys
                .iter()
                .chain(script.args.iter())
                .map(|p| p.name.as_str())
                .collect();
            assert_eq!(found, names, "{header}");
        }
    }

    #[test]
    fn shadowing_locals_are_not_the_builtins() {
        clean(&with_header(
            "local redis = {call = function(...) return 1 end}\nredis.call('NOT_A_COMMAND', KEYS[1], ARGV[1])\nreturn 1",
        ));
        // A local `error` does not end the script.
        assert_eq!(
            errors(
                "-- RETURNS: int\nlocal function error() end\nif redis.call('PING') then return 1 end\nerror('x')\n"
            ),
            [
                "4:1 this returns nil: the script can reach its end without a `return`, but RETURNS declares `int`"
            ]
        );
        let tostring = analyze(
            "x.lua",
            "-- RETURNS: prose\nlocal function tostring(x) return 1 end\nreturn tostring(2)",
        )
        .unwrap();
        assert!(matches!(tostring.returns, Returns::Text(_)));
    }

    /// `line:column message` of every error of `source` checked for `target`.
    fn errors_for(target: &str, source: &str) -> Vec<String> {
        let options = Options {
            target: Target::parse(target).unwrap(),
            ..Options::default()
        };
        crate::check("lua_scripts/x.lua", source, &options)
            .errors()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect()
    }

    #[test]
    fn each_target_knows_its_arguments_and_lua() {
        let ifeq = with_header("return redis.call('SET', KEYS[1], ARGV[1], 'IFEQ', 'old')");
        assert_eq!(errors_for("valkey-8.1", &ifeq), Vec::<String>::new());
        assert_eq!(errors_for("valkey-8.0", &ifeq).len(), 1);
        let server = with_header("return server.call('SET', KEYS[1], ARGV[1])");
        assert_eq!(errors_for("valkey-8.0", &server), Vec::<String>::new());
        assert_eq!(
            errors_for("redis-7.0", &server),
            ["7:8 `server` is not defined in Redis 7.0.15's Lua environment"]
        );
        let clock = with_header("redis.call('SET', KEYS[1], ARGV[1])\nreturn os.clock()");
        let found = crate::check("x.lua", &clock, &Options::default());
        let error = found.errors().next().unwrap();
        assert!(
            error
                .help
                .as_deref()
                .unwrap()
                .starts_with("Redis 7.4 adds it; this script targets redis-7.0"),
            "{error:?}"
        );
        assert_eq!(errors_for("redis-7.4", &clock), Vec::<String>::new());
        assert_eq!(errors_for("valkey-8.0", &clock), Vec::<String>::new());
    }

    #[test]
    fn targets_are_read_and_refused_when_unknown() {
        assert_eq!(Target::parse("7.4").unwrap().name(), "redis-7.4");
        assert_eq!(Target::parse("valkey-9.0").unwrap().name(), "valkey-9.0");
        assert!(
            Target::parse("redis-6.2")
                .unwrap_err()
                .contains("Redis 7.0 to 8.0")
        );
        assert!(
            Target::parse("keydb-6.0")
                .unwrap_err()
                .contains("unknown server")
        );
        assert!(
            Target::parse("redis-x")
                .unwrap_err()
                .contains("is not a target")
        );
    }

    #[test]
    fn a_script_that_can_end_without_return_returns_nil() {
        assert_eq!(
            errors("-- RETURNS: int\nif redis.call('PING') then return 1 end\n"),
            [
                "2:1 this returns nil: the script can reach its end without a `return`, but RETURNS declares `int`"
            ]
        );
        clean("-- RETURNS: int\nif redis.call('PING') then return 1 else return 0 end\n");
        clean("-- RETURNS: int?\nif redis.call('PING') then return 1 end\n");
        clean("-- RETURNS: int\nif redis.call('PING') then return 1 end\nerror('unreachable')\n");
        let prose = analyze(
            "x.lua",
            "-- RETURNS: 1 or nothing\nif redis.call('PING') then return 1 end\n",
        )
        .unwrap();
        assert!(matches!(prose.returns, Returns::Text(_)));
    }

    #[test]
    fn prose_returns_are_inferred_from_agreeing_literals() {
        let script = analyze("x.lua", "-- RETURNS: 1 if allowed, 0 if limited\nif redis.call('PING') then return 0 end\nreturn 1").unwrap();
        assert_eq!(script.returns.ty(), Some(&crate::ReturnType::Int));
        let mixed = analyze(
            "x.lua",
            "-- RETURNS: whatever\nif redis.call('PING') then return 'a' end\nreturn 1",
        )
        .unwrap();
        assert!(matches!(mixed.returns, Returns::Text(_)));
    }

    #[test]
    fn code_nested_past_lua_limits_is_refused_before_parsing() {
        let deep = format!(
            "-- x\nreturn {}1{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let found = errors(&deep);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("nests more than 200 levels"), "{found:?}");
        let blocks = format!("-- x\n{}{}return 1", "do ".repeat(300), "end ".repeat(300));
        assert!(errors(&blocks)[0].contains("nests more than 200 levels"));
        clean(&format!("-- x\nlocal s = '{}'\nreturn s", "(".repeat(500)));
        // At the limit, the parser still fits in a test thread's 2 MiB stack.
        clean(&format!(
            "-- x\nreturn {}1{}",
            "(".repeat(200),
            ")".repeat(200)
        ));
        clean(&format!(
            "-- x\nreturn {{{}1{}}}",
            "{".repeat(199),
            "}".repeat(199)
        ));
    }
}

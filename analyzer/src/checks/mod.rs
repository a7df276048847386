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

pub mod api_arguments;
pub mod calls;
pub mod contract;
pub mod error_codes;
pub mod library;
pub mod lints;
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
    lints::check(facts, options.target, out);
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
    lints::check(facts, options.target, out);
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
    use crate::{Analysis, Options, Returns, Severity, Target, analyze};

    fn analyze_with(
        path: &str,
        source: &str,
        options: &Options,
    ) -> Result<crate::Script, Vec<crate::Diagnostic>> {
        crate::check(path, source, options).into_result()
    }

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
    fn valid_scripts_stay_clean() {
        clean(&with_header(
            "local function add(a, b) return a + b end
local total = 0
local function bump() total = add(total, 1) end
bump()
do local inner = KEYS[1] end
for i, v in ipairs({1, 2}) do total = total + i + v end
for i = 1, 3 do total = total + i end
while total > 100 do total = total - 1 end
repeat local again = total until again
local upper = ('x'):upper()
local s = string.format('%s', ARGV[1]) .. upper
local t = {name = s, [1] = cjson.encode({})}
local function count(...) return select('#', ...) end
local packed = cmsgpack.pack(t) .. struct.pack('>I2', 1) .. bit.tohex(5)
redis.log(redis.LOG_WARNING, tostring(count(1, 2)) .. packed)
local ok, err = pcall(redis.call, 'GET', KEYS[1])
return redis.call('SET', KEYS[1], s)",
        ));
    }

    #[test]
    fn shadowing_and_aliases_are_resolved() {
        clean(&with_header(
            "local keys = KEYS\nlocal KEYS = {'shadow'}\nlocal x = KEYS[9]\nreturn redis.call('SET', keys[1], ARGV[1])",
        ));
        assert_eq!(
            errors(&with_header(
                "local k = KEYS\nreturn redis.call('SET', k[1], k[2], ARGV[1])"
            )),
            ["8:32 KEYS[2] is read here, but the header declares only KEYS[1]"]
        );
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
    fn checking_how_many_values_came_needs_no_tail() {
        clean(&with_header(
            "assert(#KEYS == 1 and #ARGV >= 1, 'one key and a value')\nreturn redis.call('SET', KEYS[1], ARGV[1])",
        ));
    }

    #[test]
    fn arguments_must_have_the_shape_redis_documents() {
        assert_eq!(
            errors(&with_header(
                "redis.call('HSET', KEYS[1], 'a', ARGV[1], 'b')\nredis.call('SET', KEYS[1], ARGV[1], 'EXX', 10)\nredis.call('SET', KEYS[1], ARGV[1], 'NX', 'NX')\nreturn redis.call('ZADD', KEYS[1], 'NX', 'GT', 1, ARGV[1], 2)"
            )),
            [
                "7:43 `HSET` needs more after this argument: <value>",
                "8:37 `SET` does not take `EXX` here: it takes EX, EXAT, GET, KEEPTTL, NX, PX, PXAT, XX, or nothing more",
                "9:43 `SET` does not take `NX` here: it takes EX, EXAT, GET, KEEPTTL, PX, PXAT, or nothing more",
                "10:60 `ZADD` needs more after this argument: <member>",
            ]
        );
        clean(&with_header(
            "local mode = ARGV[1]\nredis.call('SET', KEYS[1], ARGV[1], 'PX', 100, 'NX')\nredis.call('SET', KEYS[1], ARGV[1], mode, 10)\nredis.call('HSET', KEYS[1], unpack({'a', 'b', 'c'}))\nredis.call('ZADD', KEYS[1], 'XX', 'CH', 1, 'm', 2, 'n')\nreturn redis.call('XADD', KEYS[1], 'MAXLEN', '~', 1000, '*', 'f', ARGV[1])",
        ));
    }

    #[test]
    fn dynamic_reads_need_a_variadic_tail() {
        for body in [
            "local i = 1\nreturn KEYS[i]",
            "return unpack(ARGV)",
            "for _, k in ipairs(KEYS) do end\nreturn 1",
        ] {
            let found = errors(&with_header(&format!(
                "redis.call('SET', KEYS[1], ARGV[1])\n{body}"
            )));
            assert_eq!(found.len(), 1, "{body}: {found:?}");
            assert!(
                found[0].contains("read as a whole or with a computed index"),
                "{found:?}"
            );
        }
        clean(
            "--[[\n  KEYS:\n    [1] first - a key\n    [2..] rest - more keys\n--]]\nlocal out = {}\nfor i = 1, #KEYS do out[i] = KEYS[i] end\nreturn out",
        );
    }

    #[test]
    fn globals_cannot_be_assigned() {
        assert_eq!(
            errors(&with_header(
                "counter = 1\nfunction helper() end\n_G.flag = true\nreturn redis.call('SET', KEYS[1], ARGV[1])"
            )),
            [
                "7:1 `counter` is assigned as a global",
                "8:10 `helper` is assigned as a global",
                "9:1 `flag` is assigned as a global",
            ]
        );
    }

    #[test]
    fn globals_redis_lacks_are_errors() {
        assert_eq!(
            errors(&with_header(
                "print(KEYS[1], ARGV[1])\nlocal m = require('x')\nreturn os.clock()"
            )),
            [
                "7:1 `print` is not defined in Redis 7.0.15's Lua environment",
                "8:11 `require` is not defined in Redis 7.0.15's Lua environment",
                "9:8 `os` is not defined in Redis 7.0.15's Lua environment",
            ]
        );
        let script = with_header("redis.call('SET', KEYS[1], ARGV[1])\nreturn os.clock()");
        let target = Options {
            target: Target::parse("7.4").unwrap(),
            ..Options::default()
        };
        assert!(analyze_with("x.lua", &script, &target).is_ok());
        let typo = errors(&with_header("return redis.cal('SET', KEYS[1], ARGV[1])"));
        assert_eq!(
            typo,
            ["7:8 `redis.cal` is not part of Redis 7.0.15's Lua environment"]
        );
    }

    #[test]
    fn commands_are_checked_against_redis() {
        assert_eq!(
            errors(&with_header(
                "redis.call('INCRR', KEYS[1])\nredis.call('MULTI')\nredis.call('GET', KEYS[1], ARGV[1])\nredis.pcall('CONFIG', 'GETT')\nredis.call('CONFIG', 'SET', 'x')\nreturn redis.call('JSON.SET', KEYS[1], '$', ARGV[1])"
            )),
            [
                "7:12 `INCRR` is not a Redis 7.0.15 command",
                "8:12 `MULTI` cannot be called from a script",
                "9:12 `GET` takes exactly 2 words (its name included), but this call passes 3",
                "10:13 `CONFIG` has no subcommand `GETT`",
                "11:12 `CONFIG SET` cannot be called from a script",
            ]
        );
        clean(&with_header(
            "local args = {KEYS[1], ARGV[1]}\nreturn redis.call('SET', unpack(args))",
        ));
    }

    #[test]
    fn commands_are_checked_through_aliases_and_forwarding_functions() {
        assert_eq!(
            errors(&with_header(
                "local rcall = redis.call\nlocal r = redis\nlocal function call(cmd, ...) return rcall(cmd, ...) end\nrcall('HSETT', KEYS[1], 'f', ARGV[1])\nr.pcall('GETT', KEYS[1])\ncall('INCRR', KEYS[1])\nlocal again = rcall\nreturn again('GET', KEYS[1], 'extra')"
            )),
            [
                "10:7 `HSETT` is not a Redis 7.0.15 command",
                "11:9 `GETT` is not a Redis 7.0.15 command",
                "12:6 `INCRR` is not a Redis 7.0.15 command",
                "14:14 `GET` takes exactly 2 words (its name included), but this call passes 3",
            ]
        );
        // A function that does more than forward its first argument is not a command.
        clean(&with_header(
            "local function get(key) return redis.call('GET', key) end\nlocal function log(level, ...) redis.log(level, ...) end\nlog(redis.LOG_NOTICE, 'x')\nreturn redis.call('SET', KEYS[1], get(ARGV[1]))",
        ));
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

    #[test]
    fn library_tables_are_read_only() {
        assert_eq!(
            errors(&with_header(
                "function table.extend(a, b) end\nstring.trim = function(s) return s end\nlocal t = math\nt.clamp = 1\nfunction cjson:pretty() end\nreturn redis.call('SET', KEYS[1], ARGV[1])"
            )),
            [
                "7:10 `table.extend` is assigned into the library table `table`",
                "8:1 `string.trim` is assigned into the library table `string`",
                "10:1 `math.clamp` is assigned into the library table `math`",
                "11:10 `cjson.pretty` is assigned into the library table `cjson`",
            ]
        );
        clean(&with_header(
            "local mine = {}\nfunction mine.extend(a) end\nmine.x = 1\nreturn redis.call('SET', KEYS[1], ARGV[1])",
        ));
    }

    #[test]
    fn a_missing_library_member_is_fine_as_a_fallback() {
        clean(&with_header(
            "local unpack = table.unpack or unpack\nlocal pack = table.pack or function(...) return {...} end\nreturn redis.call('SET', unpack({KEYS[1], ARGV[1]}))",
        ));
        assert_eq!(
            errors(&with_header(
                "local u = table.unpack\nreturn redis.call('SET', KEYS[1], ARGV[1])"
            )),
            ["7:11 `table.unpack` is not part of Redis 7.0.15's Lua environment"]
        );
    }

    #[test]
    fn may_replicate_commands_count_as_writes() {
        let header = "#!lua flags=no-writes\n--[[\n  KEYS:\n    [1] key - a key\n--]]\n";
        assert_eq!(
            errors(&format!(
                "{header}return redis.call('PUBLISH', KEYS[1], 'm')"
            )),
            ["6:19 `PUBLISH` writes, but the script's shebang declares `no-writes`"]
        );
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
    fn each_target_knows_its_commands_and_names_the_one_that_has_a_command() {
        let hash_ttl =
            with_header("redis.call('HEXPIRE', KEYS[1], 60, 'FIELDS', 1, ARGV[1])\nreturn 1");
        assert_eq!(
            errors_for("redis-7.0", &hash_ttl),
            ["7:12 `HEXPIRE` needs Redis 7.4; this script targets redis-7.0"]
        );
        assert_eq!(errors_for("7.4", &hash_ttl), Vec::<String>::new());
        let getex =
            with_header("return redis.call('HGETEX', KEYS[1], 'EX', 60, 'FIELDS', 1, ARGV[1])");
        assert_eq!(
            errors_for("redis-7.4", &getex),
            ["7:19 `HGETEX` needs Redis 8.0; this script targets redis-7.4"]
        );
        assert_eq!(errors_for("redis-8.0", &getex), Vec::<String>::new());
        let delifeq = with_header("return redis.call('DELIFEQ', KEYS[1], ARGV[1])");
        assert_eq!(
            errors_for("redis-8.0", &delifeq),
            [
                "7:19 `DELIFEQ` is a Valkey command (valkey-9.0 and later); this script targets redis-8.0"
            ]
        );
        assert_eq!(
            errors_for("valkey-8.0", &delifeq),
            ["7:19 `DELIFEQ` needs Valkey 9.0; this script targets valkey-8.0"]
        );
        assert_eq!(errors_for("valkey-9.0", &delifeq), Vec::<String>::new());
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
    fn vararg_functions_have_arg_and_methods_are_checked_for_ambiguity() {
        clean("-- x\nlocal function f(...) return arg.n end\nreturn f(1)");
        clean("-- x\nlocal s = 'a'\nlocal t = s\n:upper()\nreturn t");
        assert_eq!(
            errors("-- x\nlocal s = 'a'\nlocal t = s:upper\n()\nreturn t"),
            [
                "4:1 ambiguous syntax: this `(` starts a new line, so Lua 5.1 cannot tell a call from a new statement"
            ]
        );
    }

    #[test]
    fn shebang_rules() {
        let header = "--[[\n  KEYS:\n    [1] key - a key\n--]]\n";
        assert_eq!(
            errors(&format!(
                "#!lua flags=no-writes\n{header}return redis.call('DEL', KEYS[1])"
            )),
            ["6:19 `DEL` writes, but the script's shebang declares `no-writes`"]
        );
        assert_eq!(
            errors(&format!(
                "{header}#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])"
            )),
            ["5:1 a `#!` line must be the first line of the file"]
        );
        clean(&format!(
            "#!lua flags=no-writes,allow-stale\n{header}return redis.call('GET', KEYS[1])"
        ));
    }

    #[test]
    fn literal_returns_must_fit_returns() {
        let source =
            "--[[\n  RETURNS: int\n--]]\nif redis.call('PING') then return 'no' end\nreturn 1";
        assert_eq!(
            errors(source),
            ["4:35 this returns a string, but RETURNS declares `int`"]
        );
        let status = "-- RETURNS: status\nif redis.call('PING') then return redis.error_reply('x') end\nreturn 'OK'";
        assert_eq!(
            errors(status),
            ["3:8 this returns a string, but RETURNS declares `status`"]
        );
        clean("-- RETURNS: string?\nif redis.call('PING') then return nil end\nreturn 'x'");
    }

    #[test]
    fn literal_errors_may_not_pass_for_redis_refusals() {
        let found = errors(&with_header(
            "redis.call('SET', KEYS[1], ARGV[1])\nif ARGV[1] == 'a' then return redis.error_reply('OOM out of quota') end\nif ARGV[1] == 'b' then error({err = 'NOSCRIPT gone'}) end\nif ARGV[1] == 'c' then return {err = 'ERR wrong number of arguments here'} end\nreturn redis.error_reply('-BUSY try later')",
        ));
        assert_eq!(
            found,
            [
                "8:49 this error would be taken for Redis's own: `OOM` is an error code Redis uses itself",
                "9:37 this error would be taken for Redis's own: `NOSCRIPT` is an error code Redis uses itself",
                "10:38 this error would be taken for Redis's own: `ERR wrong number of arguments...` is how Redis words one of its own errors",
                "11:26 this error would be taken for Redis's own: `BUSY` is an error code Redis uses itself",
            ]
        );
        clean(&with_header(
            "redis.call('SET', KEYS[1], ARGV[1])\nif ARGV[1] == 'a' then return redis.error_reply('OUT_OF_QUOTA no more') end\nif ARGV[1] == 'b' then error({err = 'ERR my own words'}) end\nlocal redis_ = redis\nreturn {err = 'Insufficient balance'}",
        ));
    }

    #[test]
    fn a_float_literal_where_numbers_are_declared_is_a_warning() {
        let analysis = crate::check("x.lua", "-- RETURNS: int\nreturn 3.7", &Options::default());
        let warnings = warnings(&analysis);
        assert!(!analysis.has_errors());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert!(warnings[0].message.contains("truncates"));
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
    fn lua_5_1_rules_full_moon_lets_through() {
        assert_eq!(
            errors("-- x\nlocal f = tostring\nlocal a = f\n(f)('x')\nreturn 1"),
            [
                "4:1 ambiguous syntax: this `(` starts a new line, so Lua 5.1 cannot tell a call from a new statement"
            ]
        );
        assert_eq!(
            errors("-- x\nlocal s = [[ a [[ b ]]\nreturn s"),
            [
                "2:16 `[[` inside a `[[ ... ]]` string or comment: Lua 5.1 rejects nested long brackets"
            ]
        );
        assert_eq!(
            errors("-- x\nlocal function f() return ... end\nreturn f()"),
            ["2:27 `...` is used outside a vararg function"]
        );
        let locals: String = (0..201).map(|i| format!("local v{i} = {i}\n")).collect();
        assert_eq!(
            errors(&format!("-- x\n{locals}return 1")),
            ["202:7 more than 200 local variables are active in this function"]
        );
        clean(
            "-- x\nlocal s = [==[ a [[ b ]] ]==]\nlocal function f(...) return ... end\nreturn f(s)",
        );
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

    #[test]
    fn syntax_errors_point_at_the_line() {
        let found = errors("-- x\nlocal x = \nreturn x +");
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|e| e.contains("Lua syntax error")),
            "{found:?}"
        );
        assert!(
            errors("-- x\ngoto done\n::done::\nreturn 1")
                .iter()
                .any(|e| e.contains("Lua syntax error"))
        );
        let backtick = errors("-- x\nlocal s = `x`\nreturn s");
        assert!(
            backtick
                .iter()
                .any(|e| e.starts_with("2:11 Lua syntax error") && e.contains('`')),
            "{backtick:?}"
        );
    }
}

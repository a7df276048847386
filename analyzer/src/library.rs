//! Reads a Redis Functions library (`#!lua name=...` and `redis.register_function` calls)
//! into its [`Library`] model: each registered function with the doc comment above its
//! registration (or above the local function it registers), read with the header grammar.

use crate::checks::{self, Options, library};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lua::{self, facts::Registration};
use crate::model::{Function, Library};
use crate::redis::functions::name_problem;
use crate::{Analysis, Sources, header};

/// Reads and checks the library in `sources`; `found` holds the problems of its includes.
pub fn check(sources: Sources, mut found: Vec<Diagnostic>, options: &Options) -> Analysis<Library> {
    let source = sources.text.as_str();
    let path = sources.main().path.as_str();
    let body = lua::read_library(source);
    found.extend(body.diagnostics);
    let name = library::name(source, &mut found);
    let sha1 = crate::sha1_hex(source.as_bytes());
    let mut functions: Vec<Function> = body
        .facts
        .registrations
        .iter()
        .filter_map(|registration| function(path, &sha1, source, registration, &mut found))
        .collect();
    if !body.has_syntax_errors {
        checks::run_library(&mut functions, &body.facts, options, &mut found);
    }
    // A second function with the name (or method) of an earlier one is reported above
    // and makes no method of its own.
    let mut kept: Vec<Function> = Vec::with_capacity(functions.len());
    for function in functions {
        let clash = kept.iter().any(|earlier| {
            earlier.rust_name == function.rust_name
                || earlier.name.eq_ignore_ascii_case(&function.name)
        });
        if !clash {
            kept.push(function);
        }
    }
    let functions = kept;
    crate::levels::apply(&mut found, source, &options.levels);
    found.sort_by_key(|d| d.location);
    found.dedup();
    let model = name.map(|name| Library {
        path: path.to_owned(),
        name,
        sha1,
        summary: summary(source, &body.facts.registrations),
        functions,
    });
    if model.is_none() {
        found.retain(|d| d.severity == Severity::Error);
    }
    Analysis {
        model,
        diagnostics: found,
        sources,
    }
}

/// The model of a registered function of the library `sha1`, with its doc comment read; `None` when its name is
/// not a literal (the library check reports that).
fn function(
    path: &str,
    sha1: &str,
    source: &str,
    registration: &Registration,
    found: &mut Vec<Diagnostic>,
) -> Option<Function> {
    // A name Redis refuses (reported by the library check) makes no method.
    let name = registration
        .name
        .clone()
        .filter(|name| name_problem(name).is_none())?;
    // Redis reads the flags of a registration whatever their case.
    let flags: Vec<String> = registration
        .flags
        .iter()
        .map(|(flag, _)| flag.to_ascii_lowercase())
        .collect();
    let candidates = [Some(registration.line), registration.callback_line];
    let doc_line = header::doc_comment_line(source, candidates.into_iter().flatten())
        .unwrap_or(registration.line);
    let contract = match header::parse_doc(path, sha1, source, doc_line) {
        Ok(contract) => contract,
        Err(errors) => {
            found.extend(errors);
            return None;
        }
    };
    Some(Function {
        rust_name: crate::names::method_name(&name),
        name,
        line: registration.line,
        flags,
        description: registration.description.clone(),
        contract,
    })
}

/// The free text of the comment at the top of the file, unless that comment is a
/// function's doc comment.
fn summary(source: &str, registrations: &[Registration]) -> String {
    let documented: Vec<usize> = registrations
        .iter()
        .flat_map(|r| [Some(r.line), r.callback_line])
        .flatten()
        .collect();
    header::top_comment_summary(source, |end| documented.contains(&(end + 1)))
}

#[cfg(test)]
mod tests {
    use crate::{Library, Options, ReturnType, Severity, check_library};

    const CLEAN: &str = r#"#!lua name=ratelimit
--[[
  Rate limits, as functions.
]]

--- Counts a hit and tells whether it is allowed.
--- KEYS[1] = counter key
--- ARGV[1] = limit
--- ARGV[2] = window (seconds)
--- RETURNS: int - 1 if allowed, 0 if limited
local function allow(keys, args)
  local hits = redis.call('INCR', keys[1])
  if hits == 1 then redis.call('EXPIRE', keys[1], args[2]) end
  if hits > tonumber(args[1]) then return 0 end
  return 1
end

local function peek(keys, args)
  return tonumber(redis.call('GET', keys[1]) or '0')
end

redis.log(redis.LOG_NOTICE, 'ratelimit loads on ' .. redis.REDIS_VERSION)
redis.register_function('allow', allow)
--[[
  The hits counted so far.
  KEYS:
    [1] counter - the counter key
  RETURNS: int
--]]
redis.register_function{function_name = 'peek', callback = peek, flags = {'no-writes'}, description = 'reads the counter'}
-- Forgets the hits.
-- KEYS[1] = counter
-- RETURNS: int
redis.register_function('reset', function(k) return redis.call('DEL', k[1]) end)
"#;

    fn library(source: &str) -> Library {
        check_library("lua_scripts/ratelimit.lua", source, &Options::default())
            .into_result()
            .unwrap_or_else(|errors| panic!("{errors:#?}"))
    }

    /// `line:column message` of every error.
    fn errors(source: &str) -> Vec<String> {
        check_library("lua_scripts/lib.lua", source, &Options::default())
            .errors()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.column, d.message))
            .collect()
    }

    #[test]
    fn a_clean_library_binds_each_function_with_its_doc() {
        let analysis = check_library("lua_scripts/ratelimit.lua", CLEAN, &Options::default());
        assert_eq!(analysis.diagnostics, [], "{:#?}", analysis.diagnostics);
        let library = library(CLEAN);
        assert_eq!(library.name, "ratelimit");
        assert_eq!(library.summary, "Rate limits, as functions.");
        assert_eq!(library.sha1, crate::sha1_hex(CLEAN.as_bytes()));
        let names: Vec<&str> = library.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["allow", "peek", "reset"]);
        let allow = &library.functions[0];
        assert_eq!(
            allow.contract.summary,
            "Counts a hit and tells whether it is allowed."
        );
        assert_eq!(allow.contract.keys.fixed[0].name, "counter_key");
        assert_eq!(allow.contract.args.fixed.len(), 2);
        assert_eq!(allow.contract.returns.ty(), Some(&ReturnType::Int));
        assert!(!allow.read_only());
        let peek = &library.functions[1];
        assert!(peek.read_only());
        assert_eq!(peek.description.as_deref(), Some("reads the counter"));
        assert_eq!(peek.contract.keys.fixed[0].name, "counter");
        assert_eq!(library.functions[2].contract.keys.fixed[0].name, "counter");
    }

    #[test]
    fn the_name_line_is_required_and_checked() {
        let body = "-- x\nredis.register_function('f', function() return 1 end)\n";
        assert_eq!(
            errors(body)[0],
            "1:1 a function library must start with a `#!lua name=<library>` line"
        );
        assert_eq!(
            errors(&format!("#!lua name=my-lib\n{body}")),
            ["1:12 `my-lib` is not a valid library name: only letters, digits and `_` are allowed"]
        );
        assert_eq!(
            errors(&format!("#!lua name=lib flags=no-writes\n{body}")),
            ["1:16 unexpected `flags=no-writes` in the library's `#!lua` line"]
        );
        assert_eq!(
            errors(&format!("#!lua\n{body}")),
            ["1:1 the `#!lua` line does not name the library"]
        );
    }

    #[test]
    fn registrations_are_checked() {
        let source = "#!lua name=lib\n-- x\nlocal name = 'f'\nredis.register_function(name, function() return 1 end)\n-- x\nredis.register_function('a-b', function() return 1 end)\n-- x\nredis.register_function('g', function() return 1 end)\n-- x\nredis.register_function('g', function() return 2 end)\n-- x\nredis.register_function{function_name = 'h', callback = function() return 1 end, flags = {'no-writes', 'fast'}, timeout = 5}\n-- x\nredis.register_function('i', name)\n";
        assert_eq!(
            errors(source),
            [
                "4:25 the function's name is not a string literal",
                "6:25 `a-b` is not a valid function name: only letters, digits and `_` are allowed",
                "10:25 function `g` is registered twice (first on line 8)",
                "12:104 unknown function flag `fast`",
                "12:113 `redis.register_function` takes no field `timeout`",
                "14:25 the callback of `i` is not a function this file defines",
            ]
        );
        assert_eq!(
            errors("#!lua name=lib\nlocal x = 1\n"),
            ["1:1 the library registers no function"]
        );
    }

    #[test]
    fn load_time_has_almost_nothing() {
        let source = "#!lua name=lib\nlocal version = redis.REDIS_VERSION_NUM\nlocal fmt = string.format\nredis.call('SET', 'loaded', 1)\nlocal s = redis.sha1hex('x')\nfor k in pairs({}) do end\n-- x\nredis.register_function('f', function() return string.format('%d', version) end)\n";
        assert_eq!(
            errors(source),
            [
                "3:13 `string` does not exist while the library loads",
                "4:12 Redis commands cannot be called while the library loads",
                "5:11 `redis.sha1hex` does not exist while the library loads",
                "6:10 `pairs` does not exist while the library loads",
            ]
        );
    }

    #[test]
    fn each_function_is_checked_against_its_own_doc() {
        let source = "#!lua name=lib\n-- Sets.\n-- KEYS[1] = key\n-- ARGV[1] = value\nlocal function set(keys, args)\n  return redis.call('SET', keys[1], args[1], args[2])\nend\n-- Reads.\n-- KEYS[1] = key\n-- RETURNS: string?\nlocal function get(keys)\n  redis.call('SET', keys[1], 'x')\n  return KEYS[1]\nend\nredis.register_function('set', set)\nredis.register_function{function_name = 'get', callback = get, flags = {'no-writes'}}\nredis.register_function('bare', function(keys) return keys[1] end)\n";
        assert_eq!(
            errors(source),
            [
                "6:46 ARGV[2] is read here, but the doc comment declares only ARGV[1]",
                "12:14 `SET` writes, but function `get` is registered with the `no-writes` flag",
                "13:10 `KEYS` does not exist in a function",
                "17:1 function `bare` has no doc comment declaring its KEYS, ARGV and RETURNS",
            ]
        );
    }

    #[test]
    fn callbacks_in_locals_are_found_and_helpers_are_not_functions() {
        let source = "#!lua name=lib\nlocal function helper(key)\n  return redis.call('GET', key)\nend\n--- KEYS[1] = key\n--- RETURNS: string?\nlocal read = function(keys, _args)\n  return helper(keys[1])\nend\nredis.register_function{function_name = 'read', callback = read, flags = {'no-writes', 'allow-stale'}}\n";
        let library = library(source);
        let read = &library.functions[0];
        assert_eq!(read.contract.keys.fixed[0].name, "key");
        assert_eq!(read.flags, ["no-writes", "allow-stale"]);
        assert_eq!(errors(source), Vec::<String>::new());
    }

    #[test]
    fn the_doc_is_the_comment_that_declares_something() {
        let source = "#!lua name=lib\n-- Reads.\n-- KEYS[1] = key\n-- RETURNS: string?\nlocal function get(keys)\n  return redis.call('GET', keys[1])\nend\n\n-- the registrations\nredis.register_function('get', get); redis.register_function('again', get)\n";
        let library = library(source);
        assert_eq!(library.functions.len(), 2);
        for function in &library.functions {
            assert_eq!(
                function.contract.keys.fixed[0].name, "key",
                "{}",
                function.name
            );
        }
        assert_eq!(errors(source), Vec::<String>::new());
        let nested = "#!lua name=lib\nif redis.REDIS_VERSION_NUM > 0 then\n  -- KEYS[1] = key\n  redis.register_function('get', function(keys) return redis.call('GET', keys[1]) end)\nend\n-- KEYS[1] = key\nserver.register_function('set', function(keys) return redis.call('SET', keys[1], 1) end)\n";
        assert_eq!(
            errors(nested),
            [
                "4:3 this function is registered inside a block: redis-script binds only registrations at the top level of the library",
                "7:1 `server` is not defined in Redis 7.0.15's Lua environment",
            ]
        );
    }

    #[test]
    fn returns_are_checked_per_function() {
        let source = "#!lua name=lib\n-- KEYS[1] = key\n-- RETURNS: int\nlocal function count(keys)\n  if redis.call('EXISTS', keys[1]) == 1 then return 'yes' end\n  return 0\nend\nredis.register_function('count', count)\n";
        assert_eq!(
            errors(source),
            ["5:53 this returns a string, but RETURNS declares `int`"]
        );
        let unread = check_library(
            "lua_scripts/lib.lua",
            "#!lua name=lib\n-- KEYS[1] = key\n-- KEYS[2] = other\nlocal function count(keys)\n  return redis.call('EXISTS', keys[1])\nend\nredis.register_function('count', count)\n",
            &Options::default(),
        );
        let warnings: Vec<_> = unread.warnings().collect();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert!(warnings[0].message.starts_with("KEYS[2] (`other`)"));
    }
}

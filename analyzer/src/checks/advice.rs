//! The advice rules: the performance and best-practice advice of the article this project grew from,
//! given at compile time in the script's own lines (the rules of [`Basis::Advice`]
//! (crate::rules::Basis::Advice)). They are warnings by default, `key_not_from_keys`
//! allowed; like every rule, each can be allowed, warned or denied.
//!
//! - `mergeable_calls`: single-key calls one command could do (`GET`×n → `MGET`, `HGET`
//!   of one hash ×n → `HMGET`, `EXISTS`×n → one `EXISTS`, `SET`×n → `MSET`, or one `HSET`
//!   when the keys are built as fields of one object);
//! - `blocking_command`: `KEYS`, `FLUSHALL`, `FLUSHDB`, which hold the server for as long
//!   as the database is large;
//! - `whole_collection_reply`: `SMEMBERS`, `HGETALL`, `LRANGE 0 -1`... returned whole;
//! - `key_not_from_keys`: a key that is a literal or built from ARGV rather than passed in
//!   KEYS, which Redis Cluster cannot route and ACLs do not check;
//! - `unbounded_loop`: a command per turn of a loop that ARGV or a reply bounds.

use crate::diagnostic::Diagnostic;
use crate::lua::facts::{CommandCall, Facts, Site, Source, Word};
use crate::redis::commands::ArgKind;
use crate::redis::target::{Known, Target};
use crate::rules::{self, Rule};

/// Every advice rule's findings in `facts` (of a script, or of a library's functions).
pub fn check(facts: &Facts, target: Target, out: &mut Vec<Diagnostic>) {
    mergeable_calls(facts, out);
    for call in &facts.commands {
        let Some(name) = call.name.as_deref() else {
            continue;
        };
        let upper = name.to_ascii_uppercase();
        blocking_command(call, &upper, out);
        whole_collection_reply(call, &upper, out);
        key_not_from_keys(call, &upper, target, out);
    }
    unbounded_loop(facts, out);
}

/// An advice rule's finding at `site`.
fn finding(
    rule: &'static Rule,
    site: Site,
    message: String,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(rule, message, site.at, site.width).with_help(help)
}

/// Runs of calls side by side in one block (no other command between them, none in a
/// loop) that one command could do.
fn mergeable_calls(facts: &Facts, out: &mut Vec<Diagnostic>) {
    let mut run: Vec<&CommandCall> = Vec::new();
    let mut run_kind: Option<(usize, String, String)> = None;
    for call in &facts.commands {
        let kind = mergeable_kind(call).map(|(name, shape)| (call.block, name, shape));
        if kind.is_some() && kind == run_kind {
            run.push(call);
            continue;
        }
        report_run(&run, run_kind.as_ref(), out);
        run = vec![call];
        run_kind = kind;
    }
    report_run(&run, run_kind.as_ref(), out);
}

/// The command of a call that could join others, and what must be the same for them to
/// join (the hash of `HGET`s, where `SET`s' keys come from); `None` for other calls.
fn mergeable_kind(call: &CommandCall) -> Option<(String, String)> {
    if call.open_loop.is_some() {
        return None;
    }
    let name = call.name.as_deref()?.to_ascii_uppercase();
    let shape = match (name.as_str(), call.args.as_slice()) {
        ("GET" | "EXISTS", [key]) if key.source == Source::Keys => String::new(),
        // HGETs of one hash: the hash's expression, as written, tells them apart.
        ("HGET", [hash, _]) => hash.text.clone(),
        ("SET", [key, _]) => match key.source {
            Source::Keys => "keys".to_owned(),
            // Keys written or built in the script: the fields of one object.
            Source::Literal | Source::Built => "object".to_owned(),
            _ => return None,
        },
        _ => return None,
    };
    Some((name, shape))
}

/// The finding of a run of mergeable calls, when there are two or more.
fn report_run(
    run: &[&CommandCall],
    kind: Option<&(usize, String, String)>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some((_, name, shape)), [first, _, ..]) = (kind, run) else {
        return;
    };
    let (merged, how) = match name.as_str() {
        "GET" => ("MGET", "`redis.call('MGET', KEYS[1], KEYS[2], ...)` returns them all, in order".to_owned()),
        "EXISTS" => ("EXISTS", "`redis.call('EXISTS', KEYS[1], KEYS[2], ...)` counts them all".to_owned()),
        "HGET" => ("HMGET", format!("`redis.call('HMGET', {shape}, field1, field2, ...)` reads them all")),
        _ if shape == "object" => ("HSET", "these keys look like the fields of one object: keep it in one hash, `redis.call('HSET', key, 'field1', v1, 'field2', v2)`".to_owned()),
        _ => ("MSET", "`redis.call('MSET', KEYS[1], v1, KEYS[2], v2, ...)` sets them all".to_owned()),
    };
    out.push(finding(
        &rules::MERGEABLE_CALLS,
        first.site,
        match run.len() {
            2 => format!("this `{name}` and the next could be one `{merged}`"),
            count => format!(
                "this `{name}` and the next {} could be one `{merged}`",
                count - 1
            ),
        },
        format!("each call is a round of Redis's command dispatch; {how}"),
    ));
}

fn blocking_command(call: &CommandCall, name: &str, out: &mut Vec<Diagnostic>) {
    let why = match name {
        "KEYS" => {
            "goes through every key of the database while the server serves nobody else; keep the keys you need in a set (or a sorted set) and read that, or SCAN from the client"
        }
        "FLUSHALL" | "FLUSHDB" => {
            "deletes every key while the server serves nobody else; delete what you mean to (or use the ASYNC option from the client, outside a script)"
        }
        _ => return,
    };
    out.push(finding(
        &rules::BLOCKING_COMMAND,
        call.site,
        format!("`{name}` blocks the server for as long as the database is large"),
        format!("`{name}` {why}"),
    ));
}

fn whole_collection_reply(call: &CommandCall, name: &str, out: &mut Vec<Diagnostic>) {
    if !call.returned {
        return;
    }
    // `0` and `-1`, as numbers or strings (`-1` is a negation in Lua's syntax).
    let literal = |arg: &crate::lua::facts::Argument| match &arg.word {
        Word::Number(text) | Word::Text(text) => text.clone(),
        Word::Dynamic | Word::Refused(_) => arg.text.replace(' ', ""),
    };
    let whole_range = |args: &[crate::lua::facts::Argument]| matches!(args, [_, start, stop] if literal(start) == "0" && literal(stop) == "-1");
    let (count, page) = match name {
        "SMEMBERS" => ("SCARD", "SSCAN"),
        "HGETALL" | "HKEYS" | "HVALS" => ("HLEN", "HSCAN"),
        "LRANGE" if whole_range(&call.args) => ("LLEN", "LRANGE with a bounded range"),
        "ZRANGE" if whole_range(&call.args) => ("ZCARD", "ZRANGE with a bounded range"),
        _ => return,
    };
    out.push(finding(
        &rules::WHOLE_COLLECTION_REPLY,
        call.site,
        format!("this returns the whole result of `{name}`, which may be large"),
        format!("a large reply holds the server while it is built and sent; return a count (`{count}`) or a page (`{page}`, with a cursor or offsets in ARGV)"),
    ));
}

fn key_not_from_keys(call: &CommandCall, name: &str, target: Target, out: &mut Vec<Diagnostic>) {
    let Known::Yes(command) = target.command(name) else {
        return;
    };
    let Some(first) = command.args.first().filter(|arg| arg.kind == ArgKind::Key) else {
        return;
    };
    let every = first.flags & crate::redis::commands::Arg::MULTIPLE != 0 && command.args.len() == 1;
    let keys = if every { call.args.len() } else { 1 };
    for argument in call.args.iter().take(keys) {
        let how = match argument.source {
            Source::Literal => "written in the script",
            Source::Args => "taken from ARGV",
            Source::Built => "built in the script",
            _ => continue,
        };
        out.push(finding(
            &rules::KEY_NOT_FROM_KEYS,
            argument.site,
            format!("`{name}` is given a key {how}, not one passed in KEYS"),
            "Redis Cluster routes a script by the keys it declares and ACLs check only those: pass every key in KEYS (a key built from a prefix can be built by the caller; give related keys a common hash tag, `{user1}:a`)",
        ));
    }
}

fn unbounded_loop(facts: &Facts, out: &mut Vec<Diagnostic>) {
    let mut seen = Vec::new();
    for call in &facts.commands {
        let Some(open) = call.open_loop else {
            continue;
        };
        if seen.contains(&open.site.at) {
            continue;
        }
        seen.push(open.site.at);
        let bound = match open.bound {
            Source::Args => "ARGV",
            _ => "a reply",
        };
        out.push(finding(
            &rules::UNBOUNDED_LOOP,
            open.site,
            format!("this loop runs a Redis command per turn, and {bound} decides how many turns"),
            "the server serves nobody else until the script ends: cap the turns (`math.min(tonumber(ARGV[1]), 1000)`) or page through the work, a batch per call",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::Options;
    use crate::rules::Level;

    /// `line rule` of every advice finding of `source`, checked with `options`.
    fn findings_with(source: &str, options: &Options) -> Vec<String> {
        crate::check("lua_scripts/x.lua", source, options)
            .diagnostics
            .iter()
            .filter(|d| d.rule.basis == crate::rules::Basis::Advice)
            .map(|d| format!("{} {}", d.location.line, d.rule.name))
            .collect()
    }

    fn findings(source: &str) -> Vec<String> {
        findings_with(source, &Options::default())
    }

    const HEADER: &str =
        "--[[\n  KEYS:\n    [1] a - a\n    [2] b - b\n  ARGV:\n    [1] n: int - n\n--]]\n";

    #[test]
    fn each_lint_fires_on_its_case_and_not_on_the_better_one() {
        let gets = format!(
            "{HEADER}local a = redis.call('GET', KEYS[1])\nlocal b = redis.call('GET', KEYS[2])\nreturn {{a, b, ARGV[1]}}"
        );
        assert_eq!(findings(&gets), ["8 mergeable_calls"]);
        let between = format!(
            "{HEADER}local a = redis.call('GET', KEYS[1])\nredis.call('INCR', KEYS[2])\nlocal b = redis.call('GET', KEYS[2])\nreturn {{a, b, ARGV[1]}}"
        );
        assert_eq!(findings(&between), Vec::<String>::new(), "not side by side");
        let mget = format!("{HEADER}return redis.call('MGET', KEYS[1], KEYS[2], ARGV[1])");
        assert_eq!(findings(&mget), Vec::<String>::new());
        let keys = format!(
            "{HEADER}redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('KEYS', KEYS[2])"
        );
        assert_eq!(findings(&keys), ["9 blocking_command"]);
        let whole = format!(
            "{HEADER}redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('LRANGE', KEYS[2], 0, -1)"
        );
        assert_eq!(findings(&whole), ["9 whole_collection_reply"]);
        let page = format!(
            "{HEADER}redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('LRANGE', KEYS[2], 0, 99)"
        );
        assert_eq!(findings(&page), Vec::<String>::new());
        let looped = format!(
            "{HEADER}for i = 1, tonumber(ARGV[1]) do redis.call('RPUSH', KEYS[1], i) end\nfor _, m in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', m) end\nfor i = 1, math.min(tonumber(ARGV[1]), 10) do redis.call('RPUSH', KEYS[1], i) end\nreturn 1"
        );
        assert_eq!(findings(&looped), ["8 unbounded_loop", "9 unbounded_loop"]);
    }

    #[test]
    fn levels_come_from_options_and_lines() {
        let literal = format!(
            "{HEADER}redis.call('SET', KEYS[1], KEYS[2])\nreturn redis.call('INCR', 'hits:' .. ARGV[1])"
        );
        assert_eq!(
            findings(&literal),
            Vec::<String>::new(),
            "allowed by default"
        );
        let mut options = Options::default();
        options
            .levels
            .set("key_not_from_keys", Level::Deny)
            .unwrap();
        let analysis = crate::check("x.lua", &literal, &options);
        assert!(analysis.has_errors());
        assert_eq!(findings_with(&literal, &options), ["9 key_not_from_keys"]);
        let keys = format!(
            "{HEADER}redis.call('SET', KEYS[1], ARGV[1])\n-- redis-script: allow(blocking_command)\nreturn redis.call('KEYS', KEYS[2])"
        );
        assert_eq!(findings(&keys), Vec::<String>::new());
        let trailing = format!(
            "{HEADER}redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('KEYS', KEYS[2]) -- redis-script: allow(blocking_command)"
        );
        assert_eq!(findings(&trailing), Vec::<String>::new());
        assert!(
            options
                .levels
                .set("no_such_lint", Level::Allow)
                .unwrap_err()
                .contains("there is no rule `no_such_lint`")
        );
    }
}

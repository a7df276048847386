//! The rules proven against the servers: every fixture of `analyzer/tests/rules/` is
//! loaded and run on the server of this test run (`cargo xtask test` runs it on each), and
//! the server's verdict (refused at load, refused at run, runs) must agree with the
//! analyzer's for that server's target: a finding of a rule that rests on what servers
//! refuse (an error by default) where the server refuses, none where it runs. The
//! verdict must also be the one the fixture's `.expect` states, every such rule needs a
//! fixture this server refuses and a near-miss it runs, and the README's table of rules
//! shows this server's column as this run counts it (`UPDATE_README=1` rewrites the
//! column; review the diff).

#[path = "../analyzer/tests/support/fixtures.rs"]
mod fixtures;
#[path = "../analyzer/tests/support/readme_table.rs"]
mod readme_table;

use fixtures::{Fixture, Verdict};
use redis_script::testing::RedisServer;
use redis_script_analyzer::{Basis, Level, RULES, Severity, Target};

/// `(column name, target)` of the server: `("redis-7.0", redis-7.0)`, `("valkey-9", ...)`.
fn server_of(con: &mut redis::Connection) -> (String, Target) {
    let info: String = redis::cmd("INFO").arg("server").query(con).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let (family, version) = match field("valkey_version:") {
        Some(version) => ("valkey", version),
        None => ("redis", field("redis_version:").unwrap()),
    };
    let mut parts = version.split('.');
    let (major, minor) = (parts.next().unwrap(), parts.next().unwrap());
    // The newest target the tables know that this server is at least.
    let target = Target::parse(&format!("{family}-{major}.{minor}"))
        .or_else(|_| Target::parse(&format!("{family}-{major}.0")))
        .unwrap_or_else(|e| panic!("no target for {family} {version}: {e}"));
    let column = if family == "valkey" && major == "9" {
        "valkey-9".to_owned()
    } else {
        format!("{family}-{major}.{minor}")
    };
    (column, target)
}

/// What the server does with `fixture` sent as `text`, and what it said: the error, or
/// the reply.
fn run(con: &mut redis::Connection, fixture: &Fixture, text: &str) -> (Verdict, String) {
    let _: () = redis::cmd("FLUSHALL").query(con).unwrap();
    let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(con).unwrap();
    let _: () = redis::cmd("FUNCTION").arg("FLUSH").query(con).unwrap();
    let (load, call) = if fixture.library {
        let mut load = redis::cmd("FUNCTION");
        load.arg("LOAD").arg("REPLACE").arg(text);
        let mut call = redis::cmd("FCALL");
        call.arg(fixture.function.as_deref().unwrap());
        (load, call)
    } else {
        let mut load = redis::cmd("SCRIPT");
        load.arg("LOAD").arg(text);
        let mut call = redis::cmd("EVALSHA");
        call.arg(redis_script_analyzer::sha1_hex(text.as_bytes()));
        (load, call)
    };
    if let Err(error) = load.query::<redis::Value>(con) {
        return (verdict_of(&error, Verdict::RefusedAtLoad), said(&error));
    }
    let mut call = call;
    call.arg(fixture.keys.len())
        .arg(&fixture.keys)
        .arg(&fixture.argv);
    match call.query::<redis::Value>(con) {
        Ok(redis::Value::ServerError(error)) => (Verdict::RefusedAtRun, format!("{error:?}")),
        Ok(reply) => (Verdict::Runs, format!("{reply:?}")),
        Err(error) => (verdict_of(&error, Verdict::RefusedAtRun), said(&error)),
    }
}

/// `refused`, unless the server went away.
fn verdict_of(error: &redis::RedisError, refused: Verdict) -> Verdict {
    if error.is_io_error() || error.is_connection_dropped() {
        Verdict::Crashes
    } else {
        refused
    }
}

/// What the server said, or that it went away.
fn said(error: &redis::RedisError) -> String {
    if error.is_io_error() || error.is_connection_dropped() {
        format!("(the server crashed: {error})")
    } else {
        error.to_string()
    }
}

/// The text sent for `fixture` (its includes expanded) and the rules the analyzer
/// reports as errors for `target` that rest on what servers refuse.
fn analyzed(fixture: &Fixture, target: Target) -> (String, Vec<&'static str>) {
    let root = fixtures::root_from(env!("CARGO_MANIFEST_DIR"));
    let (diagnostics, sources) = fixture.analyze(&root, target);
    let refusing = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.rule.basis == Basis::Server)
        .map(|d| d.rule.name)
        .collect();
    (sources.text, refusing)
}

#[test]
fn every_fixture_gets_the_same_verdict_from_the_server_and_the_analyzer() {
    let mut server = RedisServer::start();
    let mut con = server.connection();
    let (column, target) = server_of(&mut con);
    let all = fixtures::all(&fixtures::root_from(env!("CARGO_MANIFEST_DIR")));
    let mut disagreements = Vec::new();
    // Per rule: fixtures filed under it that break it and the server refused, near-misses
    // it ran.
    let mut refused = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for fixture in &all {
        let (text, refusing) = analyzed(fixture, target);
        let (verdict, error) = run(&mut con, fixture, &text);
        if verdict == Verdict::Crashes {
            // A server bug the fixture shows: a new server for the next one.
            server.restart();
            con = server.connection();
        }
        let expected = fixture.verdict_on(&column);
        if verdict != expected {
            disagreements.push(format!(
                "{}: the .expect says {} on {column}, the server {} {error}",
                fixture.relative,
                expected.text(),
                verdict.text()
            ));
        }
        if verdict.refused() == refusing.is_empty() {
            disagreements.push(format!(
                "{}: {column} {} {error}, the analyzer for {} finds {}",
                fixture.relative,
                verdict.text(),
                target.name(),
                if refusing.is_empty() {
                    "nothing it refuses".to_owned()
                } else {
                    refusing.join(", ")
                }
            ));
        }
        // A fixture that breaks a rule of what servers refuse must be refused for that rule,
        // not for another one the analyzer happens to find.
        let own_rule = RULES.iter().find(|rule| rule.name == fixture.rule);
        if verdict.refused()
            && fixture.breaks_its_rule()
            && own_rule.is_some_and(|rule| rule.basis == Basis::Server)
            && !refusing.is_empty()
            && !refusing.contains(&fixture.rule.as_str())
        {
            disagreements.push(format!(
                "{}: {column} {} {error}, and the analyzer for {} finds {} but not {}",
                fixture.relative,
                verdict.text(),
                target.name(),
                refusing.join(", "),
                fixture.rule
            ));
        }
        let counts = refused.entry(fixture.rule.as_str()).or_default();
        if verdict.refused() && refusing.contains(&fixture.rule.as_str()) {
            counts.0 += 1;
        } else if !verdict.refused() {
            counts.1 += 1;
        }
    }
    for rule in RULES {
        if rule.basis != Basis::Server || rule.default != Level::Deny {
            continue;
        }
        let (broken, near) = refused.get(rule.name).copied().unwrap_or_default();
        if broken == 0 {
            disagreements.push(format!(
                "{}: no fixture that {column} refuses and the analyzer finds",
                rule.name
            ));
        }
        if near == 0 {
            disagreements.push(format!("{}: no near-miss that {column} runs", rule.name));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} fixtures on {column}:\n{}",
        disagreements.len(),
        all.len(),
        disagreements.join("\n")
    );
    readme_column(&column, &refused);
}

/// The coverage-mode text (redis-script's `coverage` feature) of every fixture that parses
/// runs as the fixture does on this server: the same verdict, the same reply or error
/// (the SHA1 in errors aside), the same data left.
#[test]
fn every_fixture_runs_the_same_in_coverage_mode() {
    let mut server = RedisServer::start();
    let mut con = server.connection();
    let (column, target) = server_of(&mut con);
    let all = fixtures::all(&fixtures::root_from(env!("CARGO_MANIFEST_DIR")));
    let (mut differences, mut compared) = (Vec::new(), 0);
    for fixture in &all {
        let (text, _) = analyzed(fixture, target);
        let sha1 = redis_script_analyzer::sha1_hex(text.as_bytes());
        let Some(counting) = redis_script_analyzer::instrument(&text, &sha1, fixture.library)
        else {
            continue;
        };
        let as_written = observe(&mut server, &mut con, fixture, &text);
        let in_coverage_mode = observe(&mut server, &mut con, fixture, &counting.text);
        // The one difference coverage mode makes: a local more at the top of the file.
        let at_the_locals_limit = as_written.contains("more than 200 local variables")
            && in_coverage_mode.starts_with(Verdict::RefusedAtLoad.text());
        if as_written != in_coverage_mode && !at_the_locals_limit {
            differences.push(format!(
                "{}:
  as written:       {as_written}
  in coverage mode: {in_coverage_mode}",
                fixture.relative
            ));
        }
        compared += 1;
    }
    assert!(
        differences.is_empty(),
        "{} of {compared} fixtures run otherwise in coverage mode on {column}:
{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(
        compared * 10 >= all.len() * 9,
        "only {compared} of {} compared",
        all.len()
    );
}

/// What running `fixture` sent as `text` shows: the verdict, the reply or error (its own
/// SHA1 written `<sha1>`), the data it left. A server that went away is started again.
fn observe(
    server: &mut RedisServer,
    con: &mut redis::Connection,
    fixture: &Fixture,
    text: &str,
) -> String {
    let (verdict, said) = run(con, fixture, text);
    if verdict == Verdict::Crashes {
        server.restart();
        *con = server.connection();
        return verdict.text().to_owned();
    }
    let said = said.replace(&redis_script_analyzer::sha1_hex(text.as_bytes()), "<sha1>");
    let mut keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(con).unwrap();
    keys.sort();
    let data: Vec<String> = keys
        .iter()
        .map(|key| {
            let kind: String = redis::cmd("TYPE").arg(key).query(con).unwrap();
            // A stream's entries are named after the time they were added.
            let value = if kind == "stream" {
                let length: i64 = redis::cmd("XLEN").arg(key).query(con).unwrap();
                format!("a stream of {length}")
            } else {
                let dumped: Vec<u8> = redis::cmd("DUMP").arg(key).query(con).unwrap();
                format!("{dumped:?}")
            };
            format!("{} = {value}", String::from_utf8_lossy(key))
        })
        .collect();
    without_times(&format!("{} {said} | {}", verdict.text(), data.join(", ")))
}

/// `text` with each run of 13 digits or more (a time in milliseconds, as in a stream
/// entry's id) written `<ms>`.
fn without_times(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        out.push_str(if digits.len() >= 13 { "<ms>" } else { &digits });
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Checks (or with `UPDATE_README=1` writes) the column `column` of the README's table of
/// rules: for each rule, how many of its fixtures this server refused and how many it ran.
fn readme_column(column: &str, counts: &std::collections::BTreeMap<&str, (usize, usize)>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let cell = |rule: &str| {
        let (refused, ran) = counts.get(rule).copied().unwrap_or_default();
        format!("{refused} refused, {ran} run")
    };
    let (updated, wrong) = readme_table::server_column(&readme, column, &cell)
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        wrong.is_empty(),
        "the README's rules table disagrees with {column} (run with UPDATE_README=1 and review):\n{}",
        wrong.join("\n")
    );
}

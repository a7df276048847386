//! Times the analysis of a large generated script (about 200 KB):
//! `cargo run --release -p redis-script-analyzer --example analysis_time`.

use std::time::Instant;

fn main() {
    let mut source = String::from(
        "--[[\n    A large script.\n\n    KEYS:\n        [1] key - a hash\n    ARGV:\n        [1] value - a value\n    RETURNS: int - the last count\n--]]\nlocal total = 0\nlocal steps = {}\n",
    );
    let mut block = 0;
    while source.len() < 200_000 {
        source.push_str(&format!(
            "steps[{block}] = function(n)\n    local field = 'f' .. n\n    redis.call('HSET', KEYS[1], field, ARGV[1])\n    return tonumber(redis.call('HLEN', KEYS[1])) + n\nend\ntotal = total + steps[{block}]({block})\n"
        ));
        block += 1;
    }
    source.push_str("return total\n");
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let script = redis_script_analyzer::analyze("lua_scripts/large.lua", &source)
            .expect("the script is clean");
        times.push(started.elapsed());
        assert_eq!(script.keys.fixed.len(), 1);
    }
    times.sort();
    let started = Instant::now();
    let parsed = full_moon::parse_fallible(&source, full_moon::LuaVersion::lua51());
    let parse_only = started.elapsed();
    assert!(parsed.errors().is_empty());
    println!(
        "of which full_moon's parse: {:.1} ms",
        parse_only.as_secs_f64() * 1e3
    );
    println!(
        "{} bytes, {} functions: median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs",
        source.len(),
        block,
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3
    );
}

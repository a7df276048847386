//! Feeds arbitrary text to the analyzer: it may reject it, never panic.
//!
//! `cargo fuzz run analyze -s none fuzz/corpus/analyze lua_scripts` (add
//! `RUSTC_BOOTSTRAP=1` on a stable toolchain).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = redis_script_analyzer::analyze("lua_scripts/fuzz.lua", source);
    }
});

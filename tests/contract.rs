//! The contract between the crates of the workspace: what the analyzer rejects at compile
//! time is exactly what the runtime would misread at run time.

#[test]
fn the_runtime_and_the_analyzer_reserve_the_same_error_codes() {
    assert_eq!(
        redis_script::RESERVED_ERROR_CODES,
        redis_script_analyzer::RESERVED_ERROR_CODES
    );
    assert_eq!(
        redis_script::RESERVED_ERR_MESSAGES,
        redis_script_analyzer::RESERVED_ERR_MESSAGES
    );
}

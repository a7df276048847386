//! The headers of the article this project grew from: they must always parse.

/// The block-style header of the article's token bucket, exactly as written there.
pub const SEED_BLOCK: &str = r#"--[[
    Rate Limiter using Token Bucket Algorithm

    KEYS:
        [1] - Rate limit key (e.g., "ratelimit:user:123")

    ARGV:
        [1] - Maximum tokens (bucket capacity)
        [2] - Refill rate (tokens per second)
        [3] - Requested tokens (usually 1)

    RETURNS:
        1 if allowed, 0 if rate limited

    EXAMPLE:
        EVAL script 1 "ratelimit:user:123" 100 10 1
--]]

-- Implementation follows...
"#;

/// The line-style header of the article's rate limiter, exactly as written there.
pub const SEED_LINES: &str = "-- lua_scripts/rate_limiter.lua
-- Rate limiter script
-- KEYS[1] = rate limit key
-- ARGV[1] = limit
-- ARGV[2] = window (seconds)

local key = KEYS[1]
";

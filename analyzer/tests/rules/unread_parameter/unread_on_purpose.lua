-- Reads a value.
-- KEYS[1] = key - the key
-- ARGV[1] = _fallback: string - kept for older callers
-- RETURNS: bulk
return redis.call('GET', KEYS[1])

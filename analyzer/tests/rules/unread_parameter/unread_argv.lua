-- Reads a value.
-- KEYS[1] = key - the key
-- ARGV[1] = fallback - never read
-- RETURNS: bulk
return redis.call('GET', KEYS[1])

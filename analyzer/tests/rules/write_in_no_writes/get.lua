#!lua flags=no-writes
-- Reads a value.
-- KEYS[1] = key - the key
-- RETURNS: bulk - the value, or nil
return redis.call('GET', KEYS[1])

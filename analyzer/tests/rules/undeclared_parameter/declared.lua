-- Reads a value.
-- KEYS[1] = key - the key
-- KEYS[2] = other - another
-- RETURNS: bulk
local other = KEYS[2]
return redis.call('GET', KEYS[1])

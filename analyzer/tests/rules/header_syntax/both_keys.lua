-- Reads the second key.
-- KEYS[1] = first - not read
-- KEYS[2] = other - the key read
-- RETURNS: bulk
local _ = KEYS[1]
return redis.call('GET', KEYS[2])

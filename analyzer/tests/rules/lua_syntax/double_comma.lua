-- Reads a value.
-- KEYS[1] = key - the key
-- RETURNS: bulk - the value, or nil
local pair = {1, 2,, 3}
return redis.call('GET', KEYS[1])

-- Reads a value through a helper.
-- KEYS[1] = key - the key
-- RETURNS: bulk
--- @include "absent.lua"
return redis.call('GET', KEYS[1])

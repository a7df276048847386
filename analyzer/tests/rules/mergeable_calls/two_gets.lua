-- Reads two values.
-- KEYS[1] = a - one key
-- KEYS[2] = b - another
-- RETURNS: [string?]
local a = redis.call('GET', KEYS[1])
local b = redis.call('GET', KEYS[2])
return {a, b}

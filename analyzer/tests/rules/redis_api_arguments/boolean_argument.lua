-- Stores a value.
-- KEYS[1] = key - the key
-- ARGV[1] = value - the value
-- RETURNS: status
local _ = ARGV[1]
return redis.call('SET', KEYS[1], true)

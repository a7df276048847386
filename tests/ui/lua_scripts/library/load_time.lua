#!lua name=warmup
local prefix = string.format('%s:', 'warm')
redis.call('SET', 'warmed', '1')

-- Reads a warm key.
-- KEYS[1] = key
redis.register_function('read', function(keys) return redis.call('GET', prefix .. keys[1]) end)

#!lua name=touches
-- Reads a key, and touches it on the way.
-- KEYS[1] = key
local function read(keys)
  redis.call('EXPIRE', keys[1], 60)
  return redis.call('GET', keys[1])
end
redis.register_function{function_name = 'read', callback = read, flags = {'no-writes'}}

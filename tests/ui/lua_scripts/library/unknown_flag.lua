#!lua name=flags
-- Reads a key.
-- KEYS[1] = key
local function read(keys)
  return redis.call('GET', keys[1])
end
redis.register_function{function_name = 'read', callback = read, flags = {'no-writes', 'read-only'}}

#!lua name=broken
-- Counts.
-- KEYS[1] = counter
local function count(keys)
  return redis.call('INCR', keys[1]) +
end
redis.register_function('count', count)

#!lua name=moves
-- Moves a value from one key to another.
-- KEYS[1] = source
local function move(keys)
  return redis.call('RENAME', keys[1], keys[2])
end
redis.register_function('move', move)

#!lua name=sessions
-- Sessions, as functions.

--[[
  Opens a session.
  KEYS:
    [1] session - the session hash
  ARGV:
    [1] user - who opened it
    [2] ttl: int - seconds it lives
  RETURNS: status
--]]
local function open(keys, args)
  redis.call('HSET', keys[1], 'user', args[1])
  redis.call('EXPIRE', keys[1], args[2])
  return redis.status_reply('OK')
end

-- Reads who opened a session.
-- KEYS[1] = session
-- RETURNS: string?
local function owner(keys)
  return redis.call('HGET', keys[1], 'user')
end

redis.log(redis.LOG_NOTICE, 'sessions library loading')
redis.register_function('open', open)
redis.register_function{function_name = 'sessionOwner', callback = owner, flags = {'no-writes'}}

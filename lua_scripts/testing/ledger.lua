#!lua name=ledger
-- A ledger of calls, as a Redis Functions library, for the tests: each recorded call is
-- appended to a log and counted, so a test can tell whether any ran twice.

-- Appends a call's id to the log and counts it.
-- KEYS[1] = log - list of the ids recorded
-- KEYS[2] = count - how many were recorded
-- ARGV[1] = id - the call's id
-- RETURNS: int - the count after this call
local function record(keys, args)
  redis.call('RPUSH', keys[1], args[1])
  return redis.call('INCR', keys[2])
end

-- How many calls were recorded.
-- KEYS[1] = count
-- RETURNS: int
local function recorded(keys)
  return tonumber(redis.call('GET', keys[1]) or '0')
end

-- Fails the way `mode` asks: `lua` (a Lua error), `closed` (an error reply declared
-- below), `wrongtype` (a command refused on a key of the wrong type).
-- KEYS[1] = key - a key holding a string
-- ARGV[1] = mode
-- RETURNS: int
-- ERRORS:
--   LEDGER_CLOSED - the ledger takes no more calls
local function fail(keys, args)
  if args[1] == 'lua' then
    local missing = nil
    return missing.field
  elseif args[1] == 'closed' then
    return redis.error_reply('LEDGER_CLOSED no more calls')
  end
  return redis.call('LPUSH', keys[1], 'x')
end

-- Keeps the server busy until it is stopped with FUNCTION KILL.
-- KEYS: none
local function spin()
  local turns = 0
  while true do
    turns = turns + 1
  end
end

redis.register_function('record', record)
redis.register_function{function_name = 'recorded', callback = recorded, flags = {'no-writes'}}
redis.register_function('fail', fail)
redis.register_function{function_name = 'spin', callback = spin, flags = {'no-writes'}}

#!lua name=ratelimit
--[[
  Fixed-window rate limiting as a Redis Functions library: loaded once, kept across
  restarts and failovers, called by name.
]]

--- Counts one request against a fixed window and tells whether it is allowed.
--- KEYS[1] = counter key
--- ARGV[1] = limit (requests per window)
--- ARGV[2] = window (seconds)
--- RETURNS: int - 1 if allowed, 0 if limited
--- ERRORS:
---   BAD_LIMIT - the limit is not a positive number
local function allow(keys, args)
  local limit = tonumber(args[1])
  if not limit or limit < 1 then
    return redis.error_reply('BAD_LIMIT limit must be a positive number')
  end
  local hits = redis.call('INCR', keys[1])
  if hits == 1 then
    redis.call('EXPIRE', keys[1], args[2])
  end
  if hits > limit then
    return 0
  end
  return 1
end

--- How many requests the current window has counted.
--- KEYS[1] = counter key
--- RETURNS: int
local function hits(keys)
  return tonumber(redis.call('GET', keys[1]) or '0')
end

--- Forgets the counted requests.
--- KEYS[1] = counter key
--- RETURNS: int - 1 if there was a window to forget, else 0
local function reset(keys)
  return redis.call('DEL', keys[1])
end

redis.register_function('allow', allow)
redis.register_function{
  function_name = 'hits',
  callback = hits,
  flags = {'no-writes'},
  description = 'requests counted in the current window',
}
redis.register_function('reset', reset)

#!lua name=unions
-- Union replies from a Redis Functions library, for the tests.

-- Takes the next item of a list: the item and how many are left, or, when there is
-- none, the list's time to live in milliseconds (-2: the list does not exist).
-- KEYS[1] = list
-- RETURNS: item: (string, int) | ttl: int
local function next_item(keys)
  local item = redis.call('LPOP', keys[1])
  if not item then
    return redis.call('PTTL', keys[1])
  end
  return {item, redis.call('LLEN', keys[1])}
end

redis.register_function('next_item', next_item)

-- Counts the keys matching a pattern, a page at a time (the article's "Return count and
-- process in batches").
-- ARGV[1] = pattern
-- RETURNS: int - how many keys match
local count = 0
local cursor = '0'
repeat
  local result = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 100)
  cursor = result[1]
  count = count + #result[2]
until cursor == '0'
return count

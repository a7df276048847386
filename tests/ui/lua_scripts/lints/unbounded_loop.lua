-- Pops as many jobs as the caller asks for, one call each.
-- KEYS[1] = queue
-- ARGV[1] = count: int
local popped = {}
for i = 1, tonumber(ARGV[1]) do
  popped[i] = redis.call('LPOP', KEYS[1])
end
return popped

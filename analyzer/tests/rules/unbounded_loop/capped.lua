-- Pushes.
-- KEYS[1] = list - the list
-- ARGV[1] = n: int - how many
-- RETURNS: int
for i = 1, math.min(tonumber(ARGV[1]), 100) do redis.call('RPUSH', KEYS[1], i) end
return 1

-- Pushes.
-- KEYS[1] = list - the list
-- ARGV[1] = n: int - how many
-- RETURNS: int
for i = 1, tonumber(ARGV[1]) do redis.call('RPUSH', KEYS[1], i) end
return 1

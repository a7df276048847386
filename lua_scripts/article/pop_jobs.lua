-- Pops up to 100 jobs per call, however many the caller asks for.
-- KEYS[1] = queue
-- ARGV[1] = count: int
-- RETURNS: [string]
local count = math.min(tonumber(ARGV[1]), 100)
return redis.call('LPOP', KEYS[1], count) or {}

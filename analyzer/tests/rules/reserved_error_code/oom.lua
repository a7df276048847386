-- Reserves.
-- ARGV[1] = n: int - how many
-- RETURNS: int
-- ERRORS:
--   OOM - not enough room
if tonumber(ARGV[1]) > 100 then return redis.error_reply('OOM not enough room') end
return 1

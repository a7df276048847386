-- Reserves.
-- ARGV[1] = n: int - how many
-- RETURNS: int
-- ERRORS:
--   NO_ROOM - not enough room
if tonumber(ARGV[1]) > 100 then return redis.error_reply('NO_ROOM not enough room') end
return 1

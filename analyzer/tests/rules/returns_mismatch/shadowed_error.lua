-- RETURNS: int
local function error() end
if redis.call('PING') then return 1 end
error('x')

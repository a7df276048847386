--[[
  RETURNS: int
--]]
if redis.call('PING') then return 'no' end
return 1

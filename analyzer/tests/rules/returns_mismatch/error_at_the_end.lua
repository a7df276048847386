-- RETURNS: int
if redis.call('PING') then return 1 end
error('unreachable')

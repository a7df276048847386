-- RETURNS: int
if redis.call('PING') then return 1 else return 0 end

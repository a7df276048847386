-- RETURNS: string?
if redis.call('PING') then return nil end
return 'x'

-- RETURNS: status
if redis.call('EXISTS', 'no-such-key') == 1 then return redis.error_reply('x') end
return 'OK'

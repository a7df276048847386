-- Calls nothing, and looks at the error.
-- RETURNS: int
local reply = redis.pcall()
if type(reply) == 'table' and reply.err then return 1 end
return 0

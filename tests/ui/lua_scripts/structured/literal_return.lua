-- Reads a job's settings.
-- KEYS[1] = settings
-- RETURNS: json
local raw = redis.call('GET', KEYS[1])
if not raw then return '{}' end
return cjson.encode(cjson.decode(raw))

-- Stores a value.
-- KEYS[1] = key - the key
-- ARGV[1] = value - the value
-- RETURNS: status
redis.set_repl(redis.REPL_ALL)
local allowed = redis.acl_check_cmd('set', KEYS[1], ARGV[1])
redis.call('SET', KEYS[1], tostring(allowed))
return redis.sha1hex(ARGV[1])

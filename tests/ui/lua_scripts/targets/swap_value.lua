--[[
    Replaces a value only if it still holds the expected one (SET ... IFEQ, Valkey 8.1),
    through Valkey's `server` table.

    KEYS:
        [1] key - The value's key
    ARGV:
        [1] expected - The value it must hold
        [2] new_value - The value to put
    RETURNS: status? - OK when replaced
--]]
return server.call('SET', KEYS[1], ARGV[2], 'IFEQ', ARGV[1])

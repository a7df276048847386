--[[
    Uses the Lua forms the checks must accept without a false alarm.

    KEYS:
        [1] first - The first key
        [2..] others - More keys
    ARGV:
        [1] prefix: string - Text to prepend
    RETURNS: [string] - each key with the prefix
--]]

local KEYS_SEEN = 0
local function prefixed(key, ...)
    local extra = select('#', ...)
    return ARGV[1] .. key .. string.rep('!', extra)
end
local keys = KEYS
local out = {}
for i = 1, #keys do
    local function add(value) out[#out + 1] = value end
    add(prefixed(keys[i]))
    KEYS_SEEN = KEYS_SEEN + 1
end
do
    local KEYS = {'shadow'}
    out[#out + 1] = ('' .. KEYS[1]):upper():lower():sub(1, 0)
end
repeat local done = true until done
local ok = pcall(redis.call, 'GET', KEYS[1])
redis.log(redis.LOG_NOTICE, cjson.encode({seen = KEYS_SEEN, ok = ok}))
return out

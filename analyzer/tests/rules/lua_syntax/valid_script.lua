--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local function add(a, b) return a + b end
local total = 0
local function bump() total = add(total, 1) end
bump()
do local inner = KEYS[1] end
for i, v in ipairs({1, 2}) do total = total + i + v end
for i = 1, 3 do total = total + i end
while total > 100 do total = total - 1 end
repeat local again = total until again
local upper = ('x'):upper()
local s = string.format('%s', ARGV[1]) .. upper
local t = {name = s, [1] = cjson.encode({})}
local function count(...) return select('#', ...) end
local packed = cmsgpack.pack(t) .. struct.pack('>I2', 1) .. bit.tohex(5)
redis.log(redis.LOG_WARNING, tostring(count(1, 2)) .. packed)
local ok, err = pcall(redis.call, 'GET', KEYS[1])
return redis.call('SET', KEYS[1], s)

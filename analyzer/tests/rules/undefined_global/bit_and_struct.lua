--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
local packed = struct.pack('>I2', bit.band(7, 3))
return redis.call('SET', KEYS[1], ARGV[1] .. packed)

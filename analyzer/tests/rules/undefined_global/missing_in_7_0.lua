--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
print(KEYS[1], ARGV[1])
local m = require('x')
return os.clock()

--[[
  KEYS:
    [1] key - a key
  ARGV:
    [1] value - a value
--]]
return server.call('SET', KEYS[1], ARGV[1])

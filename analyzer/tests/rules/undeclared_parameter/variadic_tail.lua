--[[
  KEYS:
    [1] first - a key
    [2..] rest - more keys
--]]
local out = {}
for i = 1, #KEYS do out[i] = KEYS[i] end
return out

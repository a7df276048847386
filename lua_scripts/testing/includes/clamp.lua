--[[
  Clamps a number into a range, for the tests of line coverage.
]]
local function clamp(value, low, high)
  if value < low then
    return low
  end
  if value > high then
    return high
  end
  return value
end

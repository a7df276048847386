--[[
  Adds a score to a counter and says where the counter, clamped to 0..100, landed: for the
  tests of line coverage (branches, an included helper, an error reply).

  KEYS:
    [1] total - the counter
  ARGV:
    [1] score: int - the score to add
  RETURNS: string - `low`, `middle` or `high`
  ERRORS:
    NEGATIVE - the score is below zero
--]]
--- @include "includes/clamp"

local score = tonumber(ARGV[1])
if score < 0 then
  return redis.error_reply('NEGATIVE the score is below zero')
end
local total = clamp(redis.call('INCRBY', KEYS[1], score), 0, 100)
if total == 100 then
  return 'high'
elseif total < 10 then
  return 'low'
end
return 'middle'

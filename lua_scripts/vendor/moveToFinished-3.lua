--[[
  Moves an active job to the completed set, if the worker still holds its lock.

    Input:
      KEYS[1] 'active',
      KEYS[2] 'completed',
      KEYS[3] 'events'

      ARGV[1] key prefix
      ARGV[2] job id
      ARGV[3] token
      ARGV[4] return value
      ARGV[5] timestamp

    Output:
      0 - OK
     -1 - the job does not exist
     -2 - the lock is missing or held by another token
]]
local rcall = redis.call

--- @include "includes/emitEvent"

local jobKey = ARGV[1] .. ARGV[2]
if rcall("EXISTS", jobKey) == 0 then
  return -1
end
if rcall("GET", jobKey .. ":lock") ~= ARGV[3] then
  return -2
end
rcall("DEL", jobKey .. ":lock")
rcall("LREM", KEYS[1], -1, ARGV[2])
rcall("ZADD", KEYS[2], ARGV[5], ARGV[2])
rcall("HSET", jobKey, "state", "completed", "returnvalue", ARGV[4], "finishedOn", ARGV[5])
emitEvent(KEYS[3], "completed", ARGV[2])
return 0

--[[
  Moves the next waiting job to the active list and locks it with the worker's token.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'active',
      KEYS[3] 'meta'
      KEYS[4] 'events'

      ARGV[1] key prefix
      ARGV[2] token
      ARGV[3] msgpacked opts

      opts - lockDuration - milliseconds the lock lasts

    Output:
      0 - no job is waiting
     -1 - the queue is paused
      otherwise the job: its id, name, data and the attempts made so far
]]
local rcall = redis.call

--- @include "includes/emitEvent"

if rcall("HEXISTS", KEYS[3], "paused") == 1 then
  return -1
end

local jobId = rcall("RPOPLPUSH", KEYS[1], KEYS[2])
if not jobId then
  return 0
end

local opts = cmsgpack.unpack(ARGV[3])
local jobKey = ARGV[1] .. jobId
rcall("SET", jobKey .. ":lock", ARGV[2], "PX", opts["lockDuration"])
local attempts = rcall("HINCRBY", jobKey, "attemptsMade", 1)
rcall("HSET", jobKey, "state", "active")
emitEvent(KEYS[4], "active", jobId)
local job = rcall("HMGET", jobKey, "name", "data")
return {jobId, job[1], job[2], attempts}

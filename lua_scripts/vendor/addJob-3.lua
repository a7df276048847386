--[[
  Adds a job to the queue: stores it under a fresh id and pushes the id onto the
  wait list.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'id',
      KEYS[3] 'events'

      ARGV[1] key prefix
      ARGV[2] job name
      ARGV[3] data, as the caller encoded it
      ARGV[4] opts, msgpacked

      opts - priority - lower runs first (0 when missing)
      opts - attempts - how many times the job may run

    Output:
      the job id
]]
local rcall = redis.call

--- @include "includes/storeJob"

local opts = cmsgpack.unpack(ARGV[4])
local jobId = rcall("INCR", KEYS[2])
storeJob(ARGV[1] .. jobId, ARGV[2], ARGV[3], opts)
rcall("LPUSH", KEYS[1], jobId)
emitEvent(KEYS[3], "added", jobId)
return jobId

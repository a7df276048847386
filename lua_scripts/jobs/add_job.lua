--[[
  Adds a job to a queue: stores its fields under a fresh id, pushes the id onto the
  waiting list and announces it on the events stream.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'id',
      KEYS[3] events stream key

      ARGV[1] key prefix of the job hashes
      ARGV[2] job name
      ARGV[3] payload (json text)

    Output:
      the new job's id
]]
local rcall = redis.call

--- @include "includes/store_job"

local id = rcall("INCR", KEYS[2])
store_job(ARGV[1] .. id, ARGV[2], ARGV[3])
rcall("LPUSH", KEYS[1], id)
emit_event(KEYS[3], "added", id)
return id

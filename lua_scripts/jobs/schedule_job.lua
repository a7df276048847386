--[[
  Schedules a job: stores it, counted and stamped, and returns it as stored.

  KEYS:
    [1] jobs: key - the hash of jobs, by id
  ARGV:
    [1] id - the job's id
    [2] job: json - the job, as the caller sees it
  RETURNS: msgpack - the job as stored: attempts counted, state set
--]]
local job = cjson.decode(ARGV[2])
job.attempts = (job.attempts or 0) + 1
job.state = 'scheduled'
local stored = cmsgpack.pack(job)
redis.call('HSET', KEYS[1], ARGV[1], stored)
return stored

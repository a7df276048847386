--[[
  Tells where a job stands: its state and how many times it was tried, as JSON.

  KEYS:
    [1] jobs: key - the hash of jobs, by id
  ARGV:
    [1] id - the job's id
  RETURNS: json - {"state": ..., "attempts": ...}, or null when there is no such job
--]]
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then
  return cjson.encode(cjson.null)
end
local job = cmsgpack.unpack(stored)
return cjson.encode({state = job.state, attempts = job.attempts})

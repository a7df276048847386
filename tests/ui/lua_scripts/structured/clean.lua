--[[
  Adds a job and returns its settings.
  KEYS:
    [1] jobs: key - the queue
  ARGV:
    [1] job: json - the job
    [2..] extras: msgpack - more values
  RETURNS: [json]?
--]]
local job = cjson.decode(ARGV[1])
redis.call('RPUSH', KEYS[1], cjson.encode(job))
if #ARGV > 1 then return nil end
return {cjson.encode(job)}

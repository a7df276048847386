--[[
  Adds a job.
    Input:
      KEYS[1] 'wait' list
      KEYS[2] jobs hash
      ARGV[1] job id
      ARGV[2] msgpacked opts
]]
local opts = cmsgpack.unpack(ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], tostring(opts))
return redis.call('LPUSH', KEYS[1], ARGV[1])

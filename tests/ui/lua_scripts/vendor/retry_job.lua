--[[
  Puts a failed job back on the wait list, if it has attempts left.

    Input:
      KEYS[1] 'wait',
      KEYS[2] job hash

      ARGV[1] job id
      ARGV[2] max attempts
      ARGV[3] msgpacked backoff opts

    Output:
      0 - the job waits again
     -1 - no attempts left
]]
local attempts = redis.call("HINCRBY", KEYS[2], "attemptsMade", 1)
if attempts >= tonumber(ARGV[2]) then
  return -1
end
local backoff = cmsgpack.unpack(ARGV[3])
redis.call("HSET", KEYS[2], "delay", backoff["delay"] or 0)
redis.call("LPUSH", KEYS[1], ARGV[1])
return 0

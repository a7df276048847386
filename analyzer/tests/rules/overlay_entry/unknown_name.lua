--[[
  Refreshes the lock of a job.

  Input:
    KEYS[1] lock key

    ARGV[1] token
    ARGV[2] lock duration in milliseconds

  Output:
    0 - OK
   -1 - the lock is not held with this token
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 0
end
return -1

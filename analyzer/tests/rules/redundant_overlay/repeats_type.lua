--[[
  Adds a job to the wait list.
    Input:
      KEYS[1] 'wait' list
      ARGV[1] id: string - the job id
      ARGV[2] priority: int - lower runs first
    Output:
      the length of the list
]]
return redis.call('LPUSH', KEYS[1], ARGV[1] .. ':' .. ARGV[2])

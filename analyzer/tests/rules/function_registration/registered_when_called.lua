#!lua name=jobs
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
local function take(keys, args)
  redis.register_function('later', function() return 1 end)
  return redis.call('LLEN', keys[1])
end
redis.register_function('take', take)

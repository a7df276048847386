#!lua name=jobs
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
local function take(keys, args)
  return redis.call('LLEN', keys[1])
end
redis.register_function('take', take)
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
redis.register_function('TAKE', function(keys) return redis.call('LLEN', keys[1]) end)

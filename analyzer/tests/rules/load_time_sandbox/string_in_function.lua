#!lua name=jobs
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
local function take(keys, args)
  return redis.call('LLEN', string.format('%s', keys[1]))
end
redis.register_function('take', take)

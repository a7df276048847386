#!lua name=jobs
redis.call('SET', 'loaded', 1)
--- Takes a job.
--- RETURNS: int
local function take(keys, args)
  return 1
end
redis.register_function('take', take)

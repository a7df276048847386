#!lua name=jobs
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
local function take(keys, args)
  return redis.call('LLEN', keys[1])
end
redis.register_function{function_name = 'take', callback = take, flags = {'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}

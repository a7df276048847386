#!lua name=jobs
--- Takes a job.
--- KEYS[1] = queue
--- RETURNS: int
local function take(keys, args)
  return redis.call('LLEN', keys[1])
end
redis.register_function({Function_Name = 'take', CALLBACK = take, description = nil, flags = {'no-writes', nil, 42}})

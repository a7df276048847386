#!lua name=jobs
local loaded_on = redis.REDIS_VERSION
--- Tells the version the library was loaded on.
--- RETURNS: string
local function take(keys, args)
  return loaded_on
end
redis.register_function('take', take)

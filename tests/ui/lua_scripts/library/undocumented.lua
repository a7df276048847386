#!lua name=bare

local function get(keys, args)
  return redis.call('GET', keys[1])
end

redis.register_function('get', get)

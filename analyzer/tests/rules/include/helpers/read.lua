local function read_value(key)
  return redis.call('GET', key)
end

-- Hands a job to the next worker.
-- The keys and arguments are described on the project's wiki.
local job = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if job then
    redis.call('HSET', KEYS[3], job, ARGV[1])
end
return job

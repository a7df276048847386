--[[
  Takes the next job.
  RETURNS: empty: int | job: (string, int) - 0 when there is no job, else the job id and its attempt
  KEYS:
    [1] wait - the wait list
    [2] active - the active list
]]
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then
  return 0
end
return {id, 1}

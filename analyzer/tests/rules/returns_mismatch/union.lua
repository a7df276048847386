--[[
  Takes the next job.
    Input:
      KEYS[1] 'wait' list
      KEYS[2] 'active' list
    Output:
      0 when there is no job, else the job id and its attempt
]]
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then
  return 0
end
if id == '' then
  return 'empty id'
end
return {id, 1}

--[[
  Tells a job's state.

    Input:
      KEYS[1] job hash
      ARGV[1] known: string - the state the caller last saw

    Output:
      the state, "unchanged" when it is the one the caller saw, or 0 when the job does not exist
]]
local state = redis.call("HGET", KEYS[1], "state")
if not state then
  return 0
end
if state == ARGV[1] then
  return "unchanged"
end
return state

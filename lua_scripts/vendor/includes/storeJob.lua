--[[
  Writes a new job's hash, then tells the events stream.
]]
--- @include "emitEvent"

local function storeJob(jobKey, name, data, opts)
  rcall("HSET", jobKey, "name", name, "data", data, "priority", opts["priority"] or 0,
    "attempts", opts["attempts"] or 1, "attemptsMade", 0, "state", "waiting")
end

--[[
  Writes a job's fields into its hash, then tells the events stream (the including
  script defines `rcall`).
]]
--- @include "emit_event"

local function store_job(job_key, name, payload)
  rcall("HSET", job_key, "name", name, "data", payload, "state", "waiting")
end

--[[
    The seed's debugging helpers at work: logs each step with debug_print (to the
    server log, at warning level) and returns the steps, as execute_with_debug does.

    KEYS:
        [1] counter - A counter to read and increment
    RETURNS: (int, [string]) - the new value, then the steps taken
    EXAMPLE:
        EVAL script 1 debug:counter
--]]

local function debug_print(...)
    local args = {...}
    local msg = ""
    for i, v in ipairs(args) do
        msg = msg .. tostring(v) .. " "
    end
    redis.log(redis.LOG_WARNING, "[DEBUG] " .. msg)
end

local debug_info = {}

local value = redis.call('GET', KEYS[1])
debug_print("Processing key:", KEYS[1], "with value:", value)
table.insert(debug_info, "Got value: " .. tostring(value))

local result = (tonumber(value) or 0) + 1
table.insert(debug_info, "Computed result: " .. tostring(result))

redis.call('SET', KEYS[1], result)
table.insert(debug_info, "Set new value")

return {result, debug_info}

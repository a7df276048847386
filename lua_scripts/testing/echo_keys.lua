--[[
    Returns its keys followed by its arguments, to test how calls are encoded.

    KEYS:
        [1] first - The first key
        [2..] others - Any further keys
    ARGV:
        [1] count: int - A number
        [2] ratio: float - A fraction
        [3] flag: bool - A switch
        [4] label: string - Some text
        [5] blob: bytes - Some bytes
    RETURNS: [bytes] - KEYS, then ARGV, as sent
--]]

local out = {}
for i = 1, #KEYS do
    out[#out + 1] = KEYS[i]
end
out[#out + 1] = ARGV[1]
out[#out + 1] = ARGV[2]
out[#out + 1] = ARGV[3]
out[#out + 1] = ARGV[4]
out[#out + 1] = ARGV[5]
return out

local ids = ARGV[4]
local n = #ids / 16
if n > 0 then
  local sub, fields = string.sub, {}
  for i = 1, n do fields[i] = sub(ids, i * 16 - 15, i * 16) end
  for from = 1, n, 1000 do
    redis.call('HDEL', KEYS[2], unpack(fields, from, math.min(from + 999, n)))
  end
end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], 'd' .. ARGV[3], 'PX', ARGV[1])
else
  redis.call('DEL', KEYS[1])
end
return 1

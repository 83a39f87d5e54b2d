local claim, window, pending_ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local prefix, claim_prefix, ids = ARGV[4], ARGV[5], ARGV[6]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = math.floor(now / window)
local current, previous = prefix .. bucket, prefix .. (bucket - 1)
local sub, n = string.sub, #ids / 16
local fields = {}
for i = 1, n do fields[i] = sub(ids, i * 16 - 15, i * 16) end
local function lookup(key)
  if n <= 1000 then return redis.call('HMGET', key, unpack(fields)) end
  local found = {}
  for from = 1, n, 1000 do
    local part = redis.call('HMGET', key, unpack(fields, from, math.min(from + 999, n)))
    for j = 1, #part do found[from + j - 1] = part[j] end
  end
  return found
end
local found = lookup(current)
local before = false
if redis.call('EXISTS', previous) == 1 then before = lookup(previous) end
local out, o, new, m, states = {bucket, now}, 2, {}, 0, {}
for i = 1, n do
  local owner = found[i]
  if not owner and before then owner = before[i] end
  local state = 0
  if owner and owner ~= claim then
    state = states[owner]
    if not state then
      local v = redis.call('GET', claim_prefix .. owner)
      state = 0
      if v and now - tonumber(sub(v, 2)) < window then
        if sub(v, 1, 1) == 'd' then state = 1 else state = 2 end
      end
      states[owner] = state
    end
  end
  if state == 0 then
    new[m + 1] = fields[i]; new[m + 2] = claim; m = m + 2
  else
    out[o + 1] = i; out[o + 2] = state; o = o + 2
  end
end
if m > 0 then
  for from = 1, m, 1000 do
    redis.call('HSET', current, unpack(new, from, math.min(from + 999, m)))
  end
  redis.call('PEXPIREAT', current, (bucket + 2) * window + 60000)
  redis.call('SET', claim_prefix .. claim, 'p' .. now, 'PX', pending_ttl)
end
return out

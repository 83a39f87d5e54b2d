-- Applies one journey transition to the per-customer funnel state and the aggregate funnel counters,
-- atomically and at most once per transitionId. A customer's contribution to the counters is a pure
-- function of its state (stage -> first entered at, day, channel), so every change is written as
-- "subtract what the old state contributed, add what the new state contributes": a person counts once,
-- whatever order entries and merges arrive in.
--
-- KEYS[1]  marker of the transition: tp:metrics:seen:<transitionId>
-- ARGV[1]  marker time-to-live, seconds
-- ARGV[2]  key prefix: tp:metrics:
-- ARGV[3]  funnels as JSON: [{"id":"lifecycle","stages":["awareness","discovery",...]}, ...]
-- ARGV[4]  kind: stage_entered | customer_merged
-- stage_entered:   ARGV[5] customerId, ARGV[6] stage, ARGV[7] at (epoch millis), ARGV[8] UTC day, ARGV[9] channel
-- customer_merged: ARGV[5] survivor customerId, ARGV[6] absorbed customerId
-- Returns 'counted' or 'duplicate'.
--
-- Counter, state and alias keys are derived here from the prefix, so this needs a standalone Redis (or a
-- cluster where every tp:metrics: key hashes to one slot).

local kind = ARGV[4]
if kind ~= 'stage_entered' and kind ~= 'customer_merged' then
  return redis.error_reply('unknown transition kind ' .. tostring(kind))
end

if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 'duplicate'
end

local prefix = ARGV[2]
local funnels = cjson.decode(ARGV[3])

-- A customer absorbed by a merge counts under its survivor, also for entries that arrive after the merge.
local function resolve(id)
  local hops = 0
  local survivor = redis.call('GET', prefix .. 'alias:' .. id)
  while survivor and hops < 64 do
    id = survivor
    hops = hops + 1
    survivor = redis.call('GET', prefix .. 'alias:' .. id)
  end
  return id
end

local function state_key(id)
  return prefix .. 'customer:' .. id
end

local function entry(value)
  local at, day, channel = string.match(value, '^(%d+)|([^|]+)|(.*)$')
  return { at = tonumber(at), day = day, channel = channel, value = value }
end

local function read_state(key)
  local flat = redis.call('HGETALL', key)
  local state = {}
  for i = 1, #flat, 2 do
    state[flat[i]] = entry(flat[i + 1])
  end
  return state
end

-- Adds sign x (the counters this state contributes) to deltas[key][field]. Step i counts as entered in the
-- bucket of its own day and channel; it counts as converted when step i+1 was entered at the same time or later.
local function contribute(deltas, state, sign)
  for _, funnel in ipairs(funnels) do
    local stages = funnel.stages
    for i, stage in ipairs(stages) do
      local e = state[stage]
      if e then
        local measures = { 'entered' }
        local following = stages[i + 1] and state[stages[i + 1]]
        if following and e.at <= following.at then
          measures[2] = 'converted'
        end
        local base = prefix .. 'funnel:' .. funnel.id
        for _, key in ipairs({ base .. ':total', base .. ':day:' .. e.day }) do
          local fields = deltas[key]
          if not fields then
            fields = {}
            deltas[key] = fields
          end
          for _, measure in ipairs(measures) do
            local all = measure .. ':' .. stage
            local by_channel = all .. ':' .. e.channel
            fields[all] = (fields[all] or 0) + sign
            fields[by_channel] = (fields[by_channel] or 0) + sign
          end
        end
      end
    end
  end
end

local function apply(deltas)
  for key, fields in pairs(deltas) do
    for field, delta in pairs(fields) do
      if delta ~= 0 then
        redis.call('HINCRBY', key, field, delta)
      end
    end
  end
end

if kind == 'stage_entered' then
  local key = state_key(resolve(ARGV[5]))
  local stage = ARGV[6]
  local state = read_state(key)
  local current = state[stage]
  -- Only the first entry (by event time) counts; a late event that is earlier moves the entry.
  if not current or tonumber(ARGV[7]) < current.at then
    local deltas = {}
    contribute(deltas, state, -1)
    local value = ARGV[7] .. '|' .. ARGV[8] .. '|' .. ARGV[9]
    state[stage] = entry(value)
    contribute(deltas, state, 1)
    apply(deltas)
    redis.call('HSET', key, stage, value)
  end
else
  local survivor = resolve(ARGV[5])
  local absorbed = resolve(ARGV[6])
  if survivor ~= absorbed then
    local survivor_key = state_key(survivor)
    local absorbed_key = state_key(absorbed)
    local kept = read_state(survivor_key)
    local gone = read_state(absorbed_key)
    local deltas = {}
    contribute(deltas, kept, -1)
    contribute(deltas, gone, -1)
    local union = {}
    for stage, e in pairs(kept) do
      union[stage] = e
    end
    for stage, e in pairs(gone) do
      if not union[stage] or e.at < union[stage].at then
        union[stage] = e
      end
    end
    contribute(deltas, union, 1)
    apply(deltas)
    for stage, e in pairs(union) do
      redis.call('HSET', survivor_key, stage, e.value)
    end
    redis.call('DEL', absorbed_key)
    redis.call('SET', prefix .. 'alias:' .. absorbed, survivor)
  end
end

return 'counted'

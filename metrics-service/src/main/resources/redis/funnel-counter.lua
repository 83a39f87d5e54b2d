-- Applies one record to metrics-service's Redis state, atomically and at most once per record id:
-- journey transitions (stage_entered, stage_corrected, customer_merged, customer_erased), KPI touchpoints,
-- and the drop-off sweep.
--
-- Funnels: a customer's contribution to the funnel counters is a pure function of its state (stage -> first
-- entered at, day, channel; plus the steps the sweep found dropped), so every change is written as "subtract
-- what the old state contributed, add what the new state contributes": a person counts once, whatever order
-- entries, corrections, merges and erasures arrive in.
-- KPIs: every counted event is appended to its person's log, so a merge moves it and an erasure subtracts it;
-- "distinct customer" KPIs (payers, churned) keep the person's first such event.
--
-- ARGV[1]  op: stage_entered | stage_corrected | customer_merged | customer_erased | kpi | sweep
-- ARGV[2]  key prefix of one generation to write (rebuild), or '' for the live generation(s): the current one
--          (tp:metrics:generation, default tp:metrics:g0:) and, while a rebuild runs, the one being built
--          (tp:metrics:building), so no live record is missed by the rebuilt counters
-- ARGV[3]  model as JSON: {"funnels":[{"id","stages":[...],"window":<ms>}],"ttcBounds":[<seconds>...]}
-- ARGV[4]  marker time-to-live, seconds
-- stage_entered/stage_corrected: ARGV[5] transitionId, [6] customerId, [7] stage, [8] at ms, [9] UTC day,
--                                [10] channel, [11] userId or '', [12] anonymousId or ''
-- customer_merged:               ARGV[5] transitionId, [6] survivor, [7] absorbed
-- customer_erased:               ARGV[5] transitionId, [6] customerId
-- kpi:   ARGV[5] messageId, [6] customerId or '' (known in a rebuild), [7] userId or '', [8] anonymousId or '',
--        [9] at ms, [10] UTC day, [11] channel, [12] n, then n pairs measure, delta, then m, then m first-names
-- sweep: ARGV[5] now ms, [6] how many due deadlines to look at
-- Returns 'counted', 'duplicate' or 'skipped' (sweep: how many deadlines it looked at), for the current
-- generation.
--
-- Keys are derived here from the prefix, so this needs a standalone Redis (or a cluster where every
-- tp:metrics: key hashes to one slot).

local ROOT = 'tp:metrics:'
local op = ARGV[1]
local model = cjson.decode(ARGV[3])
local ttl = ARGV[4]
local funnels = model.funnels
local bounds = model.ttcBounds

local funnel_by_id = {}
local counted_stage = {}
for _, f in ipairs(funnels) do
  funnel_by_id[f.id] = f
  for _, s in ipairs(f.stages) do
    counted_stage[s] = true
  end
end

local function first_time(key)
  return redis.call('SET', key, '1', 'NX', 'EX', ttl)
end

-- A customer absorbed by a merge counts under its survivor, also for records that arrive after the merge.
local function resolve(P, id)
  local hops = 0
  local survivor = redis.call('GET', P .. 'alias:' .. id)
  while survivor and hops < 64 do
    id = survivor
    hops = hops + 1
    survivor = redis.call('GET', P .. 'alias:' .. id)
  end
  return id
end

local function is_erased(P, id)
  return redis.call('EXISTS', P .. 'erased:' .. id) == 1
end

local function entry(value)
  local at, day, channel = string.match(value, '^(%d+)|([^|]+)|(.*)$')
  return { at = tonumber(at), day = day, channel = channel, value = value }
end

local function read_state(P, id)
  local flat = redis.call('HGETALL', P .. 'customer:' .. id)
  local state = {}
  for i = 1, #flat, 2 do
    state[flat[i]] = entry(flat[i + 1])
  end
  return state
end

local function read_dropped(P, id)
  local members = redis.call('SMEMBERS', P .. 'dropped:' .. id)
  local dropped = {}
  for _, m in ipairs(members) do
    dropped[m] = true
  end
  return dropped
end

local function add(deltas, key, field, delta)
  local fields = deltas[key]
  if not fields then
    fields = {}
    deltas[key] = fields
  end
  fields[field] = (fields[field] or 0) + delta
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

local function ttc_bucket(seconds)
  for i, bound in ipairs(bounds) do
    if seconds <= bound then
      return i - 1
    end
  end
  return #bounds
end

-- Adds sign x (the funnel counters this state contributes) to deltas. Step i counts in the bucket of its own
-- entry day and channel: entered; converted (with its time to convert) when step i+1 was entered at the same
-- time or later; else dropped when the sweep found its conversion window passed.
local function contribute(deltas, P, state, dropped, sign)
  for _, f in ipairs(funnels) do
    local base = P .. 'funnel:' .. f.id
    for i, stage in ipairs(f.stages) do
      local e = state[stage]
      if e then
        local measures = { 'entered:' .. stage }
        local next_stage = f.stages[i + 1]
        local following = next_stage and state[next_stage]
        local ttc_ms = nil
        if following and e.at <= following.at then
          ttc_ms = following.at - e.at
          measures[2] = 'converted:' .. stage
          measures[3] = 'ttc:' .. stage .. ':' .. ttc_bucket(ttc_ms / 1000)
        elseif next_stage and dropped[f.id .. '|' .. stage] then
          measures[2] = 'dropped:' .. stage
        end
        for _, key in ipairs({ base .. ':total', base .. ':day:' .. e.day }) do
          for _, m in ipairs(measures) do
            add(deltas, key, m, sign)
            add(deltas, key, m .. ':' .. e.channel, sign)
          end
          if ttc_ms then
            add(deltas, key, 'ttcms:' .. stage, sign * ttc_ms)
            add(deltas, key, 'ttcms:' .. stage .. ':' .. e.channel, sign * ttc_ms)
          end
        end
      end
    end
  end
end

-- Every step but a funnel's last waits for its conversion window; the sweep looks at it once it has passed.
local function schedule_deadlines(P, id, state)
  for _, f in ipairs(funnels) do
    for i, stage in ipairs(f.stages) do
      local e = state[stage]
      if e and f.stages[i + 1] then
        redis.call('ZADD', P .. 'deadlines', e.at + f.window, f.id .. '|' .. stage .. '|' .. id)
      end
    end
  end
end

-- KPI fields: <measure>|<channel>|<stage>, in the all-time hash and the hash of the event's UTC day.
local function kpi_add(deltas, P, day, channel, stage, measure, delta)
  local field = measure .. '|' .. channel .. '|' .. stage
  add(deltas, P .. 'kpi:total', field, delta)
  add(deltas, P .. 'kpi:day:' .. day, field, delta)
end

local function parse_first(value)
  local at, day, channel, stage = string.match(value, '^(%d+)|([^|]+)|([^|]+)|(.+)$')
  return { at = tonumber(at), day = day, channel = channel, stage = stage }
end

-- Log line of one counted KPI event: day|channel|stage|measure=delta,measure=delta
local function subtract_log(deltas, P, person)
  local items = redis.call('LRANGE', P .. 'kpilog:' .. person, 0, -1)
  for _, line in ipairs(items) do
    local day, channel, stage, rest = string.match(line, '^([^|]+)|([^|]+)|([^|]+)|(.*)$')
    for measure, delta in string.gmatch(rest, '([^,=]+)=(-?%d+)') do
      kpi_add(deltas, P, day, channel, stage, measure, -tonumber(delta))
    end
  end
  redis.call('DEL', P .. 'kpilog:' .. person)
  local firsts = redis.call('HGETALL', P .. 'kpiperson:' .. person)
  for i = 1, #firsts, 2 do
    local f = parse_first(firsts[i + 1])
    kpi_add(deltas, P, f.day, f.channel, f.stage, firsts[i], -1)
  end
  redis.call('DEL', P .. 'kpiperson:' .. person)
end

-- Moves one person's KPI contributions to another (a merge, or an identifier now known to be a customer):
-- sums stay as they are, and a "distinct customer" KPI keeps only the earlier of the two first events.
local function kpi_merge(P, from, to)
  if from == to then
    return
  end
  local from_log = P .. 'kpilog:' .. from
  local items = redis.call('LRANGE', from_log, 0, -1)
  for i = 1, #items, 500 do
    redis.call('RPUSH', P .. 'kpilog:' .. to, unpack(items, i, math.min(i + 499, #items)))
  end
  redis.call('DEL', from_log)
  local from_person = P .. 'kpiperson:' .. from
  local to_person = P .. 'kpiperson:' .. to
  local firsts = redis.call('HGETALL', from_person)
  local deltas = {}
  for i = 1, #firsts, 2 do
    local name, value = firsts[i], firsts[i + 1]
    local current = redis.call('HGET', to_person, name)
    if not current then
      redis.call('HSET', to_person, name, value)
    else
      local mine, theirs = parse_first(value), parse_first(current)
      if mine.at < theirs.at then
        kpi_add(deltas, P, theirs.day, theirs.channel, theirs.stage, name, -1)
        redis.call('HSET', to_person, name, value)
      else
        kpi_add(deltas, P, mine.day, mine.channel, mine.stage, name, -1)
      end
    end
  end
  apply(deltas)
  redis.call('DEL', from_person)
end

-- Remembers that an identifier belongs to a customer (so later KPI events find it) and hands the customer
-- whatever was counted under the bare identifier before.
local function link(P, id, identity)
  redis.call('SET', P .. 'ident:' .. identity, id)
  redis.call('SADD', P .. 'idents:' .. id, identity)
  kpi_merge(P, identity, id)
end

local function stage_op(P, corrected)
  if not first_time(P .. 'seen:' .. ARGV[5]) then
    return 'duplicate'
  end
  local id = resolve(P, ARGV[6])
  if is_erased(P, id) then
    return 'skipped'
  end
  local stage, at = ARGV[7], tonumber(ARGV[8])
  local linked = false
  if ARGV[11] ~= '' then
    link(P, id, 'u:' .. ARGV[11])
    linked = true
  end
  if ARGV[12] ~= '' then
    link(P, id, 'a:' .. ARGV[12])
    linked = true
  end
  if not counted_stage[stage] then
    return linked and 'counted' or 'skipped'
  end
  local state = read_state(P, id)
  local current = state[stage]
  local value = ARGV[8] .. '|' .. ARGV[9] .. '|' .. ARGV[10]
  -- Only the first entry (by event time) counts; a late or corrected earlier entry moves it.
  local moves = not current or at < current.at or (corrected and at == current.at and value ~= current.value)
  if moves then
    local dropped = read_dropped(P, id)
    local deltas = {}
    contribute(deltas, P, state, dropped, -1)
    state[stage] = entry(value)
    contribute(deltas, P, state, dropped, 1)
    apply(deltas)
    redis.call('HSET', P .. 'customer:' .. id, stage, value)
    schedule_deadlines(P, id, { [stage] = state[stage] })
  end
  return 'counted'
end

local function merge_op(P)
  if not first_time(P .. 'seen:' .. ARGV[5]) then
    return 'duplicate'
  end
  local survivor = resolve(P, ARGV[6])
  local absorbed = resolve(P, ARGV[7])
  if survivor == absorbed or is_erased(P, survivor) then
    return 'counted'
  end
  local kept, gone = read_state(P, survivor), read_state(P, absorbed)
  local kept_dropped, gone_dropped = read_dropped(P, survivor), read_dropped(P, absorbed)
  local deltas = {}
  contribute(deltas, P, kept, kept_dropped, -1)
  contribute(deltas, P, gone, gone_dropped, -1)
  local union, union_dropped = {}, {}
  for stage, e in pairs(kept) do
    union[stage] = e
  end
  for stage, e in pairs(gone) do
    if not union[stage] or e.at < union[stage].at then
      union[stage] = e
    end
  end
  -- A dropped mark means "window passed at the sweep"; the union's entries are no later, so it still holds.
  for k in pairs(kept_dropped) do
    union_dropped[k] = true
  end
  for k in pairs(gone_dropped) do
    union_dropped[k] = true
    redis.call('SADD', P .. 'dropped:' .. survivor, k)
  end
  contribute(deltas, P, union, union_dropped, 1)
  apply(deltas)
  for stage, e in pairs(union) do
    redis.call('HSET', P .. 'customer:' .. survivor, stage, e.value)
  end
  schedule_deadlines(P, survivor, union)
  redis.call('DEL', P .. 'customer:' .. absorbed, P .. 'dropped:' .. absorbed)
  kpi_merge(P, absorbed, survivor)
  if redis.call('EXISTS', P .. 'idents:' .. absorbed) == 1 then
    redis.call('SUNIONSTORE', P .. 'idents:' .. survivor, P .. 'idents:' .. survivor, P .. 'idents:' .. absorbed)
    redis.call('DEL', P .. 'idents:' .. absorbed)
  end
  redis.call('SET', P .. 'alias:' .. absorbed, survivor)
  return 'counted'
end

local function erase_op(P)
  if not first_time(P .. 'seen:' .. ARGV[5]) then
    return 'duplicate'
  end
  local id = resolve(P, ARGV[6])
  if is_erased(P, id) then
    return 'counted'
  end
  local deltas = {}
  contribute(deltas, P, read_state(P, id), read_dropped(P, id), -1)
  subtract_log(deltas, P, id)
  for _, identity in ipairs(redis.call('SMEMBERS', P .. 'idents:' .. id)) do
    subtract_log(deltas, P, identity)
    redis.call('DEL', P .. 'ident:' .. identity)
  end
  apply(deltas)
  redis.call('DEL', P .. 'customer:' .. id, P .. 'dropped:' .. id, P .. 'idents:' .. id)
  -- Remembered for good: a late record of an erased customer must not bring it back.
  redis.call('SET', P .. 'erased:' .. id, '1')
  return 'counted'
end

-- The stage a KPI event counts under: the latest stage the customer had entered at the event's time.
local function stage_at(P, person, at)
  local best, best_at = 'unknown', -1
  for stage, e in pairs(read_state(P, person)) do
    if e.at <= at and (e.at > best_at or (e.at == best_at and stage > best)) then
      best, best_at = stage, e.at
    end
  end
  return best
end

local function kpi_op(P)
  if not first_time(P .. 'kseen:' .. ARGV[5]) then
    return 'duplicate'
  end
  local user, anonymous = ARGV[7], ARGV[8]
  local person
  if ARGV[6] ~= '' then
    person = resolve(P, ARGV[6])
    if user ~= '' then
      link(P, person, 'u:' .. user)
    end
    if anonymous ~= '' then
      link(P, person, 'a:' .. anonymous)
    end
  else
    local customer = (user ~= '' and redis.call('GET', P .. 'ident:u:' .. user))
        or (anonymous ~= '' and redis.call('GET', P .. 'ident:a:' .. anonymous))
    if customer then
      person = resolve(P, customer)
    elseif user ~= '' then
      person = 'u:' .. user
    else
      person = 'a:' .. anonymous
    end
  end
  if is_erased(P, person) then
    return 'skipped'
  end
  local at, day, channel = tonumber(ARGV[9]), ARGV[10], ARGV[11]
  local stage = stage_at(P, person, at)
  local deltas = {}
  local n = tonumber(ARGV[12])
  local parts = {}
  for i = 0, n - 1 do
    local measure, delta = ARGV[13 + 2 * i], ARGV[14 + 2 * i]
    kpi_add(deltas, P, day, channel, stage, measure, tonumber(delta))
    parts[#parts + 1] = measure .. '=' .. delta
  end
  if n > 0 then
    redis.call('RPUSH', P .. 'kpilog:' .. person, day .. '|' .. channel .. '|' .. stage .. '|' .. table.concat(parts, ','))
  end
  local m = tonumber(ARGV[13 + 2 * n])
  local value = ARGV[9] .. '|' .. day .. '|' .. channel .. '|' .. stage
  for i = 1, m do
    local name = ARGV[13 + 2 * n + i]
    local current = redis.call('HGET', P .. 'kpiperson:' .. person, name)
    if not current or at < parse_first(current).at then
      if current then
        local old = parse_first(current)
        kpi_add(deltas, P, old.day, old.channel, old.stage, name, -1)
      end
      kpi_add(deltas, P, day, channel, stage, name, 1)
      redis.call('HSET', P .. 'kpiperson:' .. person, name, value)
    end
  end
  apply(deltas)
  return 'counted'
end

-- Marks steps whose conversion window has passed (in event time) without the next stage as dropped.
local function sweep_op(P)
  local now, limit = tonumber(ARGV[5]), tonumber(ARGV[6])
  local due = redis.call('ZRANGEBYSCORE', P .. 'deadlines', '-inf', now, 'LIMIT', 0, limit)
  for _, member in ipairs(due) do
    local funnel_id, stage, customer = string.match(member, '^([^|]+)|([^|]+)|(.+)$')
    local f = funnel_by_id[funnel_id]
    local id = customer and resolve(P, customer)
    if f and id and not is_erased(P, id) then
      local state = read_state(P, id)
      local e = state[stage]
      local next_stage = nil
      for i, s in ipairs(f.stages) do
        if s == stage then
          next_stage = f.stages[i + 1]
        end
      end
      if e and next_stage then
        local following = state[next_stage]
        local converted = following and e.at <= following.at
        local dropped = read_dropped(P, id)
        local mark = funnel_id .. '|' .. stage
        if not converted and not dropped[mark] and e.at + f.window <= now then
          local deltas = {}
          contribute(deltas, P, state, dropped, -1)
          dropped[mark] = true
          contribute(deltas, P, state, dropped, 1)
          apply(deltas)
          redis.call('SADD', P .. 'dropped:' .. id, mark)
        end
      end
    end
    redis.call('ZREM', P .. 'deadlines', member)
  end
  return #due
end

local ops = {
  stage_entered = function(P) return stage_op(P, false) end,
  stage_corrected = function(P) return stage_op(P, true) end,
  customer_merged = merge_op,
  customer_erased = erase_op,
  kpi = kpi_op,
  sweep = sweep_op,
}
local run = ops[op]
if not run then
  return redis.error_reply('unknown operation ' .. tostring(op))
end

local prefixes
if ARGV[2] ~= '' then
  prefixes = { ARGV[2] }
else
  local current = redis.call('GET', ROOT .. 'generation') or (ROOT .. 'g0:')
  prefixes = { current }
  local building = redis.call('GET', ROOT .. 'building')
  if building and building ~= current then
    prefixes[2] = building
  end
end

local result = nil
for i, P in ipairs(prefixes) do
  local r = run(P)
  if i == 1 then
    result = r
  end
end
return result

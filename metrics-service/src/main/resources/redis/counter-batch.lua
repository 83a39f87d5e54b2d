-- Applies a batch of records to one part of metrics-service's Redis state (ADR 0013), atomically per record and
-- at most once per record id. CounterScript prepends `local MODEL = {...}` (the funnels, the time-to-convert
-- bounds, the counted stages): the model is part of the script, loaded once per model version, never re-sent.
--
-- Parts, each under one hash tag so that a call touches one Redis Cluster slot:
--   {funnel:<id>}  one funnel: per-customer entries of its stages, dropped marks, deadlines, its counters
--   {people}       per-customer stage history (for KPI stages), identifiers, KPI logs, KPI counters
-- Both keep their own fates (merged into / erased) and per-record markers, so neither needs the other; a funnel
-- part needs no marker for stage entries (see funnel_stage_entered).
--
-- KEYS[i]  '<generation prefix>{<part>}:retired' for each target generation (current, and the one a rebuild
--          fills): every key this call touches is '<generation prefix>{<part>}:...' and shares KEYS' slot.
--          A target whose 'retired' key exists has been deleted; it is left alone.
-- ARGV[1]  part: 'funnel' or 'people'; ARGV[2] the funnel id (funnel part) or ''; ARGV[3] marker TTL, seconds
-- ARGV[4]  'records', then from ARGV[5] the records, each its kind followed by its fields:
--            stage_entered | stage_corrected  transitionId customerId stage atMs day channel userId anonymousId
--            customer_merged                  transitionId survivorId absorbedId
--            customer_erased                  transitionId customerId
--            kpi   messageId customerId-or-'' userId anonymousId atMs day channel n (measure delta)*n m first*m
--          or 'sweep', ARGV[5] now ms, ARGV[6] how many due deadlines to look at (funnel part)
-- Returns {'ok', result per record...}: 'counted', 'duplicate', 'skipped' or 'error:<reason>' (the record's
-- counter deltas and marker are then not applied; it fails on a read before its own writes, e.g. WRONGTYPE); sweep: {'ok', deadlines looked at}; {'retired'} when every
-- target was retired (the caller re-reads the generations).
--
-- Counting rules, by the Java names they implement (metrics-service README, "Redis keys"):
--   FunnelCounter.count(StageEntered/StageCorrected)  funnel_stage_entered, people_stage_entered
--   FunnelCounter.count(CustomerMerged)               funnel_customer_merged, people_customer_merged
--   FunnelCounter.count(CustomerErased)               funnel_customer_erased, people_customer_erased
--   KpiCounter.count(Touchpoint)                      kpi_counted
--   DropOffSweep.sweep                                funnel_sweep
-- A customer's funnel contribution is a pure function of its state, so every change is "subtract what the old
-- state contributed, add what the new one contributes": a person counts once whatever order records arrive in.

local PART, FUNNEL_ID, TTL, CALL = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local funnel = MODEL.funnels[FUNNEL_ID]
if PART == 'funnel' and not funnel then
  return redis.error_reply('unknown funnel ' .. tostring(FUNNEL_ID) .. ' (the script has another model version)')
end
if funnel then
  funnel.index, funnel.fields = {}, {}
  for i, s in ipairs(funnel.stages) do
    funnel.index[s] = i
    funnel.fields[i] = { entered = 'entered:' .. s, converted = 'converted:' .. s, dropped = 'dropped:' .. s,
      ttc = 'ttc:' .. s .. ':', ttcms = 'ttcms:' .. s }
  end
end

local P      -- the target generation's prefix of this part: 'tp:metrics:g<N>:{<part>}:'
local cache  -- per target: what this call read or wrote, so a customer's keys are read once per batch

local function new_cache()
  return { fate = {}, state = {}, dropped = {}, checked = {}, checked_days = {}, ident = {} }
end

-- ---- markers, aliases, erasures (both parts) ----

-- The record's marker, set when its first delivery is applied; a record that fails has it removed again, so
-- a marker always means "counted" (the call's caller turns 'error:' results into dead letters).
local function marker(r)
  return r.kind == 'kpi' and P .. 'kseen:' .. r.mid or P .. 'seen:' .. r.tid
end

local function seen(r)
  if redis.call('SET', marker(r), '1', 'NX', 'EX', TTL) then
    r.marked = true
    return false
  end
  return true
end

-- A customer's fate: absent; the survivor of the merge that absorbed it; or '' when it was erased.
local function fate_of(id)
  local f = cache.fate[id]
  if f == nil then
    f = redis.call('GET', P .. 'fate:' .. id)
    cache.fate[id] = f
  end
  return f
end

-- A customer absorbed by a merge counts under its survivor, also for records that arrive after the merge.
local function resolve(id)
  local hops = 0
  local survivor = fate_of(id)
  while survivor and survivor ~= '' and hops < 64 do
    id = survivor
    hops = hops + 1
    survivor = fate_of(id)
  end
  return id
end

local function is_erased(id)
  return fate_of(id) == ''
end

local function set_alias(absorbed, survivor)
  redis.call('SET', P .. 'fate:' .. absorbed, survivor)
  cache.fate[absorbed] = survivor
end

local function set_erased(id)
  redis.call('SET', P .. 'fate:' .. id, '')
  cache.fate[id] = ''
end

-- ---- counter deltas: per record, merged into the batch's and written once per field at the end ----

-- A counter key is checked once per call: a record that meets one of another type fails before it writes.
local function check_counter_key(key)
  if not cache.checked[key] then
    local t = redis.call('TYPE', key)
    t = type(t) == 'table' and t.ok or t
    if t ~= 'hash' and t ~= 'none' then
      error('counter key ' .. key .. ' holds a ' .. tostring(t) .. ', not a hash')
    end
    cache.checked[key] = true
  end
end

-- People part: deltas[key][field].
local function add(deltas, key, field, delta)
  check_counter_key(key)
  local fields = deltas[key]
  if not fields then
    fields = {}
    deltas[key] = fields
  end
  fields[field] = (fields[field] or 0) + delta
end

local function merge_deltas(into, from)
  for key, fields in pairs(from) do
    local target = into[key]
    if not target then
      target = {}
      into[key] = target
    end
    for field, delta in pairs(fields) do
      target[field] = (target[field] or 0) + delta
    end
  end
end

local function write_deltas(key, fields)
  for field, delta in pairs(fields) do
    if delta ~= 0 then
      redis.call('HINCRBY', key, field, string.format('%d', delta))
    end
  end
end

local function flush(deltas)
  for key, fields in pairs(deltas) do
    write_deltas(key, fields)
  end
end

-- Funnel part: cells[day][channel][step] = { entered, converted, dropped, ttcms, ttc = { [bucket] = n } }, the
-- step's counters in the bucket of its entry day and channel. Field names are built only when the call writes
-- (flush_cells), for what did not cancel: a change is "subtract the old contribution, add the new", and most of
-- it cancels.
local CELL_COUNTS = { 'entered', 'converted', 'dropped', 'ttcms' }

local function cell(cells, day, channel, i)
  local by_channel = cells[day]
  if not by_channel then
    if not cache.checked_days[day] then
      check_counter_key(P .. 'total')
      check_counter_key(P .. 'day:' .. day)
      cache.checked_days[day] = true
    end
    by_channel = {}
    cells[day] = by_channel
  end
  local steps = by_channel[channel]
  if not steps then
    steps = {}
    by_channel[channel] = steps
  end
  local c = steps[i]
  if not c then
    c = { entered = 0, converted = 0, dropped = 0, ttcms = 0 }
    steps[i] = c
  end
  return c
end

local function merge_cells(into, from)
  for day, by_channel in pairs(from) do
    local into_day = into[day]
    if not into_day then
      into_day = {}
      into[day] = into_day
    end
    for channel, steps in pairs(by_channel) do
      local into_steps = into_day[channel]
      if not into_steps then
        into_steps = {}
        into_day[channel] = into_steps
      end
      for i, c in pairs(steps) do
        local t = into_steps[i]
        if not t then
          into_steps[i] = c
        else
          for _, name in ipairs(CELL_COUNTS) do
            t[name] = t[name] + c[name]
          end
          if c.ttc then
            t.ttc = t.ttc or {}
            for b, n in pairs(c.ttc) do
              t.ttc[b] = (t.ttc[b] or 0) + n
            end
          end
        end
      end
    end
  end
end

-- Each step counter goes to the all-time hash and the day's, plain and per channel (`<field>:<channel>`).
local function flush_cells(cells)
  local fields = funnel.fields
  local total = {}
  local function inc(day_fields, field, channel, n)
    local per_channel = field .. channel
    day_fields[field] = (day_fields[field] or 0) + n
    day_fields[per_channel] = (day_fields[per_channel] or 0) + n
    total[field] = (total[field] or 0) + n
    total[per_channel] = (total[per_channel] or 0) + n
  end
  for day, by_channel in pairs(cells) do
    local day_fields = {}
    for channel, steps in pairs(by_channel) do
      local ch = ':' .. channel
      for i, c in pairs(steps) do
        local f = fields[i]
        for _, name in ipairs(CELL_COUNTS) do
          if c[name] ~= 0 then
            inc(day_fields, f[name], ch, c[name])
          end
        end
        if c.ttc then
          for b, n in pairs(c.ttc) do
            if n ~= 0 then
              inc(day_fields, f.ttc .. b, ch, n)
            end
          end
        end
      end
    end
    write_deltas(P .. 'day:' .. day, day_fields)
  end
  write_deltas(P .. 'total', total)
end

-- ---- stage entries (both parts): stage -> <at ms>|<UTC day>|<channel> of the first entry ----

local function entry(value)
  local at, day, channel = string.match(value, '^(%d+)|([^|]+)|(.*)$')
  return { at = tonumber(at), day = day, channel = channel, value = value }
end

local function read_entries(key, id)
  local s = cache.state[id]
  if not s then
    s = {}
    local flat = redis.call('HGETALL', P .. key .. id)
    for i = 1, #flat, 2 do
      s[flat[i]] = entry(flat[i + 1])
    end
    cache.state[id] = s
  end
  return s
end

-- Only the first entry (by event time) counts; an earlier entry, or a correction of the same time to another
-- day or channel, moves it.
local function entry_moves(current, r, corrected)
  local at = tonumber(r.at)
  local value = r.at .. '|' .. r.day .. '|' .. r.channel
  return not current or at < current.at or (corrected and at == current.at and value ~= current.value), value
end

-- ---- the funnel part ----

local function ttc_bucket(seconds)
  for i, bound in ipairs(MODEL.ttc_bounds) do
    if seconds <= bound then
      return i - 1
    end
  end
  return #MODEL.ttc_bounds
end

local function funnel_dropped(id)
  local d = cache.dropped[id]
  if not d then
    d = {}
    for _, stage in ipairs(redis.call('SMEMBERS', P .. 'dropped:' .. id)) do
      d[stage] = true
    end
    cache.dropped[id] = d
  end
  return d
end

-- Adds sign x (the counters this state contributes) to deltas. Step i counts in the bucket of its own entry
-- day and channel: entered; converted (with its time to convert) when step i+1 was entered at the same time
-- or later; else dropped when the sweep found its conversion window passed. A step's contribution depends on
-- its own entry, the next step's and its dropped mark only, so a change to one stage needs only the steps
-- `from`..`to` (the stage's and the one before it); nil: all.
local function contribute(cells, state, dropped, sign, from, to)
  local stages = funnel.stages
  for i = from or 1, to or #stages do
    local stage = stages[i]
    local e = state[stage]
    if e then
      local c = cell(cells, e.day, e.channel, i)
      c.entered = c.entered + sign
      local next_stage = stages[i + 1]
      local following = next_stage and state[next_stage]
      if following and e.at <= following.at then
        local ttc_ms = following.at - e.at
        local bucket = ttc_bucket(ttc_ms / 1000)
        c.converted = c.converted + sign
        c.ttcms = c.ttcms + sign * ttc_ms
        c.ttc = c.ttc or {}
        c.ttc[bucket] = (c.ttc[bucket] or 0) + sign
      elseif next_stage and dropped[stage] then
        c.dropped = c.dropped + sign
      end
    end
  end
end

-- The steps whose contribution depends on this stage's entry: its own and the one before it.
local function affected(stage)
  local i = funnel.index[stage]
  return math.max(1, i - 1), i
end

-- Every step but the funnel's last waits for its conversion window; the sweep looks at it once it has passed.
local function schedule_deadline(id, stage, e)
  if funnel.stages[funnel.index[stage] + 1] then
    redis.call('ZADD', P .. 'deadlines', e.at + funnel.window, stage .. '|' .. id)
  end
end

-- Entries need no marker in a funnel part (the bulk of all records): the first entry by time wins, merges
-- unite by the same rule and erased customers are skipped, so applying an entry again changes nothing. A
-- correction of the same time to another channel would flip back, so corrections keep theirs.
local function funnel_stage_entered(r, deltas, corrected)
  if corrected and seen(r) then
    return 'duplicate'
  end
  local id = resolve(r.customer)
  if is_erased(id) or not funnel.index[r.stage] then
    return 'skipped'
  end
  local state = read_entries('customer:', id)
  local moves, value = entry_moves(state[r.stage], r, corrected)
  if moves then
    local dropped = funnel_dropped(id)
    local from, to = affected(r.stage)
    contribute(deltas, state, dropped, -1, from, to)
    state[r.stage] = entry(value)
    contribute(deltas, state, dropped, 1, from, to)
    redis.call('HSET', P .. 'customer:' .. id, r.stage, value)
    schedule_deadline(id, r.stage, state[r.stage])
  end
  return 'counted'
end

local function funnel_customer_merged(r, deltas)
  if seen(r) then
    return 'duplicate'
  end
  local survivor, absorbed = resolve(r.survivor), resolve(r.absorbed)
  if survivor == absorbed or is_erased(survivor) then
    return 'counted'
  end
  local kept, gone = read_entries('customer:', survivor), read_entries('customer:', absorbed)
  local kept_dropped, gone_dropped = funnel_dropped(survivor), funnel_dropped(absorbed)
  contribute(deltas, kept, kept_dropped, -1)
  contribute(deltas, gone, gone_dropped, -1)
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
  for stage in pairs(kept_dropped) do
    union_dropped[stage] = true
  end
  for stage in pairs(gone_dropped) do
    union_dropped[stage] = true
    redis.call('SADD', P .. 'dropped:' .. survivor, stage)
  end
  contribute(deltas, union, union_dropped, 1)
  for stage, e in pairs(union) do
    redis.call('HSET', P .. 'customer:' .. survivor, stage, e.value)
    schedule_deadline(survivor, stage, e)
  end
  redis.call('DEL', P .. 'customer:' .. absorbed, P .. 'dropped:' .. absorbed)
  cache.state[survivor], cache.dropped[survivor] = union, union_dropped
  cache.state[absorbed], cache.dropped[absorbed] = {}, {}
  set_alias(absorbed, survivor)
  return 'counted'
end

local function funnel_customer_erased(r, deltas)
  if seen(r) then
    return 'duplicate'
  end
  local id = resolve(r.customer)
  if not is_erased(id) then
    contribute(deltas, read_entries('customer:', id), funnel_dropped(id), -1)
    redis.call('DEL', P .. 'customer:' .. id, P .. 'dropped:' .. id)
    cache.state[id], cache.dropped[id] = {}, {}
    -- Remembered for good: a late record of an erased customer must not bring it back.
    set_erased(id)
  end
  return 'counted'
end

-- Marks steps whose conversion window has passed (in event time) without the next stage as dropped.
local function funnel_sweep(now, limit, deltas)
  local due = redis.call('ZRANGEBYSCORE', P .. 'deadlines', '-inf', now, 'LIMIT', 0, limit)
  for _, member in ipairs(due) do
    local stage, customer = string.match(member, '^([^|]+)|(.+)$')
    local id = customer and resolve(customer)
    local i = stage and funnel.index[stage]
    if i and id and not is_erased(id) then
      local state = read_entries('customer:', id)
      local e, next_stage = state[stage], funnel.stages[i + 1]
      if e and next_stage then
        local following = state[next_stage]
        local converted = following and e.at <= following.at
        local dropped = funnel_dropped(id)
        if not converted and not dropped[stage] and e.at + funnel.window <= now then
          contribute(deltas, state, dropped, -1, i, i)
          dropped[stage] = true
          contribute(deltas, state, dropped, 1, i, i)
          redis.call('SADD', P .. 'dropped:' .. id, stage)
        end
      end
    end
    redis.call('ZREM', P .. 'deadlines', member)
  end
  return #due
end

-- ---- the people part ----

-- KPI fields: <measure>|<channel>|<stage>, in the all-time hash and the hash of the event's UTC day.
local function kpi_add(deltas, day, channel, stage, measure, delta)
  local field = measure .. '|' .. channel .. '|' .. stage
  add(deltas, P .. 'kpi:total', field, delta)
  add(deltas, P .. 'kpi:day:' .. day, field, delta)
end

local function parse_first(value)
  local at, day, channel, stage = string.match(value, '^(%d+)|([^|]+)|([^|]+)|(.+)$')
  return { at = tonumber(at), day = day, channel = channel, stage = stage }
end

-- Log line of one counted KPI event: day|channel|stage|measure=delta,measure=delta
local function subtract_log(deltas, person)
  for _, line in ipairs(redis.call('LRANGE', P .. 'kpilog:' .. person, 0, -1)) do
    local day, channel, stage, rest = string.match(line, '^([^|]+)|([^|]+)|([^|]+)|(.*)$')
    for measure, delta in string.gmatch(rest, '([^,=]+)=(-?%d+)') do
      kpi_add(deltas, day, channel, stage, measure, -tonumber(delta))
    end
  end
  local firsts = redis.call('HGETALL', P .. 'kpiperson:' .. person)
  for i = 1, #firsts, 2 do
    local f = parse_first(firsts[i + 1])
    kpi_add(deltas, f.day, f.channel, f.stage, firsts[i], -1)
  end
  redis.call('DEL', P .. 'kpilog:' .. person, P .. 'kpiperson:' .. person)
end

-- Moves one person's KPI contributions to another (a merge, or an identifier now known to be a customer):
-- sums stay as they are, and a "distinct customer" KPI keeps only the earlier of the two first events.
local function kpi_merge(deltas, from, to)
  if from == to then
    return
  end
  local from_log = P .. 'kpilog:' .. from
  local from_person = P .. 'kpiperson:' .. from
  if redis.call('EXISTS', from_log, from_person) == 0 then
    return
  end
  local items = redis.call('LRANGE', from_log, 0, -1)
  for i = 1, #items, 500 do
    redis.call('RPUSH', P .. 'kpilog:' .. to, unpack(items, i, math.min(i + 499, #items)))
  end
  local to_person = P .. 'kpiperson:' .. to
  local firsts = redis.call('HGETALL', from_person)
  for i = 1, #firsts, 2 do
    local name, value = firsts[i], firsts[i + 1]
    local current = redis.call('HGET', to_person, name)
    if not current then
      redis.call('HSET', to_person, name, value)
    else
      local mine, theirs = parse_first(value), parse_first(current)
      if mine.at < theirs.at then
        kpi_add(deltas, theirs.day, theirs.channel, theirs.stage, name, -1)
        redis.call('HSET', to_person, name, value)
      else
        kpi_add(deltas, mine.day, mine.channel, mine.stage, name, -1)
      end
    end
  end
  redis.call('DEL', from_log, from_person)
end

-- Remembers that an identifier belongs to a customer (so later KPI events find it) and hands the customer
-- whatever was counted under the bare identifier before. Already linked: nothing to do.
local function ident_of(identity)
  local c = cache.ident[identity]
  if c == nil then
    c = redis.call('GET', P .. 'ident:' .. identity)
    cache.ident[identity] = c
  end
  return c
end

local function link(deltas, id, identity)
  if ident_of(identity) == id then
    return
  end
  redis.call('SET', P .. 'ident:' .. identity, id)
  cache.ident[identity] = id
  redis.call('SADD', P .. 'idents:' .. id, identity)
  kpi_merge(deltas, identity, id)
end

local function people_stage_entered(r, deltas, corrected)
  if seen(r) then
    return 'duplicate'
  end
  local id = resolve(r.customer)
  if is_erased(id) then
    return 'skipped'
  end
  local linked = false
  if r.user ~= '' then
    link(deltas, id, 'u:' .. r.user)
    linked = true
  end
  if r.anon ~= '' then
    link(deltas, id, 'a:' .. r.anon)
    linked = true
  end
  if not MODEL.counted[r.stage] then
    return linked and 'counted' or 'skipped'
  end
  local stages = read_entries('stages:', id)
  local moves, value = entry_moves(stages[r.stage], r, corrected)
  if moves then
    redis.call('HSET', P .. 'stages:' .. id, r.stage, value)
    stages[r.stage] = entry(value)
  end
  return 'counted'
end

local function people_customer_merged(r, deltas)
  if seen(r) then
    return 'duplicate'
  end
  local survivor, absorbed = resolve(r.survivor), resolve(r.absorbed)
  if survivor == absorbed or is_erased(survivor) then
    return 'counted'
  end
  local kept, gone = read_entries('stages:', survivor), read_entries('stages:', absorbed)
  for stage, e in pairs(gone) do
    if not kept[stage] or e.at < kept[stage].at then
      kept[stage] = e
      redis.call('HSET', P .. 'stages:' .. survivor, stage, e.value)
    end
  end
  redis.call('DEL', P .. 'stages:' .. absorbed)
  cache.state[absorbed] = {}
  kpi_merge(deltas, absorbed, survivor)
  if redis.call('EXISTS', P .. 'idents:' .. absorbed) == 1 then
    redis.call('SUNIONSTORE', P .. 'idents:' .. survivor, P .. 'idents:' .. survivor, P .. 'idents:' .. absorbed)
    redis.call('DEL', P .. 'idents:' .. absorbed)
  end
  set_alias(absorbed, survivor)
  return 'counted'
end

local function people_customer_erased(r, deltas)
  if seen(r) then
    return 'duplicate'
  end
  local id = resolve(r.customer)
  if not is_erased(id) then
    subtract_log(deltas, id)
    for _, identity in ipairs(redis.call('SMEMBERS', P .. 'idents:' .. id)) do
      subtract_log(deltas, identity)
      redis.call('DEL', P .. 'ident:' .. identity)
      cache.ident[identity] = false
    end
    redis.call('DEL', P .. 'stages:' .. id, P .. 'idents:' .. id)
    cache.state[id] = {}
    set_erased(id)
  end
  return 'counted'
end

-- The stage a KPI event counts under: the latest stage the customer had entered at the event's time.
local function stage_at(person, at)
  local best, best_at = 'unknown', -1
  for stage, e in pairs(read_entries('stages:', person)) do
    if e.at <= at and (e.at > best_at or (e.at == best_at and stage > best)) then
      best, best_at = stage, e.at
    end
  end
  return best
end

local function kpi_counted(r, deltas)
  if seen(r) then
    return 'duplicate'
  end
  local person
  if r.customer ~= '' then
    -- a rebuild: journey-service's export names the customer
    person = resolve(r.customer)
    if r.user ~= '' then
      link(deltas, person, 'u:' .. r.user)
    end
    if r.anon ~= '' then
      link(deltas, person, 'a:' .. r.anon)
    end
  else
    local customer = (r.user ~= '' and ident_of('u:' .. r.user)) or (r.anon ~= '' and ident_of('a:' .. r.anon))
    if customer then
      person = resolve(customer)
    elseif r.user ~= '' then
      person = 'u:' .. r.user
    else
      person = 'a:' .. r.anon
    end
  end
  if is_erased(person) then
    return 'skipped'
  end
  local at = tonumber(r.at)
  local stage = stage_at(person, at)
  local parts = {}
  for _, m in ipairs(r.measures) do
    kpi_add(deltas, r.day, r.channel, stage, m[1], tonumber(m[2]))
    parts[#parts + 1] = m[1] .. '=' .. m[2]
  end
  local value = r.at .. '|' .. r.day .. '|' .. r.channel .. '|' .. stage
  local updates = {}
  for _, name in ipairs(r.firsts) do
    local current = redis.call('HGET', P .. 'kpiperson:' .. person, name)
    if not current or at < parse_first(current).at then
      if current then
        local old = parse_first(current)
        kpi_add(deltas, old.day, old.channel, old.stage, name, -1)
      end
      kpi_add(deltas, r.day, r.channel, stage, name, 1)
      updates[#updates + 1] = name
    end
  end
  if #parts > 0 then
    redis.call('RPUSH', P .. 'kpilog:' .. person, r.day .. '|' .. r.channel .. '|' .. stage .. '|' .. table.concat(parts, ','))
  end
  for _, name in ipairs(updates) do
    redis.call('HSET', P .. 'kpiperson:' .. person, name, value)
  end
  return 'counted'
end

-- ---- the call ----

local function read_records()
  local records, i = {}, 5
  while i <= #ARGV do
    local kind = ARGV[i]
    local r = { kind = kind }
    if kind == 'stage_entered' or kind == 'stage_corrected' then
      r.tid, r.customer, r.stage, r.at, r.day, r.channel, r.user, r.anon =
          ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
      i = i + 9
    elseif kind == 'customer_merged' then
      r.tid, r.survivor, r.absorbed = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
      i = i + 4
    elseif kind == 'customer_erased' then
      r.tid, r.customer = ARGV[i + 1], ARGV[i + 2]
      i = i + 3
    elseif kind == 'kpi' then
      r.mid, r.customer, r.user, r.anon, r.at, r.day, r.channel =
          ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
      local n = tonumber(ARGV[i + 8])
      r.measures = {}
      for k = 1, n do
        r.measures[k] = { ARGV[i + 7 + 2 * k], ARGV[i + 8 + 2 * k] }
      end
      local j = i + 9 + 2 * n
      local m = tonumber(ARGV[j])
      r.firsts = {}
      for k = 1, m do
        r.firsts[k] = ARGV[j + k]
      end
      i = j + m + 1
    else
      return nil, 'unknown record kind ' .. tostring(kind) .. ' at ARGV[' .. i .. ']'
    end
    records[#records + 1] = r
  end
  return records
end

local ops = {
  funnel = {
    stage_entered = function(r, d) return funnel_stage_entered(r, d, false) end,
    stage_corrected = function(r, d) return funnel_stage_entered(r, d, true) end,
    customer_merged = funnel_customer_merged,
    customer_erased = funnel_customer_erased,
  },
  people = {
    stage_entered = function(r, d) return people_stage_entered(r, d, false) end,
    stage_corrected = function(r, d) return people_stage_entered(r, d, true) end,
    customer_merged = people_customer_merged,
    customer_erased = people_customer_erased,
    kpi = kpi_counted,
  },
}
local part_ops = ops[PART]
if not part_ops then
  return redis.error_reply('unknown part ' .. tostring(PART))
end

local records
if CALL == 'records' then
  local failure
  records, failure = read_records()
  if not records then
    return redis.error_reply(failure)
  end
elseif CALL ~= 'sweep' or not funnel then
  return redis.error_reply('unknown call ' .. tostring(CALL) .. ' for part ' .. tostring(PART))
end

local merge, write_all = merge_deltas, flush
if funnel then
  merge, write_all = merge_cells, flush_cells
end
local reply = nil
for _, anchor in ipairs(KEYS) do
  if redis.call('EXISTS', anchor) == 0 then
    P = string.sub(anchor, 1, #anchor - #'retired')
    cache = new_cache()
    local batch = {}
    local results = { 'ok' }
    if records then
      for _, r in ipairs(records) do
        local deltas = {}
        local op = part_ops[r.kind]
        local ok, result
        r.marked = nil
        if op then
          ok, result = pcall(op, r, deltas)
        else
          ok, result = true, 'skipped'
        end
        if ok then
          merge(batch, deltas)
        else
          if r.marked then
            redis.call('DEL', marker(r))
          end
          -- what this call cached may not match Redis any more: read again
          cache = new_cache()
          result = 'error:' .. (type(result) == 'table' and tostring(result.err) or tostring(result))
        end
        results[#results + 1] = result
      end
    else
      results[2] = tostring(funnel_sweep(tonumber(ARGV[5]), tonumber(ARGV[6]), batch))
    end
    write_all(batch)
    if not reply then
      reply = results
    end
  end
end
return reply or { 'retired' }

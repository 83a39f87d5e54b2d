            local claim, window, pending_ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
            local prefix, claim_prefix, first = ARGV[4], ARGV[5], 6
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local bucket = math.floor(now / window)
            local current, previous = prefix .. bucket, prefix .. (bucket - 1)
            local n = #ARGV - first + 1
            local function lookup(key)
              local found = {}
              for from = first, #ARGV, 1000 do
                local part = redis.call('HMGET', key, unpack(ARGV, from, math.min(from + 999, #ARGV)))
                for j = 1, #part do found[from - first + j] = part[j] end
              end
              return found
            end
            local now_found, before_found = lookup(current), lookup(previous)
            local out, fields, states = {bucket}, {}, {}
            local stamp = now .. ':' .. claim
            for i = 1, n do
              local entry = now_found[i]
              if not entry then
                entry = before_found[i]
                if entry and now - tonumber(string.match(entry, '^%d+')) >= window then entry = false end
              end
              local state = false
              if entry then
                local owner = string.match(entry, ':(.*)$')
                state = states[owner]
                if state == nil then
                  state = redis.call('GET', claim_prefix .. owner)
                  states[owner] = state
                end
              end
              if state == 'done' then
                out[#out + 1] = i; out[#out + 1] = 1
              elseif state == 'pending' then
                out[#out + 1] = i; out[#out + 1] = 2
              else
                fields[#fields + 1] = ARGV[first + i - 1]; fields[#fields + 1] = stamp
              end
            end
            if #fields > 0 then
              for from = 1, #fields, 1000 do
                redis.call('HSET', current, unpack(fields, from, math.min(from + 999, #fields)))
              end
              redis.call('PEXPIREAT', current, (bucket + 2) * window + 60000)
              redis.call('SET', claim_prefix .. claim, 'pending', 'PX', pending_ttl)
            end
            return out
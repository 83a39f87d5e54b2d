            for from = 3, #ARGV, 1000 do
              redis.call('HDEL', KEYS[2], unpack(ARGV, from, math.min(from + 999, #ARGV)))
            end
            if ARGV[2] == '1' then
              redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
            else
              redis.call('DEL', KEYS[1])
            end
            return 1
"""The Lua scripts of the Redis backend: each step of the frontier is one atomic script.

Keys of a crawl start with a prefix ``P`` (``na:<crawl>:<generation>:``): ``seen`` and
``skipped`` (sets of URL keys), ``q:<domain>`` (a priority queue per host: sorted set of task
JSON by score), ``domains`` (hosts with queued tasks, by their best score), ``parked``,
``budget`` (URL keys that spent a page), ``leases:<worker>`` (hash of taken tasks),
``workers`` (worker -> last heartbeat, ms), ``slots:<domain>`` (requests in flight per host,
across workers), ``next:<domain>`` (when the host may be asked again), counters ``seq``,
``scheduled``, ``sources``, and ``meta``. The design follows scrapy-redis (a sorted-set
priority queue, a set as dupefilter) and adds what it lacks: leases, so tasks of a dead worker
go back to the queue, per-host politeness shared by all workers, a shared page budget.
"""

# Lower score first: high priority first, then first in, first out.
_COMMON = """
local function fmt(n) return string.format('%.0f', n) end
local function score(P, t)
  return fmt((100000 - (t['p'] or 0)) * 1000000000 + redis.call('INCR', P .. 'seq'))
end
-- A queue entry is data (another client may have written it): decoded with pcall, and
-- only a table with string key and host is a task; anything else is dropped and counted.
local function decode(s)
  local ok, t = pcall(cjson.decode, s)
  if ok and type(t) == 'table' and type(t['k']) == 'string' and type(t['d']) == 'string' then
    return t
  end
  return nil
end
local function bad(P, n)
  redis.call('HINCRBY', P .. 'meta', 'bad_entries', n)
end
local function enqueue(P, json, t, s)
  redis.call('ZADD', P .. 'q:' .. t['d'], s, json)
  redis.call('ZADD', P .. 'domains', 'LT', s, t['d'])
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function release_parked(P, drop)
  local items = redis.call('ZRANGE', P .. 'parked', 0, -1, 'WITHSCORES')
  if not drop then
    for i = 1, #items, 2 do
      local t = decode(items[i])
      if t and tonumber(items[i + 1]) then enqueue(P, items[i], t, items[i + 1]) else bad(P, 1) end
    end
  end
  redis.call('DEL', P .. 'parked')
  return #items / 2
end
local function requeue(P, w)
  local leases = redis.call('HGETALL', P .. 'leases:' .. w)
  for i = 1, #leases, 2 do
    local t = decode(leases[i + 1])
    if t then
      redis.call('ZREM', P .. 'slots:' .. t['d'], leases[i])
      t['rq'] = true -- the next worker decides again: the dead one may have archived it
      enqueue(P, cjson.encode(t), t, score(P, t))
    else
      bad(P, 1)
    end
  end
  redis.call('DEL', P .. 'leases:' .. w)
  return #leases / 2
end
"""

#: ARGV: prefix, then (key, dated) pairs -> a 1/0 "fresh" flag per pair, then pages spent.
UNSEEN = """
local P = ARGV[1]
local out = {}
for i = 2, #ARGV, 2 do
  local fresh = redis.call('SISMEMBER', P .. 'seen', ARGV[i]) == 0
  if not fresh and ARGV[i + 1] == '1' then
    fresh = redis.call('SISMEMBER', P .. 'skipped', ARGV[i]) == 1
  end
  out[#out + 1] = fresh and 1 or 0
end
out[#out + 1] = redis.call('SCARD', P .. 'budget')
return out
"""

#: ARGV: prefix, cap, then (action q|p|s, task JSON, dated, counted) -> the Admitted counts.
ADMIT = _COMMON + """
local P, cap = ARGV[1], tonumber(ARGV[2])
local n = {0, 0, 0, 0, 0, 0} -- queued, parked, skipped, revived, not scheduled, raced
for i = 3, #ARGV, 4 do
  local action, json, dated, counted = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local t = cjson.decode(json)
  if action == 's' then
    if redis.call('SADD', P .. 'seen', t['k']) == 1 then
      redis.call('SADD', P .. 'skipped', t['k'])
      n[3] = n[3] + 1
    end
  else
    local fresh = redis.call('SISMEMBER', P .. 'seen', t['k']) == 0
    local revive = (not fresh) and dated == '1'
      and redis.call('SISMEMBER', P .. 'skipped', t['k']) == 1
    local full = counted == '1' and cap > 0
      and tonumber(redis.call('GET', P .. 'scheduled') or '0') >= cap
    if not fresh and not revive then
      n[6] = n[6] + 1
    elseif full then
      n[5] = n[5] + 1
    else
      if revive then
        redis.call('SREM', P .. 'skipped', t['k'])
        n[4] = n[4] + 1
      else
        redis.call('SADD', P .. 'seen', t['k'])
      end
      if counted == '1' then redis.call('INCR', P .. 'scheduled') end
      local s = score(P, t)
      if action == 'p' and tonumber(redis.call('GET', P .. 'sources') or '0') > 0 then
        redis.call('ZADD', P .. 'parked', s, json)
        n[2] = n[2] + 1
      else
        enqueue(P, json, t, s)
        n[1] = n[1] + 1
      end
      if t['src'] then redis.call('INCR', P .. 'sources') end
    end
  end
end
return n
"""

#: ARGV: prefix, worker, per-host limit, delay ms, slot ms, budget, hosts to look at
#: -> {1, task JSON} | {0, ms to wait or -1} | {-1} (budget spent) | {2} (a bad entry dropped).
POP = _COMMON + """
local P, worker = ARGV[1], ARGV[2]
local per, delay, slot_ms = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local limit, scan = tonumber(ARGV[6]), tonumber(ARGV[7])
if limit > 0 and redis.call('SCARD', P .. 'budget') >= limit then return {-1} end
local now, wait = now_ms(), -1
for _, d in ipairs(redis.call('ZRANGE', P .. 'domains', 0, scan - 1)) do
  local slots = P .. 'slots:' .. d
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  local ready_at = tonumber(redis.call('GET', P .. 'next:' .. d) or '0')
  if redis.call('ZCARD', slots) < per then
    if ready_at > now then
      if wait < 0 or ready_at - now < wait then wait = ready_at - now end
    else
      local item = redis.call('ZPOPMIN', P .. 'q:' .. d)
      local best = redis.call('ZRANGE', P .. 'q:' .. d, 0, 0, 'WITHSCORES')
      if #best > 0 then
        redis.call('ZADD', P .. 'domains', best[2], d)
      else
        redis.call('ZREM', P .. 'domains', d)
      end
      local t = #item > 0 and decode(item[1]) or nil
      if #item > 0 and not t then
        bad(P, 1)
        return {2} -- dropped a bad entry, ask again (no slot taken)
      end
      if t then
        local key = t['k']
        redis.call('ZADD', slots, fmt(now + slot_ms), key)
        if delay > 0 then
          redis.call('SET', P .. 'next:' .. d, fmt(now + delay), 'PX', fmt(delay + 60000))
        end
        redis.call('HSET', P .. 'leases:' .. worker, key, item[1])
        redis.call('ZADD', P .. 'workers', fmt(now), worker) -- leases count from now
        return {1, item[1]}
      end
    end
  end
end
return {0, wait}
"""

#: ARGV: prefix, worker, key, domain, source 1|0, budget -> parked tasks released.
ACK = _COMMON + """
local P, worker, key, d = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local limit = tonumber(ARGV[6])
redis.call('HDEL', P .. 'leases:' .. worker, key)
redis.call('ZREM', P .. 'slots:' .. d, key)
if ARGV[5] == '1' and redis.call('DECR', P .. 'sources') <= 0 then
  redis.call('SET', P .. 'sources', 0)
  return release_parked(P, limit > 0 and redis.call('SCARD', P .. 'budget') >= limit)
end
return 0
"""

#: ARGV: prefix, key, budget -> {allowed 1|0, pages spent}.
SPEND = """
local P, key, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local spent = redis.call('SCARD', P .. 'budget')
if redis.call('SISMEMBER', P .. 'budget', key) == 1 then return {1, spent} end
if spent >= limit then return {0, spent} end
redis.call('SADD', P .. 'budget', key)
return {1, spent + 1}
"""

#: ARGV: prefix, drop 1|0 -> parked tasks released (or dropped).
RELEASE = _COMMON + """
return release_parked(ARGV[1], ARGV[2] == '1')
"""

#: ARGV: prefix, worker, timeout ms -> tasks requeued from workers silent for longer.
HEARTBEAT = _COMMON + """
local P, worker, timeout = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = now_ms()
redis.call('ZADD', P .. 'workers', fmt(now), worker)
redis.call('SADD', P .. 'allworkers', worker)
redis.call('HSET', P .. 'wstats:' .. worker, 'seen_at', fmt(now), 'state', 'running')
local n = 0
for _, w in ipairs(redis.call('ZRANGEBYSCORE', P .. 'workers', '-inf', fmt(now - timeout))) do
  n = n + requeue(P, w)
  redis.call('ZREM', P .. 'workers', w)
  redis.call('HSET', P .. 'wstats:' .. w, 'state', 'lost')
end
if n > 0 then redis.call('HINCRBY', P .. 'meta', 'requeued', n) end
return n
"""

#: ARGV: prefix, worker, final state -> this worker's tasks put back in the queue.
LEAVE = _COMMON + """
local P, worker = ARGV[1], ARGV[2]
local n = requeue(P, worker)
redis.call('ZREM', P .. 'workers', worker)
redis.call('HSET', P .. 'wstats:' .. worker, 'state', ARGV[3])
return n
"""

#: ARGV: prefix, worker -> tasks requeued: this worker's leases back in the queue, the worker
#: staying in the crawl (leases it cannot know of: a pop whose reply a Redis outage lost).
REQUEUE = _COMMON + """
return requeue(ARGV[1], ARGV[2])
"""

#: ARGV: prefix -> queued, parked, leased, sources, spent, seen, workers, requeued.
COUNTS = """
local P = ARGV[1]
local queued, leased = 0, 0
for _, d in ipairs(redis.call('ZRANGE', P .. 'domains', 0, -1)) do
  queued = queued + redis.call('ZCARD', P .. 'q:' .. d)
end
for _, w in ipairs(redis.call('ZRANGE', P .. 'workers', 0, -1)) do
  leased = leased + redis.call('HLEN', P .. 'leases:' .. w)
end
return {queued, redis.call('ZCARD', P .. 'parked'), leased,
        tonumber(redis.call('GET', P .. 'sources') or '0'), redis.call('SCARD', P .. 'budget'),
        redis.call('SCARD', P .. 'seen'), redis.call('ZCARD', P .. 'workers'),
        tonumber(redis.call('HGET', P .. 'meta', 'requeued') or '0')}
"""

#: ARGV: base (``na:<crawl>:``), candidate crawl id, now (ISO), generation wanted (0: the
#: current one) -> {generation, crawl id, 1 if this call started the crawl}. A finished crawl's
#: name starts a new generation: the same command run after a crawl finished crawls anew.
JOIN = """
local base, candidate, now, wanted = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local gen = tonumber(redis.call('GET', base .. 'gen') or '0')
if wanted > 0 then
  gen = wanted
elseif gen == 0 or redis.call('HGET', base .. gen .. ':meta', 'status') == 'finished' then
  gen = redis.call('INCR', base .. 'gen')
end
local meta = base .. gen .. ':meta'
local started = redis.call('HSETNX', meta, 'crawl_id', candidate)
if started == 1 then
  redis.call('HSET', meta, 'status', 'running', 'started', now)
end
return {gen, redis.call('HGET', meta, 'crawl_id'), started}
"""

#: ARGV: prefix, seconds to keep -> 1. The crawl is over: mark it, let its keys expire.
FINISH = """
local P, ttl = ARGV[1], ARGV[2]
redis.call('HSET', P .. 'meta', 'status', 'finished')
for _, name in ipairs({'seen', 'skipped', 'budget', 'meta', 'parked', 'seq', 'scheduled',
                       'sources', 'allworkers', 'workers', 'domains'}) do
  redis.call('EXPIRE', P .. name, ttl)
end
for _, w in ipairs(redis.call('SMEMBERS', P .. 'allworkers')) do
  redis.call('EXPIRE', P .. 'wstats:' .. w, ttl)
end
return 1
"""

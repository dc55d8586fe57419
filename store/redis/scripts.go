package redis

import goredis "github.com/redis/go-redis/v9"

// The scripts that change a session. Each is one round trip: go-redis sends EVALSHA and falls
// back to EVAL once when the server does not know the script yet (Preload avoids even that).
//
// Every script answers a table whose first element is a status:
//
//	{"ok", value}           the write happened (value: the stored session, when it matters)
//	{"missing"}             no session under the key: expired, or ended
//	{"ended"}               the key holds another session of the guild: this one ended
//	{"conflict", version}   the stored version is not the expected one
//	{"invalid", state}      the stored state may not move to the requested one
//	{"mismatch"}            the session is bound to another address
//	{"corrupt"}             the stored value is not a session envelope

// scriptPrelude splits the envelope {"meta":M,"ui":U,"data":D} (see codec.go) without
// decoding D: skip() jumps over one JSON object, honouring strings and escapes.
const scriptPrelude = `
local function skip(s, i)
  if string.sub(s, i, i) ~= '{' then return nil end
  local depth, instr = 0, false
  while true do
    local j
    if instr then j = string.find(s, '["\\]', i) else j = string.find(s, '[{}"]', i) end
    if not j then return nil end
    local c = string.sub(s, j, j)
    if instr then
      if c == '\\' then i = j + 2 else instr = false; i = j + 1 end
    else
      if c == '"' then instr = true
      elseif c == '{' then depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then return j + 1 end
      end
      i = j + 1
    end
  end
end

local function split(v)
  if string.sub(v, 1, 8) ~= '{"meta":' or string.sub(v, -1) ~= '}' then return nil end
  local me = skip(v, 9)
  if not me or string.sub(v, me, me + 5) ~= ',"ui":' then return nil end
  local ue = skip(v, me + 6)
  if not ue or string.sub(v, ue, ue + 7) ~= ',"data":' then return nil end
  local ok, meta = pcall(cjson.decode, string.sub(v, 9, me - 1))
  if not ok or type(meta) ~= 'table' or type(meta.version) ~= 'number' then return nil end
  return meta, string.sub(v, me + 6, ue - 1), string.sub(v, ue + 8, -2)
end

local function join(meta, ui, data)
  return '{"meta":' .. cjson.encode(meta) .. ',"ui":' .. ui .. ',"data":' .. data .. '}'
end

-- load reads the session under key and checks that it is session id (and, when expect is
-- given, at that version). It returns meta, ui, data, or nil and the reply to give.
local function load(key, id, expect, wid)
  local v = redis.call('GET', key)
  if not v then return nil, {'missing'} end
  local meta, ui, data = split(v)
  if not meta or type(meta.id) ~= 'string' or type(meta.guildId) ~= 'string' or type(meta.state) ~= 'string'
    or string.sub(meta.id, 1, #meta.guildId + 1) ~= meta.guildId .. '.'
    or not string.find(key, '{' .. meta.guildId .. '}', 1, true) then
    return nil, {'corrupt'}
  end
  if meta.id ~= id then return nil, {'ended'} end
  if expect and meta.version ~= tonumber(expect) then
    -- A re-send of a write that was applied (its reply was lost) finds its own write id
    -- on the version it made: success, not a conflict.
    if wid and wid ~= '' and meta.lastWrite == wid and meta.version == tonumber(expect) + 1 then
      return nil, {'ok', v}
    end
    return nil, {'conflict', tostring(meta.version)}
  end
  return meta, ui, data
end

local function save(key, meta, ui, data, now, ttl, wid)
  meta.version = meta.version + 1
  if wid and wid ~= '' then meta.lastWrite = wid else meta.lastWrite = nil end
  meta.updatedAt = now
  local v = join(meta, ui, data)
  redis.call('SET', key, v, 'PX', ttl)
  return {'ok', v}
end
`

// updateScript: KEYS[1] session key; ARGV id, expected version, now, ui, data, ttl ms,
// write id.
// Only ui and data come from the caller: id, guild, createdAt, owner, state and binding
// cannot change through Update.
var updateScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], ARGV[2], ARGV[7])
if not meta then return ui end
return save(KEYS[1], meta, ARGV[4], ARGV[5], ARGV[3], ARGV[6], ARGV[7])
`)

// transitionScript: KEYS[1]; ARGV id, expected version, now, to, ttl ms, write id, then every state
// from which wizard.CanTransition allows "to" (computed in Go, so the rule stays in wizard).
// The step's UI state is cleared.
var transitionScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], ARGV[2], ARGV[6])
if not meta then return ui end
local allowed = false
for i = 7, #ARGV do
  if meta.state == ARGV[i] then allowed = true end
end
if not allowed then return {'invalid', tostring(meta.state)} end
meta.state = ARGV[4]
return save(KEYS[1], meta, '{}', data, ARGV[3], ARGV[5], ARGV[6])
`)

// takeOverScript: KEYS[1]; ARGV id, expected version, now, owner id, owner name, ttl ms,
// write id.
var takeOverScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], ARGV[2], ARGV[7])
if not meta then return ui end
meta.ownerId = ARGV[4]
meta.ownerName = ARGV[5]
meta.ownerAt = ARGV[3]
return save(KEYS[1], meta, ui, data, ARGV[3], ARGV[6], ARGV[7])
`)

// bindIPScript: KEYS[1]; ARGV id, ip, now, ttl ms. Binds once; the same address again is a
// read; another address is a mismatch. Never rebinds.
var bindIPScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], nil)
if not meta then return ui end
local bound = meta.boundIp
if type(bound) == 'string' and bound ~= '' then
  if bound ~= ARGV[2] then return {'mismatch'} end
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'ok', join(meta, ui, data)}
end
meta.boundIp = ARGV[2]
return save(KEYS[1], meta, ui, data, ARGV[3], ARGV[4])
`)

// deleteScript: KEYS[1]; ARGV id. Deletes only that session, never a newer one of the guild.
var deleteScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], nil)
if not meta then return ui end
redis.call('DEL', KEYS[1])
return {'ok'}
`)

// refreshScript: KEYS[1]; ARGV id, ttl ms. Extends the TTL of that session only.
var refreshScript = goredis.NewScript(scriptPrelude + `
local meta, ui, data = load(KEYS[1], ARGV[1], nil)
if not meta then return ui end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'ok'}
`)

var sessionScripts = []*goredis.Script{
	updateScript, transitionScript, takeOverScript, bindIPScript, deleteScript, refreshScript,
}

package redis

import goredis "github.com/redis/go-redis/v9"

// The scripts that change a session. Each is one round trip: go-redis sends EVALSHA and falls
// back to EVAL once when the server does not know the script yet (Preload avoids even that).
//
// A write that happened answers the stored value as a bulk string (Update: the new header
// alone, the caller holds the body it sent), which costs Redis less than a table; every other
// answer is a table whose first element is a status:
//
//	{"ok", value}           the write had already happened (a re-sent write id), or Delete
//	                        and Refresh succeeded (no value)
//	{"missing"}             no session under the key: expired, or ended
//	{"ended"}               the key holds another session of the guild: this one ended
//	{"conflict", version}   the stored version is not the expected one
//	{"invalid", state}      the stored state may not move to the requested one
//	{"mismatch"}            the session is bound to another address
//	{"corrupt"}             the stored value is not a session of the key's guild
//
// scriptPrelude reads the header of codec.go with one string.match and never decodes the
// body: a write costs a GET, a match, a concatenation and a SET, whatever the session's size.
// A value still in the old JSON envelope (codec_legacy.go) is split as before (skip() jumps
// over one JSON object, honouring strings and escapes; cjson decodes only meta) and the write
// stores it in the header layout, ui and data copied as JSON body segments.
const scriptPrelude = `
local HEAD = '^S2\n([^\n]*)\n([^\n]*)\n(%d+)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n([^\n]*)\n(%d+)\n()'

-- legacy reads an old envelope {"meta":M,"ui":U,"data":D} into the header's fields; its
-- helpers are made only when a value in that layout is met.
local function legacy(v)
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
  local function esc(s)
    return (string.gsub(s, '[%%\n]', {['%'] = '%25', ['\n'] = '%0A'}))
  end
  local function str(x) if type(x) == 'string' then return x end return '' end
  if string.sub(v, 1, 8) ~= '{"meta":' or string.sub(v, -1) ~= '}' then return nil end
  local me = skip(v, 9)
  if not me or string.sub(v, me, me + 5) ~= ',"ui":' then return nil end
  local ue = skip(v, me + 6)
  if not ue or string.sub(v, ue, ue + 7) ~= ',"data":' then return nil end
  local ok, meta = pcall(cjson.decode, string.sub(v, 9, me - 1))
  if not ok or type(meta) ~= 'table' or type(meta.version) ~= 'number' then return nil end
  local m = {id = str(meta.id), guild = str(meta.guildId), version = meta.version, state = str(meta.state),
    owner = esc(str(meta.ownerId)), oname = esc(str(meta.ownerName)), bound = str(meta.boundIp),
    lw = esc(str(meta.lastWrite)), created = str(meta.createdAt), oat = str(meta.ownerAt), upd = str(meta.updatedAt),
    ui = string.sub(v, me + 6, ue - 1), data = string.sub(v, ue + 8, -2)}
  if string.find(m.id .. m.guild .. m.state .. m.bound .. m.created .. m.oat .. m.upd, '\n', 1, true) then
    return nil
  end
  return m
end

-- split reads a value in either layout into the header's fields and where the body's two
-- segments are (or, from an old envelope, the segments themselves).
local function split(v)
  local id, guild, ver, state, owner, oname, bound, lw, created, oat, upd, uil, p = string.match(v, HEAD)
  if not id then return legacy(v) end
  local ue = p + tonumber(uil)
  if ue > #v + 1 then return nil end
  return {id = id, guild = guild, version = tonumber(ver), state = state, owner = owner, oname = oname,
    bound = bound, lw = lw, created = created, oat = oat, upd = upd, p = p, ue = ue}
end

-- ui and data are the body's segments of a value split by split().
local function ui(m, v)
  if m.ui then return m.ui end
  return string.sub(v, m.p, m.ue - 1)
end

local function data(m, v)
  if m.data then return m.data end
  return string.sub(v, m.ue)
end

local function head(m, uilen)
  return 'S2\n' .. m.id .. '\n' .. m.guild .. '\n' .. tostring(m.version) .. '\n' .. m.state .. '\n' ..
    m.owner .. '\n' .. m.oname .. '\n' .. m.bound .. '\n' .. m.lw .. '\n' .. m.created .. '\n' ..
    m.oat .. '\n' .. m.upd .. '\n' .. uilen .. '\n'
end

-- load reads the session under key and checks that it is session id (and, when expect is
-- given, at that version). It returns the header's fields (see split) and the stored value,
-- or nil and the reply to give.
local function load(key, id, expect, wid)
  local v = redis.call('GET', key)
  if not v then return nil, {'missing'} end
  local m = split(v)
  if not m or m.guild == '' or m.state == ''
    or string.sub(m.id, 1, #m.guild + 1) ~= m.guild .. '.'
    or not string.find(key, '{' .. m.guild .. '}', 1, true) then
    return nil, {'corrupt'}
  end
  if m.id ~= id then return nil, {'ended'} end
  if expect and m.version ~= tonumber(expect) then
    -- A re-send of a write that was applied (its reply was lost) finds its own write id
    -- on the version it made: success, not a conflict.
    if wid and wid ~= '' and m.lw == wid and m.version == tonumber(expect) + 1 then
      return nil, {'ok', v}
    end
    return nil, {'conflict', tostring(m.version)}
  end
  return m, v
end

-- save stores the next version; it returns the new header and the whole value.
local function save(key, m, ui, data, now, ttl, wid)
  m.version = m.version + 1
  if wid then m.lw = wid else m.lw = '' end
  m.upd = now
  local h = head(m, #ui)
  local v = h .. ui .. data
  redis.call('SET', key, v, 'PX', ttl)
  return h, v
end
`

// updateScript: KEYS[1] session key; ARGV id, expected version, now, ui, data, ttl ms,
// write id (escaped, "" for none). Only ui and data come from the caller: id, guild,
// createdAt, owner, state and binding cannot change through Update. It answers the new header
// only: the caller holds the body.
var updateScript = newCASScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], ARGV[2], ARGV[7])
if not m then return v end
return (save(KEYS[1], m, ARGV[4], ARGV[5], ARGV[3], ARGV[6], ARGV[7]))
`)

// transitionScript: KEYS[1]; ARGV id, expected version, now, to, ttl ms, write id, then every state
// from which wizard.CanTransition allows "to" (computed in Go, so the rule stays in wizard).
// The step's UI state is cleared.
var transitionScript = newCASScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], ARGV[2], ARGV[6])
if not m then return v end
local allowed = false
for i = 7, #ARGV do
  if m.state == ARGV[i] then allowed = true end
end
if not allowed then return {'invalid', m.state} end
m.state = ARGV[4]
local h, nv = save(KEYS[1], m, '', data(m, v), ARGV[3], ARGV[5], ARGV[6])
return nv
`)

// takeOverScript: KEYS[1]; ARGV id, expected version, now, owner id, owner name (both
// escaped), ttl ms, write id.
var takeOverScript = newCASScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], ARGV[2], ARGV[7])
if not m then return v end
local u, d = ui(m, v), data(m, v)
m.owner = ARGV[4]
m.oname = ARGV[5]
m.oat = ARGV[3]
local h, nv = save(KEYS[1], m, u, d, ARGV[3], ARGV[6], ARGV[7])
return nv
`)

// bindIPScript: KEYS[1]; ARGV id, ip, now, ttl ms. Binds once; the same address again is a
// read; another address is a mismatch. Never rebinds.
var bindIPScript = goredis.NewScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], nil)
if not m then return v end
if m.bound ~= '' then
  if m.bound ~= ARGV[2] then return {'mismatch'} end
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return v
end
m.bound = ARGV[2]
local h, nv = save(KEYS[1], m, ui(m, v), data(m, v), ARGV[3], ARGV[4], nil)
return nv
`)

// deleteScript: KEYS[1]; ARGV id. Deletes only that session, never a newer one of the guild.
var deleteScript = goredis.NewScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], nil)
if not m then return v end
redis.call('DEL', KEYS[1])
return {'ok'}
`)

// refreshScript: KEYS[1]; ARGV id, ttl ms. Extends the TTL of that session only.
var refreshScript = goredis.NewScript(scriptPrelude + `
local m, v = load(KEYS[1], ARGV[1], nil)
if not m then return v end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'ok'}
`)

var sessionScripts = []*goredis.Script{
	updateScript.Script, transitionScript.Script, takeOverScript.Script, bindIPScript, deleteScript, refreshScript,
}

// casScript is a compare-and-swap script with its SHA boxed once: runCAS sends EVALSHA
// through Do with one argument slice instead of the several Script.Run allocates.
type casScript struct {
	*goredis.Script
	sha any
}

func newCASScript(src string) casScript {
	sc := goredis.NewScript(src)
	return casScript{Script: sc, sha: sc.Hash()}
}

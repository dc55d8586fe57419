package redis

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A session is stored as a text header of one field per line, then its body:
//
//	S2\n
//	<id>\n<guildId>\n<version>\n<state>\n<ownerId>\n<ownerName>\n<boundIp>\n<lastWrite>\n
//	<createdAt>\n<ownerAt>\n<updatedAt>\n<length of ui>\n
//	<ui><data>
//
// The header holds what the store manages; the Lua scripts (scripts.go) read it with one
// string.match, check and rewrite it, and copy the body without looking into it — no JSON
// is decoded or encoded inside Redis. Times are Unix nanoseconds in decimal ("" for the zero
// time; a value upgraded from the old envelope keeps its RFC 3339 text until the field is
// written again). Free text (ownerId, ownerName, lastWrite) is escaped so that it holds no
// newline: "%" is written "%25" and a newline "%0A". lastWrite is the write id of the write
// that made this version (store.WithWriteID), "" for none.
//
// The body is the bot's: ui (the step's UI state, "" when there is none) and data, in the
// binary form of codec_body.go, or as JSON objects when copied from an old envelope
// (codec_legacy.go). Update replaces both, Transition empties ui, the other scripts copy
// them.
const headerMagic = "S2\n"

// headerFields is the number of newline-terminated fields after the magic.
const headerFields = 12

// header is a parsed header; every string is a substring of the value.
type header struct {
	id, guild, version, state, owner, ownerName, boundIP, lastWrite string
	createdAt, ownerAt, updatedAt                                   string
	uiLen                                                           int
	body                                                            int // offset of the body
}

var fieldEscaper = strings.NewReplacer("%", "%25", "\n", "%0A")
var fieldUnescaper = strings.NewReplacer("%25", "%", "%0A", "\n")

// escapeField makes free text safe for a header line.
func escapeField(s string) string {
	if strings.ContainsAny(s, "%\n") {
		return fieldEscaper.Replace(s)
	}
	return s
}

func unescapeField(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	return fieldUnescaper.Replace(s)
}

// timeField is how a time is written in a header, and how the scripts receive "now".
func timeField(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

func parseTimeField(s string) (time.Time, error) {
	switch {
	case s == "":
		return time.Time{}, nil
	case strings.IndexByte(s, 'T') >= 0: // RFC 3339, from an upgraded old envelope
		return time.Parse(time.RFC3339Nano, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, n).UTC(), nil
}

// encodeSession writes a whole value: header and body.
func encodeSession(s *wizard.Session) []byte {
	b := make([]byte, 0, 256)
	b = append(b, headerMagic...)
	for _, f := range [...]string{s.ID, s.GuildID, strconv.FormatInt(s.Version, 10), string(s.State),
		escapeField(s.OwnerID), escapeField(s.OwnerName), s.BoundIP, "",
		timeField(s.CreatedAt), timeField(s.OwnerAt), timeField(s.UpdatedAt)} {
		b = append(b, f...)
		b = append(b, '\n')
	}
	ui := appendUI(nil, s.UI)
	b = strconv.AppendInt(b, int64(len(ui)), 10)
	b = append(b, '\n')
	b = append(b, ui...)
	return appendData(b, &s.Data)
}

// encodeBody encodes what Update writes, ui and data, into one buffer: the ui segment is
// body[:uiLen].
func encodeBody(s *wizard.Session) (body []byte, uiLen int) {
	body = appendUI(make([]byte, 0, 512), s.UI)
	uiLen = len(body)
	return appendData(body, &s.Data), uiLen
}

// parseHeader splits a value in the header layout. ok is false when it is not one. The body
// may be missing (Update's answer): callers check uiLen against it.
func parseHeader(raw string) (h header, ok bool) {
	if !strings.HasPrefix(raw, headerMagic) {
		return h, false
	}
	var f [headerFields]string
	i := len(headerMagic)
	for n := range f {
		j := strings.IndexByte(raw[i:], '\n')
		if j < 0 {
			return h, false
		}
		f[n] = raw[i : i+j]
		i += j + 1
	}
	uiLen, err := strconv.Atoi(f[11])
	if err != nil || uiLen < 0 {
		return h, false
	}
	return header{
		id: f[0], guild: f[1], version: f[2], state: f[3], owner: f[4], ownerName: f[5],
		boundIP: f[6], lastWrite: f[7], createdAt: f[8], ownerAt: f[9], updatedAt: f[10],
		uiLen: uiLen, body: i,
	}, true
}

// sessionOfHeader fills a session's managed fields from h.
func sessionOfHeader(h *header) (*wizard.Session, error) {
	s := &wizard.Session{
		ID: h.id, GuildID: h.guild, OwnerID: unescapeField(h.owner), OwnerName: unescapeField(h.ownerName),
		State: wizard.State(h.state), BoundIP: h.boundIP,
	}
	var err error
	if s.Version, err = strconv.ParseInt(h.version, 10, 64); err != nil {
		return nil, fmt.Errorf("version %q", h.version)
	}
	for _, t := range [...]struct {
		dst  *time.Time
		text string
	}{{&s.CreatedAt, h.createdAt}, {&s.OwnerAt, h.ownerAt}, {&s.UpdatedAt, h.updatedAt}} {
		if *t.dst, err = parseTimeField(t.text); err != nil {
			return nil, fmt.Errorf("time %q", t.text)
		}
	}
	return s, nil
}

// decodeBody reads the ui and data segments into s.
func decodeBody(s *wizard.Session, ui, data string) error {
	switch {
	case ui == "":
	case ui[0] == bodyBinary:
		m, err := decodeUIBinary(ui)
		if err != nil {
			return err
		}
		s.UI = m
	default:
		if err := decodeSegmentJSON(ui, &s.UI); err != nil {
			return err
		}
		if len(s.UI) == 0 {
			s.UI = nil
		}
	}
	switch {
	case data == "":
		return errors.New("the session has no data")
	case data[0] == bodyBinary:
		return decodeDataBinary(data, &s.Data)
	default:
		return decodeSegmentJSON(data, &s.Data)
	}
}

// decodeSession reads a stored value, in the header layout or an old envelope. Anything that
// is not a well-formed session of the key's guild is CodeCorrupt naming the key.
func decodeSession(op, key, raw string) (*wizard.Session, error) {
	h, ok := parseHeader(raw)
	if !ok || h.uiLen > len(raw)-h.body {
		if strings.HasPrefix(raw, "S") {
			return nil, corrupt(op, key, errors.New("the session header does not parse"))
		}
		return decodeLegacy(op, key, raw)
	}
	s, err := sessionOfHeader(&h)
	if err != nil {
		return nil, corrupt(op, key, err)
	}
	if err := checkSession(op, key, s); err != nil {
		return nil, err
	}
	if err := decodeBody(s, raw[h.body:h.body+h.uiLen], raw[h.body+h.uiLen:]); err != nil {
		return nil, corrupt(op, key, err)
	}
	return s, nil
}

// decodeWritten is a script's answer to Update: the new header alone, whose body is the one
// the caller sent (decoded from its own bytes, so the result is a copy that reads as a Get
// would), or a whole value (a re-sent write that was already applied).
func decodeWritten(op, key, raw string, body string, uiLen int) (*wizard.Session, error) {
	h, ok := parseHeader(raw)
	if !ok || h.body != len(raw) {
		return decodeSession(op, key, raw)
	}
	s, err := sessionOfHeader(&h)
	if err != nil {
		return nil, corrupt(op, key, err)
	}
	if err := checkSession(op, key, s); err != nil {
		return nil, err
	}
	if err := decodeBody(s, body[:uiLen], body[uiLen:]); err != nil {
		return nil, internal(op, key, err)
	}
	return s, nil
}

// checkSession is the check every decoded value passes: a session of the key's guild.
func checkSession(op, key string, s *wizard.Session) error {
	guild, ok := wizard.GuildOfSessionID(s.ID)
	switch {
	case !ok:
		return corrupt(op, key, fmt.Errorf("session id %q does not parse", s.ID))
	case guild != s.GuildID || !isSessionKeyOf(key, guild):
		return corrupt(op, key, fmt.Errorf("session %s does not belong under this key", s.ID))
	case !s.State.Valid():
		return corrupt(op, key, fmt.Errorf("unknown state %q", s.State))
	case s.Version < 1:
		return corrupt(op, key, fmt.Errorf("version %d", s.Version))
	}
	return nil
}

// isSessionKeyOf reports whether key is sessionKey(guild), without building it.
func isSessionKeyOf(key, guild string) bool {
	return len(key) == len(sessionKeyPrefix)+len(guild)+2+len(sessionKeySuffix) &&
		strings.HasPrefix(key, sessionKeyPrefix+"{") && strings.HasSuffix(key, "}"+sessionKeySuffix) &&
		key[len(sessionKeyPrefix)+1:len(key)-len(sessionKeySuffix)-1] == guild
}

// stateOfValue is the state of a stored value in either layout, "" when it has none.
func stateOfValue(raw string) wizard.State {
	if h, ok := parseHeader(raw); ok {
		return wizard.State(h.state)
	}
	return legacyState(raw)
}

func corrupt(op, key string, err error) error {
	if err == nil {
		err = errors.New("not a session")
	}
	return &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("stored value does not decode: %w", err)}
}

package redis

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// fill sets v (reached through reflection, so that a field added to wizard.SessionData is
// filled too) to random values. With full, every field is set to something that is not its
// zero value and every list and map holds elements; otherwise lists, maps and pointers are
// also nil or empty at random.
func fill(r *rand.Rand, v reflect.Value, full bool) {
	switch v.Kind() {
	case reflect.String:
		const letters = "abcXYZ019 ü\"\\{}%\n"
		n := 1 + r.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteRune([]rune(letters)[r.IntN(len([]rune(letters)))])
		}
		v.SetString(b.String())
	case reflect.Bool:
		v.SetBool(full || r.IntN(2) == 1)
	case reflect.Int, reflect.Int64:
		n := r.Int64() >> r.IntN(63)
		if n == 0 || r.IntN(2) == 1 {
			n = -n - 1
		}
		v.SetInt(n)
	case reflect.Pointer:
		if !full && r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), full)
		v.Set(p)
	case reflect.Slice:
		if !full && r.IntN(4) == 0 {
			return // nil
		}
		n := 1 + r.IntN(3)
		if !full && r.IntN(4) == 0 {
			n = 0 // empty, not nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, s.Index(i), full)
		}
		v.Set(s)
	case reflect.Map:
		if !full && r.IntN(4) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range 1 + r.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(r, k, full)
			fill(r, e, full)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			if full || r.IntN(2) == 1 {
				t := time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
				if r.IntN(3) == 0 {
					t = t.In(time.FixedZone("", 3600*(1+r.IntN(10))))
				}
				v.Set(reflect.ValueOf(t))
			}
			return
		}
		for i := range v.NumField() {
			fill(r, v.Field(i), full)
		}
	default:
		panic("fill: add a case for " + v.Type().String())
	}
}

// zeroFields names every field under v that holds its zero value or an empty list or map.
func zeroFields(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return []string{path}
		}
		return zeroFields(v.Elem(), path)
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return []string{path}
		}
		if v.Kind() == reflect.Slice {
			return zeroFields(v.Index(0), path+"[0]")
		}
		return nil
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			if v.Interface().(time.Time).IsZero() {
				return []string{path}
			}
			return nil
		}
		var zero []string
		for i := range v.NumField() {
			zero = append(zero, zeroFields(v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
		return zero
	}
	if v.IsZero() {
		return []string{path}
	}
	return nil
}

// viaJSON is what the memory store (and the old envelope) gives back for d.
func viaJSON(t *testing.T, d wizard.SessionData) wizard.SessionData {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back wizard.SessionData
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// TestBodyCodecMatchesJSON: the binary body gives back what a JSON round trip gives, for
// every field of SessionData. A field added to SessionData (or to a type it holds) that the
// codec does not carry fails here.
func TestBodyCodecMatchesJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	for i := range 500 {
		full := i%5 == 0
		var d wizard.SessionData
		fill(r, reflect.ValueOf(&d).Elem(), full)
		if full {
			if zero := zeroFields(reflect.ValueOf(d), "SessionData"); len(zero) > 0 {
				t.Fatalf("the filler left fields empty: %v", zero)
			}
		}
		want := viaJSON(t, d)
		var got wizard.SessionData
		if err := decodeDataBinary(string(appendData(nil, &d)), &got); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: binary round trip differs from JSON's\n got %#v\nwant %#v", i, got, want)
		}
	}
	filled := storetest.FilledSessionData()
	var got wizard.SessionData
	if err := decodeDataBinary(string(appendData(nil, &filled)), &got); err != nil || !reflect.DeepEqual(got, filled) {
		t.Errorf("FilledSessionData: %v\n got %#v\nwant %#v", err, got, filled)
	}
}

// TestSessionCodec: a whole value, header and body, decodes to the session encoded, with
// free text holding the header's separator and escape characters.
func TestSessionCodec(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 42, time.UTC)
	guild := "123456789012345678"
	sess := &wizard.Session{ID: guild + ".abcdef", GuildID: guild, CreatedAt: at, OwnerID: "1001\n%",
		OwnerName: "Ada %0A\nLovelace%", OwnerAt: at.Add(time.Second), Version: 12, UpdatedAt: at.Add(time.Minute),
		State: wizard.StateReview, BoundIP: "2001:db8::1", Data: storetest.FilledSessionData(),
		UI: map[string]string{"chain": "polygon", "fix": "{\"name\":\"x\"}\n"}}
	raw := encodeSession(sess)
	got, err := decodeSession("test", sessionKey(guild), string(raw))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !reflect.DeepEqual(got, sess) {
		t.Errorf("round trip\n got %#v\nwant %#v", got, sess)
	}
	if h, ok := parseHeader(string(raw)); !ok || h.state != string(wizard.StateReview) || stateOfValue(string(raw)) != wizard.StateReview {
		t.Errorf("header %+v, %v: want state REVIEW", h, ok)
	}
	// Under another guild's key, and cut anywhere, the value is corrupt, never a panic.
	if _, err := decodeSession("test", sessionKey("999"), string(raw)); !store.IsCode(err, store.CodeCorrupt) {
		t.Errorf("under another guild's key: %v, want CodeCorrupt", err)
	}
	for n := range len(raw) {
		if _, err := decodeSession("test", sessionKey(guild), string(raw[:n])); !store.IsCode(err, store.CodeCorrupt) {
			t.Fatalf("value cut at %d of %d bytes: %v, want CodeCorrupt", n, len(raw), err)
		}
	}
}

// FuzzDecodeSession: whatever a key holds — a damaged value, another program's data — reads
// as a session or as CodeCorrupt, never a panic or another kind of error.
func FuzzDecodeSession(f *testing.F) {
	guild := "123456789012345678"
	sess := &wizard.Session{ID: guild + ".abcdef", GuildID: guild, Version: 3, State: wizard.StateChainSelect,
		OwnerID: "1001", Data: storetest.FilledSessionData(), UI: map[string]string{"chain": "base"}}
	f.Add(string(encodeSession(sess)))
	f.Add(`{"meta":{"id":"` + guild + `.abcdef","guildId":"` + guild + `","version":1,"state":"INIT"},"ui":{},"data":{}}`)
	f.Add("S2\n")
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := decodeSession("fuzz", sessionKey(guild), raw)
		if err != nil && !store.IsCode(err, store.CodeCorrupt) {
			t.Fatalf("%q: %v, want a session or CodeCorrupt", raw, err)
		}
		if err == nil && (s == nil || s.GuildID != guild) {
			t.Fatalf("%q: decoded %+v without the key's guild", raw, s)
		}
	})
}

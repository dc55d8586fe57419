package redis

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/arrakis-bot/arrakis/wizard"
)

// The body of a stored session (see codec.go) is two segments, ui and data, each either JSON
// (an object: its first byte is '{', as upgraded from the old envelope) or this binary form,
// whose first byte is bodyBinary. The binary form is written field by field in the order of
// the structs below, with:
//
//	string        uvarint length, bytes
//	[]string      uvarint count, strings (0: nil, as JSON's omitempty gives back)
//	int, int64    zig-zag varint
//	bool          one byte, 0 or 1
//	*int, *int64  one byte, 0 for nil, 1 then the value
//	time.Time     one byte: 0 zero, 1 UTC then varint Unix nanoseconds, 2 other zones then
//	              uvarint length and MarshalBinary's bytes
//
// It decodes to what a JSON round trip of the same value gives (the memory store's copy):
// empty omitempty lists and maps come back nil, Tier.Rules keeps nil apart from empty (its
// count is stored plus one). TestBodyCodecMatchesJSON fills every field of SessionData by
// reflection and fails when a field is added that this codec does not carry.
//
// Decoding reads from the reply string and takes every string as a substring of it: no
// string is copied, and a body decodes in a few allocations (slices and pointers).
const bodyBinary = 0x01

// appendUI appends ui as a body segment: nothing when it is empty.
func appendUI(b []byte, ui map[string]string) []byte {
	if len(ui) == 0 {
		return b
	}
	b = append(b, bodyBinary)
	b = binary.AppendUvarint(b, uint64(len(ui)))
	for k, v := range ui {
		b = appendString(b, k)
		b = appendString(b, v)
	}
	return b
}

// appendData appends d as a body segment.
func appendData(b []byte, d *wizard.SessionData) []byte {
	b = append(b, bodyBinary)
	b = appendString(b, d.CommunityName)
	b = appendStrings(b, d.Chains)
	b = binary.AppendUvarint(b, uint64(len(d.Assets)))
	for i := range d.Assets {
		a := &d.Assets[i]
		b = appendString(b, a.ID)
		b = appendString(b, string(a.Type))
		b = appendString(b, a.Chain)
		b = appendString(b, a.Contract)
		b = appendString(b, a.Name)
		b = appendString(b, a.Symbol)
		b = appendOptInt(b, a.Decimals)
		b = appendString(b, a.TokenID)
	}
	b = binary.AppendUvarint(b, uint64(len(d.Tiers)))
	for i := range d.Tiers {
		t := &d.Tiers[i]
		b = appendString(b, t.ID)
		b = appendString(b, t.Name)
		if t.Rules == nil {
			b = append(b, 0)
		} else {
			b = binary.AppendUvarint(b, uint64(len(t.Rules))+1)
		}
		for j := range t.Rules {
			r := &t.Rules[j]
			b = appendString(b, string(r.Type))
			b = appendString(b, r.Asset)
			b = appendString(b, r.Amount)
			b = appendOptInt64(b, r.Count)
			b = appendOptInt(b, r.Days)
			b = appendOptInt64(b, r.Score)
		}
		b = appendString(b, t.Role.Name)
		b = binary.AppendVarint(b, int64(t.Role.Color))
		b = appendBool(b, t.Role.Hoist)
		b = appendBool(b, t.Role.Mentionable)
		b = binary.AppendVarint(b, t.Role.Permissions)
		b = appendString(b, t.Role.Adopt)
	}
	b = appendString(b, d.ChannelTemplate)
	b = binary.AppendUvarint(b, uint64(len(d.CustomChannels)))
	for i := range d.CustomChannels {
		c := &d.CustomChannels[i]
		b = appendString(b, c.Key)
		b = appendString(b, c.Name)
		b = appendString(b, string(c.Type))
		b = appendString(b, c.Parent)
		b = appendString(b, c.Topic)
		b = appendString(b, c.MinTier)
		b = appendString(b, c.Adopt)
	}
	b = appendString(b, d.AlertChannel)
	b = appendString(b, d.EditOf)
	b = appendStrings(b, d.DeployedKeys)
	b = appendStrings(b, d.RetiredIDs)
	b = binary.AppendUvarint(b, uint64(len(d.ChannelAdopts)))
	for k, v := range d.ChannelAdopts {
		b = appendString(b, k)
		b = appendString(b, v)
	}
	b = appendStrings(b, d.CreateAnyway)
	if d.Deploy == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = appendString(b, string(d.Deploy.Status))
		b = appendString(b, d.Deploy.SnapshotID)
		b = appendString(b, d.Deploy.Error)
		b = appendTime(b, d.Deploy.Requested)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendOptInt(b []byte, p *int) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(*p))
}

func appendOptInt64(b []byte, p *int64) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), *p)
}

// appendTime keeps a UTC time as Unix nanoseconds when they fit, any other as MarshalBinary
// does (zone offset included), so that it comes back as a JSON round trip would give it.
func appendTime(b []byte, t time.Time) []byte {
	switch {
	case t.IsZero():
		return append(b, 0)
	case t.Location() == time.UTC && t.Year() > 1700 && t.Year() < 2200:
		return binary.AppendVarint(append(b, 1), t.UnixNano())
	}
	raw, err := t.MarshalBinary()
	if err != nil { // an offset that is not whole minutes: keep the instant, in UTC
		return binary.AppendVarint(append(b, 1), t.UTC().UnixNano())
	}
	b = binary.AppendUvarint(append(b, 2), uint64(len(raw)))
	return append(b, raw...)
}

// bodyReader decodes the binary form from a string. The first error sticks; every read after
// it returns zero values.
type bodyReader struct {
	s   string
	i   int
	err error
	// ints and int64s hand out the optional numbers' pointers from a few shared
	// allocations instead of one each.
	ints   []int
	int64s []int64
}

var errShortBody = errors.New("the session body ends early")

func (r *bodyReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.i = len(r.s)
}

func (r *bodyReader) byte() byte {
	if r.i >= len(r.s) {
		r.fail(errShortBody)
		return 0
	}
	c := r.s[r.i]
	r.i++
	return c
}

func (r *bodyReader) uvarint() uint64 {
	if r.i < len(r.s) && r.s[r.i] < 0x80 { // most numbers and lengths are one byte
		c := r.s[r.i]
		r.i++
		return uint64(c)
	}
	return r.uvarintLong()
}

func (r *bodyReader) uvarintLong() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	r.fail(errors.New("the session body holds an overlong number"))
	return 0
}

func (r *bodyReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// count reads a number of elements, each at least one byte long: a corrupt count cannot make
// the decoder allocate more than the body could hold.
func (r *bodyReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.i) {
		r.fail(fmt.Errorf("the session body claims %d elements in %d bytes", n, len(r.s)-r.i))
		return 0
	}
	return int(n)
}

func (r *bodyReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.i) {
		r.fail(errShortBody)
		return ""
	}
	s := r.s[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

func (r *bodyReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.str()
	}
	return ss
}

func (r *bodyReader) boolean() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail(errors.New("the session body holds a bad flag"))
	return false
}

func (r *bodyReader) int() int {
	v := r.varint()
	if v > math.MaxInt || v < math.MinInt {
		r.fail(errors.New("the session body holds a number out of range"))
	}
	return int(v)
}

func (r *bodyReader) optInt() *int {
	if !r.boolean() {
		return nil
	}
	if len(r.ints) == 0 {
		r.ints = make([]int, 8)
	}
	p := &r.ints[0]
	r.ints = r.ints[1:]
	*p = r.int()
	return p
}

func (r *bodyReader) optInt64() *int64 {
	if !r.boolean() {
		return nil
	}
	if len(r.int64s) == 0 {
		r.int64s = make([]int64, 8)
	}
	p := &r.int64s[0]
	r.int64s = r.int64s[1:]
	*p = r.varint()
	return p
}

func (r *bodyReader) time() time.Time {
	switch r.byte() {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(0, r.varint()).UTC()
	case 2:
		var t time.Time
		if err := t.UnmarshalBinary([]byte(r.str())); err != nil {
			r.fail(fmt.Errorf("the session body holds a bad time: %w", err))
		}
		return t
	}
	r.fail(errors.New("the session body holds a bad time"))
	return time.Time{}
}

// decodeUI reads a ui segment: empty, binary or JSON (see decodeSegmentJSON).
func decodeUIBinary(seg string) (map[string]string, error) {
	r := bodyReader{s: seg, i: 1}
	n := r.count()
	if n == 0 {
		return nil, r.err
	}
	ui := make(map[string]string, n)
	for range n {
		k := r.str()
		ui[k] = r.str()
	}
	if r.err == nil && r.i != len(r.s) {
		r.fail(errors.New("the session's ui has trailing bytes"))
	}
	return ui, r.err
}

// decodeDataBinary reads a binary data segment into d.
func decodeDataBinary(seg string, d *wizard.SessionData) error {
	r := bodyReader{s: seg, i: 1}
	d.CommunityName = r.str()
	d.Chains = r.strs()
	if n := r.count(); n > 0 {
		d.Assets = make([]wizard.Asset, n)
		for i := range d.Assets {
			a := &d.Assets[i]
			a.ID = r.str()
			a.Type = wizard.AssetType(r.str())
			a.Chain = r.str()
			a.Contract = r.str()
			a.Name = r.str()
			a.Symbol = r.str()
			a.Decimals = r.optInt()
			a.TokenID = r.str()
		}
	}
	if n := r.count(); n > 0 {
		d.Tiers = make([]wizard.Tier, n)
		for i := range d.Tiers {
			t := &d.Tiers[i]
			t.ID = r.str()
			t.Name = r.str()
			if n := r.count(); n > 0 {
				t.Rules = make([]wizard.Rule, n-1)
			}
			for j := range t.Rules {
				u := &t.Rules[j]
				u.Type = wizard.RuleType(r.str())
				u.Asset = r.str()
				u.Amount = r.str()
				u.Count = r.optInt64()
				u.Days = r.optInt()
				u.Score = r.optInt64()
			}
			t.Role.Name = r.str()
			t.Role.Color = r.int()
			t.Role.Hoist = r.boolean()
			t.Role.Mentionable = r.boolean()
			t.Role.Permissions = r.varint()
			t.Role.Adopt = r.str()
		}
	}
	d.ChannelTemplate = r.str()
	if n := r.count(); n > 0 {
		d.CustomChannels = make([]wizard.Channel, n)
		for i := range d.CustomChannels {
			c := &d.CustomChannels[i]
			c.Key = r.str()
			c.Name = r.str()
			c.Type = wizard.ChannelType(r.str())
			c.Parent = r.str()
			c.Topic = r.str()
			c.MinTier = r.str()
			c.Adopt = r.str()
		}
	}
	d.AlertChannel = r.str()
	d.EditOf = r.str()
	d.DeployedKeys = r.strs()
	d.RetiredIDs = r.strs()
	if n := r.count(); n > 0 {
		d.ChannelAdopts = make(map[string]string, n)
		for range n {
			k := r.str()
			d.ChannelAdopts[k] = r.str()
		}
	}
	d.CreateAnyway = r.strs()
	if r.boolean() {
		d.Deploy = &wizard.DeployState{
			Status:     wizard.DeployStatus(r.str()),
			SnapshotID: r.str(),
			Error:      r.str(),
			Requested:  r.time(),
		}
	}
	if r.err == nil && r.i != len(r.s) {
		r.fail(errors.New("the session's data has trailing bytes"))
	}
	return r.err
}

package bot

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// The interaction response is the largest thing a click writes. Through encoding/json each
// discordgo component's MarshalJSON marshals a wrapper struct, and encoding/json then
// re-validates and compacts every nested result, row inside response: about a third of a
// click's handler time. appendResponse writes the same bytes directly for the fields the
// bot's replies use — byte for byte what encoding/json writes (TestResponseJSONMatches
// checks every rendered step) — and reports false for anything else, which then goes
// through encoding/json.

// appendResponse appends r as encoding/json would write it (without the trailing newline
// of an Encoder). ok is false when r holds a field or component it does not write.
func appendResponse(dst []byte, r *discordgo.InteractionResponse) ([]byte, bool) {
	if r == nil {
		return append(dst, "null"...), true
	}
	dst = append(dst, '{')
	comma := false
	if r.Type != 0 {
		dst = append(dst, `"type":`...)
		dst = strconv.AppendInt(dst, int64(r.Type), 10)
		comma = true
	}
	if d := r.Data; d != nil {
		if comma {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = appendResponseData(append(dst, `"data":`...), d); !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

func appendResponseData(dst []byte, d *discordgo.InteractionResponseData) ([]byte, bool) {
	if d.Attachments != nil || d.Poll != nil || len(d.Choices) > 0 {
		return dst, false
	}
	dst = append(dst, `{"tts":`...)
	dst = strconv.AppendBool(dst, d.TTS)
	dst = appendString(append(dst, `,"content":`...), d.Content)
	dst = append(dst, `,"components":`...)
	var ok bool
	if dst, ok = appendComponents(dst, d.Components); !ok {
		return dst, false
	}
	dst = append(dst, `,"embeds":`...)
	if d.Embeds == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, e := range d.Embeds {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, ok = appendEmbed(dst, e); !ok {
				return dst, false
			}
		}
		dst = append(dst, ']')
	}
	if m := d.AllowedMentions; m != nil {
		dst = append(dst, `,"allowed_mentions":{"parse":`...)
		if m.Parse == nil {
			dst = append(dst, "null"...)
		} else {
			dst = append(dst, '[')
			for i, p := range m.Parse {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendString(dst, string(p))
			}
			dst = append(dst, ']')
		}
		if len(m.Roles) > 0 {
			dst = appendStrings(append(dst, `,"roles":`...), m.Roles)
		}
		if len(m.Users) > 0 {
			dst = appendStrings(append(dst, `,"users":`...), m.Users)
		}
		dst = strconv.AppendBool(append(dst, `,"replied_user":`...), m.RepliedUser)
		dst = append(dst, '}')
	}
	if d.Flags != 0 {
		dst = strconv.AppendUint(append(dst, `,"flags":`...), uint64(d.Flags), 10)
	}
	dst = appendOptString(dst, `,"custom_id":`, d.CustomID)
	dst = appendOptString(dst, `,"title":`, d.Title)
	return append(dst, '}'), true
}

func appendEmbed(dst []byte, e *discordgo.MessageEmbed) ([]byte, bool) {
	if e == nil {
		return append(dst, "null"...), true
	}
	if e.Video != nil || e.Provider != nil {
		return dst, false
	}
	o := object{dst: append(dst, '{')}
	o.optString("url", e.URL)
	o.optString("type", string(e.Type))
	o.optString("title", e.Title)
	o.optString("description", e.Description)
	o.optString("timestamp", e.Timestamp)
	if e.Color != 0 {
		o.key("color")
		o.dst = strconv.AppendInt(o.dst, int64(e.Color), 10)
	}
	if f := e.Footer; f != nil {
		o.key("footer")
		p := object{dst: append(o.dst, '{')}
		p.optString("text", f.Text)
		p.optString("icon_url", f.IconURL)
		p.optString("proxy_icon_url", f.ProxyIconURL)
		o.dst = append(p.dst, '}')
	}
	if im := e.Image; im != nil {
		o.key("image")
		o.dst = appendImage(o.dst, im.URL, im.ProxyURL, im.Width, im.Height)
	}
	if im := e.Thumbnail; im != nil {
		o.key("thumbnail")
		o.dst = appendImage(o.dst, im.URL, im.ProxyURL, im.Width, im.Height)
	}
	if a := e.Author; a != nil {
		o.key("author")
		p := object{dst: append(o.dst, '{')}
		p.optString("url", a.URL)
		p.string("name", a.Name)
		p.optString("icon_url", a.IconURL)
		p.optString("proxy_icon_url", a.ProxyIconURL)
		o.dst = append(p.dst, '}')
	}
	if len(e.Fields) > 0 {
		o.key("fields")
		o.dst = append(o.dst, '[')
		for i, f := range e.Fields {
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			if f == nil {
				o.dst = append(o.dst, "null"...)
				continue
			}
			p := object{dst: append(o.dst, '{')}
			p.string("name", f.Name)
			p.string("value", f.Value)
			if f.Inline {
				p.key("inline")
				p.dst = append(p.dst, "true"...)
			}
			o.dst = append(p.dst, '}')
		}
		o.dst = append(o.dst, ']')
	}
	return append(o.dst, '}'), true
}

func appendImage(dst []byte, url, proxy string, w, h int) []byte {
	p := object{dst: append(dst, '{')}
	p.string("url", url)
	p.optString("proxy_url", proxy)
	p.optInt("width", w)
	p.optInt("height", h)
	return append(p.dst, '}')
}

func appendComponents(dst []byte, cs []discordgo.MessageComponent) ([]byte, bool) {
	if cs == nil {
		return append(dst, "null"...), true
	}
	dst = append(dst, '[')
	for i, c := range cs {
		if i > 0 {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = appendComponent(dst, c); !ok {
			return dst, false
		}
	}
	return append(dst, ']'), true
}

// appendComponent writes a component as its MarshalJSON does: its own fields, then "type".
func appendComponent(dst []byte, c discordgo.MessageComponent) ([]byte, bool) {
	switch v := c.(type) {
	case nil:
		return append(dst, "null"...), true
	case discordgo.ActionsRow:
		return appendRow(dst, &v)
	case *discordgo.ActionsRow:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendRow(dst, v)
	case discordgo.Button:
		return appendButton(dst, &v), true
	case *discordgo.Button:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendButton(dst, v), true
	case discordgo.SelectMenu:
		return appendSelect(dst, &v), true
	case *discordgo.SelectMenu:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendSelect(dst, v), true
	case discordgo.TextInput:
		return appendTextInput(dst, &v), true
	case *discordgo.TextInput:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendTextInput(dst, v), true
	}
	return dst, false
}

func appendRow(dst []byte, r *discordgo.ActionsRow) ([]byte, bool) {
	dst, ok := appendComponents(append(dst, `{"components":`...), r.Components)
	if !ok {
		return dst, false
	}
	o := object{dst: dst, comma: true}
	o.optInt("id", r.ID)
	o.int("type", int64(r.Type()))
	return append(o.dst, '}'), true
}

func appendButton(dst []byte, b *discordgo.Button) []byte {
	style := b.Style
	if style == 0 {
		style = discordgo.PrimaryButton
	}
	o := object{dst: append(dst, '{')}
	o.string("label", b.Label)
	o.int("style", int64(style))
	o.bool("disabled", b.Disabled)
	if b.Emoji != nil {
		o.key("emoji")
		o.dst = appendEmoji(o.dst, b.Emoji)
	}
	o.optString("url", b.URL)
	o.optString("custom_id", b.CustomID)
	o.optString("sku_id", b.SKUID)
	o.optInt("id", b.ID)
	o.int("type", int64(b.Type()))
	return append(o.dst, '}')
}

func appendEmoji(dst []byte, e *discordgo.ComponentEmoji) []byte {
	o := object{dst: append(dst, '{')}
	o.optString("name", e.Name)
	o.optString("id", e.ID)
	if e.Animated {
		o.bool("animated", true)
	}
	return append(o.dst, '}')
}

func appendSelect(dst []byte, s *discordgo.SelectMenu) []byte {
	o := object{dst: append(dst, '{')}
	// The menu's own "type" (MenuType) is shadowed by the "type" MarshalJSON adds.
	o.optString("custom_id", s.CustomID)
	o.string("placeholder", s.Placeholder)
	if s.MinValues != nil {
		o.int("min_values", int64(*s.MinValues))
	}
	o.optInt("max_values", s.MaxValues)
	if len(s.DefaultValues) > 0 {
		o.key("default_values")
		o.dst = append(o.dst, '[')
		for i, d := range s.DefaultValues {
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			p := object{dst: append(o.dst, '{')}
			p.string("id", d.ID)
			p.string("type", string(d.Type))
			o.dst = append(p.dst, '}')
		}
		o.dst = append(o.dst, ']')
	}
	if len(s.Options) > 0 {
		o.key("options")
		o.dst = append(o.dst, '[')
		for i := range s.Options {
			opt := &s.Options[i]
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			p := object{dst: append(o.dst, '{')}
			p.optString("label", opt.Label)
			p.string("value", opt.Value)
			p.string("description", opt.Description)
			if opt.Emoji != nil {
				p.key("emoji")
				p.dst = appendEmoji(p.dst, opt.Emoji)
			}
			p.bool("default", opt.Default)
			o.dst = append(p.dst, '}')
		}
		o.dst = append(o.dst, ']')
	}
	o.bool("disabled", s.Disabled)
	if len(s.ChannelTypes) > 0 {
		o.key("channel_types")
		o.dst = append(o.dst, '[')
		for i, t := range s.ChannelTypes {
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			o.dst = strconv.AppendInt(o.dst, int64(t), 10)
		}
		o.dst = append(o.dst, ']')
	}
	o.optInt("id", s.ID)
	o.int("type", int64(s.Type()))
	return append(o.dst, '}')
}

func appendTextInput(dst []byte, t *discordgo.TextInput) []byte {
	o := object{dst: append(dst, '{')}
	o.string("custom_id", t.CustomID)
	o.string("label", t.Label)
	o.int("style", int64(t.Style))
	o.optString("placeholder", t.Placeholder)
	o.optString("value", t.Value)
	o.bool("required", t.Required)
	o.optInt("min_length", t.MinLength)
	o.optInt("max_length", t.MaxLength)
	o.optInt("id", t.ID)
	o.int("type", int64(t.Type()))
	return append(o.dst, '}')
}

// object writes one JSON object's members, with the commas between them.
type object struct {
	dst   []byte
	comma bool
}

func (o *object) key(k string) {
	if o.comma {
		o.dst = append(o.dst, ',')
	}
	o.comma = true
	o.dst = append(append(append(o.dst, '"'), k...), '"', ':')
}

func (o *object) string(k, v string) { o.key(k); o.dst = appendString(o.dst, v) }

func (o *object) optString(k, v string) {
	if v != "" {
		o.string(k, v)
	}
}

func (o *object) int(k string, v int64) { o.key(k); o.dst = strconv.AppendInt(o.dst, v, 10) }

func (o *object) optInt(k string, v int) {
	if v != 0 {
		o.int(k, int64(v))
	}
}

func (o *object) bool(k string, v bool) { o.key(k); o.dst = strconv.AppendBool(o.dst, v) }

func appendOptString(dst []byte, key, v string) []byte {
	if v == "" {
		return dst
	}
	return appendString(append(dst, key...), v)
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does with HTML escaping on (its default): <, > and
// & as \u003c, \u003e, \u0026; U+2028 and U+2029 escaped; invalid UTF-8 as \ufffd.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// encodeResponse is r's JSON with a trailing newline, as json.Encoder writes it.
func encodeResponse(dst []byte, r *discordgo.InteractionResponse) ([]byte, error) {
	if out, ok := appendResponse(dst, r); ok {
		return append(out, '\n'), nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return dst, err
	}
	return append(append(dst, b...), '\n'), nil
}

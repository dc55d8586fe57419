package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// checkDecode asserts that decodeInteraction gives what discordgo's UnmarshalJSON gives
// (value or error) with the message cut to its id and channel id, and reports whether the
// one-pass reader decoded it itself. Where discordgo fails on the message's content alone,
// which decodeInteraction does not read, the rest must decode as discordgo decodes it
// without the message.
func checkDecode(t testing.TB, body []byte) (direct bool) {
	t.Helper()
	var want, got discordgo.Interaction
	werr := want.UnmarshalJSON(body)
	gerr := decodeInteraction(body, &got)
	if werr != nil && gerr == nil {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil && m["message"] != nil {
			delete(m, "message")
			rest, _ := json.Marshal(m)
			want = discordgo.Interaction{}
			werr = want.UnmarshalJSON(rest)
			got.Message = nil
		}
	}
	if want.Message != nil {
		want.Message = &discordgo.Message{ID: want.Message.ID, ChannelID: want.Message.ChannelID}
	}
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("decode errors differ: discordgo %v, here %v\n%s", werr, gerr, body)
	}
	if werr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("decoded interactions differ\ndiscordgo %#v\nhere      %#v\n%s", want, got, body)
	}
	var scratch discordgo.Interaction
	return (&idec{s: string(body)}).interaction(&scratch)
}

func TestInteractionDecodeMatches(t *testing.T) {
	member := `"member":{"user":{"id":"42","username":"ad\"min","discriminator":"0","global_name":"Ad – min","avatar":null,"public_flags":0,"bot":false,"avatar_decoration_data":null,"clan":null},` +
		`"roles":["1","2"],"permissions":"2147483647","joined_at":"2024-01-01T00:00:00.123+00:00","premium_since":null,"deaf":false,"mute":false,"flags":0,"pending":false,"nick":null,"avatar":null,"communication_disabled_until":null,"unusual_dm_activity_until":null}`
	base := `"id":"1577013938657167579","application_id":"11","token":"tok\u00e9n","version":1,"guild_id":"9","channel_id":"8","locale":"en-US","guild_locale":"de","app_permissions":"562949953421311",` +
		`"context":0,"authorizing_integration_owners":{"0":"9"},"entitlements":[],"entitlement_sku_ids":[],"attachment_size_limit":26214400,"channel":{"id":"8","type":0,"name":"x"},"guild":{"id":"9","locale":"en-US","features":["A"]},` + member
	direct := map[string]string{
		"button":     `{"type":3,` + base + `,"message":{"id":"5","channel_id":"8","components":[{"type":1,"components":[{"type":2,"style":1,"label":"Next","custom_id":"arr:1.a:2v3:next"}]}],"embeds":[{"title":"t"}]},"data":{"custom_id":"arr:1.a:2v3:next","component_type":2}}`,
		"select":     `{"data":{"component_type":3,"values":["ethereum","ba\\u0073e"],"custom_id":"arr:1.a:2v3:sel:chains"},"type":3,` + base + `}`,
		"no values":  `{"type":3,` + base + `,"data":{"custom_id":"x","component_type":3,"values":[]}}`,
		"modal":      `{"type":5,` + base + `,"data":{"custom_id":"arr:1.a:1v2:modal:name","components":[{"type":1,"components":[{"type":4,"custom_id":"name","value":"Honey <Jar>"}]}]}}`,
		"command":    `{"type":2,` + base + `,"data":{"id":"1","name":"setup","type":1}}`,
		"ping":       `{"id":"1","application_id":"11","type":1,"token":"t","version":1}`,
		"dm":         `{"type":2,"id":"1","application_id":"11","token":"t","version":1,"user":{"id":"42","username":"u"},"data":{"id":"1","name":"setup","type":1},"member":null,"guild_locale":null,"message":null}`,
		"spaces":     " {\n \"type\" : 3 , \"id\" : \"1\" , \"data\" : { \"custom_id\" : \"x\" , \"component_type\" : 2 } , \"entitlements\" : [ ] } \n",
		"null data":  `{"type":3,"id":"1","data":null}`,
		"null roles": `{"type":3,"id":"1","member":{"roles":null,"user":null},"data":{"custom_id":"x","component_type":2}}`,
		"wizard message": `{"type":3,` + base + `,"message":{"id":"5","type":20,"content":"","channel_id":"8","author":{"id":"11","username":"Arrakis","bot":true,"avatar":null},` +
			`"embeds":[{"type":"rich","title":"Step 2 of 8 \u2014 Chains","description":"\u25b0\u25b1 \"quoted\" \\ back\nslash {not a brace} [nor a bracket]","color":5793266,"fields":[{"name":"Chains","value":"Base","inline":false}],"footer":{"text":"Started by Ada"}}],` +
			`"components":[{"type":1,"id":1,"components":[{"type":3,"id":2,"custom_id":"arr:1.a:2v3:sel:chains","options":[{"label":"Base","value":"base","default":true}]}]}],` +
			`"timestamp":"2026-11-30T18:00:00.123000+00:00","edited_timestamp":null,"flags":64,"mentions":[],"pinned":false,"interaction_metadata":{"id":"7","type":2,"user":{"id":"42"}},"id":"6"},` +
			`"data":{"custom_id":"arr:1.a:2v3:next","component_type":2}}`,
		// discordgo cannot read this message, and the bot does not read it: the click decodes.
		"odd message": `{"type":3,"id":"1","message":{"id":"5","channel_id":"8","embeds":5,"flags":"x"},"data":{"custom_id":"x","component_type":2}}`,
	}
	for name, body := range direct {
		if !checkDecode(t, []byte(body)) {
			t.Errorf("%s: went through discordgo, want the one-pass reader", name)
		}
	}
	// Anything the reader does not know goes through discordgo, with the same result.
	fallback := map[string]string{
		"resolved":         `{"type":3,"id":"1","data":{"custom_id":"x","component_type":6,"values":["3"],"resolved":{"roles":{"3":{"id":"3","name":"r"}}}}}`,
		"unknown key":      `{"type":3,"id":"1","ID":"2","data":{"custom_id":"x","component_type":2}}`,
		"entitlements":     `{"type":3,"id":"1","entitlements":[{"id":"1","sku_id":"2"}],"data":{"custom_id":"x","component_type":2}}`,
		"float type":       `{"type":3.0,"id":"1","data":{"custom_id":"x","component_type":2}}`,
		"string type":      `{"type":"3","id":"1","data":{"custom_id":"x","component_type":2}}`,
		"big type":         `{"type":300,"id":"1"}`,
		"perm number":      `{"type":3,"id":"1","app_permissions":5,"data":{"custom_id":"x","component_type":2}}`,
		"perm plus":        `{"type":3,"id":"1","app_permissions":"+5","data":{"custom_id":"x","component_type":2}}`,
		"perm zeros":       `{"type":3,"id":"1","member":{"permissions":"007"},"data":{"custom_id":"x","component_type":2}}`,
		"no data":          `{"type":3,"id":"1"}`,
		"id number":        `{"type":3,"id":1,"data":{"custom_id":"x","component_type":2}}`,
		"bad time":         `{"type":3,"id":"1","member":{"joined_at":"yesterday"},"data":{"custom_id":"x","component_type":2}}`,
		"value null":       `{"type":3,"id":"1","data":{"custom_id":"x","component_type":3,"values":[null]}}`,
		"array":            `[1,2]`,
		"null":             `null`,
		"not json":         `{"type":3,`,
		"trailing garbage": `{"type":3,"id":"1","data":{"custom_id":"x","component_type":2}} x`,
		"bad escape":       `{"type":3,"id":"\x","data":{"custom_id":"x","component_type":2}}`,
		"member twice":     `{"type":3,"id":"1","member":{"nick":"a","permissions":"8"},"member":{"nick":"b"},"data":{"custom_id":"x","component_type":2}}`,
		"user twice":       `{"type":3,"id":"1","member":{"user":{"id":"1","username":"u"},"user":{"id":"2"}},"data":{"custom_id":"x","component_type":2}}`,
	}
	for name, body := range fallback {
		if checkDecode(t, []byte(body)) {
			t.Errorf("%s: read by the one-pass reader, want discordgo", name)
		}
	}
}

func FuzzInteractionDecode(f *testing.F) {
	for _, s := range []string{`{"type":3,"id":"1","data":{"custom_id":"x","component_type":3,"values":["a"]},"member":{"user":{"id":"1"},"roles":[],"permissions":"8"}}`,
		`{"type":5,"data":{"custom_id":"m","components":[]}}`, `{"type":1}`, `{}`, `{"type":2,"data":{"name":"setup"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecode(t, body)
	})
}

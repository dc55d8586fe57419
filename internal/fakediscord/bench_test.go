package fakediscord

import (
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// BenchmarkChannelEdit measures one discordgo REST round trip through the fake
// (with the OpenAPI check when ARRAKIS_TEST_OPENAPI_CHECKER is set).
func BenchmarkChannelEdit(b *testing.B) {
	fd := New(b)
	g := fd.Seed(GuildOptions{})
	s := fd.NewSession(b)
	i := 0
	for b.Loop() {
		i++
		if _, err := s.ChannelEdit(g.GeneralID, &discordgo.ChannelEdit{Topic: "topic " + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

package redis

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Two sessions as the code before the header layout stored them (commit bec32d0), byte for
// byte, under guild legacyGuild: legacyCreated as Create wrote it (Go's encoding/json), and
// legacyWritten after Update (write id "w-1"), Transition to CHAIN_SELECT and Update (write
// id "w-2") through the old scripts (cjson's meta, in its own key order, with lastWrite).
const (
	legacyGuild   = "1111111111111111111"
	legacyID      = legacyGuild + ".jpdgubjcf3rwxgz7"
	legacyCreated = "{\"meta\":{\"id\":\"1111111111111111111.jpdgubjcf3rwxgz7\",\"guildId\":\"1111111111111111111\",\"createdAt\":\"2026-11-29T10:00:00.123456789Z\",\"ownerId\":\"1001\",\"ownerName\":\"Ada \\\"Old\\\" %Lovelace\",\"ownerAt\":\"2026-11-29T10:00:00.123456789Z\",\"version\":1,\"updatedAt\":\"2026-11-29T10:00:00.123456789Z\",\"state\":\"INIT\",\"boundIp\":\"\"},\"ui\":{},\"data\":{}}"
	legacyWritten = "{\"meta\":{\"ownerName\":\"Ada \\\"Old\\\" %Lovelace\",\"id\":\"1111111111111111111.jpdgubjcf3rwxgz7\",\"boundIp\":\"\",\"lastWrite\":\"w-2\",\"guildId\":\"1111111111111111111\",\"createdAt\":\"2026-11-29T10:00:00.123456789Z\",\"version\":4,\"ownerAt\":\"2026-11-29T10:00:00.123456789Z\",\"updatedAt\":\"2026-11-29T10:00:00.123456789Z\",\"state\":\"CHAIN_SELECT\",\"ownerId\":\"1001\"},\"ui\":{\"chain\":\"base\",\"fix\":\"{\\\"a\\\":\\\"b\\\"}\"},\"data\":{\"communityName\":\"Arrakis \\\"Spice\\\" Guild {ü}\",\"chains\":[\"ethereum\",\"polygon\",\"base\"],\"assets\":[{\"id\":\"spice\",\"type\":\"erc20\",\"chain\":\"ethereum\",\"contract\":\"0x6B175474E89094C44Da98b954EedeAC495271d0F\",\"name\":\"Spice Token\",\"symbol\":\"SPICE\",\"decimals\":18},{\"id\":\"worms\",\"type\":\"erc721\",\"chain\":\"ethereum\",\"contract\":\"0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D\",\"name\":\"Sandworms\",\"symbol\":\"WORM\"},{\"id\":\"stillsuit\",\"type\":\"erc1155\",\"chain\":\"polygon\",\"contract\":\"0x2953399124F0cBB46d2CbACD8A89cF0599974963\",\"name\":\"Stillsuit\",\"symbol\":\"SUIT\",\"tokenId\":\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"},{\"id\":\"eth\",\"type\":\"native\",\"chain\":\"base\",\"name\":\"Ether\",\"symbol\":\"ETH\",\"decimals\":18}],\"tiers\":[{\"id\":\"tier-1\",\"name\":\"Fremen\",\"rules\":[{\"type\":\"min_balance\",\"asset\":\"spice\",\"amount\":\"1000.5\"},{\"type\":\"min_hold_duration\",\"asset\":\"spice\",\"days\":30}],\"role\":{\"name\":\"Fremen\",\"color\":12759680,\"hoist\":false,\"mentionable\":false,\"permissions\":1125899906843648}},{\"id\":\"tier-2\",\"name\":\"Naib\",\"rules\":[{\"type\":\"min_balance\",\"asset\":\"spice\",\"amount\":\"4000.5\"},{\"type\":\"min_hold_duration\",\"asset\":\"spice\",\"days\":60},{\"type\":\"nft_ownership\",\"asset\":\"worms\",\"count\":1}],\"role\":{\"name\":\"Naib\",\"color\":12759681,\"hoist\":false,\"mentionable\":false,\"permissions\":1125899906843648}},{\"id\":\"tier-3\",\"name\":\"Sayyadina\",\"rules\":[{\"type\":\"min_balance\",\"asset\":\"spice\",\"amount\":\"9000.5\"},{\"type\":\"min_hold_duration\",\"asset\":\"spice\",\"days\":90},{\"type\":\"nft_ownership\",\"asset\":\"worms\",\"count\":2}],\"role\":{\"name\":\"Sayyadina\",\"color\":12759682,\"hoist\":true,\"mentionable\":false,\"permissions\":1125899906843648}},{\"id\":\"tier-4\",\"name\":\"Mahdi\",\"rules\":[{\"type\":\"min_balance\",\"asset\":\"spice\",\"amount\":\"16000.5\"},{\"type\":\"min_hold_duration\",\"asset\":\"spice\",\"days\":120},{\"type\":\"nft_ownership\",\"asset\":\"worms\",\"count\":3},{\"type\":\"score_threshold\",\"score\":9007199254740993}],\"role\":{\"name\":\"Mahdi\",\"color\":12759683,\"hoist\":true,\"mentionable\":true,\"permissions\":1125899906843648}},{\"id\":\"tier-0\",\"name\":\"Visitors\",\"rules\":[],\"role\":{\"name\":\"Visitors\",\"color\":0,\"hoist\":false,\"mentionable\":false,\"permissions\":0,\"adopt\":\"112233445566778899\"}}],\"channelTemplate\":\"custom\",\"customChannels\":[{\"key\":\"sietch\",\"name\":\"Sietch\",\"type\":\"category\"},{\"key\":\"welcome\",\"name\":\"welcome\",\"type\":\"text\",\"parent\":\"sietch\",\"topic\":\"Start here: read the rules.\"},{\"key\":\"spice-talk\",\"name\":\"spice-talk\",\"type\":\"text\",\"parent\":\"sietch\",\"minTier\":\"tier-1\"},{\"key\":\"council\",\"name\":\"Council\",\"type\":\"category\",\"minTier\":\"tier-2\"},{\"key\":\"naib-chat\",\"name\":\"naib-chat\",\"type\":\"text\",\"parent\":\"council\",\"topic\":\"Quotes \\\" and \\\\ backslashes\",\"minTier\":\"tier-2\"},{\"key\":\"naib-voice\",\"name\":\"Naib voice\",\"type\":\"voice\",\"parent\":\"council\",\"minTier\":\"tier-2\"},{\"key\":\"sayyadina\",\"name\":\"sayyadina\",\"type\":\"text\",\"parent\":\"council\",\"minTier\":\"tier-3\"},{\"key\":\"mahdi\",\"name\":\"mahdi\",\"type\":\"text\",\"topic\":\"ما شاء الله\",\"minTier\":\"tier-4\"},{\"key\":\"announcements\",\"name\":\"announcements\",\"type\":\"text\",\"parent\":\"sietch\"},{\"key\":\"stage\",\"name\":\"Stage\",\"type\":\"voice\"}],\"editOf\":\"v00000003\",\"deploy\":{\"status\":\"channels\",\"snapshotId\":\"v00000004\"}}}"
)

// TestLegacySession proves that a session stored in the old JSON envelope still reads, and
// that every write takes it as it is and stores it in the header layout with nothing lost.
func TestLegacySession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := testenv.Redis(t)
	s := NewSessions(c, Options{TTL: time.Hour})
	defer s.Close()
	at := time.Date(2026, 11, 29, 10, 0, 0, 123456789, time.UTC)

	// put stores a fixture under a fresh guild; it returns the guild, the session id and key.
	put := func(t *testing.T, fixture string) (guild, id, key string) {
		t.Helper()
		guild = testenv.GuildID(t)
		if len(guild) != len(legacyGuild) {
			t.Fatalf("guild id %s: want %d digits, as the fixture's", guild, len(legacyGuild))
		}
		key = sessionKey(guild)
		if err := c.Set(ctx, key, strings.ReplaceAll(fixture, legacyGuild, guild), time.Minute).Err(); err != nil {
			t.Fatalf("SET fixture: %v", err)
		}
		return guild, strings.Replace(legacyID, legacyGuild, guild, 1), key
	}
	stored := func(t *testing.T, key string) string {
		t.Helper()
		raw, err := c.Get(ctx, key).Result()
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		return raw
	}
	// wantWritten: the written fixture's session, with what a step changed.
	wantWritten := func(t *testing.T, got *wizard.Session, guild, id string) {
		t.Helper()
		if got.ID != id || got.GuildID != guild || got.OwnerName != `Ada "Old" %Lovelace` ||
			!got.CreatedAt.Equal(at) || !got.OwnerAt.Equal(at) {
			t.Errorf("session %+v: want id %s of guild %s, owner name and times of the fixture", got, id, guild)
		}
		if want := storetest.FilledSessionData(); !reflect.DeepEqual(got.Data, want) {
			t.Errorf("data\n got %+v\nwant %+v", got.Data, want)
		}
	}
	wantUpgraded := func(t *testing.T, key string, want *wizard.Session) {
		t.Helper()
		raw := stored(t, key)
		if !strings.HasPrefix(raw, headerMagic) {
			t.Errorf("after a write the value is %.60q…: want the header layout", raw)
		}
		got, err := s.GetByGuild(ctx, want.GuildID)
		if err != nil {
			t.Fatalf("GetByGuild after the upgrade: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read after the write\n got %+v\nwant %+v (what the write answered)", got, want)
		}
	}

	t.Run("Get", func(t *testing.T) {
		guild, id, key := put(t, legacyWritten)
		got, err := s.Get(ctx, id)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		wantWritten(t, got, guild, id)
		if got.Version != 4 || got.State != wizard.StateChainSelect || got.OwnerID != "1001" ||
			!reflect.DeepEqual(got.UI, map[string]string{"chain": "base", "fix": `{"a":"b"}`}) {
			t.Errorf("Get = %+v: want version 4 at CHAIN_SELECT, owner 1001, the fixture's UI", got)
		}
		if raw := stored(t, key); raw != strings.ReplaceAll(legacyWritten, legacyGuild, guild) {
			t.Errorf("a read rewrote the value: %.80q…", raw)
		}
	})
	t.Run("GetCreated", func(t *testing.T) {
		guild, id, _ := put(t, legacyCreated)
		got, err := s.Get(ctx, id)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		want := &wizard.Session{ID: id, GuildID: guild, CreatedAt: at, OwnerID: "1001", OwnerName: `Ada "Old" %Lovelace`,
			OwnerAt: at, Version: 1, UpdatedAt: at, State: wizard.StateInit}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get\n got %+v\nwant %+v", got, want)
		}
	})
	t.Run("ValidateOnce", func(t *testing.T) {
		guild, id, _ := put(t, legacyWritten)
		got, first, err := s.ValidateOnce(ctx, id, guild, "1001", "", testenv.GuildID(t), time.Minute)
		if err != nil || !first {
			t.Fatalf("ValidateOnce: first %v, %v", first, err)
		}
		wantWritten(t, got, guild, id)
		if _, _, err := s.ValidateOnce(ctx, id, guild, "2002", "", testenv.GuildID(t), time.Minute); !store.IsCode(err, store.CodeNotOwner) {
			t.Errorf("ValidateOnce by another admin: %v, want CodeNotOwner", err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		guild, id, key := put(t, legacyWritten)
		// A re-send of the write that made version 4 (write id w-2) is answered as applied.
		again, err := s.Update(store.WithWriteID(ctx, "w-2"), &wizard.Session{ID: id, Version: 3})
		if err != nil || again.Version != 4 {
			t.Fatalf("Update re-sent with the fixture's write id: version %v, %v; want 4, applied", again, err)
		}
		wantWritten(t, again, guild, id)
		edit, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		edit.Data.Chains = []string{"ethereum"}
		edit.UI = map[string]string{"chain": "ethereum"}
		got, err := s.Update(store.WithWriteID(ctx, "w-3"), edit)
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got.Version != 5 || !reflect.DeepEqual(got.Data.Chains, []string{"ethereum"}) || got.UI["chain"] != "ethereum" ||
			got.State != wizard.StateChainSelect || got.OwnerName != `Ada "Old" %Lovelace` || !got.CreatedAt.Equal(at) {
			t.Errorf("Update = %+v: want version 5 with the new chains and UI, the rest kept", got)
		}
		wantUpgraded(t, key, got)
	})
	t.Run("Transition", func(t *testing.T) {
		guild, id, key := put(t, legacyWritten)
		got, err := s.Transition(ctx, id, 4, wizard.StateAssetConfig)
		if err != nil {
			t.Fatalf("Transition: %v", err)
		}
		wantWritten(t, got, guild, id)
		if got.Version != 5 || got.State != wizard.StateAssetConfig || got.UI != nil || got.OwnerID != "1001" {
			t.Errorf("Transition = %+v: want version 5 at ASSET_CONFIG, UI cleared", got)
		}
		wantUpgraded(t, key, got)
		// The upgraded value (a JSON body under a header) takes further writes.
		edit := *got
		edit.Data.CommunityName = "Renamed"
		next, err := s.Update(ctx, &edit)
		if err != nil || next.Version != 6 || next.Data.CommunityName != "Renamed" || len(next.Data.Tiers) != 5 {
			t.Fatalf("Update after the upgrade: %+v, %v", next, err)
		}
		wantUpgraded(t, key, next)
	})
	t.Run("TakeOver", func(t *testing.T) {
		guild, id, key := put(t, legacyWritten)
		got, err := s.TakeOver(ctx, id, 4, "2002", "Bob\n%0A")
		if err != nil {
			t.Fatalf("TakeOver: %v", err)
		}
		if got.Version != 5 || got.OwnerID != "2002" || got.OwnerName != "Bob\n%0A" || got.UI["chain"] != "base" {
			t.Errorf("TakeOver = %+v: want version 5 owned by 2002, Bob\\n%%0A, UI kept", got)
		}
		if !reflect.DeepEqual(got.Data, storetest.FilledSessionData()) || got.GuildID != guild {
			t.Errorf("TakeOver lost data: %+v", got.Data)
		}
		wantUpgraded(t, key, got)
	})
	t.Run("BindIP", func(t *testing.T) {
		guild, id, key := put(t, legacyWritten)
		got, err := s.BindIP(ctx, id, "192.0.2.7")
		if err != nil {
			t.Fatalf("BindIP: %v", err)
		}
		wantWritten(t, got, guild, id)
		if got.Version != 5 || got.BoundIP != "192.0.2.7" {
			t.Errorf("BindIP = %+v: want version 5 bound to 192.0.2.7", got)
		}
		wantUpgraded(t, key, got)
		if _, err := s.BindIP(ctx, id, "192.0.2.8"); !store.IsCode(err, store.CodeIPMismatch) {
			t.Errorf("BindIP to another address after the upgrade: %v, want CodeIPMismatch", err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		_, id, key := put(t, legacyWritten)
		if err := s.Delete(ctx, id, store.EndCancelled); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if n, err := c.Exists(ctx, key).Result(); err != nil || n != 0 {
			t.Errorf("after Delete EXISTS = %d, %v; want 0", n, err)
		}
	})
	t.Run("Refresh", func(t *testing.T) {
		_, id, key := put(t, legacyWritten)
		if err := s.Refresh(ctx, id); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		if ttl, err := c.PTTL(ctx, key).Result(); err != nil || ttl < 50*time.Minute {
			t.Errorf("after Refresh PTTL = %v, %v; want the store's hour", ttl, err)
		}
		if raw := stored(t, key); strings.HasPrefix(raw, headerMagic) {
			t.Errorf("Refresh rewrote the value")
		}
	})
	t.Run("Stats", func(t *testing.T) {
		put(t, legacyWritten)
		st, err := s.Stats(ctx)
		if err != nil || st.ByState[wizard.StateChainSelect] < 1 {
			t.Errorf("Stats with an old value present: %+v, %v; want it counted at CHAIN_SELECT", st, err)
		}
	})
}

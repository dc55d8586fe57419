package fakediscord

import (
	"net/http"
	"sort"
)

// Threads are not in a guild's channel list; GET /guilds/{id}/threads/active lists the
// active ones, as Discord does (every thread in the fake is active).

func (s *Server) getActiveThreads(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	var threads []*channel
	for _, c := range s.channels {
		if c.GuildID == g.ID && isThread(c.Type) {
			threads = append(threads, c)
		}
	}
	sort.Slice(threads, func(i, j int) bool { return snowflakeLess(threads[i].ID, threads[j].ID) })
	out := []obj{}
	for _, c := range threads {
		out = append(out, s.threadJSON(c, g))
	}
	writeJSON(w, http.StatusOK, obj{"threads": out, "members": []obj{}, "has_more": false})
}

func (s *Server) threadJSON(c *channel, g *guild) obj {
	return obj{
		"id": c.ID, "type": int(c.Type), "flags": 0, "guild_id": c.GuildID, "name": c.Name,
		"parent_id": nullable(c.ParentID), "last_message_id": nil, "rate_limit_per_user": 0,
		"owner_id": g.OwnerID, "message_count": 0, "member_count": 0, "total_message_sent": 0,
		"thread_metadata": obj{"archived": false, "archive_timestamp": g.CreatedAt.Format("2006-01-02T15:04:05.000000+00:00"),
			"auto_archive_duration": 1440, "locked": false},
	}
}

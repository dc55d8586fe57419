package fakediscord

import (
	"net/http"
	"strings"
	"sync"
)

// stall is one Stall rule.
type stall struct {
	method, prefix string
	skip           int
	reached        chan struct{}
	release        chan struct{}
	once           sync.Once
}

// Stall holds the request after the first skip ones whose method matches (""=any) and
// whose path starts with pathPrefix: reached closes when it arrives, and it waits until
// release is called or its client goes away (a killed process). It is never carried out,
// and is answered 503 if anyone still listens — a write in flight when its sender died.
func (s *Server) Stall(method, pathPrefix string, skip int) (reached <-chan struct{}, release func()) {
	st := &stall{method: strings.ToUpper(method), prefix: pathPrefix, skip: skip, reached: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.stalls = append(s.stalls, st)
	s.mu.Unlock()
	return st.reached, func() { st.once.Do(func() { close(st.release) }) }
}

// takeStall returns the stall rule that holds this request, if any. Callers hold mu.
func (s *Server) takeStall(method, path string) *stall {
	for i, st := range s.stalls {
		if (st.method == "" || st.method == method) && strings.HasPrefix(path, st.prefix) {
			if st.skip > 0 {
				st.skip--
				continue
			}
			s.stalls = append(s.stalls[:i:i], s.stalls[i+1:]...)
			return st
		}
	}
	return nil
}

func (s *Server) holdStalled(w http.ResponseWriter, r *http.Request, st *stall) {
	close(st.reached)
	select {
	case <-st.release:
	case <-r.Context().Done():
	}
	writeError(w, http.StatusServiceUnavailable, 0, "503: Service Unavailable")
}

package fakediscord

import (
	"net/http"
	"testing"
)

// checkerClient consults the OpenAPI checker process (see openapichecker).
type checkerClient struct{}

func newCheckerClient(t testing.TB) *checkerClient { return nil }

func (c *checkerClient) check(s *Server, method, path, query string, h http.Header, body []byte) {}

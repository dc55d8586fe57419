package storetest

import (
	"sync"
	"time"
)

// SessionsClock is a fake clock for stores that take one (memory.Options.Now): Now stands
// still until Advance moves it. Safe for concurrent use.
type SessionsClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewSessionsClock starts a fake clock at a fixed, realistic time.
func NewSessionsClock() *SessionsClock {
	return &SessionsClock{now: time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)}
}

// Now is the clock's time.
func (c *SessionsClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *SessionsClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

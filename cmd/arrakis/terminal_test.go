package main

import (
	"os"
	"strings"
	"testing"
)

// /dev/null is a character device but no terminal: apply < /dev/null must not ask.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Fatal("isTerminal(/dev/null) = true")
	}
	if isTerminal(strings.NewReader("y\n")) {
		t.Fatal("isTerminal(a reader) = true")
	}
}

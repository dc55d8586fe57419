package store

import "context"

type writeIDKey struct{}

// WithWriteID tags the session writes made with ctx with id (the interaction's id). A
// compare-and-swap re-sent after its reply was lost (a dropped connection, a Cluster
// client's retry) finds its own id on the version it made and reports success instead of
// a conflict: the writes are idempotent.
func WithWriteID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, writeIDKey{}, id)
}

// WriteID is the write id ctx carries, or "".
func WriteID(ctx context.Context) string {
	id, _ := ctx.Value(writeIDKey{}).(string)
	return id
}

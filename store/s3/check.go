package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arrakis-bot/arrakis/store"
)

// Check is the start-up probe: the bucket is reachable with these credentials, and the
// server honours If-None-Match: * (a second create of the same key must be refused).
// Without that guarantee two instances could both commit the same version, so a server
// that ignores it is refused with CodeUnsupported.
func (s *Shadow) Check(ctx context.Context) error {
	const op = "check shadow store"
	if _, err := s.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		err = s.fail(op, "", err)
		// HEAD has no body, so a missing bucket is a bare 404.
		if store.IsCode(err, store.CodeNotFound) {
			return &store.Error{Code: store.CodeNotFound, Op: op, Err: &missingBucketError{
				fmt.Errorf("bucket %s does not exist on %s: create it or fix the bucket name", s.bucket, s.endpoint)}}
		}
		return err
	}
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	key := probePrefix + hex.EncodeToString(nonce[:])
	body := []byte(`{"probe":"conditional write"}`)
	if err := s.create(ctx, op, key, body); err != nil {
		return err
	}
	second := s.create(ctx, op, key, body)
	// The probe must not outlive the check even when the caller's context is done.
	cleanup := s.remove(context.WithoutCancel(ctx), op, key)
	switch {
	case second == nil:
		return &store.Error{Code: store.CodeUnsupported, Op: op, Key: key, Err: fmt.Errorf(
			"the S3 server at %s ignored If-None-Match: * and overwrote an existing object, so two deploys could claim the same snapshot version; use a server that supports conditional writes (AWS S3, or versitygw 1.8 and later)", s.endpoint)}
	case store.IsCode(second, store.CodeAlreadyExists), store.IsCode(second, store.CodeConflict):
	default:
		return second
	}
	if cleanup != nil {
		return fmt.Errorf("%s: delete probe object: %w", op, cleanup)
	}
	return nil
}

package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// Check is the start-up probe: the bucket is reachable with these credentials, and the
// server honours If-None-Match: * (a second create of the same key must be refused).
// Without that guarantee two instances could both commit the same version, so a server
// that ignores it is refused with CodeUnsupported.
func (s *Shadow) Check(ctx context.Context) error {
	const op = "check shadow store"
	// A listing rather than HeadBucket: its error has a body, so a missing bucket, an
	// unknown key and a bad signature can be told apart; it also proves list permission.
	_, err := s.client.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(layout.ProbePrefix), MaxKeys: aws.Int32(1)})
	if err != nil {
		err = s.fail(op, "", err)
		if store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err) {
			// A bare 404 without an error code: the bucket is not there.
			return &store.Error{Code: store.CodeNotFound, Op: op, Err: &missingBucketError{
				fmt.Errorf("bucket %s does not exist on %s: create it or fix the bucket name", s.bucket, s.endpoint)}}
		}
		return err
	}
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	key := layout.ProbePrefix + hex.EncodeToString(nonce[:])
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
			"the S3 server at %s ignored If-None-Match: * and overwrote an existing object, so two deploys could claim the same snapshot version; use a server that supports conditional writes, such as AWS S3 or versitygw", s.endpoint)}
	case store.IsCode(second, store.CodeAlreadyExists), store.IsCode(second, store.CodeConflict):
	default:
		return second
	}
	if cleanup != nil {
		return fmt.Errorf("%s: delete probe object: %w", op, cleanup)
	}
	return nil
}

package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// maxObjectSize bounds what a read accepts; shadow objects are a few KiB.
const maxObjectSize = 16 << 20

// get reads an object. An absent object is CodeNotFound.
func (s *Shadow) get(ctx context.Context, op, key string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return nil, s.fail(op, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxObjectSize+1))
	if err != nil {
		return nil, s.fail(op, key, err)
	}
	if len(b) > maxObjectSize {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: errors.New("object is larger than 16 MiB")}
	}
	return b, nil
}

// exists reports whether an object is there.
func (s *Shadow) exists(ctx context.Context, op, key string) (bool, error) {
	_, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err == nil {
		return true, nil
	}
	err = s.fail(op, key, err)
	if store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err) {
		return false, nil
	}
	return false, err
}

// put writes an object unconditionally.
func (s *Shadow) put(ctx context.Context, op, key string, body []byte) error {
	_, err := s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: &s.bucket, Key: &key, Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	})
	return s.fail(op, key, err)
}

// create writes an object only if the key is free (If-None-Match: *). A key already
// taken is CodeAlreadyExists; a concurrent conditional write still in flight on the same
// key (409 ConditionalRequestConflict) is CodeConflict.
func (s *Shadow) create(ctx context.Context, op, key string, body []byte) error {
	_, err := s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: &s.bucket, Key: &key, Body: bytes.NewReader(body), IfNoneMatch: aws.String("*"),
		ContentType: aws.String("application/json"), ContentLength: aws.Int64(int64(len(body))),
	})
	return s.fail(op, key, err)
}

func (s *Shadow) remove(ctx context.Context, op, key string) error {
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &s.bucket, Key: &key})
	return s.fail(op, key, err)
}

// listVersions returns the versions of the "vNNNNNNNN.json" keys under prefix that sort
// after startAfter (empty for all), following continuation tokens through every page.
func (s *Shadow) listVersions(ctx context.Context, op, prefix, startAfter string) ([]int, error) {
	in := &awss3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix}
	if startAfter != "" {
		in.StartAfter = &startAfter
	}
	var versions []int
	pages := awss3.NewListObjectsV2Paginator(s.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s.fail(op, prefix, err)
		}
		for _, o := range page.Contents {
			if v, ok := layout.VersionOfKey(prefix, aws.ToString(o.Key)); ok {
				versions = append(versions, v)
			}
		}
	}
	return versions, nil
}

// fail turns an SDK error into a *store.Error when the bot must word it for an admin, and
// otherwise wraps it with the operation and key. nil stays nil.
func (s *Shadow) fail(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	e := &store.Error{Op: op, Key: key, Err: err, Part: store.PartHistory, Where: s.where()}
	switch {
	case code == "NoSuchBucket":
		e.Code, e.Key = store.CodeNotFound, ""
		e.Err = &missingBucketError{fmt.Errorf("bucket %s does not exist on %s: create it or fix the bucket name: %w", s.bucket, s.endpoint, err)}
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken" || code == "ExpiredToken",
		code == "XAdminUserNotFound": // versitygw's answer (a 404) to an unknown access key
		e.Code = store.CodeAccessDenied
		e.Err = fmt.Errorf("S3 rejected the credentials for bucket %s on %s: check the access key and secret key: %w", s.bucket, s.endpoint, err)
	case code == "NoSuchKey" || code == "NotFound" || status == http.StatusNotFound:
		e.Code = store.CodeNotFound
	case code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		e.Code = store.CodeAlreadyExists
	case code == "ConditionalRequestConflict" || status == http.StatusConflict && code == "":
		e.Code = store.CodeConflict
	case code == "AccessDenied" || status == http.StatusForbidden:
		e.Code = store.CodeAccessDenied
		e.Err = fmt.Errorf("S3 rejected the credentials or denied access to bucket %s on %s: check the access key, the secret key and the bucket policy: %w", s.bucket, s.endpoint, err)
	case isNetwork(err):
		e.Code = store.CodeUnavailable
		e.Err = fmt.Errorf("cannot reach S3 endpoint %s: %w", s.endpoint, err)
	case status >= 500:
		e.Code = store.CodeUnavailable
		e.Err = fmt.Errorf("S3 endpoint %s failed (HTTP %d): %w", s.endpoint, status, err)
	default:
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	return e
}

// missingBucketError marks a NotFound that is about the bucket, not an object.
type missingBucketError struct{ error }

func (e *missingBucketError) Unwrap() error { return e.error }

func isMissingBucket(err error) bool {
	var mb *missingBucketError
	return errors.As(err, &mb)
}

// isNetwork reports whether the request never got an HTTP answer.
func isNetwork(err error) bool {
	var se *smithyhttp.RequestSendError
	var ne net.Error
	return errors.As(err, &se) || errors.As(err, &ne)
}

// Where names the deployment history as the operator configured it.
func (s *Shadow) Where() string { return s.where() }

func (s *Shadow) where() string {
	if s.endpoint == "" {
		return "S3 bucket " + s.bucket
	}
	return "S3 bucket " + s.bucket + " at " + s.endpoint
}

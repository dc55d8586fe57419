package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Settings says where a test's bucket lives; the fields match store/s3's Options.
type S3Settings struct {
	Endpoint, Region, AccessKey, SecretKey, Bucket string
}

// s3Timeout bounds creating and removing a test bucket.
const s3Timeout = 30 * time.Second

// S3 creates a fresh, empty bucket on the test S3 server. At cleanup the bucket is emptied and
// removed; failing to do so fails the test.
func S3(t testing.TB) S3Settings {
	t.Helper()
	s := S3Settings{
		Endpoint:  Getenv(t, EnvS3Endpoint),
		Region:    Getenv(t, EnvS3Region),
		AccessKey: Getenv(t, EnvS3AccessKey),
		SecretKey: Getenv(t, EnvS3SecretKey),
		Bucket:    "arrakis-test-" + randomHex(8),
	}
	c := S3Client(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
	defer cancel()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)}); err != nil {
		t.Fatalf("create bucket %s on %s (%s): %v: %s", s.Bucket, s.Endpoint, EnvS3Endpoint, err, Hint)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
		defer cancel()
		if err := removeBucket(ctx, c, s.Bucket); err != nil {
			t.Errorf("remove test bucket %s: %v", s.Bucket, err)
		}
	})
	return s
}

// S3Client is a path-style client for the server in s, with static credentials and no shared
// AWS configuration. Checksums are sent and checked only where an operation requires them:
// S3-compatible servers (versitygw among them) reject the SDK's default CRC trailers.
func S3Client(t testing.TB, s S3Settings) *s3.Client {
	t.Helper()
	if s.Endpoint == "" || s.Region == "" {
		t.Fatalf("S3 settings without endpoint or region (%+v): use testenv.S3 and %s", redact(s), Hint)
	}
	return s3.New(s3.Options{
		Region:                     s.Region,
		BaseEndpoint:               aws.String(s.Endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// removeBucket deletes every object (one by one: no checksum-requiring batch call), every
// unfinished multipart upload, then the bucket.
func removeBucket(ctx context.Context, c *s3.Client, bucket string) error {
	var errs []error
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		for _, o := range page.Contents {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)}); err == nil {
		for _, u := range ups.Uploads {
			_, _ = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId})
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// redact hides the secret when settings are printed.
func redact(s S3Settings) S3Settings {
	if s.SecretKey != "" {
		s.SecretKey = "REDACTED"
	}
	return s
}

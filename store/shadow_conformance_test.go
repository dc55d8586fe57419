package store_test

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/s3"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// TestShadowStoreConformance runs the Shadow suite against the local-directory store and
// against S3 (versitygw, a fresh bucket per subtest), then the S3-only failure cases.
func TestShadowStoreConformance(t *testing.T) {
	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		storetest.TestShadow(t, newDirBackend)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		storetest.TestShadow(t, newS3Backend)
		t.Run("Errors", testS3Errors)
		t.Run("CheckRefusesUnconditionalServer", testS3CheckRefusesUnconditionalServer)
	})
}

func newDirBackend(t *testing.T) storetest.ShadowBackend {
	root := t.TempDir()
	s, err := dir.NewShadow(root)
	if err != nil {
		t.Fatalf("dir.NewShadow: %v", err)
	}
	return storetest.ShadowBackend{Store: s, Tamper: func(key string, data []byte) error {
		p := filepath.Join(root, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o640)
	}}
}

func newS3Backend(t *testing.T) storetest.ShadowBackend {
	set := testenv.S3(t)
	s := newS3Shadow(t, s3Options(set))
	raw := testenv.S3Client(t, set)
	return storetest.ShadowBackend{Store: s, Tamper: func(key string, data []byte) error {
		_, err := raw.PutObject(context.Background(), &awss3.PutObjectInput{
			Bucket: aws.String(set.Bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
		return err
	}}
}

func s3Options(set testenv.S3Settings) s3.Options {
	return s3.Options{
		Bucket: set.Bucket, Endpoint: set.Endpoint, Region: set.Region,
		AccessKey: set.AccessKey, SecretKey: set.SecretKey,
		PathStyle: true, ChecksumWhenRequired: true,
	}
}

func newS3Shadow(t *testing.T, o s3.Options) *s3.Shadow {
	t.Helper()
	s, err := s3.NewShadow(context.Background(), o)
	if err != nil {
		t.Fatalf("s3.NewShadow: %v", err)
	}
	return s
}

// testS3Errors: an unreachable endpoint, a missing bucket and wrong credentials each give
// their own code and a sentence that says what is wrong, from Check and from a plain call.
func testS3Errors(t *testing.T) {
	t.Parallel()
	set := testenv.S3(t)
	closed := closedEndpoint(t)
	missing := "arrakis-missing-" + strings.ToLower(testenv.GuildID(t))
	cases := []struct {
		name string
		edit func(o *s3.Options)
		code store.Code
		says string
	}{
		{"UnreachableEndpoint", func(o *s3.Options) { o.Endpoint = closed }, store.CodeUnavailable, "cannot reach S3 endpoint " + closed},
		{"MissingBucket", func(o *s3.Options) { o.Bucket = missing }, store.CodeNotFound, "bucket " + missing + " does not exist"},
		{"WrongSecretKey", func(o *s3.Options) { o.SecretKey = "not-the-secret" }, store.CodeAccessDenied, "S3 rejected the credentials"},
		{"UnknownAccessKey", func(o *s3.Options) { o.AccessKey = "nobody" }, store.CodeAccessDenied, "S3 rejected the credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := s3Options(set)
			tc.edit(&o)
			s := newS3Shadow(t, o)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cid := testenv.GuildID(t)
			err := s.Check(ctx)
			assertCodeSays(t, "Check", err, tc.code, tc.says)
			_, err = s.Save(ctx, storetest.ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid})
			assertCodeSays(t, "Save", err, tc.code, tc.says)
			if tc.code == store.CodeNotFound {
				return // Latest's not_found would not tell the bucket apart from an empty history
			}
			_, err = s.Latest(ctx, cid)
			assertCodeSays(t, "Latest", err, tc.code, tc.says)
		})
	}
}

func assertCodeSays(t *testing.T, what string, err error, code store.Code, says string) {
	t.Helper()
	if !store.IsCode(err, code) {
		t.Errorf("%s = %v, want code %s", what, err, code)
	} else if !strings.Contains(err.Error(), says) {
		t.Errorf("%s error %q does not say %q", what, err, says)
	}
	if err != nil && strings.Contains(err.Error(), "arrakis-test-secret") {
		t.Errorf("%s error %q shows the secret key", what, err)
	}
}

// closedEndpoint is an http:// URL on a loopback port nobody listens on.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("reserve a port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// testS3CheckRefusesUnconditionalServer puts a reverse proxy in front of versitygw that
// re-signs every request; with If-None-Match stripped the server overwrites existing
// objects, and Check must refuse it. The same proxy without stripping must pass, so the
// refusal is about the condition and not the proxy.
func testS3CheckRefusesUnconditionalServer(t *testing.T) {
	t.Parallel()
	set := testenv.S3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var stripped atomic.Int32
	honest := resigningProxy(t, set, nil)
	o := s3Options(set)
	o.Endpoint = honest
	if err := newS3Shadow(t, o).Check(ctx); err != nil {
		t.Fatalf("Check through a proxy that keeps If-None-Match: %v", err)
	}

	o.Endpoint = resigningProxy(t, set, &stripped)
	s := newS3Shadow(t, o)
	err := s.Check(ctx)
	if !store.IsCode(err, store.CodeUnsupported) {
		t.Fatalf("Check against a server that ignores If-None-Match = %v, want unsupported", err)
	}
	if !strings.Contains(err.Error(), "ignored If-None-Match") || !strings.Contains(err.Error(), "conditional writes") {
		t.Errorf("Check error %q does not explain the missing conditional writes", err)
	}
	if stripped.Load() < 2 {
		t.Errorf("the proxy stripped If-None-Match from %d requests, want the probe's two", stripped.Load())
	}
	// The probe object was removed.
	out, err := testenv.S3Client(t, set).ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(set.Bucket)})
	if err != nil {
		t.Fatalf("list bucket: %v", err)
	}
	if len(out.Contents) != 0 {
		t.Errorf("Check left %d objects behind, first %s", len(out.Contents), aws.ToString(out.Contents[0].Key))
	}
}

// resigningProxy forwards to the test S3 server, signing each request again (SigV4 signs
// If-None-Match, so a proxy that drops it must re-sign). With stripped set it drops
// If-None-Match and counts the requests it changed.
func resigningProxy(t *testing.T, set testenv.S3Settings, stripped *atomic.Int32) string {
	t.Helper()
	target, err := url.Parse(set.Endpoint)
	if err != nil {
		t.Fatalf("parse %s: %v", set.Endpoint, err)
	}
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: set.AccessKey, SecretAccessKey: set.SecretKey}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		if stripped != nil && pr.Out.Header.Get("If-None-Match") != "" {
			pr.Out.Header.Del("If-None-Match")
			stripped.Add(1)
		}
		pr.Out.Header.Del("Authorization")
		hash := pr.Out.Header.Get("X-Amz-Content-Sha256")
		if err := signer.SignHTTP(pr.Out.Context(), creds, pr.Out, hash, "s3", set.Region, time.Now()); err != nil {
			t.Errorf("proxy: sign %s %s: %v", pr.Out.Method, pr.Out.URL, err)
		}
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

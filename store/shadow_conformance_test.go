package store_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
		t.Run("LoserTakesNextVersion", testS3LoserTakesNextVersion)
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
		if data == nil {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		}
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
		if data == nil {
			_, err := raw.DeleteObject(context.Background(), &awss3.DeleteObjectInput{Bucket: aws.String(set.Bucket), Key: aws.String(key)})
			return err
		}
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

// testS3LoserTakesNextVersion makes a race certain: one writer's claim of v1 is held in its
// transport until another writer has committed v1. The held claim must then be refused by
// the server (412) and the loser must commit v2 after v1.
func testS3LoserTakesNextVersion(t *testing.T) {
	t.Parallel()
	set := testenv.S3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hold := &holdFirstClaim{held: make(chan struct{}), release: make(chan struct{})}
	o := s3Options(set)
	o.HTTPClient = &http.Client{Transport: hold}
	slow, fast := newS3Shadow(t, o), newS3Shadow(t, s3Options(set))
	cid := testenv.GuildID(t)

	type result struct {
		meta store.SnapshotMeta
		err  error
	}
	done := make(chan result, 1)
	go func() {
		meta, err := slow.Save(ctx, storetest.ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid, CreatedBy: "slow"})
		done <- result{meta, err}
	}()
	select {
	case <-hold.held:
	case <-ctx.Done():
		t.Fatal("the slow writer never tried to claim a version")
	}
	won, err := fast.Save(ctx, storetest.ShadowManifest(cid, 2), store.SnapshotMeta{CommunityID: cid, CreatedBy: "fast"})
	close(hold.release)
	if err != nil || won.Version != 1 {
		t.Fatalf("fast writer: Save = %s, %v; want v00000001", won.ID, err)
	}
	var lost result
	select {
	case lost = <-done:
	case <-ctx.Done():
		t.Fatal("the slow writer's Save did not return")
	}
	if lost.err != nil || lost.meta.Version != 2 || lost.meta.PreviousID != won.ID {
		t.Fatalf("slow writer: Save = %s after %q, %v; want v00000002 after %s", lost.meta.ID, lost.meta.PreviousID, lost.err, won.ID)
	}
	if n := hold.refused.Load(); n < 1 {
		t.Errorf("the server refused %d conditional writes, want the held claim refused", n)
	}
	for i, meta := range []store.SnapshotMeta{won, lost.meta} {
		snap, err := fast.Get(ctx, cid, meta.ID)
		if err != nil || snap.Meta.CreatedBy != meta.CreatedBy {
			t.Fatalf("Get %s = %+v, %v; want the %s writer's snapshot", meta.ID, snap, err, meta.CreatedBy)
		}
		if got, want := snap.Manifest.Community.Name, storetest.ShadowManifest(cid, 2-i).Community.Name; got != want {
			t.Errorf("Get %s: manifest %q, want %q", meta.ID, got, want)
		}
	}
}

// holdFirstClaim is an http.RoundTripper that holds the first conditional metadata write
// until release is closed, and counts the writes the server refuses with 412.
type holdFirstClaim struct {
	once    sync.Once
	held    chan struct{}
	release chan struct{}
	refused atomic.Int32
}

func (h *holdFirstClaim) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.Header.Get("If-None-Match") != "" && strings.Contains(req.URL.Path, "/metadata/") {
		first := false
		h.once.Do(func() { first = true })
		if first {
			close(h.held)
			select {
			case <-h.release:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusPreconditionFailed {
		h.refused.Add(1)
	}
	return resp, err
}

// BenchmarkShadowStore measures Save (a new version of one community), Get (with the SHA-256
// check) and Latest (hint, probe, read) on both backends.
func BenchmarkShadowStore(b *testing.B) {
	backends := []struct {
		name string
		open func(b *testing.B) store.Shadow
	}{
		{"dir", func(b *testing.B) store.Shadow {
			s, err := dir.NewShadow(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"s3", func(b *testing.B) store.Shadow {
			s, err := s3.NewShadow(context.Background(), s3Options(testenv.S3(b)))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := be.open(b)
			ctx := context.Background()
			cid := testenv.GuildID(b)
			m := storetest.ShadowManifest(cid, 1)
			b.Run("Save", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Save(ctx, m, store.SnapshotMeta{CommunityID: cid}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Get", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Get(ctx, cid, store.SnapshotID(1)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Latest", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Latest(ctx, cid); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

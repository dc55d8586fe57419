package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	goredis "github.com/redis/go-redis/v9"
)

// fatalRecorder stands in for a test so the failure paths can be observed without failing.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit() // as the real Fatalf: stop the calling goroutine
}

// fatalMessage runs f against a recorder and returns what it passed to Fatalf ("" if nothing).
func fatalMessage(t *testing.T, f func(tb testing.TB)) string {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.msg
}

func TestMissingVariableFailsWithHint(t *testing.T) {
	cases := []struct {
		env string
		use func(testing.TB)
	}{
		{EnvRedisAddr, func(tb testing.TB) { RedisAddr(tb) }},
		{EnvRedisAddr, func(tb testing.TB) { Redis(tb) }},
		{EnvRedisClusterAddrs, func(tb testing.TB) { RedisClusterAddrs(tb) }},
		{EnvRedisClusterAddrs, func(tb testing.TB) { RedisCluster(tb) }},
		{EnvS3Endpoint, func(tb testing.TB) { S3(tb) }},
		{EnvS3SecretKey, func(tb testing.TB) { S3(tb) }},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			t.Setenv(c.env, "")
			got := fatalMessage(t, c.use)
			want := c.env + " is not set: run scripts/test"
			if got != want {
				t.Errorf("Fatalf message = %q, want %q", got, want)
			}
		})
	}
}

func TestDeadRedisFailsWithHint(t *testing.T) {
	t.Setenv(EnvRedisAddr, "127.0.0.1:1") // nothing listens on port 1
	got := fatalMessage(t, func(tb testing.TB) { Redis(tb) })
	if !strings.Contains(got, "does not answer") || !strings.HasSuffix(got, Hint) {
		t.Errorf("Fatalf message = %q, want one saying the server does not answer and ending in %q", got, Hint)
	}
}

func TestRedisSetGet(t *testing.T) {
	c := Redis(t)
	ctx := context.Background()
	key := "testenv:" + GuildID(t)
	if err := c.Set(ctx, key, "spice", time.Minute).Err(); err != nil {
		t.Fatalf("SET %s: %v", key, err)
	}
	got, err := c.Get(ctx, key).Result()
	if err != nil || got != "spice" {
		t.Fatalf("GET %s = %q, %v; want \"spice\"", key, got, err)
	}
	if err := c.Del(ctx, key).Err(); err != nil {
		t.Errorf("DEL %s: %v", key, err)
	}
}

func TestRedisClusterWritesAcrossSlots(t *testing.T) {
	c := RedisCluster(t)
	if n := len(RedisClusterAddrs(t)); n != 3 {
		t.Errorf("cluster has %d addresses, want 3 masters", n)
	}
	ctx := context.Background()
	prefix := "testenv:" + GuildID(t) + ":"
	const n = 60 // every master gets at least one key except with probability ~1e-10
	for i := range n {
		if err := c.Set(ctx, prefix+strconv.Itoa(i), i, time.Minute).Err(); err != nil {
			t.Fatalf("SET %s%d: %v", prefix, i, err)
		}
	}
	for i := range n {
		got, err := c.Get(ctx, prefix+strconv.Itoa(i)).Int()
		if err != nil || got != i {
			t.Fatalf("GET %s%d = %d, %v; want %d", prefix, i, got, err, i)
		}
	}

	// Count the keys each master holds: all three must hold some, and together all of them.
	counts := make(chan int, 8)
	err := c.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
		keys, err := m.Keys(ctx, prefix+"*").Result()
		counts <- len(keys)
		return err
	})
	close(counts)
	if err != nil {
		t.Fatalf("count keys per master: %v", err)
	}
	masters, total := 0, 0
	for k := range counts {
		masters++
		total += k
		if k == 0 {
			t.Errorf("a master holds none of %d keys: slots are not spread over the cluster", n)
		}
	}
	if masters != 3 || total != n {
		t.Errorf("%d masters hold %d keys, want 3 masters holding %d", masters, total, n)
	}
	for i := range n {
		c.Del(ctx, prefix+strconv.Itoa(i))
	}
}

func TestS3BucketPutGet(t *testing.T) {
	s := S3(t)
	if !strings.HasPrefix(s.Bucket, "arrakis-test-") || s.Region == "" || s.AccessKey == "" {
		t.Fatalf("settings = %+v, want a fresh arrakis-test- bucket with region and credentials", redact(s))
	}
	c := S3Client(t, s)
	ctx := context.Background()
	body := []byte(`{"version":1}`)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.Bucket, Key: aws.String("g/1.json"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put: %v", err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.Bucket, Key: aws.String("g/1.json")})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("get = %q, %v; want %q", got, err, body)
	}

	// The shadow store relies on conditional writes: a second create-only put must be refused.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.Bucket, Key: aws.String("g/1.json"),
		Body: bytes.NewReader([]byte("other")), IfNoneMatch: aws.String("*")})
	if status(err) != 412 {
		t.Errorf("put If-None-Match:* over an existing object: err = %v, want HTTP 412", err)
	}
}

func TestS3BucketsAreFreshAndRemovedAtCleanup(t *testing.T) {
	var first, second S3Settings
	t.Run("use", func(t *testing.T) {
		first, second = S3(t), S3(t)
		if first.Bucket == second.Bucket {
			t.Fatalf("two calls returned the same bucket %s", first.Bucket)
		}
		_, err := S3Client(t, first).PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: &first.Bucket, Key: aws.String("left/behind"), Body: strings.NewReader("x")})
		if err != nil {
			t.Fatalf("put: %v", err)
		}
	})
	c := S3Client(t, first)
	for _, s := range []S3Settings{first, second} {
		_, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(s.Bucket)})
		if status(err) != 404 {
			t.Errorf("head bucket %s after cleanup: err = %v, want HTTP 404", s.Bucket, err)
		}
	}
}

func TestGuildIDIsUniqueSnowflake(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := GuildID(t)
		if _, err := strconv.ParseUint(id, 10, 64); err != nil || len(id) < 17 || len(id) > 20 {
			t.Fatalf("GuildID() = %q, want a 17-20 digit unsigned integer", id)
		}
		if seen[id] {
			t.Fatalf("GuildID() returned %s twice", id)
		}
		seen[id] = true
	}
}

// status is the HTTP status of an AWS SDK error (0 when there is none).
func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// Command openapichecker validates HTTP requests against Discord's OpenAPI
// spec for the fake Discord's contract check.
//
// Loading the 1 MB OpenAPI 3.1 document with libopenapi-validator takes
// seconds (a minute in a -race binary), so it happens once, here, outside the
// race-instrumented test binaries; each fake asks this process about each
// request it receives.
//
//	openapichecker -spec openapi.json -addr 127.0.0.1:0 -ready-file /tmp/x/checker.addr
//
// When the spec is loaded it listens on -addr and writes the actual host:port
// to -ready-file (atomically). It serves:
//
//	POST /check           {"method","path","query","headers","body"} → {"ok","errors"}
//	POST /check-response  the same plus {"response": {"status","headers","body"}}:
//	                      validates the response against the operation's responses
//	GET  /healthz
//
// path is the spec's form (e.g. /api/v10/guilds/1/roles or /guilds/1/roles);
// body is the raw request body as a string. The caller normalises anything it
// wants normalised (the fake turns permission strings into integers).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	vErrors "github.com/pb33f/libopenapi-validator/errors"
)

func main() {
	spec := flag.String("spec", os.Getenv("DISCORD_OPENAPI_SPEC"), "path of Discord's openapi.json")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	ready := flag.String("ready-file", "", "file that receives host:port once the spec is loaded")
	strict := flag.Bool("strict", false, "also report body properties and query parameters the spec does not declare (diagnostics; not for scripts/test)")
	flag.Parse()
	if err := run(*spec, *addr, *ready, *strict); err != nil {
		log.Printf("openapichecker: %v", err)
		os.Exit(1)
	}
}

func run(spec, addr, readyFile string, strict bool) error {
	if spec == "" {
		return errors.New("no spec: pass -spec or set DISCORD_OPENAPI_SPEC")
	}
	start := time.Now()
	var opts []config.Option
	if strict {
		opts = append(opts, config.WithStrictMode(),
			config.WithStrictIgnoredHeadersExtra("Authorization", "X-Audit-Log-Reason", "X-Discord-Locale", "User-Agent", "Accept-Encoding"))
	}
	c, err := load(spec, opts...)
	if err != nil {
		return err
	}
	log.Printf("openapichecker: loaded %s in %s", spec, time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: c.routes(), ReadHeaderTimeout: 10 * time.Second}
	if readyFile != "" {
		if err := writeAtomic(readyFile, ln.Addr().String()); err != nil {
			_ = ln.Close()
			return fmt.Errorf("write ready file: %w", err)
		}
	}
	log.Printf("openapichecker: listening on %s", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".checker-addr-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// checker wraps one validator; validation is serialised because the
// validator's caches are not documented as safe for concurrent use, and a
// check takes well under a millisecond.
type checker struct {
	mu sync.Mutex
	v  validator.Validator
}

func load(spec string, opts ...config.Option) (*checker, error) {
	b, err := os.ReadFile(spec)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		return nil, fmt.Errorf("parse spec %s: %w", spec, err)
	}
	v, errs := validator.NewValidator(doc, opts...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("build validator for %s: %w", spec, errors.Join(errs...))
	}
	return &checker{v: v}, nil
}

// CheckRequest is the body of POST /check.
type CheckRequest struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   string              `json:"query"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

// ResponseToCheck is the response part of POST /check-response.
type ResponseToCheck struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

// CheckResponseRequest is the body of POST /check-response.
type CheckResponseRequest struct {
	CheckRequest
	Response ResponseToCheck `json:"response"`
}

// CheckResponse answers POST /check and /check-response.
type CheckResponse struct {
	OK     bool     `json:"ok"`
	Errors []string `json:"errors"`
}

func (c *checker) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("POST /check", func(w http.ResponseWriter, r *http.Request) {
		var req CheckRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 32<<20)).Decode(&req); err != nil {
			http.Error(w, "bad check request: "+err.Error(), http.StatusBadRequest)
			return
		}
		answer(w)(c.check(req))
	})
	mux.HandleFunc("POST /check-response", func(w http.ResponseWriter, r *http.Request) {
		var req CheckResponseRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 32<<20)).Decode(&req); err != nil {
			http.Error(w, "bad check request: "+err.Error(), http.StatusBadRequest)
			return
		}
		answer(w)(c.checkResponse(req))
	})
	return mux
}

func answer(w http.ResponseWriter) func(CheckResponse, error) {
	return func(res CheckResponse, err error) {
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	}
}

func (c *checker) check(req CheckRequest) (CheckResponse, error) {
	hr, err := buildRequest(req)
	if err != nil {
		return CheckResponse{}, err
	}
	c.mu.Lock()
	ok, verrs := c.v.ValidateHttpRequestSync(hr)
	c.mu.Unlock()
	return result(ok, verrs), nil
}

func (c *checker) checkResponse(req CheckResponseRequest) (CheckResponse, error) {
	hr, err := buildRequest(req.CheckRequest)
	if err != nil {
		return CheckResponse{}, err
	}
	if req.Response.Status < 100 {
		return CheckResponse{}, errors.New("response.status is required")
	}
	resp := &http.Response{
		StatusCode: req.Response.Status, Status: fmt.Sprintf("%d %s", req.Response.Status, http.StatusText(req.Response.Status)),
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader(req.Response.Body)), Request: hr,
	}
	for k, vs := range req.Response.Headers {
		for _, v := range vs {
			resp.Header.Add(k, v)
		}
	}
	c.mu.Lock()
	ok, verrs := c.v.ValidateHttpResponse(hr, resp)
	c.mu.Unlock()
	return result(ok, verrs), nil
}

func result(ok bool, verrs []*vErrors.ValidationError) CheckResponse {
	res := CheckResponse{OK: ok && len(verrs) == 0, Errors: []string{}}
	for _, e := range verrs {
		res.Errors = append(res.Errors, describe(e))
	}
	return res
}

func buildRequest(req CheckRequest) (*http.Request, error) {
	if req.Method == "" || !strings.HasPrefix(req.Path, "/") {
		return nil, errors.New("method and an absolute path are required")
	}
	u := "https://discord.com" + req.Path
	if req.Query != "" {
		u += "?" + req.Query
	}
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequest(req.Method, u, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range req.Headers {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	return hr, nil
}

// describe turns a validation error into one line naming the field.
func describe(e *vErrors.ValidationError) string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Reason != "" && e.Reason != e.Message {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	for _, f := range e.SchemaValidationErrors {
		b.WriteString(" [")
		if f.FieldPath != "" {
			b.WriteString(f.FieldPath)
			b.WriteString(": ")
		}
		b.WriteString(f.Reason)
		b.WriteString("]")
	}
	return b.String()
}

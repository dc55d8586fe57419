package deploy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rateLimitedError says Discord asked to wait longer than the retry budget allows.
type rateLimitedError struct {
	RetryAfter time.Duration
	Waited     time.Duration
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("rate limited: Discord asked to wait %s after %s of waiting", e.RetryAfter.Round(time.Millisecond), e.Waited.Round(time.Millisecond))
}

// requestOptions are the options of every request the service makes: its own context, no
// sleeping on 429 inside discordgo, no discordgo retry of 502 (the executor retries 5xx
// itself, re-reading the guild first), and the guarded client.
func (s *Service) requestOptions(ctx context.Context, extra ...discordgo.RequestOption) []discordgo.RequestOption {
	opts := []discordgo.RequestOption{
		discordgo.WithContext(ctx),
		discordgo.WithRetryOnRatelimit(false),
		discordgo.WithRestRetries(0),
		discordgo.WithClient(s.client),
	}
	return append(opts, extra...)
}

// withRateLimitRetry runs call until it is not answered 429, waiting retry_after each time
// but never more than the budget in total. A 429 means Discord did not apply the request,
// so repeating it cannot duplicate anything. Other errors are returned as they are.
func (s *Service) withRateLimitRetry(ctx context.Context, call func() error) error {
	var waited time.Duration
	for {
		err := call()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			return err
		}
		wait := time.Duration(0)
		if rl.TooManyRequests != nil {
			wait = rl.RetryAfter
		}
		if wait < 0 {
			wait = 0
		}
		if waited+wait > s.cfg.Retry.Budget {
			return &rateLimitedError{RetryAfter: wait, Waited: waited}
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
	}
}

// isServerError reports whether err is a 5xx answer or a transport failure: the request
// may or may not have been applied, so the executor re-reads the guild before going on.
func isServerError(err error) bool {
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		return re.Response != nil && re.Response.StatusCode >= 500
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrStopped) {
		return false
	}
	var rl *rateLimitedError
	if errors.As(err, &rl) {
		return false
	}
	// Anything that is not an HTTP answer (connection reset, timeout) is ambiguous too.
	return err != nil && !isHTTPAnswer(err)
}

func isHTTPAnswer(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) || errors.Is(err, discordgo.ErrJSONUnmarshal)
}

// restStatus returns the HTTP status and Discord error code of a REST error (0 when none).
func restStatus(err error) (status, code int) {
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		return 0, 0
	}
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return status, code
}

// backoff is the wait before the attempt-th retry of a 5xx (attempt ≥ 1): exponential
// with full jitter in [d/2, d].
func (s *Service) backoff(attempt int) time.Duration {
	d := s.cfg.Retry.BaseBackoff << min(attempt-1, 20)
	if d > s.cfg.Retry.MaxBackoff || d <= 0 {
		d = s.cfg.Retry.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// within5xxBudget reports whether a deploy whose writes have failed since outageStart may
// try again (the attempt-th retry): while the outage and the next wait fit in the 5xx
// budget. A 429 whose retry_after is past its own budget stops at once (withRateLimitRetry).
func (s *Service) within5xxBudget(outageStart time.Time, attempt int) bool {
	if s.writeAttempts > 0 && attempt >= s.writeAttempts {
		return false
	}
	next := s.cfg.Retry.BaseBackoff << min(attempt-1, 20)
	return time.Since(outageStart)+min(next, s.cfg.Retry.MaxBackoff)/2 <= s.cfg.Retry.Budget5xx
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isNoAccess reports whether Discord says the bot cannot see the guild.
func isNoAccess(err error) bool {
	status, code := restStatus(err)
	return code == discordgo.ErrCodeMissingAccess || code == discordgo.ErrCodeUnknownGuild ||
		(status == http.StatusNotFound && code == 0) || status == http.StatusUnauthorized
}

func asRateLimited(err error, target **rateLimitedError) bool { return errors.As(err, target) }

// isStale reports whether Discord says the plan's target is gone (deleted by someone
// while the deploy ran): the plan is then stale, not wrong.
func isStale(err error) bool {
	status, code := restStatus(err)
	return status == http.StatusNotFound &&
		(code == discordgo.ErrCodeUnknownRole || code == discordgo.ErrCodeUnknownChannel || code == discordgo.ErrCodeUnknownOverwrite)
}

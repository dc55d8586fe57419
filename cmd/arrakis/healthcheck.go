package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckTimeout bounds one probe; Docker's HEALTHCHECK has its own timeout on top.
const healthcheckTimeout = 3 * time.Second

func init() { rootCmd.AddCommand(newHealthcheckCmd()) }

func newHealthcheckCmd() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Exit 0 when a running serve answers /readyz with 200 (for Docker's HEALTHCHECK)",
		Long: `Ask the serve process on this machine whether it is ready: GET /readyz on http.listen
(ARRAKIS_HTTP_LISTEN; a listen address without a host is asked on 127.0.0.1). The image has no
shell or curl, so its Dockerfile HEALTHCHECK runs this.

Exit status: 0 ready (HTTP 200), 1 not ready or not answering, 2 bad configuration.`,
		Example: "  arrakis healthcheck\n  arrakis healthcheck --url http://127.0.0.1:8080/readyz",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				cfg, err := loadConfig()
				if err != nil {
					return usageError(err)
				}
				if url, err = readyzURL(cfg.HTTP.Listen); err != nil {
					return usageError(err)
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), healthcheckTimeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError(fmt.Errorf("--url %q is not a URL", url))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("not ready: nothing answers at %s (%s); is arrakis serve running with this http.listen?", url, netCause(err))
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("not ready: %s answered %s: %s", url, resp.Status, trimBody(body))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ready: %s answered %s\n", url, resp.Status)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "readiness URL to ask (default: /readyz on http.listen)")
	return cmd
}

// readyzURL is the /readyz URL of a listen address; an empty or unspecified host is
// asked on the loopback address.
func readyzURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" {
		return "", fmt.Errorf("http.listen %q is not a listen address (for example \":8080\")", listen)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

func trimBody(b []byte) string {
	s := string(b)
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	if s == "" {
		return "(no body)"
	}
	return s
}

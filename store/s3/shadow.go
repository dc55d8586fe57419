// Package s3 keeps shadow state — the versioned snapshots of each community's manifest and
// the record of each deploy — in an S3 bucket or an S3-compatible server.
//
// Layout per community (the community id is the guild id):
//
//	shadow-state/{communityID}/latest.json              newest snapshot id (a hint only)
//	shadow-state/{communityID}/manifests/{sha256}.json  immutable manifest body (canonical JSON)
//	shadow-state/{communityID}/metadata/{id}.json       immutable snapshot metadata: the commit point
//	shadow-state/{communityID}/deployments/{id}.json    written once when snapshot {id} is deployed
//
// Version N is claimed by writing metadata/vN.json with If-None-Match: *, so two writers
// (goroutines or instances) can never both own N. Check refuses a server that ignores that
// condition, because without it two deploys could silently overwrite each other's history.
package s3

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/arrakis-bot/arrakis/store"
)

// Options says which bucket to use and how to reach it.
type Options struct {
	Bucket   string
	Endpoint string // empty for AWS S3; e.g. http://127.0.0.1:7070 for an S3-compatible server
	Region   string // empty means us-east-1
	// AccessKey and SecretKey are static credentials; both empty means the default AWS
	// credential chain (environment, shared files, instance role).
	AccessKey string
	SecretKey string
	// PathStyle addresses the bucket as endpoint/bucket/key, which most S3-compatible
	// servers need.
	PathStyle bool
	// ChecksumWhenRequired stops the SDK from sending CRC checksums on every request, which
	// some S3-compatible servers reject.
	ChecksumWhenRequired bool
	HTTPClient           *http.Client // nil for the SDK's default
	// Logger receives the SDK's own log lines (retries, IMDS fallbacks); nil discards them,
	// so they never reach an operator's terminal unworded.
	Logger logging.Logger
}

// Shadow is store.Shadow over S3. It is safe for concurrent use, also by several processes.
type Shadow struct {
	client   *awss3.Client
	bucket   string
	endpoint string // for error messages
}

var _ store.Shadow = (*Shadow)(nil)

// NewShadow builds the client. It does not contact the server: the caller runs Check.
func NewShadow(ctx context.Context, o Options) (*Shadow, error) {
	if o.Bucket == "" {
		return nil, fmt.Errorf("s3 shadow store: no bucket configured")
	}
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("s3 shadow store: endpoint %q is not a URL like http://host:port", o.Endpoint)
		}
	}
	if (o.AccessKey == "") != (o.SecretKey == "") {
		return nil, fmt.Errorf("s3 shadow store: set both the access key and the secret key, or neither")
	}
	region := o.Region
	if region == "" {
		region = "us-east-1"
	}
	logger := o.Logger
	if logger == nil {
		logger = logging.Nop{}
	}
	loads := []func(*config.LoadOptions) error{config.WithRegion(region), config.WithLogger(logger)}
	if o.AccessKey != "" || o.Endpoint != "" {
		// The EC2 instance metadata service can only supply AWS credentials: with static
		// credentials, or a server that is not AWS, asking it only adds a wait and a warning.
		loads = append(loads, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if o.AccessKey != "" {
		loads = append(loads, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")))
	}
	if o.ChecksumWhenRequired {
		loads = append(loads,
			config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("s3 shadow store: load AWS configuration: %w", err)
	}
	client := awss3.NewFromConfig(cfg, func(so *awss3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(strings.TrimRight(o.Endpoint, "/"))
		}
		so.UsePathStyle = o.PathStyle
		// Set here, not through config.WithHTTPClient, which refuses a plain *http.Client
		// when a custom CA bundle (AWS_CA_BUNDLE) is configured.
		if o.HTTPClient != nil {
			so.HTTPClient = o.HTTPClient
		}
	})
	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = "AWS S3 (" + region + ")"
	}
	return &Shadow{client: client, bucket: o.Bucket, endpoint: endpoint}, nil
}

// Bucket is the bucket this store writes to.
func (s *Shadow) Bucket() string { return s.bucket }

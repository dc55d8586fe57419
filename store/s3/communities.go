package s3

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// Communities lists the community ids under shadow-state/: one ListObjectsV2 with a "/"
// delimiter returns each community's prefix once (a common prefix), however many objects
// it holds; every page is followed. Check's .probe/ and anything that is not a valid
// community id are left out.
func (s *Shadow) Communities(ctx context.Context) ([]string, error) {
	const op = "list communities"
	in := &awss3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(layout.RootPrefix), Delimiter: aws.String("/")}
	var ids []string
	pages := awss3.NewListObjectsV2Paginator(s.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s.fail(op, layout.RootPrefix, err)
		}
		for _, p := range page.CommonPrefixes {
			cid := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(p.Prefix), layout.RootPrefix), "/")
			if layout.CheckCommunity(op, cid) == nil {
				ids = append(ids, cid)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

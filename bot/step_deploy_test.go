package bot

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func TestDeployStatusText(t *testing.T) {
	p := &store.DeployProgress{SnapshotID: "v00000002", Status: wizard.DeployChannels, RolesDone: 3, RolesTotal: 5, ChannelsDone: 2, ChannelsTotal: 8}
	cases := []struct {
		d    *wizard.DeployState
		p    *store.DeployProgress
		want string
	}{
		{&wizard.DeployState{Status: wizard.DeployPending}, nil, "Starting"},
		{&wizard.DeployState{Status: wizard.DeployPending}, p, "Creating channels: 2 of 8 done"},
		{&wizard.DeployState{Status: wizard.DeployFailed, Error: "Discord refused"}, &store.DeployProgress{Status: wizard.DeployFailed}, "Discord refused"},
		{&wizard.DeployState{Status: wizard.DeployCompleted, SnapshotID: "v00000002"}, &store.DeployProgress{SnapshotID: "v00000002", Status: wizard.DeployCompleted}, "Deployed"},
	}
	for _, c := range cases {
		if got := deployStatusText(c.d, c.p); !strings.Contains(got, c.want) {
			t.Errorf("deployStatusText = %q, want %q in it", got, c.want)
		}
	}
	// A progress record of another snapshot does not speak for this session's deploy.
	other := &store.DeployProgress{SnapshotID: "v00000001", Status: wizard.DeployCompleted}
	if st := status(&wizard.DeployState{Status: wizard.DeployFailed, SnapshotID: "v00000002"}, other); st != wizard.DeployFailed {
		t.Errorf("status with a foreign progress record = %s", st)
	}
}

// latest keeps only the newest progress for the editor, never blocking the deploy.
func TestLatestProgressNeverBlocks(t *testing.T) {
	ch := make(chan store.DeployProgress, 1)
	for i := range 100 {
		latest(ch, store.DeployProgress{Done: i})
	}
	if p := <-ch; p.Done != 99 {
		t.Fatalf("editor got progress %d, want the newest (99)", p.Done)
	}
}

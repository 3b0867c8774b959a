package command

import (
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/auth"
)

// TestKeysRotate: the command puts a new pair first and keeps the older ones, so that a session signed
// before the rotation is still read by a portal restarted after it.
func TestKeysRotate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "session.keys")
	before, err := auth.LoadOrCreateSessionKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain(t, nil, "keys", "rotate", "--data", dir)
	if code != 0 || !strings.Contains(out, "2 key pair(s)") || !strings.Contains(out, "Restart the portal") {
		t.Fatalf("keys rotate: exit %d\n%s%s", code, out, errOut)
	}
	after, err := auth.LoadOrCreateSessionKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 4 || string(after[2]) != string(before[0]) || string(after[0]) == string(before[0]) {
		t.Fatal("the new pair is not first, or the old pair is not kept after it")
	}
	if code, _, errOut := runMain(t, nil, "keys", "shred", "--data", dir); code != 2 || !strings.Contains(errOut, "rotate") {
		t.Errorf("unknown subcommand: exit %d, %q", code, errOut)
	}
}

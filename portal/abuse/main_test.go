package abuse

import (
	"fmt"
	"os"
	"testing"

	"zorgverlenersportaal/portal/portaltest"
)

// TestMain builds the development PKI once for the whole suite, runs it, and prints the one-line summary
// of the attacks that ran.
func TestMain(m *testing.M) {
	code := portaltest.Run(m)
	if ran := tally.ran.Load(); ran > 0 {
		fmt.Printf("%d attacks, %d got through\n", ran, tally.through.Load())
	}
	os.Exit(code)
}

package fhir_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sampleDir finds the shared Synthea samples through ZVP_SHARED_DIR (default ../shared next to the
// repository root) and skips the test, saying so, when they are not there.
func sampleDir(tb testing.TB) string {
	tb.Helper()
	shared := os.Getenv("ZVP_SHARED_DIR")
	if shared == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			tb.Fatal(err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, "fhir-samples", "synthea-r4")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("the shared FHIR samples are not at %s (set ZVP_SHARED_DIR to the shared folder to run this test)", dir)
	}
	return dir
}

func countBundleEntries(tb testing.TB, data []byte) int {
	tb.Helper()
	var b struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		tb.Fatal(err)
	}
	return len(b.Entry)
}

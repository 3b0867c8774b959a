package browser

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// PolicyDir is where Debian's Chromium reads managed (administrator) policies. Only a managed policy can
// make Chromium present a client certificate without asking; there is no command-line flag for it.
const PolicyDir = "/etc/chromium/policies/managed"

// certificatePolicy is the managed policy the tests install: for every port of https://localhost, select
// a client certificate without a dialog. The filter is empty because each browser's certificate store
// holds exactly one card (see newNSSDatabase); the card is chosen by the store, not by the policy. This
// keeps the policy identical for every browser, which matters: Chromium merges all files in PolicyDir and
// lets one file win per policy name, so browsers of tests running at the same time must not disagree.
func certificatePolicy() ([]byte, error) {
	rule, err := json.Marshal(map[string]any{"pattern": "https://localhost:*", "filter": map[string]any{}})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{"AutoSelectCertificateForUrls": []string{string(rule)}}, "", "  ")
}

// policyFilePattern names the files the tests write, one per open browser, removed when its test ends.
const policyFilePattern = "zorgverlenersportaal-test-*.json"

// installPolicy writes the certificate policy into PolicyDir for the duration of the test. When the
// folder cannot be written the error says what to do: the browser tests must never be skipped.
func installPolicy(t testing.TB) error {
	content, err := certificatePolicy()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(PolicyDir, 0o755); err != nil {
		return policyError(err)
	}
	f, err := os.CreateTemp(PolicyDir, policyFilePattern)
	if err != nil {
		return policyError(err)
	}
	name := f.Name()
	t.Cleanup(func() { os.Remove(name) })
	if _, err := f.Write(content); err != nil {
		f.Close()
		return policyError(err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return policyError(err)
	}
	return f.Close()
}

// policyError explains how to let the tests write the policy.
func policyError(err error) error {
	hint := ""
	if errors.Is(err, fs.ErrPermission) {
		hint = " Run the browser tests as root (as .ci/run does), or let your user write the folder once: " +
			"`sudo install -d -o \"$USER\" " + PolicyDir + "`."
	}
	return fmt.Errorf("browser: cannot install the Chromium policy that selects the test card in %s: %w.%s "+
		"Chromium takes the automatic certificate selection only from a managed policy in that folder; "+
		"the browser tests do not run without it", filepath.Clean(PolicyDir), err, hint)
}

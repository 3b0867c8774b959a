package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// TestLoadCommandDrivesThePortalAndTheBareServer runs the README's load command on a small generated data
// set: gen makes the folder, the portal runs as a child process (the real serve command), the bare server
// as another, and both are driven over mutual TLS with the gp card in both modes. The report has every
// run with its figures and the ratios, the result file is written, every view left its access-log record
// and the chain still verifies.
func TestLoadCommandDrivesThePortalAndTheBareServer(t *testing.T) {
	t.Setenv(childEnv, "1")
	dir := filepath.Join(t.TempDir(), "load")
	env := map[string]string{"ZVP_DEV_PKI_CRL_ADDR": freePort(t)}
	// The children read the environment themselves.
	t.Setenv("ZVP_DEV_PKI_CRL_ADDR", env["ZVP_DEV_PKI_CRL_ADDR"])
	code, out, errOut := runMain(t, env, "load", "--data", dir, "--patients", "300", "--log-records", "2000",
		"--duration", "700ms", "--warmup", "200ms", "--concurrency", "2", "--sample", "50")
	if code != 0 {
		t.Fatalf("load exited with %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"Generated 300 patients", "2000 access-log records",
		"Portal: started in", "Page: ",
		"handshake   portal", "handshake   bare", "keep-alive  portal", "keep-alive  bare",
		"Ratio portal/bare, handshake:", "Ratio portal/bare, keep-alive:", "Server CPU per view, keep-alive:", "p99 of the portal with keep-alive at 2 clients",
		"Start-up:", "Access log:", "load-result.json",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	var report LoadReport
	data, err := os.ReadFile(filepath.Join(dir, "load-result.json"))
	if err != nil || json.Unmarshal(data, &report) != nil {
		t.Fatalf("result file: %v", err)
	}
	for _, run := range []string{"portal handshake", "bare handshake", "portal keep-alive", "bare keep-alive"} {
		r := report.Runs[run]
		if r.Requests == 0 || r.PerSecond <= 0 || r.P99Millis <= 0 || r.Errors != 0 {
			t.Errorf("%s: %+v", run, r)
		}
	}
	if report.Patients != 300 || report.PageBytes < 1000 || report.StartupMillis <= 0 || report.RSSIdleBytes <= 0 || report.RecordsPerSync < 1 {
		t.Errorf("report %+v", report)
	}

	// Every measured portal view wrote its access-log record (login and warm-up views too), and the chain
	// of generated and written records verifies.
	st, err := store.Open(t.Context(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
	views := report.Runs["portal handshake"].Requests + report.Runs["portal keep-alive"].Requests
	if err != nil || res.Records < int64(2000+views) {
		t.Fatalf("verify: %+v, %v; want at least %d records", res, err, 2000+views)
	}

	// A second run against the first as baseline compares the cost per view; the data set is re-used.
	base := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(base, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, env, "load", "--data", dir, "--modes", "keep-alive", "--duration", "500ms", "--warmup", "100ms",
		"--concurrency", "2", "--sample", "20", "--baseline", base)
	if code != 0 {
		t.Fatalf("second load exited with %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "Generated") || !strings.Contains(out, "Cost per view, keep-alive, at 300 patients against 300") {
		t.Errorf("second run:\n%s", out)
	}
}

func TestLoadCommandLine(t *testing.T) {
	for _, args := range [][]string{
		{"load", "--path", "/patients/1/access"},
		{"load", "--modes", "fast"},
		{"load", "--category", "everything"},
		{"load", "--card", "nobody"},
		{"gen", "--patients", "10"},
		{"gen", "--data", t.TempDir(), "--patients", "0"},
	} {
		if code, _, errOut := runMain(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}

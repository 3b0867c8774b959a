package browser

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalhostURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://127.0.0.1:43121", "https://localhost:43121"},
		{"https://127.0.0.1:8443/", "https://localhost:8443"},
	} {
		got, err := localhostURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("localhostURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := localhostURL("https://127.0.0.1"); err == nil {
		t.Error("a URL without port was accepted")
	}
}

// TestCertificatePolicy: the policy must be valid JSON in Chromium's format, with the rule itself a JSON
// string, matching every port of localhost and nothing else.
func TestCertificatePolicy(t *testing.T) {
	data, err := certificatePolicy()
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		AutoSelectCertificateForUrls []string
	}
	if err := json.Unmarshal(data, &policy); err != nil {
		t.Fatal(err)
	}
	if len(policy.AutoSelectCertificateForUrls) != 1 {
		t.Fatalf("policy %s", data)
	}
	var rule struct {
		Pattern string         `json:"pattern"`
		Filter  map[string]any `json:"filter"`
	}
	if err := json.Unmarshal([]byte(policy.AutoSelectCertificateForUrls[0]), &rule); err != nil {
		t.Fatal(err)
	}
	if rule.Pattern != "https://localhost:*" || rule.Filter == nil {
		t.Errorf("rule %+v", rule)
	}
}

func TestPolicyErrorSaysWhatToDo(t *testing.T) {
	err := policyError(&fs.PathError{Op: "open", Path: PolicyDir, Err: fs.ErrPermission})
	if !errors.Is(err, fs.ErrPermission) {
		t.Error("the cause is lost")
	}
	for _, want := range []string{PolicyDir, "as root", "sudo install -d", "do not run without it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
}

func TestSafeName(t *testing.T) {
	if got := safeName("TestX/sub case:1 ../"); got != "TestX_sub_case_1____" {
		t.Errorf("safeName = %q", got)
	}
}

func TestJSString(t *testing.T) {
	got := jsString(`a"b\c` + "\n</script>")
	want := `"a\"b\\c\u000a\u003c/script\u003e"`
	if got != want {
		t.Errorf("jsString = %s, want %s", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != `a"b\c`+"\n</script>" {
		t.Errorf("not a valid literal: %q %v", back, err)
	}
}

func TestRepoRootAndArtifactsDir(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repoRoot %s has no go.mod", root)
	}
	t.Setenv("ZVP_ARTIFACTS", "")
	dir, err := artifactsDir()
	if err != nil || dir != filepath.Join(root, "test-artifacts") {
		t.Errorf("artifactsDir = %q, %v", dir, err)
	}
	t.Setenv("ZVP_ARTIFACTS", "/elsewhere")
	if dir, _ := artifactsDir(); dir != "/elsewhere" {
		t.Errorf("ZVP_ARTIFACTS ignored: %q", dir)
	}
}

func TestViolationReport(t *testing.T) {
	v := Violation{Rule: "color-contrast", Impact: "serious", Help: "Elements must meet minimum color contrast ratio thresholds",
		HelpURL: "https://dequeuniversity.com/rules/axe/4.14/color-contrast",
		Nodes:   []Target{{Selector: ".who__role", HTML: `<span class="who__role">Huisarts</span>`, Summary: "Fix any of the following:\n  Element has insufficient color contrast of 3.1"}}}
	if !v.Blocking() {
		t.Error("serious is blocking")
	}
	report := v.String()
	for _, want := range []string{"[serious] color-contrast", ".who__role", `<span class="who__role">`, "insufficient color contrast"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	for _, impact := range []string{"minor", "moderate"} {
		if (Violation{Impact: impact}).Blocking() {
			t.Errorf("%s is blocking", impact)
		}
	}
}

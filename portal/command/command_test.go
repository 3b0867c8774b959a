package command

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func runMain(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runMain(t, nil, "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.Name+" ") {
			t.Errorf("--help does not list %s", c.Name)
		}
	}
	if code, _, errOut := runMain(t, nil, "bogus"); code != 2 || !strings.Contains(errOut, `unknown command "bogus"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runMain(t, nil, "pki", "revoke", "--data", t.TempDir(), "nobody"); code != 2 || !strings.Contains(errOut, "nobody") {
		t.Errorf("revoking an unknown card: exit %d, %q", code, errOut)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDemoFromNothing runs the first README command in an empty folder and reaches the portal with the gp
// card over mutual TLS, exactly as the printed curl command does.
func TestDemoFromNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	opsAddr := freePort(t)
	env := map[string]string{"ZVP_DEV_PKI_CRL_ADDR": freePort(t), "ZVP_OPS_ADDR": opsAddr}
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncWriter{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"demo", "--data", dir, "--addr", addr}, &Env{Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }})
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops the portal") {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start within a minute; output:\n%s", out.String())
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited with %d:\n%s", code, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	for _, f := range []string{"ca.pem", "portal.json", "portal.db", "cards/gp.p12", "cards/gp.pem", "cards/gp.key", "keys/session.keys"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("demo folder lacks %s: %v", f, err)
		}
	}
	if !strings.Contains(out.String(), "curl --cacert "+filepath.Join(dir, "ca.pem")) {
		t.Errorf("no curl command in:\n%s", out.String())
	}
	caPEM, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cards/gp.pem"), filepath.Join(dir, "cards/gp.key"))
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{cert}}}}
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "900100001") {
		t.Fatalf("gp card: status %d\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), "http://"+opsAddr+"/healthz") {
		t.Errorf("the demo does not name its operations listener:\n%s", out.String())
	}
	health, err := http.Get("http://" + opsAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	healthBody, _ := io.ReadAll(health.Body)
	health.Body.Close()
	if health.StatusCode != http.StatusOK || !strings.Contains(string(healthBody), `"status":"ok"`) {
		t.Errorf("the demo's /healthz: %d %s", health.StatusCode, healthBody)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo exited with %d after Ctrl-C", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("demo did not shut down")
	}
}

// syncWriter collects output written by another goroutine.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

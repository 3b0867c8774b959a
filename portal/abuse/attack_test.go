package abuse

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// attack is one case of the suite: what is tried, which defence must stop it, and the try itself, which
// fails the test when the attack got through.
type attack struct {
	name    string
	defence string
	try     func(t *testing.T)
}

// tally counts the attacks that ran and those that got through, for the summary line, and which group
// each attack's name belongs to.
var tally struct {
	ran, through atomic.Int64
	mu           sync.Mutex
	owner        map[string]string
}

// runAttacks runs a group's attacks as subtests. Every name must be unique in the whole suite (the
// summary counts distinct attacks): within the group, and across groups.
func runAttacks(t *testing.T, attacks []attack) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range attacks {
		tally.mu.Lock()
		if tally.owner == nil {
			tally.owner = map[string]string{}
		}
		owner, known := tally.owner[a.name]
		tally.owner[a.name] = t.Name()
		tally.mu.Unlock()
		if seen[a.name] || (known && owner != t.Name()) {
			t.Fatalf("attack %q is in the suite twice", a.name)
		}
		seen[a.name] = true
		if a.defence == "" {
			t.Fatalf("attack %q names no defence", a.name)
		}
		t.Run(a.name, func(t *testing.T) {
			tally.ran.Add(1)
			defer func() {
				if t.Failed() {
					tally.through.Add(1)
					t.Logf("GOT THROUGH; the defence that should have stopped it: %s", a.defence)
				}
			}()
			a.try(t)
		})
	}
}

// leakMarkers are what must never reach a browser: stack traces, Go source positions, SQL and the
// database's own error texts.
// The SQL patterns are those of the store's own statements (column lists, INSERT with columns), so that
// an attacker's input echoed back in a form does not count.
var leakMarkers = regexp.MustCompile(`goroutine \d|panic\(|runtime error|\.go:\d|(?i:sqlite)|no such (table|column)|SQL logic|syntax error|(?s:SELECT\s+[a-z_.]+,\s*[a-z_.]+)|INSERT INTO [a-z_]+ \(|UPDATE [a-z_]+ SET [a-z_]+ = \?|constraint failed|database is locked`)

// noLeak fails when a response body gives away internals.
func noLeak(t *testing.T, what string, resp *portaltest.Response) {
	t.Helper()
	if m := leakMarkers.FindString(resp.Body); m != "" {
		t.Errorf("%s: the response gives away internals (%q):\n%s", what, m, excerpt(resp.Body, m))
	}
}

// excerpt shows the part of a body around a match.
func excerpt(body, match string) string {
	i := strings.Index(body, match)
	if i < 0 {
		return body[:min(len(body), 400)]
	}
	return body[max(0, i-200):min(len(body), i+200)]
}

// want fails unless the response has the status.
func want(t *testing.T, what string, resp *portaltest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, resp.Status, status, resp.Body[:min(len(resp.Body), 600)])
	}
	noLeak(t, what, resp)
}

// get fetches a path and fails on a transport error.
func get(t *testing.T, c *portaltest.Client, path string) *portaltest.Response {
	t.Helper()
	return c.Get(t, path)
}

// send performs a hand-made request and fails on a transport error.
func send(t *testing.T, c *portaltest.Client, req *http.Request) *portaltest.Response {
	t.Helper()
	resp, err := c.Send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp
}

// lastRecordID is the id of the newest access-log record.
func lastRecordID(t *testing.T, env *portaltest.Env) int64 {
	t.Helper()
	st, err := env.Store.AccessLogState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.HeadID
}

// recordsAfter returns the access-log records written after id.
func recordsAfter(t *testing.T, env *portaltest.Env, id int64) []store.AccessRecord {
	t.Helper()
	recs, err := env.Store.AccessRecordsAfter(context.Background(), id, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// findRecord returns the first record after id that matches, or fails: an attack must leave a trace.
func findRecord(t *testing.T, env *portaltest.Env, after int64, what string, match func(store.AccessRecord) bool) store.AccessRecord {
	t.Helper()
	recs := recordsAfter(t, env, after)
	for _, r := range recs {
		if match(r) {
			return r
		}
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Event+"/"+r.Outcome+"/"+r.Reason)
	}
	t.Fatalf("the access log holds no record of %s; written since: %v", what, got)
	return store.AccessRecord{}
}

// rawResponse is what came back on a connection the test drives itself.
type rawResponse struct {
	Status int
	Header http.Header
	Body   string
}

// dialCard opens an HTTP/1.1 TLS connection to the portal with a card's certificate; adjust, when not
// nil, changes the client's TLS configuration first.
func dialCard(t *testing.T, env *portaltest.Env, cert *tls.Certificate, adjust func(*tls.Config)) (*tls.Conn, error) {
	t.Helper()
	cfg := env.ClientTLS(cert)
	cfg.NextProtos = []string{"http/1.1"}
	if adjust != nil {
		adjust(cfg)
	}
	return tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", env.Addr(), cfg)
}

// rawExchange sends request bytes exactly as given (request line, headers, body) over HTTP/1.1 with a
// card and reads one answer: for what an HTTP client library would refuse to send or would clean up.
func rawExchange(t *testing.T, env *portaltest.Env, cert *tls.Certificate, request string) rawResponse {
	t.Helper()
	conn, err := dialCard(t, env, cert, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	out := rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
	if m := leakMarkers.FindString(out.Body); m != "" {
		t.Errorf("the answer gives away internals (%q)", m)
	}
	return out
}

package abuse

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
)

// Timeouts of the transport group's portal: short, so that the slow-client attacks end quickly. The
// defaults (limits.*) are ten times longer; the mechanism is the same.
const (
	testHandshakeTimeout  = time.Second
	testReadHeaderTimeout = time.Second
	testReadTimeout       = 2 * time.Second
	testIdleTimeout       = 3 * time.Second
)

// TestTransport: attacks on TLS and HTTP themselves: old protocol versions and weak cipher suites, slow
// clients that hold connections (slowloris), oversized and malformed requests, and path traversal on the
// static files.
func TestTransport(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{Configure: func(c *config.Config) {
		c.Limits.HandshakeTimeout = config.Duration{Duration: testHandshakeTimeout}
		c.Limits.ReadHeaderTimeout = config.Duration{Duration: testReadHeaderTimeout}
		c.Limits.ReadTimeout = config.Duration{Duration: testReadTimeout}
		c.Limits.IdleTimeout = config.Duration{Duration: testIdleTimeout}
	}})
	gpCard := &env.Card(t, devpki.CardGP).Authentication.TLS
	gp := env.Client(t, devpki.CardGP)
	want(t, "login", get(t, gp, "/"), http.StatusOK)

	dial := func(t *testing.T, adjust func(*tls.Config)) (*tls.Conn, error) {
		t.Helper()
		return dialCard(t, env, gpCard, adjust)
	}
	raw := func(t *testing.T, request string) rawResponse {
		t.Helper()
		return rawExchange(t, env, gpCard, request)
	}
	// cutOff sends the first bytes of a request and then (with trickle) one byte every 200 ms, and fails
	// unless the portal closes the connection within limit plus a generous 3 s of slack: the slow client
	// would otherwise go on for ever.
	cutOff := func(t *testing.T, conn net.Conn, start string, trickle bool, limit time.Duration) {
		t.Helper()
		defer conn.Close()
		begin := time.Now()
		if start != "" {
			if _, err := io.WriteString(conn, start); err != nil {
				t.Fatal(err)
			}
		}
		closed := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, conn) // returns when the portal closes the connection
			close(closed)
		}()
		deadline := time.After(limit + 3*time.Second)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-closed:
				t.Logf("cut off after %v", time.Since(begin).Round(10*time.Millisecond))
				return
			case <-deadline:
				t.Fatalf("the slow client still holds its connection after %v", time.Since(begin).Round(time.Second))
			case <-tick.C:
				if trickle {
					_, _ = conn.Write([]byte("a"))
				}
			}
		}
	}
	// handshakeFails fails unless the TLS handshake with the adjusted client is refused.
	// The refusal must come from the portal (a TLS alert), not from the test's own TLS stack declining to
	// offer something; under TLS 1.3 a refused client certificate shows only on the first read.
	handshakeFails := func(t *testing.T, adjust func(*tls.Config)) {
		t.Helper()
		conn, err := dial(t, adjust)
		if err == nil {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			if _, rerr := http.ReadResponse(bufio.NewReader(conn), nil); rerr == nil {
				state := conn.ConnectionState()
				t.Fatalf("accepted: version %x, suite %s", state.Version, tls.CipherSuiteName(state.CipherSuite))
			} else {
				err = rerr
			}
		}
		if !strings.Contains(err.Error(), "remote error") {
			t.Fatalf("the connection failed on the client's side, not by the portal's refusal: %v", err)
		}
		t.Logf("refused: %v", err)
	}
	formPost := func(t *testing.T, body io.Reader, contentType string, length int64) *portaltest.Response {
		t.Helper()
		get(t, gp, "/")
		req := gp.NewRequest(t, http.MethodPost, "/patients/search", body)
		req.Header.Set("Content-Type", contentType)
		req.ContentLength = length
		return send(t, gp, req)
	}
	traversal := func(path string) func(t *testing.T) {
		return func(t *testing.T) {
			resp := raw(t, "GET "+path+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			if resp.Status != http.StatusNotFound && resp.Status != http.StatusBadRequest {
				t.Fatalf("%s: status %d", path, resp.Status)
			}
			for _, secret := range []string{"module zorgverlenersportaal", "root:x:0", "package static", "[boot loader]"} {
				if strings.Contains(resp.Body, secret) {
					t.Fatalf("%s: the answer holds a file outside the static files", path)
				}
			}
		}
	}
	weakSuites := func(suites ...uint16) func(*tls.Config) {
		return func(c *tls.Config) {
			c.MinVersion, c.MaxVersion, c.CipherSuites = tls.VersionTLS12, tls.VersionTLS12, suites
		}
	}

	// Sanity: the transport attacks below only mean something if a proper client gets through.
	conn, err := dial(t, weakSuites(tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
	if err != nil {
		t.Fatalf("a TLS 1.2 client with a strong suite is refused: %v", err)
	}
	conn.Close()

	runAttacks(t, []attack{
		{
			name:    "TLS 1.1 client",
			defence: "auth.ServerTLSConfig: MinVersion TLS 1.2",
			try: func(t *testing.T) {
				handshakeFails(t, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS11, tls.VersionTLS11 })
			},
		},
		{
			name:    "TLS 1.0 client",
			defence: "auth.ServerTLSConfig: MinVersion TLS 1.2",
			try: func(t *testing.T) {
				handshakeFails(t, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS10 })
			},
		},
		{
			name:    "TLS 1.2 with CBC cipher suites only",
			defence: "auth.ServerTLSConfig: TLS 1.2 only with ECDHE and AEAD suites",
			try: func(t *testing.T) {
				handshakeFails(t, weakSuites(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
					tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256))
			},
		},
		{
			name:    "TLS 1.2 with RC4",
			defence: "auth.ServerTLSConfig: no RC4",
			try: func(t *testing.T) {
				handshakeFails(t, weakSuites(tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA))
			},
		},
		{
			name:    "TLS 1.2 without forward secrecy (static RSA key exchange)",
			defence: "auth.ServerTLSConfig: ECDHE key exchange only",
			try: func(t *testing.T) {
				handshakeFails(t, weakSuites(tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_RSA_WITH_AES_128_CBC_SHA))
			},
		},
		{
			name:    "client without any certificate",
			defence: "auth.Door and the door middleware: no card, only the page that asks for one",
			try: func(t *testing.T) {
				resp := get(t, env.ClientWith(t, nil), "/")
				want(t, "no card", resp, http.StatusForbidden)
				if !strings.Contains(resp.Body, "Plaats uw UZI-pas") {
					t.Fatalf("no card: not the page that asks for the card:\n%s", resp.Body[:min(len(resp.Body), 600)])
				}
			},
		},
		{
			name:    "slow TLS handshake that never finishes",
			defence: "limits.handshake_timeout: the handshake listener closes a connection that does not finish its handshake",
			try: func(t *testing.T) {
				c, err := net.Dial("tcp", env.Addr())
				if err != nil {
					t.Fatal(err)
				}
				cutOff(t, c, "\x16\x03\x01", false, testHandshakeTimeout) // the start of a ClientHello record, then nothing
			},
		},
		{
			name:    "request headers sent a byte at a time (slowloris)",
			defence: "limits.read_header_timeout: http.Server.ReadHeaderTimeout",
			try: func(t *testing.T) {
				c, err := dial(t, nil)
				if err != nil {
					t.Fatal(err)
				}
				cutOff(t, c, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", true, testReadHeaderTimeout)
			},
		},
		{
			name:    "HTTP/2 request headers sent a frame at a time",
			defence: "limits.idle_timeout: over HTTP/2 a connection whose request never completes counts as idle (net/http has no header timeout for HTTP/2)",
			try: func(t *testing.T) {
				c, err := dial(t, func(c *tls.Config) { c.NextProtos = []string{"h2"} })
				if err != nil {
					t.Fatal(err)
				}
				if c.ConnectionState().NegotiatedProtocol != "h2" {
					t.Fatal("HTTP/2 not negotiated")
				}
				fr := http2.NewFramer(c, c)
				_, _ = io.WriteString(c, http2.ClientPreface)
				_ = fr.WriteSettings()
				block := func(name, value string) []byte {
					var b bytes.Buffer
					_ = hpack.NewEncoder(&b).WriteField(hpack.HeaderField{Name: name, Value: value})
					return b.Bytes()
				}
				_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block(":method", "GET")})
				// cutOff trickles single bytes, which would break the framing; send whole CONTINUATION frames.
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					tick := time.NewTicker(200 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-stop:
							return
						case <-tick.C:
							if fr.WriteContinuation(1, false, block("x-slow", "a")) != nil {
								return
							}
						}
					}
				}()
				cutOff(t, c, "", false, testIdleTimeout)
			},
		},
		{
			name:    "request body sent a byte at a time",
			defence: "limits.read_timeout: http.Server.ReadTimeout bounds the whole request",
			try: func(t *testing.T) {
				c, err := dial(t, nil)
				if err != nil {
					t.Fatal(err)
				}
				cutOff(t, c, "POST /patients/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nbsn=", true, testReadTimeout)
			},
		},
		{
			name:    "oversized request body, declared",
			defence: "limits.max_body_bytes (limitBody): 413 before the body is read",
			try: func(t *testing.T) {
				body := "bsn=" + strings.Repeat("1", 200<<10)
				resp := formPost(t, strings.NewReader(body), "application/x-www-form-urlencoded", int64(len(body)))
				want(t, "body", resp, http.StatusRequestEntityTooLarge)
			},
		},
		{
			name:    "oversized request body, chunked without a length",
			defence: "limits.max_body_bytes: http.MaxBytesReader cuts off the reading",
			try: func(t *testing.T) {
				body := "bsn=" + strings.Repeat("1", 200<<10)
				resp := formPost(t, io.MultiReader(strings.NewReader(body)), "application/x-www-form-urlencoded", -1)
				want(t, "body", resp, http.StatusRequestEntityTooLarge)
			},
		},
		{
			name:    "form with thousands of fields",
			defence: "limits.max_form_fields (readForm): 413",
			try: func(t *testing.T) {
				form := url.Values{}
				for i := range 2000 {
					form.Add(fmt.Sprintf("f%d", i), "x")
				}
				body := form.Encode()
				resp := formPost(t, strings.NewReader(body), "application/x-www-form-urlencoded", int64(len(body)))
				want(t, "fields", resp, http.StatusRequestEntityTooLarge)
			},
		},
		{
			name:    "multipart upload to a form",
			defence: "readForm accepts only application/x-www-form-urlencoded: the portal has no upload",
			try: func(t *testing.T) {
				var buf bytes.Buffer
				w := multipart.NewWriter(&buf)
				_ = w.WriteField("_csrf", gp.CSRF())
				fw, _ := w.CreateFormFile("file", "../../etc/passwd")
				_, _ = fw.Write(bytes.Repeat([]byte("x"), 1000))
				_ = w.Close()
				resp := formPost(t, &buf, w.FormDataContentType(), int64(buf.Len()))
				want(t, "multipart", resp, http.StatusUnsupportedMediaType)
			},
		},
		{
			name:    "JSON body to a form",
			defence: "readForm accepts only application/x-www-form-urlencoded",
			try: func(t *testing.T) {
				body := `{"bsn": "999993653", "_csrf": "x"}`
				want(t, "json", formPost(t, strings.NewReader(body), "application/json", int64(len(body))), http.StatusUnsupportedMediaType)
			},
		},
		{
			name:    "form sent as text/plain (the cross-site form trick)",
			defence: "readForm accepts only application/x-www-form-urlencoded",
			try: func(t *testing.T) {
				body := "bsn=999993653&_csrf=" + gp.CSRF()
				want(t, "text/plain", formPost(t, strings.NewReader(body), "text/plain", int64(len(body))), http.StatusUnsupportedMediaType)
			},
		},
		{
			name:    "oversized request header",
			defence: "limits.max_header_bytes: http.Server.MaxHeaderBytes (431)",
			try: func(t *testing.T) {
				resp := raw(t, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: "+strings.Repeat("a", 100<<10)+"\r\nConnection: close\r\n\r\n")
				if resp.Status != http.StatusRequestHeaderFieldsTooLarge {
					t.Fatalf("status %d", resp.Status)
				}
			},
		},
		{
			name:    "very long request line",
			defence: "limits.max_header_bytes covers the request line",
			try: func(t *testing.T) {
				resp := raw(t, "GET /"+strings.Repeat("a", 100<<10)+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				if resp.Status != http.StatusRequestHeaderFieldsTooLarge && resp.Status != http.StatusRequestURITooLong {
					t.Fatalf("status %d", resp.Status)
				}
			},
		},
		{
			name:    "request smuggling with Content-Length and Transfer-Encoding",
			defence: "net/http refuses a request with both (no front proxy to disagree with)",
			try: func(t *testing.T) {
				resp := raw(t, "POST /logout HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
					"Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /mijn-inzages HTTP/1.1\r\nHost: localhost\r\n\r\n")
				if resp.Status != http.StatusBadRequest && resp.Status != http.StatusForbidden {
					t.Fatalf("status %d", resp.Status)
				}
			},
		},
		{
			name:    "two Host headers",
			defence: "net/http refuses an ambiguous Host",
			try: func(t *testing.T) {
				resp := raw(t, "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
				if resp.Status != http.StatusBadRequest {
					t.Fatalf("status %d", resp.Status)
				}
			},
		},
		{
			name:    "foreign Host header (host header injection)",
			defence: "the portal never builds a URL from Host: links and redirects are relative paths",
			try: func(t *testing.T) {
				for _, path := range []string{"/", "/agb-code", "/nothing-here"} {
					resp := raw(t, "GET "+path+" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
					if strings.Contains(resp.Body, "evil.example") || strings.Contains(resp.Header.Get("Location"), "evil.example") {
						t.Errorf("%s: the foreign host is in the answer", path)
					}
				}
			},
		},
		{
			name:    "absolute request target naming another host",
			defence: "the portal never builds a URL from the request's host",
			try: func(t *testing.T) {
				resp := raw(t, "GET https://evil.example/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
				if strings.Contains(resp.Body, "evil.example") || strings.Contains(resp.Header.Get("Location"), "evil.example") {
					t.Error("the foreign host is in the answer")
				}
			},
		},
		{
			name:    "malformed percent-encoding in the path",
			defence: "net/http refuses the request line (400), no stack trace",
			try: func(t *testing.T) {
				resp := raw(t, "GET /patients/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				if resp.Status != http.StatusBadRequest && resp.Status != http.StatusNotFound {
					t.Fatalf("status %d", resp.Status)
				}
			},
		},
		{name: "static file path with ../", defence: "staticFile cleans the path and serves only the embedded tree", try: traversal("/static/../../go.mod")},
		{name: "static file path with percent-encoded ../", defence: "staticFile: fs.ValidPath after path.Clean", try: traversal("/static/..%2f..%2fgo.mod")},
		{name: "static file path with percent-encoded dots", defence: "staticFile: fs.ValidPath after path.Clean", try: traversal("/static/%2e%2e/%2e%2e/go.mod")},
		{name: "static file path double-encoded", defence: "staticFile decodes once; %252e stays a name that does not exist", try: traversal("/static/%252e%252e/%252e%252e/go.mod")},
		{name: "static file path with backslashes", defence: "staticFile: a backslash is a name character, never a separator", try: traversal(`/static/..\..\go.mod`)},
		{name: "static file path with encoded backslashes", defence: "staticFile: fs.ValidPath refuses backslashes", try: traversal("/static/..%5c..%5cgo.mod")},
		{name: "static file path with a NUL byte", defence: "staticFile: fs.ValidPath refuses NUL", try: traversal("/static/css/portal.css%00.html")},
		{name: "static file path to the system's files", defence: "static files come from the embedded FS only", try: traversal("/static//etc/passwd")},
		{name: "static file path to the Go source of the static package", defence: "only css and img are embedded", try: traversal("/static/static.go")},
		{name: "static folder listing", defence: "staticFile serves files only, no listings", try: traversal("/static/css/")},
	})
}

package portaltest

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Client is a browser-like HTTP client: it presents one certificate, keeps cookies, does not follow
// redirects (tests look at them), and remembers the CSRF token of the last page, as a form would carry it.
type Client struct {
	HTTP *http.Client
	base string
	csrf string
}

func newClient(base string, tlsConfig *tls.Config) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		base: base,
		HTTP: &http.Client{
			Jar:     jar,
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				TLSClientConfig:   tlsConfig,
				ForceAttemptHTTP2: true,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Response is what a test inspects of an answer.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Get fetches a path and fails the test on a transport error (a refused handshake, say); use Do to
// expect one.
func (c *Client) Get(t testing.TB, path string) *Response {
	t.Helper()
	resp, err := c.Do(http.MethodGet, path, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

// Post submits a form with the CSRF token of the last page fetched.
func (c *Client) Post(t testing.TB, path string, form url.Values) *Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	resp, err := c.Do(http.MethodPost, path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return resp
}

// Do performs one request; form, when not nil, is sent as an URL-encoded body.
func (c *Client) Do(method, path string, form url.Values) (*Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(data)}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r, nil
}

// Cookies returns the cookies the client holds for the portal.
func (c *Client) Cookies() []*http.Cookie {
	u, _ := url.Parse(c.base)
	return c.HTTP.Jar.Cookies(u)
}

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
	return c.Send(req)
}

// NewRequest builds a request to a path of the portal, for tests that set their own headers, methods
// and bodies; send it with Send.
func (c *Client) NewRequest(t testing.TB, method, path string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Send performs a request built by the test, with the client's card and cookies, and remembers the CSRF
// token of the page it gets, as Do does.
func (c *Client) Send(req *http.Request) (*Response, error) {
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

// CSRF is the CSRF token of the last page that had a form.
func (c *Client) CSRF() string { return c.csrf }

// SetCookie puts a cookie in the client's jar for the portal, replacing one of the same name.
func (c *Client) SetCookie(ck *http.Cookie) {
	u, _ := url.Parse(c.base)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{ck})
}

// Cookie returns the value of the cookie with this name that the client holds, or "".
func (c *Client) Cookie(name string) string {
	for _, ck := range c.Cookies() {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Cookies returns the cookies the client holds for the portal.
func (c *Client) Cookies() []*http.Cookie {
	u, _ := url.Parse(c.base)
	return c.HTTP.Jar.Cookies(u)
}

// Package load drives a portal (or any HTTPS server that asks for a client certificate) over real mutual
// TLS with a development card, the way many providers' browsers would, and measures what it gets:
// requests per second and the latency distribution. It also holds the bare server the portal is compared
// with: the same certificates and client-certificate check, no application, a constant page.
//
// Two ways of visiting are measured. With a fresh handshake every request opens a new connection and
// does a full mutual-TLS handshake (no TLS session resumption), sending the session cookie it got at its
// first visit: a provider's browser whose connection went idle, or a load balancer that does not keep
// connections. With keep-alive each client keeps one connection and its session, as a browser does while
// a provider clicks through a dossier.
package load

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"sync"
	"time"
)

// Mode is how the clients connect.
type Mode string

// The two modes of the load test.
const (
	// FreshHandshake opens a new connection with a full mutual-TLS handshake for every request.
	FreshHandshake Mode = "handshake"
	// KeepAlive keeps one connection per client for all its requests.
	KeepAlive Mode = "keep-alive"
)

// Client is who visits: a card's certificate and the server CA to trust.
type Client struct {
	Certificate tls.Certificate
	RootCAs     *x509.CertPool
	// ServerName is the name the server certificate carries (localhost for the development PKI).
	ServerName string
}

// Run is one measured run against one server.
type Run struct {
	// BaseURL is https://host:port of the server.
	BaseURL string
	// Paths are visited in random order, each client on its own stream.
	Paths []string
	// Login, when set, is fetched once per client before anything is measured, so that the session
	// exists (the portal logs a card in at its first request) and the measured requests are page views.
	Login string
	Mode  Mode
	// Concurrency is the number of clients, each with one request in flight.
	Concurrency int
	// Warmup runs the clients unmeasured first (connections, caches, the CRL); Duration is measured.
	Warmup, Duration time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// Measuring, when set, is called once between the warm-up and the measured period: the load command
	// reads the server's CPU time there.
	Measuring func()
}

// Result is what a run measured.
type Result struct {
	Requests int
	Errors   int
	// Statuses counts the answers by HTTP status.
	Statuses map[int]int
	// FirstError is the first transport error, for the report.
	FirstError string
	Elapsed    time.Duration
	Bytes      int64
	PerSecond  float64
	P50, P90   time.Duration
	P99, Max   time.Duration
}

// ErrNoPaths means a run was given nothing to visit.
var ErrNoPaths = errors.New("load: no paths to visit")

// Drive runs the clients against the server: the warm-up, then the measured period, and returns what was
// measured. A request that fails (transport error, or a status that is not 2xx) counts as an error, and
// its time still counts in the latencies.
func Drive(ctx context.Context, c Client, r Run) (Result, error) {
	if len(r.Paths) == 0 {
		return Result{}, ErrNoPaths
	}
	if r.Concurrency < 1 {
		r.Concurrency = 1
	}
	if r.Timeout <= 0 {
		r.Timeout = 30 * time.Second
	}
	workers := make([]*worker, r.Concurrency)
	for i := range workers {
		w, err := newWorker(c, r, uint64(i))
		if err != nil {
			return Result{}, err
		}
		defer w.close()
		workers[i] = w
		if r.Login != "" {
			if _, _, err := w.visit(ctx, r.Login); err != nil {
				return Result{}, fmt.Errorf("load: log in at %s: %w", r.BaseURL+r.Login, err)
			}
		}
	}
	if r.Warmup > 0 {
		runFor(ctx, workers, r.Warmup, false)
	}
	if r.Measuring != nil {
		r.Measuring()
	}
	start := time.Now()
	runFor(ctx, workers, r.Duration, true)
	elapsed := time.Since(start)
	res := Result{Statuses: map[int]int{}, Elapsed: elapsed}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.latencies...)
		res.Errors += w.errors
		res.Bytes += w.bytes
		for s, n := range w.statuses {
			res.Statuses[s] += n
		}
		if res.FirstError == "" {
			res.FirstError = w.firstErr
		}
	}
	res.Requests = len(all)
	if res.Requests == 0 {
		return res, fmt.Errorf("load: no request completed in %s against %s (%s)", r.Duration, r.BaseURL, res.FirstError)
	}
	slices.Sort(all)
	res.PerSecond = float64(res.Requests) / elapsed.Seconds()
	res.P50, res.P90, res.P99, res.Max = Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99), all[len(all)-1]
	return res, nil
}

// Percentile returns the q-quantile (0 < q <= 1) of sorted durations: the smallest value that at least q
// of all values do not exceed (nearest rank).
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// runFor lets every worker visit until the period ends.
func runFor(ctx context.Context, workers []*worker, d time.Duration, measure bool) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for _, w := range workers {
		w.measure = measure
		wg.Go(func() { w.loop(ctx) })
	}
	wg.Wait()
}

// worker is one client: its own transport (one connection at a time), cookies and random stream.
type worker struct {
	client    *http.Client
	transport *http.Transport
	run       Run
	rnd       *rand.Rand
	measure   bool

	latencies []time.Duration
	statuses  map[int]int
	errors    int
	bytes     int64
	firstErr  string
	buf       []byte
}

func newWorker(c Client, r Run, n uint64) (*worker, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	cert := c.Certificate
	tlsConfig := &tls.Config{
		RootCAs:    c.RootCAs,
		ServerName: c.ServerName,
		// No ClientSessionCache: every new connection is a full handshake with the client certificate,
		// never a resumed session.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil },
	}
	transport := &http.Transport{
		TLSClientConfig:     tlsConfig,
		DisableKeepAlives:   r.Mode == FreshHandshake,
		MaxIdleConnsPerHost: 1,
		MaxConnsPerHost:     1,
		DisableCompression:  true,
	}
	return &worker{
		client:    &http.Client{Jar: jar, Transport: transport, Timeout: r.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		transport: transport,
		run:       r,
		rnd:       rand.New(rand.NewPCG(n, 0x10ad)),
		statuses:  map[int]int{},
		buf:       make([]byte, 32<<10),
	}, nil
}

func (w *worker) close() { w.transport.CloseIdleConnections() }

func (w *worker) loop(ctx context.Context) {
	for ctx.Err() == nil {
		path := w.run.Paths[w.rnd.IntN(len(w.run.Paths))]
		start := time.Now()
		status, n, err := w.visit(ctx, path)
		took := time.Since(start)
		if ctx.Err() != nil && err != nil {
			return // the period ended during the request: it does not count
		}
		if !w.measure {
			continue
		}
		w.latencies = append(w.latencies, took)
		w.bytes += n
		switch {
		case err != nil:
			w.errors++
			if w.firstErr == "" {
				w.firstErr = err.Error()
			}
		default:
			w.statuses[status]++
			if status < 200 || status > 299 {
				w.errors++
				if w.firstErr == "" {
					w.firstErr = fmt.Sprintf("%s answered %d", path, status)
				}
			}
		}
	}
}

// visit fetches one path and reads the whole answer.
func (w *worker) visit(ctx context.Context, path string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.run.BaseURL+path, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("User-Agent", "zorgverlenersportaal-load")
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var n int64
	for {
		m, err := resp.Body.Read(w.buf)
		n += int64(m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return resp.StatusCode, n, err
		}
	}
	return resp.StatusCode, n, nil
}

// ExpandPaths fills a path template's {id} with each patient's public id: /patients/{id}/lab.
func ExpandPaths(template string, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strings.ReplaceAll(template, "{id}", id))
	}
	return out
}

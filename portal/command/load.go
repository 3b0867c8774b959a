package command

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/load"
	"zorgverlenersportaal/portal/metrics"
	"zorgverlenersportaal/portal/store"
)

func loadCommand() Command {
	return Command{
		Name:    "load",
		Summary: "load test: the portal on a generated data set over real mutual TLS, beside a bare TLS server",
		Usage:   loadUsage,
		Run:     runLoad,
	}
}

const loadUsage = "[--data DIR] [--patients N] [--log-records M] [--path /patients/{id}/lab] [--card gp] " +
	"[--concurrency 8] [--duration 20s] [--warmup 3s] [--modes handshake,keep-alive] [--baseline FILE] | load bare --data DIR --size BYTES [--addr HOST:PORT]"

// loadTargets are the figures the report measures against: the portal's fresh handshakes at least 0.8 of
// the bare server's (the door's chain cache), with keep-alive at most 450 µs of server CPU per dossier
// view at 10,000 patients and at most 1.25× that at a million (--baseline), p99 under 10 ms at 8 clients,
// start-up under a second, peak memory under 150 MiB. A constant page (the bare server) is no yardstick
// for a kept-alive view, which must read, decide, render and durably log: its target is its own cost.
var loadTargets = struct {
	handshakeRatio float64
	cpuPerView     float64 // µs of server CPU per kept-alive view
	p99            time.Duration
	costRatio      float64
	startup        time.Duration
	rss            int64
}{0.8, 450, 10 * time.Millisecond, 1.25, time.Second, 150 << 20}

func runLoad(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "bare" {
		return runBare(ctx, env, args[1:])
	}
	fs := newFlags(env, "load", loadUsage)
	data := fs.String("data", "loadtest", "data folder: generated on first use (see gen), re-used afterwards")
	patients := fs.Int("patients", 10000, "patients to generate when the folder has no data set yet")
	logRecords := fs.Int("log-records", 0, "access-log records to generate with them (default: 10 per patient)")
	path := fs.String("path", "/patients/{id}/lab", "page to view; {id} becomes a patient the card may open")
	cardName := fs.String("card", devpki.CardGP, "development card the clients present")
	category := fs.String("category", string(access.Lab), "data category the card must be allowed to see of the chosen patients")
	concurrency := fs.Int("concurrency", 8, "clients, each with one request in flight")
	duration := fs.Duration("duration", 20*time.Second, "measured time per run")
	warmup := fs.Duration("warmup", 3*time.Second, "unmeasured time before each run")
	modes := fs.String("modes", "handshake,keep-alive", "which runs: handshake (new connection per request), keep-alive")
	baseline := fs.String("baseline", "", "result file of an earlier run (e.g. at 10,000 patients) to compare the cost per view with")
	sample := fs.Int("sample", 2000, "patients the clients visit, drawn at random from the whole data set")
	portalBinary := fs.String("portal-binary", "", "run the portal from this executable instead of this one, to compare two builds under the same load")
	profile := fs.Bool("profile", false, "record a CPU profile of the portal during each run (DIR/profile-portal-MODE.pprof; go tool pprof reads it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var runModes []load.Mode
	for m := range strings.SplitSeq(*modes, ",") {
		switch mode := load.Mode(strings.TrimSpace(m)); mode {
		case load.FreshHandshake, load.KeepAlive:
			runModes = append(runModes, mode)
		default:
			return usageError("--modes: %q is not handshake or keep-alive", m)
		}
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case !strings.Contains(*path, "{id}") || !strings.HasPrefix(*path, "/"):
		return usageError("--path must start with / and contain {id}, e.g. /patients/{id}/lab")
	case *concurrency < 1 || *duration <= 0 || *warmup < 0 || *sample < 1:
		return usageError("--concurrency, --duration and --sample must be positive")
	case !slices.Contains(config.DataCategories, *category):
		return usageError("--category must be one of %s", strings.Join(config.DataCategories, ", "))
	}
	if !flagSet(fs, "log-records") {
		*logRecords = 10 * *patients
	}
	spec, err := devpki.CardByName(*cardName)
	if err != nil {
		return usageError("--card: %v", err)
	}
	l := &loadTest{env: env, dir: *data, card: spec, path: *path, category: access.Category(*category), profile: *profile, portalBinary: *portalBinary,
		run: load.Run{Concurrency: *concurrency, Duration: *duration, Warmup: *warmup, Timeout: 30 * time.Second}}
	return l.execute(ctx, *patients, *logRecords, *sample, runModes, *baseline)
}

// loadTest is one invocation of the load command.
type loadTest struct {
	env      *Env
	dir      string
	cfg      config.Config
	card     devpki.CardSpec
	path     string
	category access.Category
	run      load.Run
	client   load.Client
	patients int
	profile  bool
	// portalBinary, when set, is the executable whose serve command runs the portal.
	portalBinary string
}

// LoadReport is what the load command measured, written to DIR/load-result.json so that a later run (at
// a million patients) can compare its cost per view with it (--baseline).
type LoadReport struct {
	Patients       int                   `json:"patients"`
	LogRecords     int64                 `json:"log_records"`
	Path           string                `json:"path"`
	Card           string                `json:"card"`
	Concurrency    int                   `json:"concurrency"`
	Cores          int                   `json:"cores"`
	LoadAverage    string                `json:"load_average"`
	StartupMillis  float64               `json:"startup_ms"`
	RSSIdleBytes   int64                 `json:"rss_idle_bytes"`
	RSSAfterBytes  int64                 `json:"rss_after_bytes"`
	RSSPeakBytes   int64                 `json:"rss_peak_bytes"`
	PageBytes      int                   `json:"page_bytes"`
	Runs           map[string]RunFigures `json:"runs"` // "portal handshake", "bare keep-alive", ...
	RecordsPerSync float64               `json:"access_log_records_per_sync"`
}

// RunFigures are one run's figures.
type RunFigures struct {
	PerSecond    float64 `json:"requests_per_second"`
	P50Millis    float64 `json:"p50_ms"`
	P99Millis    float64 `json:"p99_ms"`
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	CPUPerReqUs  float64 `json:"server_cpu_per_request_us"`
	StatusCounts string  `json:"statuses"`
}

func (l *loadTest) execute(ctx context.Context, patients, logRecords, sample int, modes []load.Mode, baselineFile string) error {
	w := l.env.Stdout
	if err := l.ensureData(ctx, patients, logRecords); err != nil {
		return err
	}
	ids, total, logCount, err := l.choosePatients(ctx, sample)
	if err != nil {
		return err
	}
	l.patients = total
	report := LoadReport{Patients: total, LogRecords: logCount, Path: l.path, Card: l.card.Name, Concurrency: l.run.Concurrency,
		Cores: runtime.NumCPU(), LoadAverage: loadAverage(), Runs: map[string]RunFigures{}}
	fmt.Fprintf(w, "\nLoad test of %s: %d patients, %d access-log records; card %s; %s for %d of them the card may open\n",
		l.dir, total, logCount, l.card.Name, l.path, len(ids))
	fmt.Fprintf(w, "%d clients, %s measured per run after %s warm-up; %d cores, load average %s\n",
		l.run.Concurrency, l.run.Duration, l.run.Warmup, report.Cores, report.LoadAverage)

	pki, err := devpki.Ensure(ctx, devpki.Options{Dir: l.dir, CRLBaseURL: "http://" + l.cfg.DevPKI.CRLAddr + "/crl/"})
	if err != nil {
		return err
	}
	card, err := pki.Card(l.card.Name)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AddCert(pki.ServerCA())
	l.client = load.Client{Certificate: card.Authentication.TLS, RootCAs: roots, ServerName: "localhost"}

	portal, err := l.startPortal(ctx)
	if err != nil {
		return err
	}
	defer portal.stop()
	report.StartupMillis = float64(portal.startup.Microseconds()) / 1000
	report.RSSIdleBytes, _ = metrics.ResidentMemory(portal.pid())
	fmt.Fprintf(w, "Portal: started in %s (process start until /healthz answers 200), resident memory %s\n",
		portal.startup.Round(time.Millisecond), byteSize(report.RSSIdleBytes))

	paths := load.ExpandPaths(l.path, ids)
	pageSize, err := l.pageSize(ctx, portal.url, paths[0])
	if err != nil {
		return err
	}
	report.PageBytes = pageSize
	bare, err := l.startBare(ctx, pageSize)
	if err != nil {
		return err
	}
	defer bare.stop()
	fmt.Fprintf(w, "Page: %d bytes; the bare server answers a constant page of the same size\n\n", pageSize)
	before, _ := scrape(ctx, portal.opsURL)

	fmt.Fprintf(w, "%-11s %-7s %12s %9s %9s %9s %16s %8s  %s\n", "mode", "server", "requests/s", "p50 ms", "p90 ms", "p99 ms", "server CPU/req", "errors", "statuses")
	for _, mode := range modes {
		for _, target := range []*serverProcess{portal, bare} {
			r := l.run
			r.Mode, r.BaseURL, r.Paths = mode, target.url, paths
			if target == portal {
				r.Login = "/"
			}
			var profiled chan error
			if l.profile && target == portal {
				profiled = make(chan error, 1)
				file := filepath.Join(l.dir, "profile-portal-"+string(mode)+".pprof")
				go func() { profiled <- saveProfile(ctx, portal.opsURL, r.Warmup+r.Duration, file) }()
			}
			var cpuBefore time.Duration
			cpuErr := errors.New("not measured")
			r.Measuring = func() { cpuBefore, cpuErr = metrics.ProcessCPU(target.pid()) }
			res, err := load.Drive(ctx, l.client, r)
			if err != nil {
				return fmt.Errorf("%s %s: %w", target.name, mode, err)
			}
			cpuAfter, cpuErr2 := metrics.ProcessCPU(target.pid())
			fig := RunFigures{PerSecond: res.PerSecond, P50Millis: ms(res.P50), P99Millis: ms(res.P99), Requests: res.Requests,
				Errors: res.Errors, StatusCounts: statuses(res.Statuses)}
			cpu := "n/a"
			if cpuErr == nil && cpuErr2 == nil {
				// The warm-up ran before the measured period: count only the measured requests' share.
				measured := float64(res.Requests)
				share := float64(r.Duration) / float64(r.Duration+r.Warmup)
				fig.CPUPerReqUs = float64((cpuAfter - cpuBefore).Microseconds()) * share / measured
				cpu = fmt.Sprintf("%.0f µs", fig.CPUPerReqUs)
			}
			report.Runs[target.name+" "+string(mode)] = fig
			fmt.Fprintf(w, "%-11s %-7s %12.0f %9.2f %9.2f %9.2f %16s %8d  %s\n", mode, target.name, res.PerSecond, ms(res.P50), ms(res.P90), ms(res.P99), cpu, res.Errors, fig.StatusCounts)
			if res.FirstError != "" && res.Errors > 0 {
				fmt.Fprintf(w, "            first error: %s\n", res.FirstError)
			}
			if profiled != nil {
				if err := <-profiled; err != nil {
					fmt.Fprintf(w, "            CPU profile not saved: %v\n", err)
				}
			}
		}
	}
	after, _ := scrape(ctx, portal.opsURL)
	report.RSSAfterBytes, _ = metrics.ResidentMemory(portal.pid())
	report.RSSPeakBytes, _ = metrics.PeakResidentMemory(portal.pid())
	records := after.Sum("zvp_access_log_records_total") - before.Sum("zvp_access_log_records_total")
	commits := after.Sum("zvp_access_log_commits_total") - before.Sum("zvp_access_log_commits_total")
	if commits > 0 {
		report.RecordsPerSync = records / commits
	}
	l.printVerdict(report, modes, records, commits, baselineFile)
	out := filepath.Join(l.dir, "load-result.json")
	data, _ := json.MarshalIndent(report, "", "  ")
	if err := os.WriteFile(out, append(data, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFigures written to %s (compare a later run with --baseline %s)\n", out, out)
	return nil
}

// printVerdict prints the ratios and how they compare with the targets.
func (l *loadTest) printVerdict(r LoadReport, modes []load.Mode, records, commits float64, baselineFile string) {
	w := l.env.Stdout
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintln(w)
	for _, mode := range modes {
		p, b := r.Runs["portal "+string(mode)], r.Runs["bare "+string(mode)]
		if b.PerSecond == 0 {
			continue
		}
		ratio := p.PerSecond / b.PerSecond
		if mode == load.KeepAlive {
			fmt.Fprintf(w, "Ratio portal/bare, %s: %.2f (no target: a constant page is no yardstick for a view)\n", mode, ratio)
			fmt.Fprintf(w, "Server CPU per view, %s: %.0f µs (target at most %.0f µs at 10,000 patients: %s)\n",
				mode, p.CPUPerReqUs, loadTargets.cpuPerView, verdict(p.CPUPerReqUs > 0 && p.CPUPerReqUs <= loadTargets.cpuPerView))
			continue
		}
		fmt.Fprintf(w, "Ratio portal/bare, %s: %.2f (target at least %.2f: %s)\n", mode, ratio, loadTargets.handshakeRatio, verdict(ratio >= loadTargets.handshakeRatio))
	}
	if ka, ok := r.Runs["portal keep-alive"]; ok {
		p99 := time.Duration(ka.P99Millis * float64(time.Millisecond))
		fmt.Fprintf(w, "p99 of the portal with keep-alive at %d clients: %.2f ms (target under %s: %s)\n", r.Concurrency, ka.P99Millis, loadTargets.p99, verdict(p99 < loadTargets.p99))
	}
	fmt.Fprintf(w, "Start-up: %.0f ms (target under %s: %s); resident memory idle %s, after the runs %s, peak %s (target under %s: %s)\n",
		r.StartupMillis, loadTargets.startup, verdict(r.StartupMillis < float64(loadTargets.startup.Milliseconds())),
		byteSize(r.RSSIdleBytes), byteSize(r.RSSAfterBytes), byteSize(r.RSSPeakBytes), byteSize(loadTargets.rss), verdict(r.RSSPeakBytes < loadTargets.rss))
	if commits > 0 {
		fmt.Fprintf(w, "Access log: %.0f records in %.0f durable commits (%.1f records per sync)\n", records, commits, records/commits)
	}
	if baselineFile == "" {
		return
	}
	data, err := os.ReadFile(baselineFile)
	var base LoadReport
	if err == nil {
		err = json.Unmarshal(data, &base)
	}
	if err != nil {
		fmt.Fprintf(w, "Baseline %s not read: %v\n", baselineFile, err)
		return
	}
	for _, mode := range modes {
		now, then := r.Runs["portal "+string(mode)], base.Runs["portal "+string(mode)]
		if then.CPUPerReqUs == 0 || now.CPUPerReqUs == 0 {
			continue
		}
		ratio := now.CPUPerReqUs / then.CPUPerReqUs
		fmt.Fprintf(w, "Cost per view, %s, at %d patients against %d (%s): server CPU %.0f µs vs %.0f µs = %.2f× (target at most %.2f×: %s); p50 %.2f vs %.2f ms\n",
			mode, r.Patients, base.Patients, baselineFile, now.CPUPerReqUs, then.CPUPerReqUs, ratio, loadTargets.costRatio, verdict(ratio <= loadTargets.costRatio), now.P50Millis, then.P50Millis)
	}
}

// ensureData generates the data folder when it holds no data set yet.
func (l *loadTest) ensureData(ctx context.Context, patients, logRecords int) error {
	cfgPath := filepath.Join(l.dir, config.FileName)
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(l.env.Stdout, "No data set in %s yet: generating %d patients and %d access-log records\n", l.dir, patients, logRecords)
		if _, err := generateDataFolder(ctx, l.env, l.dir, dataset.Options{Patients: patients, LogRecords: logRecords, Seed: 1}); err != nil {
			return err
		}
	}
	cfg, err := config.Load(l.dir, cfgPath, l.env.Getenv)
	if err != nil {
		return err
	}
	l.cfg = cfg
	return nil
}

// choosePatients draws up to n patients at random from the whole data set and keeps those the card may
// open (the access rules decide, as the portal will), so that the clients view real dossiers spread over
// the whole database rather than a warm corner of it. It returns their public ids, which the addresses carry.
func (l *loadTest) choosePatients(ctx context.Context, n int) (ids []string, total int, logRecords int64, err error) {
	st, err := store.Open(ctx, l.cfg.Path(l.cfg.Database))
	if err != nil {
		return nil, 0, 0, err
	}
	defer st.Close()
	if total, err = st.PatientCount(ctx); err != nil {
		return nil, 0, 0, err
	}
	maxID, err := st.MaxPatientID(ctx)
	if err != nil || maxID == 0 {
		return nil, 0, 0, fmt.Errorf("no patients in %s: %v", l.cfg.Path(l.cfg.Database), err)
	}
	state, err := st.AccessLogState(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	pol, err := access.PolicyFromConfig(l.cfg.Access)
	if err != nil {
		return nil, 0, 0, err
	}
	who := access.Provider{UZI: l.card.UZINumber, AGB: l.card.AGB, URA: l.card.URA, Role: l.card.Role}
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	seen := map[int64]bool{}
	for tries := 0; len(ids) < n && tries < 20*n; tries++ {
		id := 1 + rnd.Int64N(maxID)
		if seen[id] {
			continue
		}
		seen[id] = true
		facts, err := st.PatientFacts(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if pol.Decide(who, facts, l.category, now).Allowed {
			ids = append(ids, facts.Patient.PublicID)
		}
	}
	if len(ids) == 0 {
		return nil, 0, 0, fmt.Errorf("the %s card may open none of %d patients drawn at random", l.card.Name, len(seen))
	}
	return ids, total, state.HeadID - state.AnchorID, nil
}

// pageSize fetches one page as the card (logging it in first) and returns its size, which the bare server
// then serves.
func (l *loadTest) pageSize(ctx context.Context, base, path string) (int, error) {
	res, err := load.Drive(ctx, l.client, load.Run{BaseURL: base, Paths: []string{path}, Login: "/", Mode: load.KeepAlive,
		Concurrency: 1, Duration: 50 * time.Millisecond})
	if err != nil {
		return 0, err
	}
	if res.Errors > 0 {
		return 0, fmt.Errorf("the portal answers %s with %s: %s", path, statuses(res.Statuses), res.FirstError)
	}
	return int(res.Bytes / int64(res.Requests)), nil
}

// serverProcess is a server the load command started as a child process: the portal (the real serve
// command on the data folder) or the bare server.
type serverProcess struct {
	name    string
	cmd     *exec.Cmd
	url     string // https://127.0.0.1:port
	opsURL  string // http://127.0.0.1:port (the portal only)
	startup time.Duration
	lines   chan string
	logFile *os.File
}

func (p *serverProcess) pid() int { return p.cmd.Process.Pid }

// stop asks the process to shut down gracefully (SIGINT) and kills it if it has not after 15 seconds.
func (p *serverProcess) stop() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	if p.logFile != nil {
		p.logFile.Close()
	}
}

// startChild runs this program again with args, its output lines on a channel, its log in the data
// folder.
func (l *loadTest) startChild(name, logName string, extraEnv []string, args ...string) (*serverProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if name == "portal" && l.portalBinary != "" {
		exe = l.portalBinary
	}
	logFile, err := os.Create(filepath.Join(l.dir, logName))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	p := &serverProcess{name: name, cmd: cmd, lines: make(chan string, 64), logFile: logFile}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	return p, nil
}

// waitForLine reads the child's output until a line contains marker and returns the text after it.
func (p *serverProcess) waitForLine(marker string, timeout time.Duration, logPath string) (string, error) {
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return "", fmt.Errorf("%s stopped before it was ready; see %s", p.name, logPath)
			}
			if _, after, found := strings.Cut(line, marker); found {
				return strings.TrimSpace(after), nil
			}
		case <-deadline:
			return "", fmt.Errorf("%s not ready after %s; see %s", p.name, timeout, logPath)
		}
	}
}

// portalListening is what serve prints once it accepts connections.
const portalListening = "Zorgverlenersportaal listening on "

// startPortal runs `serve --data DIR` on free ports and waits until /healthz answers 200; the time from
// starting the process until then is the start-up time.
func (l *loadTest) startPortal(ctx context.Context) (*serverProcess, error) {
	start := time.Now()
	logName := "load-portal.log"
	env := []string{config.EnvName("addr") + "=127.0.0.1:0", config.EnvName("ops.addr") + "=127.0.0.1:0"}
	if l.profile {
		env = append(env, config.EnvName("ops.pprof")+"=true")
	}
	p, err := l.startChild("portal", logName, env, "serve", "--data", l.dir)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(l.dir, logName)
	ops, err := p.waitForLine(opsBanner, time.Minute, logPath)
	if err != nil {
		p.stop()
		return nil, err
	}
	p.opsURL = strings.TrimSuffix(strings.Fields(ops)[0], "/healthz")
	addr, err := p.waitForLine(portalListening, time.Minute, logPath)
	if err != nil {
		p.stop()
		return nil, err
	}
	p.url = strings.TrimSuffix(addr, "/")
	go func() {
		for range p.lines { // keep reading so that the child never blocks on its output
		}
	}()
	for {
		resp, err := http.Get(p.opsURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > time.Minute {
			p.stop()
			return nil, fmt.Errorf("the portal's /healthz did not answer 200 within a minute; see %s", logPath)
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.startup = time.Since(start)
	return p, nil
}

// bareListening is what `load bare` prints once it accepts connections.
const bareListening = "Bare TLS server listening on "

func (l *loadTest) startBare(ctx context.Context, size int) (*serverProcess, error) {
	logName := "load-bare.log"
	p, err := l.startChild("bare", logName, nil, "load", "bare", "--data", l.dir, "--addr", "127.0.0.1:0", "--size", fmt.Sprint(size))
	if err != nil {
		return nil, err
	}
	addr, err := p.waitForLine(bareListening, time.Minute, filepath.Join(l.dir, logName))
	if err != nil {
		p.stop()
		return nil, err
	}
	p.url = strings.TrimSuffix(addr, "/")
	go func() {
		for range p.lines {
		}
	}()
	return p, nil
}

// runBare is `load bare`: the bare mutual-TLS server with the data folder's certificates, serving a
// constant page until interrupted.
func runBare(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "load bare", "--data DIR --size BYTES [--addr HOST:PORT]")
	data := fs.String("data", "loadtest", "data folder whose TLS configuration to use")
	size := fs.Int("size", 8192, "size of the constant page in bytes")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*data, "", env.Getenv)
	if err != nil {
		return err
	}
	if err := prepareDataFolder(cfg, existingFolder); err != nil {
		return err
	}
	tlsConfig, err := auth.ServerTLSConfig(cfg.Path(cfg.TLS.CertFile), cfg.Path(cfg.TLS.KeyFile), cfg.Path(cfg.TLS.ClientCAFile), cfg.TLS.MinVersion, cfg.TLS.MaxVersion)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%shttps://%s/\n", bareListening, ln.Addr())
	return load.ServeBare(ctx, ln, tlsConfig, load.BarePage(*size))
}

// saveProfile records a CPU profile of the portal for d through its operations listener.
func saveProfile(ctx context.Context, opsURL string, d time.Duration, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", opsURL, max(1, int(d.Seconds()))), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", req.URL, resp.StatusCode)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// scrape reads the portal's /metrics.
func scrape(ctx context.Context, opsURL string) (metrics.Scrape, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opsURL+"/metrics", nil)
	if err != nil {
		return metrics.Scrape{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return metrics.Scrape{}, err
	}
	defer resp.Body.Close()
	return metrics.Parse(resp.Body)
}

// loadAverage reads the machine's load average (1, 5, 15 minutes): the machine is shared, and the
// figures mean little without it.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func statuses(m map[int]int) string {
	var codes []int
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", m[c], c))
	}
	return strings.Join(parts, " ")
}

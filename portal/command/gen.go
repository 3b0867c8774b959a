package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/dataset"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/store"
)

func genCommand() Command {
	return Command{
		Name:    "gen",
		Summary: "generate a load-test data folder: N patients with dossiers and an access log of M records",
		Usage:   genUsage,
		Run:     runGen,
	}
}

const genUsage = "--data DIR [--patients N] [--log-records M] [--seed S]"

func runGen(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "gen", genUsage)
	data := fs.String("data", "", "data folder to create (must not hold patients yet)")
	patients := fs.Int("patients", 10000, "number of patients")
	logRecords := fs.Int("log-records", 0, "number of access-log records to add (default: 10 per patient)")
	seed := fs.Uint64("seed", 1, "selects the data set: the same seed gives the same patients")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *data == "":
		return usageError("--data names the folder to create")
	case *patients < 1:
		return usageError("--patients must be at least 1, not %d", *patients)
	case *logRecords < 0:
		return usageError("--log-records must not be negative")
	}
	if !flagSet(fs, "log-records") {
		*logRecords = 10 * *patients
	}
	_, err := generateDataFolder(ctx, env, *data, dataset.Options{Patients: *patients, LogRecords: *logRecords, Seed: *seed})
	return err
}

// loadConfig is the configuration of a generated data folder: the demo's (development PKI, the
// administrator card) on ports of its own, so that a load test can run beside a running demo.
func loadConfig(dir string) config.Config {
	cfg := demoConfig(dir)
	cfg.Addr = "localhost:8444"
	cfg.DevPKI.CRLAddr = "localhost:8481"
	cfg.Ops.Addr = "127.0.0.1:9091"
	return cfg
}

// ErrDataFolderInUse means gen was pointed at a folder whose database already holds patients.
var ErrDataFolderInUse = errors.New("the data folder already holds patients")

// generateDataFolder makes a data folder the way demo does (configuration file, development PKI with every
// card, the demo AGB register so that the cards can log in) and fills its database with a generated data
// set, printing progress and the time and size it took.
func generateDataFolder(ctx context.Context, env *Env, dir string, opts dataset.Options) (dataset.Result, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return dataset.Result{}, fmt.Errorf("create data folder: %w", err)
	}
	cfgPath := filepath.Join(dir, config.FileName)
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		if err := loadConfig(dir).Write(cfgPath); err != nil {
			return dataset.Result{}, fmt.Errorf("write %s: %w", cfgPath, err)
		}
	}
	cfg, err := config.Load(dir, cfgPath, env.Getenv)
	if err != nil {
		return dataset.Result{}, err
	}
	started := time.Now()
	if _, err := devpki.Ensure(ctx, devpki.Options{Dir: dir, CRLBaseURL: "http://" + cfg.DevPKI.CRLAddr + "/crl/"}); err != nil {
		return dataset.Result{}, fmt.Errorf("development PKI: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Development PKI and cards ready in %s (%s)\n", dir, time.Since(started).Round(time.Millisecond))
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return dataset.Result{}, err
	}
	defer st.Close()
	if n, err := st.PatientCount(ctx); err != nil {
		return dataset.Result{}, err
	} else if n > 0 {
		return dataset.Result{}, fmt.Errorf("%w: %s has %d; generate into a new folder", ErrDataFolderInUse, cfg.Path(cfg.Database), n)
	}
	if err := seedAGBRegister(ctx, st); err != nil {
		return dataset.Result{}, err
	}
	opts.Progress = progressPrinter(env.Stdout, opts.Patients, opts.LogRecords)
	res, err := dataset.Generate(ctx, st, opts)
	if err != nil {
		return res, err
	}
	if err := st.Close(); err != nil {
		return res, err
	}
	fmt.Fprintf(env.Stdout, "\nGenerated %d patients in %s (%.0f patients/s) and %d access-log records in %s (%.0f records/s)\n",
		res.Patients, res.PatientTime.Round(time.Millisecond), res.PatientsPerSec, res.LogRecords, res.LogTime.Round(time.Millisecond), res.LogRecordsPerSec)
	fmt.Fprintf(env.Stdout, "Rows: %s\n", rowSummary(res.Rows))
	if info, err := os.Stat(cfg.Path(cfg.Database)); err == nil {
		fmt.Fprintf(env.Stdout, "Database %s: %s\n", cfg.Path(cfg.Database), byteSize(info.Size()))
	}
	return res, nil
}

// progressPrinter prints a line at every tenth of the work, so that a million patients show signs of life.
func progressPrinter(w io.Writer, patients, records int) func(dataset.Progress) {
	start := time.Now()
	nextPatients, nextRecords := patients/10, records/10
	return func(p dataset.Progress) {
		switch {
		case p.Patients > 0 && p.Patients >= nextPatients:
			fmt.Fprintf(w, "  %d of %d patients (%s)\n", p.Patients, patients, time.Since(start).Round(time.Second))
			nextPatients += max(patients/10, 1)
		case p.LogRecords > 0 && p.LogRecords >= nextRecords:
			fmt.Fprintf(w, "  %d of %d access-log records (%s)\n", p.LogRecords, records, time.Since(start).Round(time.Second))
			nextRecords += max(records/10, 1)
		}
	}
}

func rowSummary(rows map[string]int) string {
	out := ""
	for _, table := range []string{"patients", "relationships", "consents", "encounters", "conditions", "allergies", "medications", "lab_results", "letters", "attachments", "treatment_limits"} {
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%s %d", table, rows[table])
	}
	return out
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// flagSet reports whether a flag was given on the command line (its default may mean "derive it").
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

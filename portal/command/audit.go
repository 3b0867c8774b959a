package command

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

const auditUsage = `verify|checkpoint|report|purge [flags]
  verify      [--checkpoints FILE] [--public-key FILE] [--data DIR] [--config FILE]
  checkpoint  [--data DIR] [--config FILE]
  report  --bsn BSN --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|html] [--by UZI] [--lang nl|en] [--out FILE] [--data DIR] [--config FILE]
  purge   [--before YYYY-MM-DD] [--data DIR] [--config FILE]`

func auditCommand() Command {
	return Command{
		Name:    "audit",
		Summary: "the access log (NEN 7513): verify the chain (and its checkpoints), write a signed checkpoint, a patient's access report, purge after the retention period",
		Usage:   auditUsage,
		Run:     runAudit,
	}
}

func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError("name a subcommand: verify, checkpoint, report or purge")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, env, args[1:])
	case "checkpoint":
		return runAuditCheckpoint(ctx, env, args[1:])
	case "report":
		return runAuditReport(ctx, env, args[1:])
	case "purge":
		return runAuditPurge(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(env.Stderr, "usage: zorgverlenersportaal audit %s\n", auditUsage)
		return flag.ErrHelp
	}
	return usageError("unknown subcommand %q: verify, checkpoint, report or purge", args[0])
}

// auditFlags adds the flags every audit subcommand has and returns a function that loads the
// configuration once the flags are parsed.
func auditFlags(fs *flag.FlagSet, env *Env) func() (config.Config, error) {
	data := fs.String("data", "data", "data folder: database, keys")
	file := fs.String("config", "", "configuration file (default DIR/"+config.FileName+")")
	return func() (config.Config, error) {
		if fs.NArg() > 0 {
			return config.Config{}, usageError("unexpected argument %q", fs.Arg(0))
		}
		cfg, err := config.Load(*data, *file, env.Getenv)
		if err != nil {
			return config.Config{}, err
		}
		return cfg, prepareDataFolder(cfg, existingFolder)
	}
}

// openAuditStore opens the configured database; the file must exist (a typo in --data must not create
// an empty log that then "verifies").
func openAuditStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	path := cfg.Path(cfg.Database)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database (database): %w", err)
	}
	return store.Open(ctx, path)
}

// runAuditVerify walks the whole chain and checks the guard triggers; with --checkpoints it also proves
// that the log still contains every signed head in that file. Exit status 0 with one line per check when
// all hold; 1 naming the first broken record, every missing guard and every checkpoint that does not
// hold otherwise.
func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit verify", "[--checkpoints FILE] [--public-key FILE] [--data DIR] [--config FILE]")
	checkpoints := fs.String("checkpoints", "", "checkpoint file to check the log against (one signed JSON line per checkpoint)")
	publicKey := fs.String("public-key", "", "the checkpoint public key to trust (default audit.checkpoint_public_key_file; better a copy kept elsewhere)")
	load := auditFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *publicKey != "" && *checkpoints == "" {
		return usageError("--public-key needs --checkpoints")
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	var pub ed25519.PublicKey
	var cpFile *os.File
	if *checkpoints != "" {
		keyPath := *publicKey
		if keyPath == "" {
			keyPath = cfg.Path(cfg.Audit.CheckpointPublicKeyFile)
		}
		if pub, err = audit.LoadCheckpointPublicKey(keyPath); err != nil {
			return err
		}
		if cpFile, err = os.Open(*checkpoints); err != nil {
			return fmt.Errorf("--checkpoints: %w", err)
		}
		defer cpFile.Close()
	}
	st, err := openAuditStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var failed []string
	res, err := audit.Verify(ctx, st, audit.VerifyOptions{RetentionCutoff: audit.RetentionCutoff(time.Now(), cfg.Audit.RetentionYears)})
	var ce *audit.ChainError
	var ge *audit.GuardError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(env.Stdout, "BROKEN at record %d (%s): %s\n", ce.ID, ce.Problem, ce.Detail)
		failed = append(failed, fmt.Sprintf("record %d: %s", ce.ID, ce.Problem))
		// A broken chain stops the walk, not the other checks: the guards say how it could happen.
		if gerr := audit.CheckGuards(ctx, st); errors.As(gerr, &ge) {
			printGuards(env, ge)
		} else if gerr != nil {
			return gerr
		}
	case errors.As(err, &ge):
		printGuards(env, ge)
		failed = append(failed, ge.Error())
	case err != nil:
		return err
	default:
		from := "the start of the log"
		if res.Anchor.ID > 0 {
			from = fmt.Sprintf("the retention anchor at record %d (%d older records purged)", res.Anchor.ID, res.PurgedCount)
		}
		fmt.Fprintf(env.Stdout, "OK: %d records verified, chained from %s to record %d (hash %s); guard triggers in place\n", res.Records, from, res.Head.ID, res.Head.Hash)
	}
	if cpFile != nil {
		rep, err := audit.VerifyCheckpoints(ctx, st, cpFile, pub)
		if err != nil && !errors.Is(err, audit.ErrCheckpointMismatch) {
			return err
		}
		for _, f := range rep.Findings {
			fmt.Fprintf(env.Stdout, "CHECKPOINT %s: %s\n", *checkpoints, f)
		}
		switch {
		case err != nil:
			failed = append(failed, fmt.Sprintf("%d checkpoint finding(s)", len(rep.Findings)))
		case rep.Checked+rep.Purged == 0:
			fmt.Fprintf(env.Stdout, "CHECKPOINT %s: no checkpoint in the file: nothing witnesses the log\n", *checkpoints)
			failed = append(failed, "no checkpoint")
		default:
			fmt.Fprintf(env.Stdout, "OK: the log contains all %d checkpointed heads (%d older ones purged since); the newest, of %s, is record %d\n",
				rep.Checked, rep.Purged, rep.Newest.At, rep.Newest.LastID)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("the access log is not intact: %s", strings.Join(failed, "; "))
	}
	return nil
}

// printGuards prints one line per guard trigger that is missing or changed.
func printGuards(env *Env, ge *audit.GuardError) {
	for _, g := range ge.Guards {
		fmt.Fprintf(env.Stdout, "GUARD %s: trigger %s on %s: the database no longer refuses changes to the log as it should\n", strings.ToUpper(string(g.State)), g.Name, g.Table)
	}
}

// runAuditCheckpoint writes one signed checkpoint of the log's head to audit.checkpoint_file (and prints
// it), for a scheduler to run when the portal is not running, or before and after maintenance.
func runAuditCheckpoint(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit checkpoint", "[--data DIR] [--config FILE]")
	load := auditFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	key, err := audit.LoadOrCreateCheckpointKey(cfg.Path(cfg.Audit.CheckpointKeyFile), cfg.Path(cfg.Audit.CheckpointPublicKeyFile))
	if err != nil {
		return err
	}
	st, err := openAuditStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	cp, err := (&audit.Checkpointer{Store: st, Key: key, File: cfg.Path(cfg.Audit.CheckpointFile), Logger: env.Logger}).Write(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Checkpoint written to %s: %d records, head record %d (hash %s), at %s, key %s\n",
		cfg.Path(cfg.Audit.CheckpointFile), cp.Count, cp.LastID, cp.LastHash, cp.At, cp.KeyID)
	return nil
}

// operator names whoever runs a command, for the access log: the account of the operating system.
func operator() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// runAuditReport writes a patient's access report (NEN 7513 ch. 9) as CSV or as the printable HTML
// document, and logs that it did.
func runAuditReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit report", "--bsn BSN --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|html] [--by UZI] [--lang nl|en] [--out FILE]")
	bsn := fs.String("bsn", "", "the patient's BSN")
	from := fs.String("from", "", "first day of the period (YYYY-MM-DD, Dutch time)")
	to := fs.String("to", "", "last day of the period, included")
	format := fs.String("format", "csv", "csv or html (a standalone printable document)")
	by := fs.String("by", "", "only the records of this user (UZI number)")
	lang := fs.String("lang", "nl", "language of the report: nl or en")
	out := fs.String("out", "", "write to this file instead of standard output")
	load := auditFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != portal.FormatCSV && *format != portal.FormatHTML {
		return usageError("--format must be csv or html, not %q", *format)
	}
	if *lang != "nl" && *lang != "en" {
		return usageError("--lang must be nl or en, not %q", *lang)
	}
	q, err := audit.ParseReportQuery(*bsn, *from, *to, *by)
	var qe *audit.QueryError
	if errors.As(err, &qe) {
		return usageError("--%s: %s", qe.Field, qe.Problem)
	}
	if err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	st, err := openAuditStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	log := audit.New(st)
	defer log.Close()
	rep, err := log.PatientReport(ctx, audit.SystemActor("zorgverlenersportaal audit report", operator()), q, *format)
	if err != nil {
		return err
	}
	var w io.Writer = env.Stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := portal.WritePatientReport(w, rep, *format, *lang, cfg.Hospital.Name); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(env.Stderr, "%d records written to %s\n", len(rep.Entries), *out)
	}
	return nil
}

// runAuditPurge removes the records older than the retention period (audit.retention_years), or older
// than --before when that is earlier still. The log stays verifiable from the retention anchor.
func runAuditPurge(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit purge", "[--before YYYY-MM-DD] [--data DIR] [--config FILE]")
	before := fs.String("before", "", "purge records written before this day (default: everything older than the retention)")
	load := auditFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var cutoff time.Time
	if *before != "" {
		d, err := time.ParseInLocation(time.DateOnly, *before, audit.Amsterdam)
		if err != nil {
			return usageError("--before: %q is not a date such as 2020-01-01", *before)
		}
		cutoff = d
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	st, err := openAuditStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	log := audit.New(st)
	defer log.Close()
	res, err := log.Purge(ctx, audit.SystemActor("zorgverlenersportaal audit purge", operator()), cutoff, cfg.Audit.RetentionYears)
	if errors.Is(err, audit.ErrNothingToPurge) {
		fmt.Fprintln(env.Stdout, "Nothing to purge: no record is old enough.")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Purged %d records; the retention anchor is record %d (written %s); the purge is record %d of the log.\n",
		res.Purged, res.Anchor.ID, res.AnchorAt, res.Record.ID)
	return nil
}

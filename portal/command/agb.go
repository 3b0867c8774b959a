package command

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"zorgverlenersportaal/agb"
	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

func agbCommand() Command {
	return Command{
		Name:    "agb",
		Summary: "the hospital's AGB register: import FILE [--partial], show CODE",
		Usage:   "import [--data DIR] [--config FILE] [--partial] FILE | show [--data DIR] [--config FILE] CODE",
		Run:     runAGB,
	}
}

// maxRegisterFile bounds the register file read into memory; the whole Dutch AGB register of persons
// is a few hundred thousand lines, well below it.
const maxRegisterFile = 512 << 20

func runAGB(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError("name a subcommand: import or show")
	}
	sub := args[0]
	fs := newFlags(env, "agb "+sub, "[--data DIR] [--config FILE] [--partial] FILE|CODE")
	data := fs.String("data", "data", "data folder: database")
	file := fs.String("config", "", "configuration file (default DIR/"+config.FileName+")")
	partial := false
	if sub == "import" {
		fs.BoolVar(&partial, "partial", false, "import the good lines of a file with bad lines (and list the bad ones)")
	}
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "import" && sub != "show" {
		return usageError("unknown agb subcommand %q: use import or show", sub)
	}
	if len(rest) != 1 {
		return usageError("agb %s takes one argument", sub)
	}
	cfg, err := config.Load(*data, *file, env.Getenv)
	if err != nil {
		return err
	}
	use := existingFolder
	if sub == "import" {
		use = createFolder
	}
	if err := prepareDataFolder(cfg, use); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return err
	}
	defer st.Close()
	if sub == "show" {
		return showAGB(ctx, env, st, rest[0])
	}
	return importAGB(ctx, env, st, rest[0], partial)
}

// parseInterspersed parses flags that may come before or after the positional arguments
// ("agb import FILE --partial" as well as "agb import --partial FILE").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// importAGB loads the register file into the store in one transaction, with its access-log record. A
// file with bad lines changes nothing, unless --partial is given: then the good lines are imported and
// the bad ones listed.
func importAGB(ctx context.Context, env *Env, st *store.Store, path string, partial bool) error {
	data, err := readRegisterFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	source := fmt.Sprintf("AGB register file %s (sha256 %s)", filepath.Base(path), hex.EncodeToString(sum[:8]))
	log := audit.New(st)
	operator := audit.User{Name: operatorName(env)}

	parse := agb.ParseRegisterCSV
	if partial {
		parse = parseRegisterPartial
	}
	regs, bad, err := parse(bytes.NewReader(data))
	if err != nil {
		_ = log.Append(ctx, audit.Record{Event: audit.EventImport, Outcome: audit.Refused, Reason: "agb-register-unreadable",
			User: operator, Detail: source + ": " + err.Error()})
		return err
	}
	for _, le := range bad {
		fmt.Fprintf(env.Stderr, "%s: %v\n", filepath.Base(path), le)
	}
	if len(bad) > 0 && !partial {
		if err := log.Append(ctx, audit.Record{Event: audit.EventImport, Outcome: audit.Refused, Reason: "agb-register-bad-lines",
			User: operator, Detail: fmt.Sprintf("%s: %d bad lines, first %v; nothing imported", source, len(bad), bad[0])}); err != nil {
			return err
		}
		return fmt.Errorf("%d bad line(s) in %s: nothing imported (fix them, or import the good lines with --partial)", len(bad), filepath.Base(path))
	}
	result, err := st.ImportAGBRegister(ctx, regs, time.Now(), func(s store.AGBImportSummary) store.LogEntry {
		detail := fmt.Sprintf("%s: %d registrations added, %d updated, %d qualifications, %d relations",
			source, s.Added, s.Updated, s.Qualifications, s.Relations)
		if len(bad) > 0 {
			detail += fmt.Sprintf("; --partial: %d bad lines skipped", len(bad))
		}
		return log.Entry(audit.Record{Event: audit.EventImport, Outcome: audit.Success, Reason: "agb-register",
			User: operator, Detail: detail})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "AGB register: %d registrations added, %d updated (%d qualifications, %d relations)\n",
		result.Added, result.Updated, result.Qualifications, result.Relations)
	if len(bad) > 0 {
		fmt.Fprintf(env.Stdout, "%d bad line(s) skipped, listed above\n", len(bad))
	}
	return nil
}

func readRegisterFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRegisterFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRegisterFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, maxRegisterFile>>20)
	}
	return data, nil
}

// operatorName says who ran the command, for the access log: the command line has no UZI card.
func operatorName(env *Env) string {
	if u := env.Getenv("USER"); u != "" {
		return "command line (OS user " + u + ")"
	}
	return "command line"
}

// parseRegisterPartial parses the register file, leaving out the bad lines: each bad line is blanked
// (so line numbers stay those of the file) and the file parsed again, until what remains is clean. A
// line can only become bad when another is left out (a KWAL row of a registration whose line was bad),
// so this ends within as many rounds as the file has lines. It returns every bad line with its reason.
func parseRegisterPartial(r io.Reader) ([]agb.Registration, []agb.LineError, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	var bad []agb.LineError
	for range len(lines) + 1 {
		regs, lineErrs, err := agb.ParseRegisterCSV(bytes.NewReader(bytes.Join(lines, nil)))
		if err != nil {
			return nil, nil, err
		}
		if len(lineErrs) == 0 {
			sort.SliceStable(bad, func(i, j int) bool { return bad[i].Line < bad[j].Line })
			return regs, bad, nil
		}
		blanked := false
		for _, le := range lineErrs {
			bad = append(bad, le)
			if i := le.Line - 1; i >= 0 && i < len(lines) && len(bytes.TrimSpace(lines[i])) > 0 {
				lines[i] = []byte("\n")
				blanked = true
			}
		}
		if !blanked {
			break
		}
	}
	return nil, nil, errors.New("agb: the bad lines of the file could not be separated from the good ones")
}

// showAGB prints one registration of the register, whether it admits today, and the UZI numbers linked
// to it.
func showAGB(ctx context.Context, env *Env, st *store.Store, raw string) error {
	code, err := agb.ParseCode(strings.TrimSpace(raw))
	if err != nil {
		return usageError("%v", err)
	}
	reg, err := st.AGBRegistration(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("AGB code %s is not in the register", code)
	}
	if err != nil {
		return err
	}
	today := agb.Today(time.Now())
	w := env.Stdout
	name := reg.DisplayName()
	if reg.GivenName != "" {
		name += " (" + reg.GivenName + ")"
	}
	fmt.Fprintf(w, "AGB %s  %s  %s\n", reg.Code, reg.Kind, name)
	fmt.Fprintf(w, "zorgsoort  %s %s\n", reg.Zorgsoort(), reg.Zorgsoort().Name())
	fmt.Fprintf(w, "status     %s, %s\n", reg.Status, agbPeriod(reg.Start, reg.End))
	fmt.Fprintf(w, "active     %s (today, %s)\n", yesNo(reg.ActiveOn(today)), today)
	fmt.Fprintln(w, "kwalificaties:")
	for _, q := range reg.Qualifications {
		fmt.Fprintf(w, "  %s %-40s %s%s\n", q.Code, q.Code.Name(), agbPeriod(q.Start, q.End), inactive(q.ActiveOn(today)))
	}
	if len(reg.Relations) > 0 {
		fmt.Fprintln(w, "relaties:")
		for _, rel := range reg.Relations {
			role := ""
			if rel.Role != "" {
				role = " (" + rel.Role + ")"
			}
			fmt.Fprintf(w, "  %s %s%s %s%s\n", rel.Kind, rel.OtherCode, role, agbPeriod(rel.Start, rel.End), inactive(rel.ActiveOn(today)))
		}
	}
	links, err := st.AGBLinksOfCode(ctx, string(code))
	if err != nil {
		return err
	}
	if len(links) > 0 {
		fmt.Fprintln(w, "linked UZI numbers:")
		for _, l := range links {
			fmt.Fprintf(w, "  %s (%s) linked %s, last checked %s: %s\n", l.UZINumber, l.Source,
				l.LinkedAt.UTC().Format(time.RFC3339), l.CheckedAt.UTC().Format(time.RFC3339), l.Outcome)
		}
	}
	return nil
}

func agbPeriod(start, end agb.Date) string {
	if end.IsZero() {
		return start.String() + " .. (open)"
	}
	return start.String() + " .. " + end.String()
}

func inactive(active bool) string {
	if active {
		return ""
	}
	return "  [not active today]"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

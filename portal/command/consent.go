package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/views"
)

const consentUsage = "grant|refuse|withdraw|list --bsn BSN --birth-date YYYY-MM-DD [flags]"

func consentCommand() Command {
	return Command{
		Name:    "consent",
		Summary: "register, withdraw or list a patient's consent per recipient category (exit 3: refused by the rules)",
		Usage:   consentUsage,
		Run:     runConsent,
	}
}

// storeFlags are the flags every command on the portal database takes.
type storeFlags struct {
	data, config *string
}

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		data:   fs.String("data", "data", "data folder: database, keys"),
		config: fs.String("config", "", "configuration file (default DIR/"+config.FileName+")"),
	}
}

// open loads the configuration and opens the database (applying migrations), as serve does.
func (f storeFlags) open(ctx context.Context, env *Env) (config.Config, *store.Store, error) {
	cfg, err := config.Load(*f.data, *f.config, env.Getenv)
	if err != nil {
		return config.Config{}, nil, err
	}
	if err := prepareDataFolder(cfg, existingFolder); err != nil {
		return config.Config{}, nil, err
	}
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return config.Config{}, nil, err
	}
	return cfg, st, nil
}

// patientFlags identify a patient the way staff do: BSN and birth date, both exact.
type patientFlags struct {
	bsn, birthDate *string
}

func addPatientFlags(fs *flag.FlagSet) patientFlags {
	return patientFlags{
		bsn:       fs.String("bsn", "", "the patient's BSN (9 digits, elfproef); required"),
		birthDate: fs.String("birth-date", "", "the patient's birth date, YYYY-MM-DD; required with --bsn"),
	}
}

// check validates the flags before anything is opened, so a typo is a usage error (exit 2).
func (f patientFlags) check() (time.Time, error) {
	if *f.bsn == "" || *f.birthDate == "" {
		return time.Time{}, usageError("--bsn and --birth-date are both required: a patient is found by the two together")
	}
	if !access.ValidBSN(*f.bsn) {
		return time.Time{}, usageError("--bsn %s: not a BSN (9 digits that pass the elfproef)", *f.bsn)
	}
	birth, err := time.Parse(time.DateOnly, *f.birthDate)
	if err != nil {
		return time.Time{}, usageError("--birth-date %s: not a date; write YYYY-MM-DD", *f.birthDate)
	}
	return birth, nil
}

func (f patientFlags) find(ctx context.Context, st *store.Store, birth time.Time) (access.Patient, error) {
	p, err := st.PatientByBSNAndBirthDate(ctx, *f.bsn, birth)
	if errors.Is(err, store.ErrNotFound) {
		return access.Patient{}, fmt.Errorf("no patient with BSN %s and birth date %s", *f.bsn, birth.Format(time.DateOnly))
	}
	return p, err
}

// cliRecord is the access-log record of a change made from the command line: the operator named by --by
// and the host the command ran on as access point.
func cliRecord(event audit.Event, by, detail string) audit.Record {
	host, _ := os.Hostname()
	return audit.Record{Event: event, Outcome: audit.Success, User: audit.User{Name: by},
		Source: audit.Source{ClientIP: "command line on " + host}, Detail: "command line: " + detail}
}

// logRefusal records a change the rules refused, like the screens do, and returns the refusal with the
// English explanation the screens give (the exit status is 3).
func logRefusal(ctx context.Context, log *audit.Log, rec audit.Record, p access.Patient, err error) error {
	reason := access.ReasonOf(err)
	rec.Outcome, rec.Reason = audit.Refused, string(reason)
	rec.PatientBSN, rec.PatientNumber = p.BSN, p.PatientNumber
	if lerr := log.Append(ctx, rec); lerr != nil {
		return lerr
	}
	if catalog, cerr := views.LoadCatalog(); cerr == nil && catalog.Has("access.reason."+string(reason)) {
		return fmt.Errorf("%s [%w]", catalog.T("en", "access.reason."+string(reason)), err)
	}
	return err
}

// dayOrToday reads a --given-on style flag: empty is now, today is now, another day is its midnight in
// Amsterdam (as the screens take it).
func dayOrToday(name, value string, now time.Time) (time.Time, error) {
	if value == "" {
		return now, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, value, access.Amsterdam)
	if err != nil {
		return time.Time{}, usageError("--%s %s: not a date; write YYYY-MM-DD", name, value)
	}
	if d.Format(time.DateOnly) == now.In(access.Amsterdam).Format(time.DateOnly) {
		return now, nil
	}
	return d, nil
}

func oneOf[T ~string](flagName, value string, allowed []T) error {
	if slices.Contains(allowed, T(value)) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return usageError("--%s %q: choose one of %s", flagName, value, strings.Join(names, ", "))
}

func runConsent(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stderr, "usage: zorgverlenersportaal consent %s\n", consentUsage)
			return flag.ErrHelp
		}
		return usageError("name an action: grant, refuse, withdraw or list")
	}
	action, args := args[0], args[1:]
	var status access.ConsentStatus
	switch action {
	case "grant":
		status = access.ConsentGranted
	case "refuse":
		status = access.ConsentRefused
	case "withdraw":
		status = access.ConsentWithdrawn
	case "list":
		return listConsent(ctx, env, args)
	default:
		return usageError("unknown action %q: grant, refuse, withdraw or list", action)
	}
	fs := newFlags(env, "consent "+action, "--bsn BSN --birth-date YYYY-MM-DD --category CAT --registered-by WHO --channel HOW --by NAME [--given-on YYYY-MM-DD] [--note TEXT]")
	sf, pf := addStoreFlags(fs), addPatientFlags(fs)
	category := fs.String("category", "", "recipient category: "+joinNames(access.RecipientCategories)+"; required")
	registeredBy := fs.String("registered-by", "", "who decided: patient, representative (parent or guardian) or both; required")
	channel := fs.String("channel", "", "how it reached the hospital: "+joinNames(access.Channels)+"; required")
	givenOn := fs.String("given-on", "", "the day the choice was made, YYYY-MM-DD (default today)")
	note := fs.String("note", "", "a note kept with the record")
	by := fs.String("by", "", "the operator registering the change, as the access log names them; required")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	birth, err := pf.check()
	if err != nil {
		return err
	}
	for _, check := range []error{
		oneOf("category", *category, access.RecipientCategories),
		oneOf("registered-by", *registeredBy, access.Registrants),
		oneOf("channel", *channel, access.Channels),
	} {
		if check != nil {
			return check
		}
	}
	if strings.TrimSpace(*by) == "" {
		return usageError("--by is required: the access log names who made every change")
	}
	now := time.Now()
	given, err := dayOrToday("given-on", *givenOn, now)
	if err != nil {
		return err
	}
	_, st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := pf.find(ctx, st, birth)
	if err != nil {
		return err
	}
	c := access.Consent{PatientID: p.ID, Category: access.RecipientCategory(*category), Status: status,
		RegisteredBy: access.Registrant(*registeredBy), Channel: access.Channel(*channel), GivenAt: given,
		RecordedBy: strings.TrimSpace(*by), RecordedAt: now, Note: *note}
	detail := fmt.Sprintf("consent %s for %s, registered by %s via %s, given %s", c.Status, c.Category, c.RegisteredBy, c.Channel, given.In(access.Amsterdam).Format(time.DateOnly))
	log := audit.New(st)
	rec := cliRecord(audit.EventConsentChange, c.RecordedBy, detail)
	saved, err := st.RegisterConsent(ctx, c, log.Entry(rec))
	if access.ReasonOf(err) != "" {
		return logRefusal(ctx, log, rec, p, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: patient %s (%s): %s; record %d\n", action, p.BSN, p.PatientNumber, detail, saved.ID)
	return nil
}

func listConsent(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "consent list", "--bsn BSN --birth-date YYYY-MM-DD")
	sf, pf := addStoreFlags(fs), addPatientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	birth, err := pf.check()
	if err != nil {
		return err
	}
	_, st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := pf.find(ctx, st, birth)
	if err != nil {
		return err
	}
	facts, err := st.PatientFacts(ctx, p.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	fmt.Fprintf(env.Stdout, "Patient %s (%s), born %s, %d years\n\nNow:\n", p.BSN, p.PatientNumber, p.BirthDate.Format(time.DateOnly), p.AgeAt(now))
	w := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CATEGORY\tSTATE\tRECORD\tGIVEN\tBY\tCHANNEL")
	for _, cat := range access.RecipientCategories {
		state, c := facts.CurrentConsent(cat, now)
		if c == nil {
			fmt.Fprintf(w, "%s\t%s\t-\t-\t-\t-\n", cat, state)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", cat, state, c.ID, c.GivenAt.In(access.Amsterdam).Format("2006-01-02 15:04"), c.RegisteredBy, c.Channel)
	}
	w.Flush()
	fmt.Fprintln(env.Stdout, "\nHistory, newest first:")
	w = tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RECORD\tGIVEN\tCATEGORY\tSTATUS\tBY\tCHANNEL\tRECORDED BY\tNOTE")
	for _, c := range facts.ConsentHistory() {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.GivenAt.In(access.Amsterdam).Format("2006-01-02 15:04"), c.Category, c.Status, c.RegisteredBy, c.Channel, c.RecordedBy, c.Note)
	}
	return w.Flush()
}

func joinNames[T ~string](items []T) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = string(it)
	}
	return strings.Join(names, ", ")
}

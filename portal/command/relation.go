package command

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

const relationUsage = "add|end|list [flags]"

func relationCommand() Command {
	return Command{
		Name:    "relation",
		Summary: "add, end or list a patient's treatment relationships (exit 3: refused by the rules)",
		Usage:   relationUsage,
		Run:     runRelation,
	}
}

func runRelation(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stderr, "usage: zorgverlenersportaal relation %s\n", relationUsage)
			return flag.ErrHelp
		}
		return usageError("name an action: add, end or list")
	}
	switch args[0] {
	case "add":
		return addRelation(ctx, env, args[1:])
	case "end":
		return endRelation(ctx, env, args[1:])
	case "list":
		return listRelations(ctx, env, args[1:])
	}
	return usageError("unknown action %q: add, end or list", args[0])
}

// manualKinds are the kinds staff and scripts may register; emergency ones come only from the procedure.
func manualKinds() []access.RelationshipKind {
	var kinds []access.RelationshipKind
	for _, k := range access.RelationshipKinds {
		if k != access.Emergency {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

func addRelation(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "relation add", "--bsn BSN --birth-date YYYY-MM-DD --kind KIND (--agb CODE | --ura CODE) --by NAME [--name TEXT] [--mandate-ura URA] [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--reason TEXT]")
	sf, pf := addStoreFlags(fs), addPatientFlags(fs)
	kind := fs.String("kind", "", "kind of relationship: "+joinNames(manualKinds())+"; required")
	agb := fs.String("agb", "", "AGB code of the one provider who holds it")
	ura := fs.String("ura", "", "URA of the organisation that holds it (every card of that URA acts for it)")
	name := fs.String("name", "", "name of the holder, as the screens show it")
	mandate := fs.String("mandate-ura", "", "covering only: URA of the practice that gave the mandate")
	from := fs.String("from", "", "first day, YYYY-MM-DD (default today)")
	until := fs.String("until", "", "last day, YYYY-MM-DD (default: the kind's configured lifetime; registered GP and pharmacy last until changed)")
	reason := fs.String("reason", "", "explanation or source, e.g. the referral's reference")
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
	if err := oneOf("kind", *kind, manualKinds()); err != nil {
		return err
	}
	if (*agb == "") == (*ura == "") {
		return usageError("give exactly one of --agb (one provider) and --ura (an organisation)")
	}
	if strings.TrimSpace(*by) == "" {
		return usageError("--by is required: the access log names who made every change")
	}
	now := time.Now()
	start, err := dayOrToday("from", *from, now)
	if err != nil {
		return err
	}
	cfg, st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	pol, err := access.PolicyFromConfig(cfg.Access)
	if err != nil {
		return err
	}
	r := access.Relationship{HolderName: *name, Kind: access.RelationshipKind(*kind), Source: "command line",
		ValidFrom: start, Reason: *reason, CreatedBy: strings.TrimSpace(*by), CreatedAt: now}
	if *agb != "" {
		r.HolderKind, r.HolderAGB = access.HolderProvider, agb
	} else {
		r.HolderKind, r.HolderURA = access.HolderOrganisation, ura
	}
	if *mandate != "" {
		r.MandateURA = mandate
	}
	if *until != "" {
		last, err := time.ParseInLocation(time.DateOnly, *until, access.Amsterdam)
		if err != nil {
			return usageError("--until %s: not a date; write YYYY-MM-DD", *until)
		}
		end := last.AddDate(0, 0, 1) // the last day counts in full
		r.ValidUntil = &end
	} else {
		r.ValidUntil = pol.DefaultUntil(r.Kind, r.ValidFrom)
	}
	p, err := pf.find(ctx, st, birth)
	if err != nil {
		return err
	}
	r.PatientID = p.ID
	detail := fmt.Sprintf("add %s relationship held by %s %s", r.Kind, r.HolderKind, r.HolderCode())
	log := audit.New(st)
	rec := cliRecord(audit.EventRelationshipChange, r.CreatedBy, detail)
	saved, err := st.AddRelationship(ctx, r, log.Entry(rec))
	if access.ReasonOf(err) != "" {
		return logRefusal(ctx, log, rec, p, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added: relationship %d, patient %s (%s): %s, %s\n", saved.ID, p.BSN, p.PatientNumber, detail, relationshipPeriod(saved))
	return nil
}

func endRelation(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "relation end", "--id N --reason TEXT --by NAME")
	sf := addStoreFlags(fs)
	id := fs.Int64("id", 0, "the relationship to end (see relation list); required")
	reason := fs.String("reason", "", "why it ends; required")
	by := fs.String("by", "", "the operator registering the change, as the access log names them; required")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	case *id <= 0:
		return usageError("--id is required: the number relation list shows")
	case strings.TrimSpace(*reason) == "":
		return usageError("--reason is required: say why the relationship ends")
	case strings.TrimSpace(*by) == "":
		return usageError("--by is required: the access log names who made every change")
	}
	_, st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	rel, err := st.Relationship(ctx, *id)
	if err != nil {
		return fmt.Errorf("relationship %d: %w", *id, err)
	}
	p, err := st.Patient(ctx, rel.PatientID)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("end relationship %d: %s", *id, *reason)
	log := audit.New(st)
	rec := cliRecord(audit.EventRelationshipChange, strings.TrimSpace(*by), detail)
	ended, err := st.EndRelationship(ctx, store.RelationshipEnd{ID: *id, By: strings.TrimSpace(*by), Reason: *reason, At: time.Now()}, log.Entry(rec))
	if access.ReasonOf(err) != "" {
		return logRefusal(ctx, log, rec, p, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ended: relationship %d (%s, %s %s), patient %s (%s)\n", ended.ID, ended.Kind, ended.HolderKind, ended.HolderCode(), p.BSN, p.PatientNumber)
	return nil
}

func listRelations(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "relation list", "--bsn BSN --birth-date YYYY-MM-DD")
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
	rels, err := st.Relationships(ctx, p.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	fmt.Fprintf(env.Stdout, "Patient %s (%s), born %s\n\n", p.BSN, p.PatientNumber, p.BirthDate.Format(time.DateOnly))
	w := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tKIND\tHOLDER\tNAME\tSTATE\tPERIOD\tSOURCE\tREASON")
	for _, r := range rels {
		holder := string(r.HolderKind) + " " + r.HolderCode()
		if r.MandateURA != nil {
			holder += " (mandate " + *r.MandateURA + ")"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, holder, r.HolderName, r.StateAt(now), relationshipPeriod(r), r.Source, r.Reason)
	}
	return w.Flush()
}

// period writes a relationship's validity in Dutch local time.
func relationshipPeriod(r access.Relationship) string {
	s := r.ValidFrom.In(access.Amsterdam).Format("2006-01-02 15:04") + " until "
	if end := r.EndsAt(); end != nil {
		return s + end.In(access.Amsterdam).Format("2006-01-02 15:04")
	}
	return s + "changed"
}

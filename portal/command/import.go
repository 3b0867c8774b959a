package command

import (
	"context"
	"fmt"
	"io"
	"sort"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/fhir"
	"zorgverlenersportaal/portal/store"
)

const importUsage = "[--data DIR] [--config FILE] [--synthetic-bsn] FILE|DIR..."

// The exit status says whether the data was right: 0 when nothing was rejected (resources the portal does
// not use are skipped, with their reasons, and that is no failure), 1 when a file or a resource was
// rejected because it is wrong (or the database refused it).

func importCommand() Command {
	return Command{
		Name:    "import",
		Summary: "import the hospital's FHIR R4 bundles (files, or folders of *.json) into the portal database",
		Usage:   importUsage,
		Run:     runImport,
	}
}

func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "import", importUsage)
	data := fs.String("data", "data", "data folder holding the database (created when missing)")
	file := fs.String("config", "", "configuration file (default DIR/"+config.FileName+")")
	synthetic := fs.Bool("synthetic-bsn", false, "give patients without a BSN a synthetic test BSN (9999xxxxx); for sample data only")
	// Flags may come before or after the files: "import a.json b.json --synthetic-bsn".
	var paths []string
	rest := args
	for {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		paths = append(paths, rest[0])
		rest = rest[1:]
	}
	if len(paths) == 0 {
		return usageError("name at least one FHIR bundle file or folder")
	}
	cfg, err := config.Load(*data, *file, env.Getenv)
	if err != nil {
		return err
	}
	if err := prepareDataFolder(cfg, createFolder); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Path(cfg.Database))
	if err != nil {
		return err
	}
	defer st.Close()
	policy, err := access.PolicyFromConfig(cfg.Access)
	if err != nil {
		return err
	}
	im := fhir.NewImporter(st, audit.New(st))
	im.RelationshipValidity = policy.Lifetimes
	im.SyntheticBSN = *synthetic
	im.Logger = env.Logger
	im.User = audit.User{Name: "FHIR import"}
	if u := env.Getenv("USER"); u != "" {
		im.User.Name = "FHIR import (" + u + ")"
	}
	results, err := im.ImportPaths(ctx, paths)
	failedFiles, rejected := printImportResults(env.Stdout, results)
	if err != nil {
		return err
	}
	switch {
	case failedFiles > 0:
		return fmt.Errorf("%d of %d files rejected whole (nothing of them imported), %d resources rejected", failedFiles, len(results), rejected)
	case rejected > 0:
		return fmt.Errorf("%d resources rejected because their data is wrong (the rest is imported; skipped resources are not an error)", rejected)
	}
	return nil
}

// printImportResults writes the summary per file: counts per resource type, what was skipped and every
// rejected resource with its reason. It returns the number of files rejected whole and of resources
// rejected.
func printImportResults(w io.Writer, results []fhir.Result) (failedFiles, rejected int) {
	var total fhir.Count
	for _, r := range results {
		if r.Err != nil {
			failedFiles++
			fmt.Fprintf(w, "%s: REJECTED, nothing imported: %v\n", r.Source, r.Err)
			continue
		}
		t := r.Total()
		total.Imported += t.Imported
		total.Updated += t.Updated
		total.Skipped += t.Skipped
		total.Rejected += t.Rejected
		fmt.Fprintf(w, "%s (%s, %d entries): imported %d, updated %d, skipped %d, rejected %d\n",
			r.Source, r.BundleType, r.Entries, t.Imported, t.Updated, t.Skipped, t.Rejected)
		types := make([]string, 0, len(r.Counts))
		for typ := range r.Counts {
			types = append(types, typ)
		}
		sort.Strings(types)
		for _, typ := range types {
			c := r.Counts[typ]
			fmt.Fprintf(w, "  %-20s imported %4d  updated %4d  skipped %4d  rejected %4d\n", typ, c.Imported, c.Updated, c.Skipped, c.Rejected)
		}
		reasons := make([]string, 0, len(r.Skipped))
		for reason := range r.Skipped {
			reasons = append(reasons, reason)
		}
		sort.Strings(reasons)
		for _, reason := range reasons {
			fmt.Fprintf(w, "  skipped %d: %s\n", r.Skipped[reason], reason)
		}
		for _, rj := range r.Rejected {
			rejected++
			fmt.Fprintf(w, "  REJECTED %s: %s\n", rj.Resource, rj.Reason)
		}
		for _, rn := range r.Renumbered {
			fmt.Fprintf(w, "  RENUMBERED test patient %s (%s): synthetic BSN %s belongs to %s now; the test patient has %s\n",
				rn.PatientNumber, rn.Resource, rn.OldBSN, rn.For, rn.NewBSN)
		}
	}
	fmt.Fprintf(w, "%d files (%d rejected whole); resources imported %d, updated %d, skipped %d, rejected %d\n",
		len(results), failedFiles, total.Imported, total.Updated, total.Skipped, total.Rejected)
	return failedFiles, rejected
}

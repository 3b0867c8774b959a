package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/devpki"
)

func demoCommand() Command {
	return Command{
		Name:    "demo",
		Summary: "run the portal with a development UZI-register and demo data (creates DIR on first run)",
		Usage:   "[--data DIR] [--addr HOST:PORT]",
		Run:     runDemo,
	}
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "demo", "[--data DIR] [--addr HOST:PORT]")
	data := fs.String("data", "data", "data folder: created on first run, re-used afterwards")
	addr := fs.String("addr", "", "HTTPS listen address (default localhost:8443)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	cfg, pki, err := prepareDemo(ctx, env, *data)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	return serve(ctx, env, cfg, func(listening string) {
		printDemoInstructions(env.Stdout, cfg, pki, listening)
	})
}

// prepareDemo makes the demo data folder usable: the configuration file (written on first run, so an
// operator can read and change it), the development PKI and its cards, and the database with demo data.
func prepareDemo(ctx context.Context, env *Env, dir string) (config.Config, *devpki.PKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return config.Config{}, nil, fmt.Errorf("create data folder: %w", err)
	}
	cfgPath := filepath.Join(dir, config.FileName)
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		if err := demoConfig(dir).Write(cfgPath); err != nil {
			return config.Config{}, nil, fmt.Errorf("write %s: %w", cfgPath, err)
		}
	}
	cfg, err := config.Load(dir, cfgPath, env.Getenv)
	if err != nil {
		return config.Config{}, nil, err
	}
	pki, err := devpki.Ensure(ctx, devpki.Options{Dir: dir, CRLBaseURL: "http://" + cfg.DevPKI.CRLAddr + "/crl/"})
	if errors.Is(err, devpki.ErrCRLBaseURLChanged) {
		return config.Config{}, nil, fmt.Errorf("%w\nThe cards in %s name another CRL address than dev_pki.crl_addr; restore the setting or delete the folder to start afresh", err, dir)
	}
	if err != nil {
		return config.Config{}, nil, err
	}
	if err := seedDemo(ctx, cfg); err != nil {
		return config.Config{}, nil, err
	}
	return cfg, pki, nil
}

// demoConfig is the configuration the demo starts from: the defaults, the development PKI, and the
// hospital's administrator card.
func demoConfig(dir string) config.Config {
	cfg := config.Default(dir)
	admin, _ := devpki.CardByName("admin")
	cfg.Hospital.Administrators = []string{admin.UZINumber}
	cfg.Hospital.URA = devpki.HospitalURA
	// The practice's doktersassistent (the employee card) acts on the GP's mandate.
	cfg.UZI.AdmitEmployeeCards = true
	return cfg
}

// printDemoInstructions tells a newcomer how to reach the demo with curl and with a browser.
func printDemoInstructions(w io.Writer, cfg config.Config, pki *devpki.PKI, listening string) {
	paths := pki.Paths()
	gp, _ := pki.CardFiles("gp")
	url := "https://" + displayAddr(cfg.Addr, listening) + "/"
	password, err := pki.P12Password()
	if err != nil {
		password = "(see " + paths.P12Password + ")"
	}
	var names []string
	for _, c := range devpki.Cards {
		names = append(names, c.Name)
	}
	fmt.Fprintf(w, `
Zorgverlenersportaal (demo) is running at %[1]s

Try it as the GP Anna de Vries with the gp card:
  curl --cacert %[2]s --cert %[3]s --key %[4]s %[1]s

In a browser: import %[5]s as your personal certificate (password: %[6]s),
trust %[2]s as a certificate authority, then open %[1]s.
Other cards (same folder): %[7]s.
Revoke a card while the portal runs: go run . pki revoke --data %[8]s CARD

Ctrl-C stops the portal.
`, url, paths.ServerCA, gp.Certificate, gp.Key, gp.PKCS12, password, strings.Join(names, ", "), cfg.DataDir)
}

// displayAddr prefers the configured host name (localhost, which the server certificate names) and the
// port the listener really got.
func displayAddr(configured, listening string) string {
	host := configured
	if i := strings.LastIndex(configured, ":"); i >= 0 {
		host = configured[:i]
	}
	if i := strings.LastIndex(listening, ":"); i >= 0 && host != "" {
		return host + listening[i:]
	}
	return listening
}

package command

import (
	"context"
	"fmt"
	"path/filepath"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/portal/devpki"
)

func pkiCommand() Command {
	return Command{
		Name:    "pki",
		Summary: "the development UZI-register: init, revoke CARD, list",
		Usage:   "init|revoke CARD|list [--data DIR]",
		Run:     runPKI,
	}
}

func runPKI(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError("name a subcommand: init, revoke or list")
	}
	sub := args[0]
	fs := newFlags(env, "pki "+sub, "[--data DIR]")
	data := fs.String("data", "data", "data folder of the development PKI")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := config.Load(*data, filepath.Join(*data, config.FileName), env.Getenv)
	if err != nil {
		return err
	}
	crlBase := "http://" + cfg.DevPKI.CRLAddr + "/crl/"
	switch sub {
	case "init":
		if fs.NArg() != 0 {
			return usageError("init takes no arguments")
		}
		if err := prepareFolder(*data, "--data", createFolder); err != nil {
			return err
		}
		pki, err := devpki.Ensure(ctx, devpki.Options{Dir: *data, CRLBaseURL: crlBase})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "development UZI-register ready in %s (server CA: %s)\n", *data, pki.Paths().ServerCA)
		return nil
	case "revoke":
		if fs.NArg() != 1 {
			return usageError("revoke takes one card name")
		}
		name := fs.Arg(0)
		if _, err := devpki.CardByName(name); err != nil {
			return usageError("%v", err)
		}
		if err := prepareFolder(*data, "--data", existingFolder); err != nil {
			return err
		}
		pki, err := devpki.Ensure(ctx, devpki.Options{Dir: *data, CRLBaseURL: crlBase})
		if err != nil {
			return err
		}
		if err := pki.Revoke(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "card %s revoked; the CRL at %s lists it now\n", name, pki.CRLURL(mustIssuer(name)))
		return nil
	case "list":
		if fs.NArg() != 0 {
			return usageError("list takes no arguments")
		}
		fmt.Fprintf(env.Stdout, "%-24s %-4s %-9s %-8s %-7s %s\n", "CARD", "TYPE", "UZI", "URA", "ROLE", "NAME")
		for _, c := range devpki.Cards {
			fmt.Fprintf(env.Stdout, "%-24s %-4s %-9s %-8s %-7s %s\n", c.Name, c.Type, c.UZINumber, c.URA, c.Role, c.CommonName())
		}
		return nil
	default:
		return usageError("unknown pki subcommand %q: use init, revoke or list", sub)
	}
}

func mustIssuer(card string) devpki.IssuerName {
	spec, _ := devpki.CardByName(card)
	return spec.Issuer()
}

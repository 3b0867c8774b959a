package command

import (
	"context"
	"fmt"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/config"
)

func keysCommand() Command {
	return Command{
		Name:    "keys",
		Summary: "the session keys: rotate puts a new key pair first (the portal signs with it after a restart)",
		Usage:   "rotate [--data DIR] [--config FILE]",
		Run:     runKeys,
	}
}

// runKeys rotates the session keys in session.keys_file: a new hash and block key pair goes first, at
// most auth.MaxSessionKeyPairs pairs are kept. A running portal reads the file only when it starts: it
// signs new cookies with the new pair after its next restart, and keeps reading cookies signed with the
// older pairs still in the file, so nobody is logged out by a rotation. Rotating twice more drops the
// pair after next, and with it the sessions it signed (at most session.absolute_timeout old anyway).
func runKeys(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		return usageError("name a subcommand: rotate")
	}
	fs := newFlags(env, "keys rotate", "[--data DIR] [--config FILE]")
	data := fs.String("data", "data", "data folder: session keys")
	file := fs.String("config", "", "configuration file (default DIR/"+config.FileName+")")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("keys rotate takes no arguments")
	}
	cfg, err := config.Load(*data, *file, env.Getenv)
	if err != nil {
		return err
	}
	if err := prepareDataFolder(cfg, existingFolder); err != nil {
		return err
	}
	path := cfg.Path(cfg.Session.KeysFile)
	if err := auth.RotateSessionKeys(path); err != nil {
		return err
	}
	keys, err := auth.LoadOrCreateSessionKeys(path)
	if err != nil {
		return err
	}
	pairs := len(keys) / 2
	fmt.Fprintf(env.Stdout, "session keys rotated: %s now holds %d key pair(s), the new one first.\n", path, pairs)
	fmt.Fprintf(env.Stdout, "Restart the portal to sign new sessions with it; sessions signed with the %d older pair(s) stay valid.\n", pairs-1)
	return nil
}

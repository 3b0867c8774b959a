// Package command holds the portal's subcommands (serve, demo, pki, ...). main.go only hands over the
// arguments; every command parses its own flags and calls into the packages that do the work.
package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"zorgverlenersportaal/portal/access"
)

// Env is what a command may touch of the outside world; tests give it buffers and a fake environment.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Logger *slog.Logger
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for the overview of --help
	Usage   string // argument synopsis, e.g. "[--data DIR] CARD"
	Run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists every subcommand; each file of this package adds its own in init order of the table.
func commands() []Command {
	cmds := []Command{serveCommand(), demoCommand(), pkiCommand(), consentCommand(), relationCommand(), agbCommand(), importCommand(), auditCommand(), keysCommand(), genCommand(), loadCommand()}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	return cmds
}

// errUsage marks an error in the command line; Main prints the usage with it and exits with status 2.
var errUsage = errors.New("usage")

// usageError reports a command-line mistake in a sentence.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// Main runs the subcommand named by args[0] and returns the process exit status: 0 success, 1 failure,
// 2 a mistake in the command line, 3 a change the access rules refuse (nothing was changed).
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printHelp(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.Name != args[0] {
			continue
		}
		err := c.Run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, access.ErrRefused):
			fmt.Fprintf(env.Stderr, "%s: %v\n", c.Name, err)
			return 3
		case errors.Is(err, errUsage):
			fmt.Fprintf(env.Stderr, "%s: %v\nusage: zorgverlenersportaal %s %s\n", c.Name, strings.TrimPrefix(err.Error(), "usage: "), c.Name, c.Usage)
			return 2
		default:
			fmt.Fprintf(env.Stderr, "%s: %v\n", c.Name, err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "unknown command %q\n\n", args[0])
	printHelp(env.Stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Zorgverlenersportaal: the portal through which providers outside the hospital read their patients' hospital data.")
	fmt.Fprintln(w, "\nUsage: zorgverlenersportaal COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nRun 'zorgverlenersportaal COMMAND --help' for the flags of a command.")
}

// newFlags makes a flag set that reports errors instead of exiting, and prints its usage on -h.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: zorgverlenersportaal %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	return nil
}

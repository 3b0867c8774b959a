// Command zorgverlenersportaal runs the Zorgverlenersportaal: `go run . demo` starts it with a development
// UZI-register and demo data; `--help` lists every subcommand.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"zorgverlenersportaal/portal/command"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := command.Main(ctx, os.Args[1:], &command.Env{Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}

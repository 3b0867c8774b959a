package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goCommand finds a command of the portal or of the Go tool as the README and docs show it: a line of a
// shell block, or a code span in backquotes (which may wrap onto the next line of the page).
var goCommand = regexp.MustCompile("(?m)^(go (?:run \\.|test) [^`\\n#]*)|`(go (?:run \\.|test) [^`#]*)")

// TestDocumentedCommandsExist reads every command the README and the docs/ pages show and checks it
// against the program, so that the documentation cannot rot: every `go run . COMMAND` names a command and
// a subcommand that exist and only flags they define (asked of the command itself with --help, nothing
// is run); every `go test` names a package that exists and -run/-bench patterns that match a test or
// benchmark in it.
func TestDocumentedCommandsExist(t *testing.T) {
	root := filepath.Join("..", "..")
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, filepath.Join(root, "README.md"))
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goCommand.FindAllStringSubmatch(string(data), -1) {
			line := strings.TrimSpace(m[1] + m[2])
			fields := strings.Fields(strings.NewReplacer("'", "", "\"", "", "\\|", "|").Replace(line))
			if fields[1] == "run" {
				checkRun(t, filepath.Base(file), line, fields[3:])
			} else {
				checkTest(t, root, filepath.Base(file), line, fields[2:])
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d commands found in the README and docs: the reader is broken", checked)
	}
}

// checkRun checks `go run . ARGS`: the command (and subcommand) exist and know every flag given.
func checkRun(t *testing.T, file, line string, args []string) {
	t.Helper()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == strings.ToUpper(args[0]) {
		return // the program's own --help, or a placeholder (COMMAND)
	}
	var cmd *Command
	for _, c := range commands() {
		if c.Name == args[0] {
			cmd = &c
		}
	}
	if cmd == nil {
		t.Errorf("%s: %q: no command %q", file, line, args[0])
		return
	}
	help := func(words ...string) (string, int) {
		var out, errs bytes.Buffer
		code := Main(context.Background(), append(words, "--help"), &Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }})
		return out.String() + errs.String(), code
	}
	text, code := help(args[0])
	// A bare word after the command that its usage names is a subcommand with flags of its own (a command
	// made of subcommands only answers --help after one).
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && regexp.MustCompile(`(^|[ |])`+regexp.QuoteMeta(args[1])+`([ |]|$)`).MatchString(cmd.Usage) {
		sub, subCode := help(args[0], args[1])
		if subCode == 0 {
			text, code = text+sub, 0
		}
	}
	if code != 0 {
		t.Errorf("%s: %q: %s --help exits %d", file, line, strings.Join(args[:min(2, len(args))], " "), code)
		return
	}
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name := strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-")
		if name == "" || strings.ContainsAny(name, "[]|") {
			continue
		}
		if !regexp.MustCompile(`(?m)(^|\s)-{1,2}` + regexp.QuoteMeta(name) + `\b`).MatchString(text + " " + cmd.Usage) {
			t.Errorf("%s: %q: %s has no flag --%s", file, line, args[0], name)
		}
	}
}

// checkTest checks `go test ARGS`: the packages exist, and -run/-bench patterns match a function of theirs.
func checkTest(t *testing.T, root, file, line string, args []string) {
	t.Helper()
	var patterns []string
	var pkgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-run" || a == "-bench":
			if i+1 < len(args) && args[i+1] != "^$" {
				patterns = append(patterns, args[i+1])
			}
			i++
		case a == "-benchtime" || a == "-count" || a == "-tags" || a == "-fuzz" || a == "-fuzztime" || a == "-timeout":
			i++
		case strings.HasPrefix(a, "./"):
			pkgs = append(pkgs, a)
		}
	}
	var names []string
	for _, p := range pkgs {
		dir := filepath.Join(root, strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/"))
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s: %q: no package %s", file, line, p)
			continue
		}
		tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, f := range tests {
			src, _ := os.ReadFile(f)
			for _, m := range regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz)\w+)\(`).FindAllStringSubmatch(string(src), -1) {
				names = append(names, m[1])
			}
		}
	}
	if strings.HasSuffix(strings.Join(pkgs, " "), "...") {
		return // a whole tree: its patterns may match in any package of it
	}
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			t.Errorf("%s: %q: pattern %q: %v", file, line, p, err)
			continue
		}
		found := false
		for _, n := range names {
			if re.MatchString(n) || re.MatchString(strings.TrimPrefix(strings.TrimPrefix(n, "Benchmark"), "Test")) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: %q: pattern %q matches no test or benchmark in %v", file, line, p, pkgs)
		}
	}
}

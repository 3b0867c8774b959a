package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// GuardState says whether one of the access log's guard triggers is as the migrations made it.
type GuardState string

// Guard states.
const (
	GuardInPlace GuardState = "in_place"
	GuardMissing GuardState = "missing"
	// GuardChanged: a trigger of that name exists but its definition is not the migrations' one (a guard
	// replaced by one that lets everything through still has its name).
	GuardChanged GuardState = "changed"
)

// Guard is one trigger that keeps the access log append-only, and where it stands in the database.
type Guard struct {
	Name  string
	Table string
	State GuardState
}

// accessLogTables are the tables whose triggers guard the log: the records, the head and the anchor.
var accessLogTables = []string{"access_log", "access_log_head", "access_log_anchor"}

// AccessLogGuards compares the triggers on the access log's tables with the ones the embedded migrations
// create (replayed in order: a trigger dropped and created again counts in its newest form), so that
// `audit verify` can say which guard was dropped or replaced by someone with access to the file. The
// expected set comes from the program, not from the database, which the attacker controls.
func (s *Store) AccessLogGuards(ctx context.Context) ([]Guard, error) {
	want, err := expectedAccessLogGuards()
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Name  string `db:"name"`
		Table string `db:"tbl_name"`
		SQL   string `db:"sql"`
	}
	if err := s.read.SelectContext(ctx, &rows, `
		SELECT name, tbl_name, coalesce(sql, '') AS sql
		FROM sqlite_master
		WHERE type = 'trigger'`); err != nil {
		return nil, fmt.Errorf("store: read triggers: %w", err)
	}
	have := map[string]string{}
	for _, r := range rows {
		have[r.Name] = normaliseSQL(r.SQL)
	}
	out := make([]Guard, 0, len(want))
	for _, g := range want {
		state := GuardInPlace
		switch sql, ok := have[g.name]; {
		case !ok:
			state = GuardMissing
		case sql != g.sql:
			state = GuardChanged
		}
		out = append(out, Guard{Name: g.name, Table: g.table, State: state})
	}
	return out, nil
}

type expectedGuard struct {
	name, table, sql string
}

var (
	guardsOnce sync.Once
	guards     []expectedGuard
	guardsErr  error

	sqlComment    = regexp.MustCompile(`--[^\n]*`)
	createTrigger = regexp.MustCompile(`(?is)\bCREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\b.*?\bEND\b`)
	dropTrigger   = regexp.MustCompile(`(?i)\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	triggerTable  = regexp.MustCompile(`(?i)\bON\s+(\w+)`)
)

// expectedAccessLogGuards replays the CREATE and DROP TRIGGER statements of the embedded migrations, in
// order, and keeps the triggers on the access log's tables.
func expectedAccessLogGuards() ([]expectedGuard, error) {
	guardsOnce.Do(func() {
		names, err := fs.Glob(migrations, "migrations/*.sql")
		if err != nil {
			guardsErr = err
			return
		}
		sort.Strings(names)
		current := map[string]expectedGuard{}
		for _, name := range names {
			body, err := fs.ReadFile(migrations, name)
			if err != nil {
				guardsErr = err
				return
			}
			text := sqlComment.ReplaceAllString(string(body), "")
			type event struct {
				at   int
				drop string
				def  expectedGuard
			}
			var events []event
			for _, m := range dropTrigger.FindAllStringSubmatchIndex(text, -1) {
				events = append(events, event{at: m[0], drop: text[m[2]:m[3]]})
			}
			for _, m := range createTrigger.FindAllStringSubmatchIndex(text, -1) {
				stmt := text[m[0]:m[1]]
				table := ""
				if t := triggerTable.FindStringSubmatch(stmt); t != nil {
					table = t[1]
				}
				events = append(events, event{at: m[0], def: expectedGuard{name: text[m[2]:m[3]], table: table, sql: normaliseSQL(stmt)}})
			}
			slices.SortFunc(events, func(a, b event) int { return a.at - b.at })
			for _, e := range events {
				if e.drop != "" {
					delete(current, e.drop)
				} else {
					current[e.def.name] = e.def
				}
			}
		}
		for _, g := range current {
			if slices.Contains(accessLogTables, g.table) {
				guards = append(guards, g)
			}
		}
		slices.SortFunc(guards, func(a, b expectedGuard) int { return strings.Compare(a.name, b.name) })
		if len(guards) == 0 {
			guardsErr = fmt.Errorf("store: the migrations create no trigger on the access log")
		}
	})
	return guards, guardsErr
}

// normaliseSQL strips comments and folds white space and case, so that a definition compares equal to
// the statement that created it.
func normaliseSQL(sql string) string {
	sql = sqlComment.ReplaceAllString(sql, "")
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(sql), ";")), " "))
}

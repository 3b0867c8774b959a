package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default("data").Validate(); err != nil {
		t.Fatalf("default configuration is invalid: %v", err)
	}
}

func TestLoadFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := `{"addr": "127.0.0.1:9443", "session": {"idle_timeout": "5m"}, "hospital": {"ura": "90000001", "administrators": ["900100011"]}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"ZVP_SESSION_ABSOLUTE_TIMEOUT": "2h",
		"ZVP_UZI_ADMIT_EMPLOYEE_CARDS": "true",
		"ZVP_UZI_ADMITTED_ROLES":       "01.015, 17.*",
		"ZVP_AUDIT_RETENTION_YEARS":    "7",
	}
	cfg, err := Load(dir, "", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Addr, "127.0.0.1:9443"; got != want {
		t.Errorf("addr = %q, want %q", got, want)
	}
	if got, want := cfg.Session.IdleTimeout.Duration, 5*time.Minute; got != want {
		t.Errorf("idle timeout = %v, want %v", got, want)
	}
	if got, want := cfg.Session.AbsoluteTimeout.Duration, 2*time.Hour; got != want {
		t.Errorf("absolute timeout = %v, want %v", got, want)
	}
	if cfg.Audit.RetentionYears != 7 {
		t.Errorf("audit retention = %d years, want 7 from the environment", cfg.Audit.RetentionYears)
	}
	if got := Default("data").Revocation.Refresh.Duration; got != 15*time.Minute {
		t.Errorf("default CRL refresh %v, want 15m (a quarter of the UZI-register's hourly publication)", got)
	}
	if Default("data").Audit.RetentionYears != 5 {
		t.Error("the default access-log retention is not 5 years")
	}
	if !cfg.UZI.AdmitEmployeeCards {
		t.Error("admit_employee_cards from the environment was not applied")
	}
	if got := strings.Join(cfg.UZI.AdmittedRoles, "|"); got != "01.015|17.*" {
		t.Errorf("admitted roles = %q", got)
	}
	if got := strings.Join(cfg.Hospital.Administrators, ","); got != "900100011" || cfg.Hospital.URA != "90000001" {
		t.Errorf("administrators %q of URA %q not applied", got, cfg.Hospital.URA)
	}
	if got, want := cfg.Path(cfg.Database), filepath.Join(dir, "portal.db"); got != want {
		t.Errorf("database path = %q, want %q", got, want)
	}
}

func TestLoadNamesTheBadKey(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		wantKey string
	}{
		{"unknown key", `{"adress": "x"}`, nil, `unknown field "adress"`},
		{"syntax error has a line", "{\n\"addr\": \"x\",,\n}", nil, "line 2"},
		{"bad duration", `{"session": {"idle_timeout": "soon"}}`, nil, "idle_timeout"},
		{"idle zero", `{"session": {"idle_timeout": "0s"}}`, nil, "session.idle_timeout"},
		{"absolute shorter than idle", `{"session": {"idle_timeout": "2h", "absolute_timeout": "1h"}}`, nil, "session.absolute_timeout"},
		{"addr without port", `{"addr": "localhost"}`, nil, "addr"},
		{"language", `{"language": "de"}`, nil, "language"},
		{"environment", `{"uzi": {"environment": "prod"}}`, nil, "uzi.environment"},
		{"oid ca card type", `{"uzi": {"oid_cas": {"2.16.528.1.1003.1.3.5.5.2": "X"}}}`, nil, "uzi.oid_cas"},
		{"role pattern", `{"uzi": {"admitted_roles": ["huisarts"]}}`, nil, "uzi.admitted_roles"},
		{"hospital ura", `{"hospital": {"ura": "123"}}`, nil, "hospital.ura"},
		{"administrator", `{"hospital": {"ura": "90000001", "administrators": ["12"]}}`, nil, "hospital.administrators"},
		{"administrators without the hospital's URA", `{"hospital": {"administrators": ["900100011"]}}`, nil, "hospital.ura"},
		{"administrators with an empty URA from the environment", `{"hospital": {"ura": "90000001", "administrators": ["900100011"]}}`, map[string]string{"ZVP_HOSPITAL_URA": " "}, "hospital.ura"},
		{"tls version", `{"tls": {"min_version": "1.0"}}`, nil, "tls.min_version"},
		{"tls max version", `{"tls": {"max_version": "1.1"}}`, nil, "tls.max_version"},
		{"tls max below min", `{"tls": {"min_version": "1.3", "max_version": "1.2"}}`, nil, "tls.max_version"},
		{"audit retention zero", `{"audit": {"retention_years": 0}}`, nil, "audit.retention_years"},
		{"audit retention env", `{}`, map[string]string{"ZVP_AUDIT_RETENTION_YEARS": "vijf"}, "audit.retention_years"},
		{"recent discharge days zero", `{"screens": {"recent_discharge_days": 0}}`, nil, "screens.recent_discharge_days"},
		{"searches per minute env", `{}`, map[string]string{"ZVP_SCREENS_SEARCHES_PER_MINUTE": "0"}, "screens.searches_per_minute"},
		{"env bool", `{}`, map[string]string{"ZVP_UZI_ADMIT_EMPLOYEE_CARDS": "ja"}, "ZVP_UZI_ADMIT_EMPLOYEE_CARDS"},
		{"env duration", `{}`, map[string]string{"ZVP_REVOCATION_REFRESH": "hourly"}, "revocation.refresh"},
		{"CRL refresh slower than the register publishes", `{"revocation": {"refresh": "2h"}}`, nil, "revocation.refresh"},
		{"ops addr without port", `{"ops": {"addr": "localhost"}}`, nil, "ops.addr"},
		{"ops addr same as addr", `{"addr": "127.0.0.1:9443", "ops": {"addr": "127.0.0.1:9443"}}`, nil, "ops.addr"},
		{"digest without relay", `{"digest": {"enabled": true, "from": "portaal@zh.nl", "portal_url": "https://portaal.zh.nl"}}`, nil, "digest.smtp_addr"},
		{"digest sender with a name", `{"digest": {"enabled": true, "smtp_addr": "relay:25", "from": "Portaal <portaal@zh.nl>", "portal_url": "https://portaal.zh.nl"}}`, nil, "digest.from"},
		{"digest plain http link", `{"digest": {"enabled": true, "smtp_addr": "relay:25", "from": "portaal@zh.nl", "portal_url": "http://portaal.zh.nl"}}`, nil, "digest.portal_url"},
		{"digest send time", `{}`, map[string]string{"ZVP_DIGEST_SEND_AT": "07:00,25:00"}, "digest.send_at"},
		{"digest confirm within", `{"digest": {"confirm_within": "1m"}}`, nil, "digest.confirm_within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir, "", func(k string) string { return tt.env[k] })
			if err == nil {
				t.Fatal("Load accepted a bad configuration")
			}
			if !strings.Contains(err.Error(), tt.wantKey) {
				t.Fatalf("error %q does not name %q", err, tt.wantKey)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := Default("data")
	cfg.Addr = "nope"
	cfg.Hospital.URA = "x"
	err := cfg.Validate()
	var keys []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ke *KeyError
		if errors.As(e, &ke) {
			keys = append(keys, ke.Key)
		}
	}
	if got := strings.Join(keys, ","); got != "addr,hospital.ura" {
		t.Fatalf("reported keys %q, want addr,hospital.ura", got)
	}
}

func TestWriteThenLoadRoundTrips(t *testing.T) {
	dir := t.TempDir()
	cfg := Default(dir)
	cfg.Hospital.Administrators = []string{"900100011"}
	cfg.Hospital.URA = "90000001"
	cfg.UZI.OIDCAs = map[string]string{"2.16.528.1.1007.99.9002": "Z"}
	if err := cfg.Write(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.UZI.OIDCAs["2.16.528.1.1007.99.9002"] != "Z" || got.Hospital.URA != "90000001" || len(got.Hospital.Administrators) != 1 {
		t.Fatalf("round trip lost settings: %+v", got)
	}
}

func TestEveryKeyHasAnEnvironmentName(t *testing.T) {
	keys := Keys()
	if len(keys) < 20 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		if !strings.HasPrefix(EnvName(k), EnvPrefix) || strings.Contains(EnvName(k), ".") {
			t.Errorf("key %s has environment name %s", k, EnvName(k))
		}
	}
}

func TestOpsListenerCanBeSwitchedOff(t *testing.T) {
	if d := Default("data"); d.Ops.Addr != "127.0.0.1:9090" || d.Ops.Disabled() {
		t.Fatalf("default ops.addr = %q, want 127.0.0.1:9090 (loopback only)", d.Ops.Addr)
	}
	tests := []struct {
		name string
		file string
		env  map[string]string
		off  bool
	}{
		{"empty in the file", `{"ops": {"addr": ""}}`, nil, true},
		{"off in the environment", `{}`, map[string]string{"ZVP_OPS_ADDR": "off"}, true},
		{"other address in the environment", `{}`, map[string]string{"ZVP_OPS_ADDR": "0.0.0.0:9100"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(dir, "", func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Ops.Disabled() != tt.off {
				t.Fatalf("ops.addr %q: disabled = %v, want %v", cfg.Ops.Addr, cfg.Ops.Disabled(), tt.off)
			}
		})
	}
}

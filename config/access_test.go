package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAccessDefaultsAndValidation(t *testing.T) {
	cfg := Default("data")
	if !cfg.Access.Emergency.Enabled || cfg.Access.Emergency.Duration.Duration != 24*time.Hour {
		t.Fatalf("emergency defaults %+v", cfg.Access.Emergency)
	}
	tests := []struct {
		name   string
		change func(*AccessConfig)
		key    string
		says   string
	}{
		{"unknown category", func(a *AccessConfig) {
			a.RoleScope["17.*"] = RoleScopeConfig{Recipient: "apotheken", Categories: []string{"genome"}}
		}, "access.role_scope", `"genome"`},
		{"unknown recipient", func(a *AccessConfig) {
			a.RoleScope["17.*"] = RoleScopeConfig{Recipient: "drogisterijen", Categories: []string{"lab"}}
		}, "access.role_scope", `"drogisterijen"`},
		{"scope without recipient", func(a *AccessConfig) {
			a.RoleScope["04.000"] = RoleScopeConfig{Categories: []string{"summary"}}
		}, "access.role_scope", "needs a recipient"},
		{"bad pattern", func(a *AccessConfig) { a.RoleScope["pharmacists"] = RoleScopeConfig{} }, "access.role_scope", `"pharmacists"`},
		{"company doctor", func(a *AccessConfig) {
			a.RoleScope["01.008"] = RoleScopeConfig{Recipient: "medisch_specialisten", Categories: []string{"summary"}}
		}, "access.role_scope", "never"},
		{"zero days", func(a *AccessConfig) { a.RelationshipDays.Invited = 0 }, "access.relationship_days.invited", "days"},
		{"long emergency", func(a *AccessConfig) { a.Emergency.Duration = Duration{Duration: 30 * 24 * time.Hour} }, "access.emergency.duration", "short-lived"},
		{"short reason", func(a *AccessConfig) { a.Emergency.MinReasonLength = 2 }, "access.emergency.min_reason_length", "10 to 500"},
		{"no emergencies at all", func(a *AccessConfig) { a.Emergency.MaxPerDay = 0 }, "access.emergency.max_per_day", "1 to 50"},
		{"unbounded emergencies", func(a *AccessConfig) { a.Emergency.MaxPerDay = 1000 }, "access.emergency.max_per_day", "1 to 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default("data")
			tt.change(&cfg.Access)
			err := cfg.Validate()
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != tt.key || !strings.Contains(ke.Problem, tt.says) {
				t.Fatalf("Validate = %v, want a problem with %s saying %q", err, tt.key, tt.says)
			}
		})
	}
}

// TestAccessRoleScopeFromFileAndEnvironment: a file entry replaces the default row of its pattern, the
// scalar keys have environment variables, and the map says clearly that it is file-only.
func TestAccessRoleScopeFromFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := `{"access": {"role_scope": {"17.*": {"recipient": "apotheken", "categories": ["medication"]}}, "emergency": {"duration": "12h"}}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ZVP_ACCESS_EMERGENCY_ENABLED": "false", "ZVP_ACCESS_RELATIONSHIP_DAYS_INVITED": "7"}
	cfg, err := Load(dir, "", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Access.RoleScope["17.*"].Categories; len(got) != 1 || got[0] != "medication" {
		t.Errorf("17.* = %v", got)
	}
	if _, ok := cfg.Access.RoleScope["01.015"]; !ok {
		t.Error("the file dropped the default rows it did not name")
	}
	if cfg.Access.Emergency.Enabled || cfg.Access.Emergency.Duration.Duration != 12*time.Hour || cfg.Access.RelationshipDays.Invited != 7 {
		t.Errorf("access = %+v", cfg.Access)
	}
	env = map[string]string{"ZVP_ACCESS_ROLE_SCOPE": "17.*=lab"}
	if _, err := Load(dir, "", func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "access.role_scope") {
		t.Fatalf("role scope from the environment: %v", err)
	}
}

// TestAdmissionAndRoleScopeAgree: a role admitted by name, or a prefix admitted as a whole, must have data
// to see; otherwise the configuration is refused at start-up, naming uzi.admitted_roles. A code under an
// admitted prefix with an empty row of its own (01.070 under 01.0*) is allowed here and refused at login.
func TestAdmissionAndRoleScopeAgree(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		bad    string // the role the error must name; empty: valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"arts without a specialism admitted with its scope", func(c *Config) { c.UZI.AdmittedRoles = append(c.UZI.AdmittedRoles, "01.000") }, ""},
		{"youth-health doctor admitted by name", func(c *Config) { c.UZI.AdmittedRoles = append(c.UZI.AdmittedRoles, "01.070") }, "01.070"},
		{"a profession nothing scopes", func(c *Config) { c.UZI.AdmittedRoles = append(c.UZI.AdmittedRoles, "04.*") }, "04.*"},
		{"arts whose scope was emptied", func(c *Config) {
			c.Access.RoleScope["01.000"] = RoleScopeConfig{Categories: []string{}}
			c.UZI.AdmittedRoles = append(c.UZI.AdmittedRoles, "01.000")
		}, "01.000"},
		{"a prefix whose own row is empty", func(c *Config) { c.Access.RoleScope["30.*"] = RoleScopeConfig{Categories: []string{}} }, "30.*"},
		{"a wide prefix over rows with data", func(c *Config) { c.UZI.AdmittedRoles = []string{"01.*"} }, ""},
		{"never-admitted roles need no scope", func(c *Config) { c.UZI.AdmittedRoles = append(c.UZI.AdmittedRoles, "01.008") }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default("data")
			cfg.Access.RoleScope = maps.Clone(cfg.Access.RoleScope)
			tt.change(&cfg)
			err := cfg.Validate()
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != "uzi.admitted_roles" || !strings.Contains(ke.Problem, "admits "+tt.bad+",") {
				t.Fatalf("Validate = %v, want uzi.admitted_roles naming %s", err, tt.bad)
			}
		})
	}
}

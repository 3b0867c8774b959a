package agb

import (
	"context"
	"errors"
	"testing"
)

func TestMapRegister(t *testing.T) {
	m, err := NewMapRegister(gp(), practice())
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 2 {
		t.Fatalf("Len() = %d", m.Len())
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		code    Code
		wantErr error
	}{
		{name: "found", ctx: context.Background(), code: "01900001"},
		{name: "not found", ctx: context.Background(), code: "01900002", wantErr: ErrNotFound},
		{name: "invalid code", ctx: context.Background(), code: "019", wantErr: ErrInvalidCode},
		{name: "none", ctx: context.Background(), code: None, wantErr: ErrNoCode},
		{name: "cancelled context fails closed", ctx: cancelled, code: "01900001", wantErr: ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Lookup(tt.ctx, tt.code)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Lookup error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Code != tt.code {
				t.Fatalf("Lookup = %+v, %v", got, err)
			}
		})
	}

	t.Run("hands out copies", func(t *testing.T) {
		r, _ := m.Lookup(context.Background(), "01900001")
		r.Qualifications[0].Code = "0102"
		again, _ := m.Lookup(context.Background(), "01900001")
		if again.Qualifications[0].Code != "0101" {
			t.Fatal("a caller changed the stored registration")
		}
	})
	t.Run("put replaces, delete removes", func(t *testing.T) {
		r := gp()
		r.Surname = "Visser"
		if err := m.Put(r); err != nil {
			t.Fatal(err)
		}
		got, _ := m.Lookup(context.Background(), r.Code)
		if got.Surname != "Visser" {
			t.Fatalf("Put did not replace: %q", got.Surname)
		}
		m.Delete(r.Code)
		if _, err := m.Lookup(context.Background(), r.Code); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after Delete: %v", err)
		}
	})
	t.Run("put refuses invalid", func(t *testing.T) {
		r := gp()
		r.Status = ""
		if err := m.Put(r); !errors.Is(err, ErrInvalidRegistration) {
			t.Fatalf("Put = %v", err)
		}
	})
	t.Run("new refuses duplicates", func(t *testing.T) {
		if _, err := NewMapRegister(gp(), gp()); !errors.Is(err, ErrInvalidRegistration) {
			t.Fatalf("NewMapRegister = %v", err)
		}
	})
	t.Run("zero value is usable", func(t *testing.T) {
		var z MapRegister
		if _, err := z.Lookup(context.Background(), "01900001"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Lookup = %v", err)
		}
		if err := z.Put(gp()); err != nil {
			t.Fatal(err)
		}
	})
}

package devpki

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEnsureLayout(t *testing.T) {
	p := sharedPKI(t)
	paths := p.Paths()
	files := []struct {
		path  string
		mode  fs.FileMode
		certs int
	}{
		{paths.ServerCA, modePublic, 1},
		{paths.ServerCert, modePublic, 2},
		{paths.ServerKey, modePrivate, 0},
		{paths.ClientCABundle, modePublic, 4},
		{paths.P12Password, modePrivate, 0},
		{filepath.Join(paths.PKIDir, "root-ca.key"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "level2-ca.key"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "zorgverlener-ca.key"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "medewerker-op-naam-ca.key"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "server-ca.key"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "zorgverlener-ca.bbolt"), modePrivate, 0},
		{filepath.Join(paths.PKIDir, "crl", "zorgverlener-ca.crl"), modePublic, 0},
		{filepath.Join(paths.PKIDir, "crl", "medewerker-op-naam-ca.crl"), modePublic, 0},
	}
	cf, err := p.CardFiles(CardGP)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path  string
		mode  fs.FileMode
		certs int
	}{
		{cf.Certificate, modePublic, 3}, {cf.Key, modePrivate, 0}, {cf.PKCS12, modePrivate, 0},
		{cf.SigningCertificate, modePublic, 3}, {cf.SigningKey, modePrivate, 0},
		{cf.EncryptionCertificate, modePublic, 3}, {cf.EncryptionKey, modePrivate, 0},
	} {
		files = append(files, f)
	}
	for _, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			st, err := os.Stat(f.path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != f.mode {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), f.mode)
			}
			if f.certs > 0 {
				certs, err := readCerts(f.path)
				if err != nil || len(certs) != f.certs {
					t.Errorf("%d certificates (%v), want %d", len(certs), err, f.certs)
				}
			}
		})
	}
	if got, want := filepath.Base(cf.SigningCertificate), "gp-signing.pem"; got != want {
		t.Errorf("signing file = %s, want %s", got, want)
	}
	if got, want := filepath.Base(cf.EncryptionKey), "gp-encryption.key"; got != want {
		t.Errorf("encryption key file = %s, want %s", got, want)
	}
	if pw, err := p.P12Password(); err != nil || len(pw) < 20 {
		t.Errorf("P12Password = %q, %v", pw, err)
	}
}

func TestEnsureReopens(t *testing.T) {
	dir := privateCopy(t)
	ctx := context.Background()
	p1, err := Ensure(ctx, Options{Dir: dir, Cards: fixtureCards})
	if err != nil {
		t.Fatal(err)
	}
	gp1 := mustCard(t, p1, CardGP)

	// Asking for one more card creates only that card; the CA material and the other cards stay as they are.
	before := snapshot(t, dir)
	p2, err := Ensure(ctx, Options{Dir: dir, Cards: append([]string{CardPharmacist}, fixtureCards...)})
	if err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	for path, stamp := range before {
		if kept := filepath.Ext(path) == ".pem" || filepath.Ext(path) == ".key" || filepath.Ext(path) == ".p12"; kept && after[path] != stamp {
			t.Errorf("%s was rewritten", path)
		}
	}
	if _, err := p2.Card(CardPharmacist); err != nil {
		t.Errorf("added card missing: %v", err)
	}

	// A further open is a pure re-open: same certificates, nothing written at all.
	before = snapshot(t, dir)
	p3, err := Ensure(ctx, Options{Dir: dir, CRLBaseURL: DefaultCRLBaseURL, Cards: []string{CardGP, CardPharmacist}})
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Error("re-opening a complete folder changed files")
	}
	gp3 := mustCard(t, p3, CardGP)
	if !bytes.Equal(gp1.Authentication.Certificate.Raw, gp3.Authentication.Certificate.Raw) || !p1.Root().Equal(p3.Root()) {
		t.Error("re-open returned other certificates")
	}
}

func TestEnsureRestoresMissingParts(t *testing.T) {
	dir := privateCopy(t)
	paths := newPaths(dir)
	before, err := readCert(paths.cardFiles(CardGP).Certificate)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{paths.cardFiles(CardGP).PKCS12, paths.crl(MedewerkerOpNaamCA)} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	p, err := Ensure(context.Background(), Options{Dir: dir, Cards: []string{CardGP}})
	if err != nil {
		t.Fatal(err)
	}
	if !exists(paths.crl(MedewerkerOpNaamCA)) {
		t.Error("CRL not restored")
	}
	after := mustCard(t, p, CardGP)
	if bytes.Equal(before.Raw, after.Authentication.Certificate.Raw) {
		t.Error("incomplete card was not re-issued")
	}
}

func TestEnsureRenewsServerCertificate(t *testing.T) {
	dir := privateCopy(t)
	before, err := readCert(newPaths(dir).ServerCert)
	if err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return before.NotAfter.Add(-serverCertRenewBefore / 2) }
	p, err := Ensure(context.Background(), Options{Dir: dir, Cards: []string{}, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := p.ServerTLSCertificate()
	if err != nil {
		t.Fatal(err)
	}
	if !tc.Leaf.NotAfter.After(before.NotAfter) {
		t.Errorf("server certificate not renewed: NotAfter %v", tc.Leaf.NotAfter)
	}
	if err := tc.Leaf.CheckSignatureFrom(p.ServerCA()); err != nil {
		t.Errorf("renewed certificate not signed by the server CA: %v", err)
	}
}

func TestEnsureErrors(t *testing.T) {
	dir := privateCopy(t)
	tests := []struct {
		name string
		opts Options
		want error
	}{
		{"no folder", Options{}, ErrInvalidOptions},
		{"unknown card", Options{Dir: dir, Cards: []string{"surgeon"}}, ErrUnknownCard},
		{"relative CRL URL", Options{Dir: dir, CRLBaseURL: "/crl/"}, ErrInvalidOptions},
		{"other CRL URL", Options{Dir: dir, CRLBaseURL: "http://localhost:9999/crl/"}, ErrCRLBaseURLChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Ensure(context.Background(), tt.opts); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	// The same URL without the trailing slash is the same URL.
	if _, err := Ensure(context.Background(), Options{Dir: dir, CRLBaseURL: "http://localhost:8480/crl", Cards: []string{}}); err != nil {
		t.Errorf("equivalent CRL URL refused: %v", err)
	}
}

func TestCardErrors(t *testing.T) {
	p := sharedPKI(t)
	if _, err := p.Card("surgeon"); !errors.Is(err, ErrUnknownCard) {
		t.Errorf("unknown card: %v", err)
	}
	if _, err := p.Card(CardNurse); !errors.Is(err, ErrCardNotCreated) {
		t.Errorf("card not created: %v", err)
	}
	if err := p.Revoke(context.Background(), CardNurse); !errors.Is(err, ErrCardNotCreated) {
		t.Errorf("revoke card not created: %v", err)
	}
	if _, err := p.CardFiles("surgeon"); !errors.Is(err, ErrUnknownCard) {
		t.Errorf("CardFiles unknown card: %v", err)
	}
}

// snapshot maps every file in dir to its modification time and size.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		m[path] = fmt.Sprintf("%v/%d", info.ModTime(), info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

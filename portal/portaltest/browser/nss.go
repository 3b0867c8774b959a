package browser

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"zorgverlenersportaal/portal/portaltest"
)

// newNSSDatabase creates the certificate store Chromium reads on Linux, $HOME/.pki/nssdb, holding the
// portal's server CA (trusted for TLS servers) and, unless card is NoCard, the card's authentication
// certificate and key from its PKCS#12 file: exactly what a provider's browser has after importing the
// card, and nothing else, so that the auto-select policy can only ever pick this card.
func newNSSDatabase(home string, env *portaltest.Env, card string) error {
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		return err
	}
	sqlDB := "sql:" + db
	if err := runTool("certutil", "-d", sqlDB, "-N", "--empty-password"); err != nil {
		return err
	}
	paths := env.PKI.Paths()
	if err := runTool("certutil", "-d", sqlDB, "-A", "-t", "C,,", "-n", "portal-server-ca", "-i", paths.ServerCA); err != nil {
		return err
	}
	if card == NoCard {
		return nil
	}
	files, err := env.PKI.CardFiles(card)
	if err != nil {
		return err
	}
	password, err := env.PKI.P12Password()
	if err != nil {
		return err
	}
	// The password goes in a file of the throw-away HOME rather than on the command line.
	pwFile := filepath.Join(home, "p12-password")
	if err := os.WriteFile(pwFile, []byte(password), 0o600); err != nil {
		return err
	}
	return runTool("pk12util", "-d", sqlDB, "-i", files.PKCS12, "-w", pwFile)
}

// runTool runs one NSS tool and returns its output with the error, which is the only useful diagnosis.
func runTool(name string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %w: %s", name, args, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

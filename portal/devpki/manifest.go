package devpki

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// manifestVersion changes when the layout of the data folder changes in a way old folders cannot be read.
const manifestVersion = 1

// manifest records the choices that are baked into certificates, so that re-opening a folder with other
// options fails loudly instead of serving cards whose CRL URL points nowhere. It is written after the CA
// hierarchy is complete and so also marks a folder as initialised.
type manifest struct {
	Version    int       `json:"version"`
	CRLBaseURL string    `json:"crlBaseURL"`
	Created    time.Time `json:"created"`
}

// readManifest returns the manifest, or ok=false when the folder has not been initialised.
func readManifest(path string) (m manifest, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return manifest{}, false, nil
	}
	if err != nil {
		return manifest{}, false, fmt.Errorf("read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return manifest{}, false, fmt.Errorf("parse manifest: %w", err)
	}
	if m.Version != manifestVersion {
		return manifest{}, false, fmt.Errorf("%w: data folder has layout version %d, this code reads %d; remove the folder",
			ErrInvalidOptions, m.Version, manifestVersion)
	}
	return m, true, nil
}

func writeManifest(path string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	return writeFileAtomic(path, append(b, '\n'), modePublic)
}

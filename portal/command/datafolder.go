package command

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"zorgverlenersportaal/config"
)

// Every command that takes --data either creates a missing data folder or says plainly what to do, never
// "unable to open database file". Commands that bring data in (import, agb import, pki init, and demo and
// gen, which create their folder themselves) create it, with the demo's permissions: only the portal's
// own user may read a folder that holds patient data and keys. Commands that read or change what a folder
// already holds (serve, audit, consent, relation, keys, agb show, pki revoke, load bare) refuse: a typo in
// --data must not start an empty portal, verify an empty log or rotate keys nobody uses.

// ErrNoDataFolder means --data names a folder that does not exist, for a command that does not create one.
var ErrNoDataFolder = errors.New("the data folder does not exist")

// dataFolderPerm is the mode of a created data folder, the same as demo and gen use.
const dataFolderPerm = 0o700

// folderUse says what a command does with a data folder that does not exist yet.
type folderUse int

const (
	// createFolder makes the folder (and the database's folder when the configuration puts it elsewhere).
	createFolder folderUse = iota
	// existingFolder requires the folder to be there.
	existingFolder
)

// prepareDataFolder checks, or creates, the data folder of cfg and the folder its database lives in.
func prepareDataFolder(cfg config.Config, use folderUse) error {
	if err := prepareFolder(cfg.DataDir, "--data", use); err != nil {
		return err
	}
	if db := cfg.Path(cfg.Database); db != "" {
		if err := prepareFolder(filepath.Dir(db), "the database's folder (database = "+db+")", use); err != nil {
			return err
		}
	}
	return nil
}

func prepareFolder(dir, what string, use folderUse) error {
	if dir == "" {
		dir = "."
	}
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return nil
	case err == nil:
		return fmt.Errorf("%s %s is a file, not a folder: name the folder that holds (or is to hold) the portal's database", what, dir)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s %s: %w", what, dir, err)
	case use == createFolder:
		if err := os.MkdirAll(dir, dataFolderPerm); err != nil {
			return fmt.Errorf("create data folder %s: %w", dir, err)
		}
		return nil
	default:
		return fmt.Errorf("%w: %s %s. Name the folder that holds the portal's database with --data (default ./data), "+
			"or make one first: 'zorgverlenersportaal import --data %s FILE...' imports the hospital's FHIR data into a new folder, "+
			"'zorgverlenersportaal demo --data %s' makes a demonstration", ErrNoDataFolder, what, dir, dir, dir)
	}
}

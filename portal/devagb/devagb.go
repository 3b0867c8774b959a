// Package devagb is the development AGB register: the register file of the demo hospital, written for the
// test cards of portal/devpki. The demo imports it into an empty register and the test harness gives every
// test portal a register with it, so that the demo cards can log in and every AGB refusal has a code to
// show it with. Nothing here is meant for production.
package devagb

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"

	"zorgverlenersportaal/agb"
)

// RegisterCSV is the demo register in the import layout of agb.ParseRegisterCSV.
//
//go:embed register.csv
var RegisterCSV []byte

// Codes of the demo register that tests and the README refer to.
const (
	// CodeGPNoAGB is Bram Jansen's (card gp-no-agb) code: in the register, not on his card.
	CodeGPNoAGB = "01023456"
	// CodeEnded is an older registration of Bram Jansen that ended.
	CodeEnded = "01067890"
	// CodePharmacistJansen is a pharmacist called Jansen: his code does not fit a GP's card.
	CodePharmacistJansen = "02078901"
	// CodeOtherSurname is Carla Bakker's code (card gp-other): another surname than Bram Jansen's.
	CodeOtherSurname = "01034567"
	// CodePractice is the GP practice De Linde, an onderneming, not a zorgverlener.
	CodePractice = "01001001"
	// CodeUnknown is a well-formed code that is not in the register.
	CodeUnknown = "01099999"
)

// Registrations parses RegisterCSV. It fails only if the embedded file is broken, which its test prevents.
func Registrations() ([]agb.Registration, error) {
	regs, lineErrs, err := agb.ParseRegisterCSV(bytes.NewReader(RegisterCSV))
	if err != nil {
		return nil, fmt.Errorf("devagb: %w", err)
	}
	if len(lineErrs) > 0 {
		errs := make([]error, len(lineErrs))
		for i, le := range lineErrs {
			errs[i] = le
		}
		return nil, fmt.Errorf("devagb: register.csv: %w", errors.Join(errs...))
	}
	return regs, nil
}

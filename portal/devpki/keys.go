package devpki

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Key sizes. The CAs get 3072 bits, the card certificates 2048 bits as on a real UZI card.
const (
	caKeyBits   = 3072
	cardKeyBits = 2048
)

// generateRSAKeys makes n keys in parallel, one goroutine per CPU: RSA key generation is what makes
// creating the full card set slow, and the keys are independent.
func generateRSAKeys(ctx context.Context, bits, n int) ([]*rsa.PrivateKey, error) {
	keys := make([]*rsa.PrivateKey, n)
	errs := make([]error, n)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			keys[i], errs[i] = rsa.GenerateKey(rand.Reader, bits)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("generate %d RSA-%d keys: %w", n, bits, err)
	}
	return keys, nil
}

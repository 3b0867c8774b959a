package devpki

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"unicode/utf16"
)

// This file encodes the PKCS#12 (RFC 7292) file through which a developer imports a card into a browser.
// Nothing in the module graph writes PKCS#12 (golang.org/x/crypto/pkcs12 only reads, and only the legacy
// RC2/3DES algorithms), so the encoder is written here against the RFC. It produces what OpenSSL 3 writes
// by default and NSS (Chromium, Firefox) and OpenSSL both import: the key in a pkcs8ShroudedKeyBag and the
// certificates in an encryptedData, both PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, and an
// HMAC-SHA256 integrity MAC whose key comes from the PKCS#12 key derivation of appendix B.

const (
	// pkcs12Iterations is the PBKDF2 and MAC iteration count, OpenSSL 3's default.
	pkcs12Iterations = 2048
	// pkcs12SaltSize is the size of every salt and of the AES IV.
	pkcs12SaltSize = 16
	// pkcs12MACKeyID is the "ID" byte of the appendix B derivation that produces a MAC key.
	pkcs12MACKeyID = 3
)

// Object identifiers of RFC 7292, PKCS#5 (RFC 8018) and PKCS#7 used in the file.
var (
	oidPKCS7Data           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidPKCS7EncryptedData  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidPKCS8ShroudedKeyBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidPBES2               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACWithSHA256      = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAES256CBC           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidSHA256              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
)

// ASN.1 structures. encoding/asn1 ignores tag parameters on RawValue fields when marshalling, so the
// "[0] EXPLICIT" wrappers of ContentInfo and SafeBag are built by explicitTag0 instead of struct tags.
type (
	pfxPDU struct {
		Version  int
		AuthSafe contentInfo
		MacData  macData
	}
	contentInfo struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue // [0] EXPLICIT
	}
	macData struct {
		Mac        digestInfo
		MacSalt    []byte
		Iterations int
	}
	digestInfo struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
	encryptedData struct {
		Version              int
		EncryptedContentInfo encryptedContentInfo
	}
	encryptedContentInfo struct {
		ContentType                asn1.ObjectIdentifier
		ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
		EncryptedContent           []byte `asn1:"tag:0,optional"`
	}
	safeBag struct {
		ID         asn1.ObjectIdentifier
		Value      asn1.RawValue     // [0] EXPLICIT
		Attributes []pkcs12Attribute `asn1:"set,optional"`
	}
	pkcs12Attribute struct {
		ID    asn1.ObjectIdentifier
		Value asn1.RawValue // SET OF, with one value
	}
	certBag struct {
		ID   asn1.ObjectIdentifier
		Data []byte `asn1:"tag:0,explicit"`
	}
	encryptedPrivateKeyInfo struct {
		Algorithm     pkix.AlgorithmIdentifier
		EncryptedData []byte
	}
	pbes2Params struct {
		KeyDerivationFunc pkix.AlgorithmIdentifier
		EncryptionScheme  pkix.AlgorithmIdentifier
	}
	pbkdf2Params struct {
		Salt       []byte
		Iterations int
		PRF        pkix.AlgorithmIdentifier
	}
)

// encodePKCS12 returns a password-protected PKCS#12 file with the key, its certificate and the chain. The
// key and the leaf certificate share a friendlyName (the nickname NSS shows) and a localKeyId (how both
// NSS and OpenSSL pair the key with its certificate).
func encodePKCS12(key crypto.PrivateKey, leaf *x509.Certificate, chain []*x509.Certificate, friendlyName, password string) ([]byte, error) {
	fail := func(err error) ([]byte, error) { return nil, fmt.Errorf("encode PKCS#12: %w", err) }

	keyID := sha1.Sum(leaf.Raw)
	attrs, err := pkcs12Attributes(keyID[:], friendlyName)
	if err != nil {
		return fail(err)
	}

	certsInfo, err := pkcs12CertificatesInfo(append([]*x509.Certificate{leaf}, chain...), attrs, password)
	if err != nil {
		return fail(err)
	}
	keyInfo, err := pkcs12KeyInfo(key, attrs, password)
	if err != nil {
		return fail(err)
	}
	authSafe, err := asn1.Marshal([]contentInfo{certsInfo, keyInfo})
	if err != nil {
		return fail(err)
	}

	macSalt, err := randomBytes(pkcs12SaltSize)
	if err != nil {
		return fail(err)
	}
	mac := hmac.New(sha256.New, pkcs12KDF(password, macSalt, pkcs12Iterations, pkcs12MACKeyID, sha256.Size))
	mac.Write(authSafe)

	authSafeOctets, err := asn1.Marshal(authSafe)
	if err != nil {
		return fail(err)
	}
	der, err := asn1.Marshal(pfxPDU{
		Version:  3,
		AuthSafe: contentInfo{ContentType: oidPKCS7Data, Content: explicitTag0(authSafeOctets)},
		MacData: macData{
			Mac: digestInfo{
				Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue},
				Digest:    mac.Sum(nil),
			},
			MacSalt:    macSalt,
			Iterations: pkcs12Iterations,
		},
	})
	if err != nil {
		return fail(err)
	}
	return der, nil
}

// pkcs12CertificatesInfo puts the certificates in an encrypted SafeContents; only the first, the leaf,
// carries the attributes that pair it with the key.
func pkcs12CertificatesInfo(certs []*x509.Certificate, leafAttrs []pkcs12Attribute, password string) (contentInfo, error) {
	bags := make([]safeBag, 0, len(certs))
	for i, c := range certs {
		b, err := asn1.Marshal(certBag{ID: oidX509Certificate, Data: c.Raw})
		if err != nil {
			return contentInfo{}, err
		}
		bag := safeBag{ID: oidCertBag, Value: explicitTag0(b)}
		if i == 0 {
			bag.Attributes = leafAttrs
		}
		bags = append(bags, bag)
	}
	contents, err := asn1.Marshal(bags)
	if err != nil {
		return contentInfo{}, err
	}
	alg, ciphertext, err := pbes2Encrypt(password, contents)
	if err != nil {
		return contentInfo{}, err
	}
	ed, err := asn1.Marshal(encryptedData{
		EncryptedContentInfo: encryptedContentInfo{
			ContentType:                oidPKCS7Data,
			ContentEncryptionAlgorithm: alg,
			EncryptedContent:           ciphertext,
		},
	})
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{ContentType: oidPKCS7EncryptedData, Content: explicitTag0(ed)}, nil
}

// pkcs12KeyInfo puts the key, encrypted as an EncryptedPrivateKeyInfo, in a plain SafeContents; the
// shrouded key bag is already encrypted, so encrypting its SafeContents again would add nothing.
func pkcs12KeyInfo(key crypto.PrivateKey, attrs []pkcs12Attribute, password string) (contentInfo, error) {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return contentInfo{}, err
	}
	alg, ciphertext, err := pbes2Encrypt(password, pkcs8)
	if err != nil {
		return contentInfo{}, err
	}
	epki, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: alg, EncryptedData: ciphertext})
	if err != nil {
		return contentInfo{}, err
	}
	contents, err := asn1.Marshal([]safeBag{{ID: oidPKCS8ShroudedKeyBag, Value: explicitTag0(epki), Attributes: attrs}})
	if err != nil {
		return contentInfo{}, err
	}
	octets, err := asn1.Marshal(contents)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{ContentType: oidPKCS7Data, Content: explicitTag0(octets)}, nil
}

// pkcs12Attributes returns the localKeyId and friendlyName bag attributes.
func pkcs12Attributes(keyID []byte, friendlyName string) ([]pkcs12Attribute, error) {
	id, err := asn1.Marshal(keyID)
	if err != nil {
		return nil, err
	}
	name, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagBMPString, Bytes: bmpString(friendlyName, false)})
	if err != nil {
		return nil, err
	}
	set := func(v []byte) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: v}
	}
	return []pkcs12Attribute{
		{ID: oidLocalKeyID, Value: set(id)},
		{ID: oidFriendlyName, Value: set(name)},
	}, nil
}

// pbes2Encrypt encrypts with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and returns the algorithm identifier
// that describes it. The password enters PBKDF2 as UTF-8, as OpenSSL and NSS do for PBES2 in PKCS#12.
func pbes2Encrypt(password string, plaintext []byte) (pkix.AlgorithmIdentifier, []byte, error) {
	var zero pkix.AlgorithmIdentifier
	salt, err := randomBytes(pkcs12SaltSize)
	if err != nil {
		return zero, nil, err
	}
	iv, err := randomBytes(aes.BlockSize)
	if err != nil {
		return zero, nil, err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, pkcs12Iterations, 32)
	if err != nil {
		return zero, nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return zero, nil, err
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	padded := make([]byte, len(plaintext), len(plaintext)+pad)
	copy(padded, plaintext)
	for range pad {
		padded = append(padded, byte(pad))
	}
	ciphertext := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ciphertext, padded)

	kdf, err := asn1.Marshal(pbkdf2Params{
		Salt:       salt,
		Iterations: pkcs12Iterations,
		PRF:        pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return zero, nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return zero, nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return zero, nil, err
	}
	return pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, ciphertext, nil
}

// pkcs12KDF is the key derivation of RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64 bytes), still the
// only way to derive the MAC key of a PKCS#12 file. The password is a NUL-terminated BMPString.
func pkcs12KDF(password string, salt []byte, iterations int, id byte, size int) []byte {
	const v = 64 // the input block size of SHA-256 in bytes
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(repeatToBlocks(salt, v), repeatToBlocks(bmpString(password, true), v)...)

	var out []byte
	for len(out) < size {
		h := sha256.New()
		h.Write(d)
		h.Write(in)
		a := h.Sum(nil)
		for range iterations - 1 {
			s := sha256.Sum256(a)
			a = s[:]
		}
		out = append(out, a...)
		if len(out) >= size {
			break
		}
		// I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, B being A repeated to v bytes.
		b := repeatToBlocks(a, v)[:v]
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(b[k]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

// repeatToBlocks repeats b to the smallest multiple of v bytes that holds it; empty stays empty.
func repeatToBlocks(b []byte, v int) []byte {
	if len(b) == 0 {
		return nil
	}
	n := (len(b) + v - 1) / v * v
	out := make([]byte, n)
	for i := range out {
		out[i] = b[i%len(b)]
	}
	return out
}

// bmpString encodes s as big-endian UTF-16, optionally with the two-byte terminator of a PKCS#12 password.
func bmpString(s string, terminate bool) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units)+2)
	for _, c := range units {
		out = append(out, byte(c>>8), byte(c))
	}
	if terminate {
		out = append(out, 0, 0)
	}
	return out
}

// explicitTag0 wraps DER in a context-specific constructed [0] tag.
func explicitTag0(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}

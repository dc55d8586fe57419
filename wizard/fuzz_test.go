package wizard

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Fuzz targets: the validators must never panic and what they accept must satisfy the
// properties they promise; the decoders must never panic, and whatever they accept must
// re-encode canonically to a fixed point — through JSON and through YAML. Seed corpora
// live in testdata/fuzz/<FuzzName>/.

func FuzzValidateAsset(f *testing.F) {
	f.Add("erc20", "ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "Token", "TKN", 18, true, "")
	f.Add("erc1155", "base", "0x7d5b1e2c9a4f3e8b6d0c1a2f3e4d5c6b7a8f9e0d", "Pass", "", 0, false, "1")
	f.Add("native", "base", "", "Ether", "ETH", 18, false, "")
	f.Fuzz(func(t *testing.T, typ, chain, contract, name, symbol string, decimals int, hasDecimals bool, tokenID string) {
		a := Asset{ID: "a1", Type: AssetType(typ), Chain: chain, Contract: contract, Name: name, Symbol: symbol, TokenID: tokenID}
		if hasDecimals {
			a.Decimals = &decimals
		}
		ps := ValidateAsset(a, []string{"ethereum", "base"})
		for _, p := range ps {
			if p.Message == "" || p.Field == "" || p.Path == "" {
				t.Fatalf("problem without path, field or message: %+v", p)
			}
		}
		if cs := ChecksumAddress(contract); cs != "" {
			if !strings.EqualFold(cs, contract) || ChecksumAddress(cs) != cs || addressProblem(cs) != "" && addressProblem(strings.ToLower(cs)) == "" {
				t.Fatalf("ChecksumAddress(%q) = %q is not a fixed point", contract, cs)
			}
		}
		if len(ps) != 0 {
			return
		}
		if !a.Type.Valid() || !contains([]string{"ethereum", "base"}, a.Chain) {
			t.Fatalf("accepted type %q chain %q", a.Type, a.Chain)
		}
		if a.Type != AssetNative && !IsAddress(a.Contract) || a.Type == AssetNative && a.Contract != "" {
			t.Fatalf("accepted contract %q for %s", a.Contract, a.Type)
		}
		if d := a.EffectiveDecimals(); d < 0 || d > MaxDecimals {
			t.Fatalf("accepted decimals %d", d)
		}
		if a.Type == AssetERC1155 {
			if id, err := ParseTokenID(a.TokenID); err != nil || id != a.TokenID {
				t.Fatalf("accepted token id %q (%v)", a.TokenID, err)
			}
		} else if a.TokenID != "" {
			t.Fatalf("accepted a token id on %s", a.Type)
		}
	})
}

func FuzzValidateRule(f *testing.F) {
	f.Add("min_balance", "a1", "1.5", int64(0), false, 0, false, int64(0), false)
	f.Add("score_threshold", "", "", int64(0), false, 0, false, int64(0), true)
	f.Add("nft_ownership", "a2", "", int64(1), true, 0, false, int64(0), false)
	f.Add("min_hold_duration", "a3", "", int64(0), false, 30, true, int64(0), false)
	assets := []Asset{
		{ID: "a1", Type: AssetERC20, Decimals: ptr(6)},
		{ID: "a2", Type: AssetERC721},
		{ID: "a3", Type: AssetERC1155, TokenID: "1"},
		{ID: "a4", Type: AssetNative},
	}
	f.Fuzz(func(t *testing.T, typ, asset, amount string, count int64, hasCount bool, days int, hasDays bool, score int64, hasScore bool) {
		r := Rule{Type: RuleType(typ), Asset: asset, Amount: amount}
		if hasCount {
			r.Count = &count
		}
		if hasDays {
			r.Days = &days
		}
		if hasScore {
			r.Score = &score
		}
		ps := ValidateRule(r, assets)
		for _, p := range ps {
			if p.Message == "" || p.Field == "" || p.Path == "" {
				t.Fatalf("problem without path, field or message: %+v", p)
			}
		}
		_ = DescribeRule(r, assets)
		if len(ps) != 0 {
			return
		}
		set := 0
		for _, b := range []bool{r.Amount != "", r.Count != nil, r.Days != nil, r.Score != nil} {
			if b {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("accepted a rule with %d value fields: %+v", set, r)
		}
		a, found := AssetByID(assets, r.Asset)
		switch r.Type {
		case RuleMinBalance:
			if !found || !a.Type.Fungible() {
				t.Fatalf("min_balance accepted on %+v", a)
			}
			if _, err := ParseAmount(r.Amount, a.EffectiveDecimals()); err != nil {
				t.Fatalf("accepted amount %q that ParseAmount refuses: %v", r.Amount, err)
			}
		case RuleNFTOwnership:
			if !found || !a.Type.NonFungible() || *r.Count < 1 {
				t.Fatalf("nft_ownership accepted: %+v", r)
			}
		case RuleMinHoldDuration:
			if !found || *r.Days < 1 || *r.Days > 3650 {
				t.Fatalf("min_hold_duration accepted: %+v", r)
			}
		case RuleScoreThreshold:
			if r.Asset != "" || *r.Score < 0 {
				t.Fatalf("score_threshold accepted: %+v", r)
			}
		default:
			t.Fatalf("accepted type %q", r.Type)
		}
	})
}

func FuzzParseColor(f *testing.F) {
	for _, s := range []string{"#FF00AA", "ff00aa", "0xff00aa", "16711850", "#f0a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseColor(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if c < 0 || c > MaxColor {
			t.Fatalf("ParseColor(%q) = %d out of range", s, c)
		}
		back, err := ParseColor(FormatColor(c))
		if err != nil || back != c {
			t.Fatalf("FormatColor(%d) = %q reads back as %d, %v", c, FormatColor(c), back, err)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	f.Add("100", 18)
	f.Add("0010.50", 6)
	f.Add(".5", 2)
	f.Add("1e18", 0)
	f.Fuzz(func(t *testing.T, s string, decimals int) {
		decimals = ((decimals % 40) + 40) % 40
		norm, err := ParseAmount(s, decimals)
		if err != nil {
			return
		}
		again, err := ParseAmount(norm, decimals)
		if err != nil || again != norm {
			t.Fatalf("ParseAmount(%q) = %q is not a fixed point (%q, %v)", s, norm, again, err)
		}
		if _, msg := amountProblem(norm, decimals); msg != "" {
			t.Fatalf("normalised amount %q refused by the validator: %s", norm, msg)
		}
		intPart, frac, _ := strings.Cut(norm, ".")
		if len(frac) > decimals || strings.HasSuffix(frac, "0") || len(intPart) > 1 && intPart[0] == '0' {
			t.Fatalf("ParseAmount(%q, %d) = %q is not normalised", s, decimals, norm)
		}
	})
}

func FuzzParseTokenID(f *testing.F) {
	f.Add("1")
	f.Add(" 007 ")
	f.Add("0x10")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseTokenID(s)
		if err != nil {
			return
		}
		if tokenIDProblem(id) != "" {
			t.Fatalf("ParseTokenID(%q) = %q refused by the validator", s, id)
		}
	})
}

// checkManifestFixedPoint is what every successfully decoded manifest must satisfy.
func checkManifestFixedPoint(t *testing.T, m *Manifest) {
	t.Helper()
	_ = m.Validate()
	_ = m.Summary()
	c1, err := m.CanonicalJSON()
	if err != nil {
		t.Fatalf("canonical JSON of a decoded manifest: %v", err)
	}
	m2, err := DecodeJSON(c1)
	if err != nil {
		t.Fatalf("canonical JSON does not decode: %v\n%s", err, c1)
	}
	c2, err := m2.CanonicalJSON()
	if err != nil || !bytes.Equal(c1, c2) {
		t.Fatalf("canonical JSON is not a fixed point:\n%s\n%s", c1, c2)
	}
	y, err := m2.EncodeYAML()
	if err != nil {
		t.Fatalf("encode YAML: %v", err)
	}
	m3, err := DecodeYAML(y)
	if err != nil {
		t.Fatalf("encoded YAML does not decode: %v\n%s", err, y)
	}
	c3, err := m3.CanonicalJSON()
	if err != nil || !bytes.Equal(c1, c3) {
		t.Fatalf("JSON → YAML → JSON changed the manifest:\n%s\n%s\nYAML:\n%s", c1, c3, y)
	}
}

func addExamples(f *testing.F, toJSON bool) {
	for _, name := range []string{"community.yaml", "minimal.yaml"} {
		b, err := os.ReadFile("../examples/" + name)
		if err != nil {
			f.Fatalf("read example: %v", err)
		}
		if toJSON {
			m, err := DecodeYAML(b)
			if err != nil {
				f.Fatal(err)
			}
			if b, err = m.CanonicalJSON(); err != nil {
				f.Fatal(err)
			}
		}
		f.Add(b)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	addExamples(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeJSON(data)
		if err != nil {
			if m != nil || err.Error() == "" {
				t.Fatalf("error %v with manifest %v", err, m)
			}
			return
		}
		checkManifestFixedPoint(t, m)
	})
}

func FuzzDecodeYAML(f *testing.F) {
	addExamples(f, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeYAML(data)
		if err != nil {
			if m != nil || err.Error() == "" {
				t.Fatalf("error %v with manifest %v", err, m)
			}
			return
		}
		checkManifestFixedPoint(t, m)
	})
}

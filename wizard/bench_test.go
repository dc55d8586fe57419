package wizard

import "testing"

func BenchmarkValidate(b *testing.B) {
	m, err := DecodeYAML(mustReadExample(b, "community.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if v := m.Validate(); !v.Complete {
			b.Fatal(v.Problems)
		}
	}
}

func BenchmarkCanonicalJSONAndHash(b *testing.B) {
	m, err := DecodeYAML(mustReadExample(b, "community.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.SHA256(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeYAML(b *testing.B) {
	data := mustReadExample(b, "community.yaml")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeYAML(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJSON(b *testing.B) {
	m, err := DecodeYAML(mustReadExample(b, "community.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	data, _ := m.CanonicalJSON()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChecksumAddress(b *testing.B) {
	for b.Loop() {
		if ChecksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == "" {
			b.Fatal("not an address")
		}
	}
}

package cliflag

import "testing"

func TestBudget(t *testing.T) {
	b := Budget(ModelBudget)
	if b.String() != "" || b.Type() != "int" {
		t.Fatalf("unset budget shows %q", b.String())
	}
	if err := b.Set("0x10"); err != nil || b != 16 || b.String() != "16" {
		t.Fatalf("Set(0x10): %v, %d", err, b)
	}
	for _, bad := range []string{"-1", "x", ""} {
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

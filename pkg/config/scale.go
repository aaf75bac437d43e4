package config

import "strings"

// SeverityKey is the form two spellings of one severity share: lower case,
// without spaces, dashes and underscores, "severity" shortened to "sev"
// and "level" to "l": "Sev 1", "SEV-1" and "severity1" are all "sev1".
func SeverityKey(s string) string {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "", "-", "", "_", "", "\t", "").Replace(k)
	switch {
	case strings.HasPrefix(k, "severity"):
		k = "sev" + k[len("severity"):]
	case strings.HasPrefix(k, "level"):
		k = "l" + k[len("level"):]
	case strings.HasPrefix(k, "lvl"):
		k = "l" + k[len("lvl"):]
	}
	return k
}

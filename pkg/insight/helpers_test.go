package insight

import (
	"strconv"
	"strings"
)

func toLower(s string) string { return strings.ToLower(s) }
func itoa(n int) string       { return strconv.Itoa(n) }

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

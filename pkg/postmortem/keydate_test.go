package postmortem

import (
	"testing"
	"time"
)

// TestKeyLineDates: the dates a key line gives in the forms timelines do
// not write, read through Parse: the day, or the month alone.
func TestKeyLineDates(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{
		"Sunday, March 3, 2024":        "2024-03-03", // read before, by ParseTimestamp
		"03-Mar-2024":                  "2024-03-03",
		"3-Mar-2024":                   "2024-03-03",
		"3rd of March 2024":            "2024-03-03",
		"21st of September, 2023":      "2023-09-21",
		"Sun Mar  3 14:05:00 UTC 2024": "2024-03-03",
		"Sun Mar 3 23:05:00 PST 2024":  "2024-03-03",
		"20240303":                     "2024-03-03",
		"March 3–4, 2024":              "2024-03-03",
		"Mar 30 - 1st, 2024":           "2024-03-30",
		"3–4 March 2024":               "2024-03-03",
		"March 2024":                   "2024-03",
		"Sept. 2023":                   "2023-09",
		"Sep 2023":                     "2023-09",
		"2024-03":                      "2024-03",
		"Q1 2024":                      "",
		"19991399":                     "",
		"Mar 3 '24":                    "",
	} {
		inc := NewParser(defaultConfig(t)).Parse("postmortems/outage.md", []byte("# Outage\n\n**Date:** "+value+"\n"))
		got := ""
		for _, x := range inc.Inferred {
			if x.Field == "date" && x.From == "bold key line" {
				got = x.Value
			}
		}
		if got != want {
			t.Errorf("Date: %s gives %q, want %q", value, got, want)
			continue
		}
		if want == "" {
			continue
		}
		format, precision := "2006-01-02", ""
		if len(want) == 7 {
			format, precision = "2006-01", DateMonth
		}
		if inc.Date.Format(format) != want || inc.DatePrecision != precision || inc.Date.Location() != time.UTC {
			t.Errorf("Date: %s: date %v, precision %q", value, inc.Date, inc.DatePrecision)
		}
	}
}

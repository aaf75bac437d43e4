package timeline

import (
	"testing"
	"time"
)

func TestFindDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		order      DateOrder
		yearHint   int
		want       string // "" for none
		at         int
		ambiguous  bool
		shows      DateOrder
	}{
		{name: "iso at the end", text: "Incident disclosure 2023-06-13", want: "2023-06-13", at: 20},
		{name: "iso at the start", text: "2024-03-01: database failover", want: "2024-03-01"},
		{name: "month name with ordinal", text: "Outage on March 3rd, 2024", want: "2024-03-03", at: 10},
		{name: "day month year", text: "Checkout errors, 3 Mar 2024", want: "2024-03-03", at: 17},
		{name: "weekday before", text: "Outage on Friday, Nov 4th 2022", want: "2022-11-04", at: 10},
		{name: "numeric day first shows its order", text: "Failover (18/04/2023)", want: "2023-04-18", at: 10, shows: DMY},
		{name: "numeric month first shows its order", text: "Failover 04/18/2023", want: "2023-04-18", at: 9, shows: MDY},
		{name: "numeric both ways, month first unsaid", text: "Failover 04/05/2023", want: "2023-04-05", at: 9, ambiguous: true},
		{name: "numeric both ways, day first given", text: "Failover 04/05/2023", order: DMY, want: "2023-05-04", at: 9, ambiguous: true},
		{name: "no year and no hint", text: "Outage on March 3rd", want: ""},
		{name: "no year, year from the folder", text: "Outage on March 3rd", yearHint: 2024, want: "2024-03-03", at: 10},
		{name: "a month and year is no day", text: "May 2021 outage", want: ""},
		{name: "an incident id is no date", text: "INC-2024-001 checkout errors", want: ""},
		{name: "inside a word", text: "build12-05-2024", want: ""},
		{name: "version numbers", text: "Upgrade to 1.2.3 broke login", want: ""},
		{name: "lower-case words are not months", text: "may we never 3 again", want: ""},
		{name: "invalid calendar date is passed over", text: "2023-02-30 and 2023-03-01", want: "2023-03-01", at: 15},
		{name: "empty", text: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, at, ok := FindDate(tt.text, tt.order, tt.yearHint)
			if tt.want == "" {
				if ok {
					t.Fatalf("FindDate(%q) = %s at %d, want none", tt.text, r.Date, at)
				}
				return
			}
			if !ok || r.Date.String() != tt.want || at != tt.at || r.Ambiguous != tt.ambiguous || r.Shows != tt.shows {
				t.Fatalf("FindDate(%q) = %s at %d (ambiguous %v, shows %v), %v; want %s at %d (ambiguous %v, shows %v)",
					tt.text, r.Date, at, r.Ambiguous, r.Shows, ok, tt.want, tt.at, tt.ambiguous, tt.shows)
			}
		})
	}
}

func TestNameDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		order      DateOrder
		yearHint   int
		want       string
		raw        string
		ambiguous  bool
		shows      DateOrder
	}{
		{name: "iso first", file: "2024-03-01-db-failover", want: "2024-03-01", raw: "2024-03-01"},
		{name: "iso last", file: "db-failover-2024-03-01", want: "2024-03-01", raw: "2024-03-01"},
		{name: "iso with underscores", file: "2024_03_01_db", want: "2024-03-01", raw: "2024_03_01"},
		{name: "iso with dots", file: "2024.03.01", want: "2024-03-01", raw: "2024.03.01"},
		{name: "iso one-digit fields", file: "2024-3-1-db", want: "2024-03-01", raw: "2024-3-1"},
		{name: "day first shows itself", file: "18-04-2023-checkout", want: "2023-04-18", raw: "18-04-2023", shows: DMY},
		{name: "month first shows itself", file: "04-18-2023-checkout", want: "2023-04-18", raw: "04-18-2023", shows: MDY},
		{name: "both ways read month first unsaid", file: "04-05-2023-checkout", want: "2023-04-05", raw: "04-05-2023", ambiguous: true},
		{name: "both ways read day first as told", file: "04-05-2023-checkout", order: DMY, want: "2023-05-04", raw: "04-05-2023", ambiguous: true},
		{name: "same both ways", file: "05-05-2023", want: "2023-05-05", raw: "05-05-2023"},
		{name: "compact", file: "20240301-db", want: "2024-03-01", raw: "20240301"},
		{name: "compact after a prefix", file: "outage_20231130", want: "2023-11-30", raw: "20231130"},
		{name: "month and day with the year's folder", file: "03-15-db", yearHint: 2024, want: "2024-03-15", raw: "03-15", shows: MDY},
		{name: "month and day that read both ways", file: "03-04-db", yearHint: 2024, want: "2024-03-04", raw: "03-04", ambiguous: true},
		{name: "day and month as told", file: "03-04-db", order: DMY, yearHint: 2024, want: "2024-04-03", raw: "03-04", ambiguous: true},
		{name: "day first can only be day first", file: "25-04-db", yearHint: 2024, want: "2024-04-25", raw: "25-04", shows: DMY},
		{name: "month and day without a year folder", file: "03-15-db", want: ""},
		{name: "an id after a date", file: "incident-42-2024-03-01", want: "2024-03-01", raw: "2024-03-01"},
		{name: "incident id", file: "INC-2024-001-checkout", want: ""},
		{name: "incident id with a year hint", file: "INC-2024-001-checkout", yearHint: 2024, want: ""},
		{name: "implausible year", file: "1234-12-12", want: ""},
		{name: "not a calendar date", file: "2023-02-30-db", want: ""},
		{name: "eight digits that are no date", file: "12345678", want: ""},
		{name: "two-digit year is not read", file: "18-04-23-checkout", want: ""},
		{name: "version", file: "v1.2.3-notes", yearHint: 2024, want: ""},
		{name: "one-digit fields need a year", file: "sprint-2-10", yearHint: 2024, want: ""},
		{name: "none", file: "checkout-errors", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, at, ok := NameDate(tt.file, tt.order, tt.yearHint)
			if tt.want == "" {
				if ok {
					t.Fatalf("NameDate(%q) = %s, want none", tt.file, r.Date)
				}
				return
			}
			if !ok {
				t.Fatalf("NameDate(%q) found none, want %s", tt.file, tt.want)
			}
			if got := tt.file[at:r.End]; r.Date.String() != tt.want || got != tt.raw || r.Ambiguous != tt.ambiguous || r.Shows != tt.shows {
				t.Fatalf("NameDate(%q) = %s from %q (ambiguous %v, shows %v); want %s from %q (ambiguous %v, shows %v)",
					tt.file, r.Date, got, r.Ambiguous, r.Shows, tt.want, tt.raw, tt.ambiguous, tt.shows)
			}
		})
	}
}

func TestReadFolderDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dir  string
		want FolderDate
		ok   bool
	}{
		{"2021-05", FolderDate{2021, time.May, 0, "2021-05"}, true},
		{"postmortems/2021_05", FolderDate{2021, time.May, 0, "2021_05"}, true},
		{"incidents/2021-05-outages", FolderDate{2021, time.May, 0, "2021-05"}, true},
		{"2024/10", FolderDate{2024, time.October, 0, "2024/10"}, true},
		{"postmortems/2024/3", FolderDate{2024, time.March, 0, "2024/3"}, true},
		{"postmortems/2024/october", FolderDate{2024, time.October, 0, "2024/october"}, true},
		{"2024/10/03", FolderDate{2024, time.October, 3, "2024/10/03"}, true},
		{"2024/02/30", FolderDate{2024, time.February, 0, "2024/02"}, true},
		{"May2021", FolderDate{2021, time.May, 0, "May2021"}, true},
		{"reports/may-2021", FolderDate{2021, time.May, 0, "may-2021"}, true},
		{"Sept 2022", FolderDate{2022, time.September, 0, "Sept 2022"}, true},
		{"2021-May", FolderDate{2021, time.May, 0, "2021-May"}, true},
		{"05-2021", FolderDate{2021, time.May, 0, "05-2021"}, true},
		{"incidents/2024-03-01-db-failover", FolderDate{2024, time.March, 1, "2024-03-01"}, true},
		{"incidents/20240301", FolderDate{2024, time.March, 1, "20240301"}, true},
		{"postmortems/2024", FolderDate{Year: 2024, Raw: "2024"}, true},
		{"postmortems/2024/q1", FolderDate{Year: 2024, Raw: "2024"}, true},
		{"2020/2021-05", FolderDate{2021, time.May, 0, "2021-05"}, true},
		{"2021-13", FolderDate{}, false},
		{"postmortems/1234", FolderDate{}, false},
		{"v2021-05", FolderDate{}, false},
		{"mayday-2021", FolderDate{}, false},
		{"postmortems", FolderDate{}, false},
		{".", FolderDate{}, false},
		{"", FolderDate{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			got, ok := ReadFolderDate(tt.dir)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ReadFolderDate(%q) = %+v, %v; want %+v, %v", tt.dir, got, ok, tt.want, tt.ok)
			}
		})
	}
}

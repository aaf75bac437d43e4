package search

import "testing"

func TestTerminalFragmentStripsControls(t *testing.T) {
	t.Parallel()
	got := terminalFragment("a\x1b[31m <mark>red</mark>\nb &amp; &lt;c&gt;", true, 100)
	if want := "a [31m " + ansiBold + "red" + ansiReset + " b & <c>"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := terminalFragment("<mark>abcdef</mark>ghij", false, 4); got != "abc…" {
		t.Errorf("truncated: %q", got)
	}
}

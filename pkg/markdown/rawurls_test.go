package markdown

import (
	"strings"
	"testing"
)

func TestNeutralizeRawURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `<a href="#">x</a>`},
		{`<a href="&#106;avascript:alert(1)">x</a>`, `<a href="#">x</a>`},
		{`<a href=" java	script:alert(1)">x</a>`, `<a href="#">x</a>`},
		{`<img src="data:text/html,<script>alert(1)</script>">`, `<img src="#">`},
		{`<img src="data:image/png;base64,AAAA">`, `<img src="data:image/png;base64,AAAA">`},
		{`<form action="vbscript:x"><button formaction="javascript:y">b</button></form>`, `<form action="#"><button formaction="#">b</button></form>`},
		{`<svg><a xlink:href="javascript:z">s</a></svg>`, `<svg><a xlink:href="#">s</a></svg>`},
		{`<a href="https://example.com/a?b=c&amp;d" title='kept as   written'>ok</a>`, `<a href="https://example.com/a?b=c&amp;d" title='kept as   written'>ok</a>`},
		{`<p>text: with colons</p>`, `<p>text: with colons</p>`},
	}
	for _, tt := range tests {
		if got := string(neutralizeRawURLs([]byte(tt.in))); got != tt.want {
			t.Errorf("neutralizeRawURLs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// Through the renderer, in unsafe mode.
	res, err := New(Options{Unsafe: true}).Render([]byte("<a href=\"javascript:alert(1)\">raw</a> and [md](javascript:alert(2))\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(res.HTML)), "javascript:") {
		t.Errorf("unsafe mode kept a script URL: %s", res.HTML)
	}
}

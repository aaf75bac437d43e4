package markdown

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestUnsafeURL(t *testing.T) {
	for _, tc := range []struct {
		url    string
		unsafe bool
	}{
		{"javascript:alert(1)", true},
		{"JaVaScRiPt:alert(1)", true},
		{" javascript:alert(1)", true},
		{"\x01\x1fjavascript:alert(1)", true},
		{"java\tscript:alert(1)", true},
		{"java\nscript:alert(1)", true},
		{"java\rscript:alert(1)", true},
		{"javascript\t:alert(1)", true},
		{"&#106;avascript:alert(1)", true},
		{"&#x6A;avascript&#x3A;alert(1)", true},
		{"javascript&colon;alert(1)", true},
		{"javascript%3Aalert(1)", true},
		{"vbscript:msgbox(1)", true},
		{"VBScript:msgbox(1)", true},
		{"file:///etc/passwd", true},
		{"data:text/html,<script>alert(1)</script>", true},
		{"data:image/svg+xml;base64,PHN2Zz4=", true},
		{"DATA:image/png;base64,xyz", false},
		{"data:image/png;base64,xyz", false},
		{"data:image/gif;base64,xyz", false},
		{"data:image/jpeg;base64,xyz", false},
		{"data:image/webp;base64,xyz", false},
		{"data:image/png,xyz", false},
		{"data:image/pngx;base64,xyz", true},
		{"data:", true},
		{"https://example.org/javascript:alert(1)", false},
		{"http://example.org", false},
		{"mailto:a@example.org", false},
		{"../2023/db.md", false},
		{"javascript.md", false},
		{"docs/javascript:alert(1)", false},
		{"#javascript:x", false},
		{"", false},
		{":", false},
		{"averyveryverylongschemename:x", false},
	} {
		t.Run(fmt.Sprintf("%q", tc.url), func(t *testing.T) {
			if got := unsafeURL([]byte(tc.url)); got != tc.unsafe {
				t.Errorf("unsafeURL(%q) = %v, want %v", tc.url, got, tc.unsafe)
			}
		})
	}
}

func TestHasScheme(t *testing.T) {
	for url, want := range map[string]bool{
		"https://x": true, "mailto:x": true, "tel:+1": true, "a+b.c-d:x": true,
		"../x.md": false, "x.md": false, "/x": false, "#a:b": false, ":x": false,
		"1a:x": false, "a/b:c": false, "": false,
	} {
		if got := hasScheme([]byte(url)); got != want {
			t.Errorf("hasScheme(%q) = %v, want %v", url, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	// GitHub's ids: lower case; letters, marks, digits, "_" and "-" kept;
	// spaces become hyphens; everything else goes.
	for _, tc := range []struct{ in, want string }{
		{"Summary", "summary"},
		{"Root cause: *lock* contention!", "root-cause-lock-contention"},
		{"2024-03-05 timeline (UTC)", "2024-03-05-timeline-utc"},
		{"snake_case and CamelCase", "snake_case-and-camelcase"},
		{"5 Whys - Root Cause", "5-whys---root-cause"},
		{"A & B", "a--b"},
		{"Ärger über Öl — Straße", "ärger-über-öl--straße"},
		{"Привет non-latin 你好", "привет-non-latin-你好"},
		{"\U0001F604 emoji", "-emoji"},
		{"What went wrong?", "what-went-wrong"},
		{"v1.2.3 rollout", "v123-rollout"},
		{"÷×", "section"},
		{"", "section"},
		{strings.Repeat("ab ", 50), strings.Repeat("ab-", 50)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := slug(tc.in); got != tc.want {
				t.Errorf("slug(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if len(latin1Fold) != 0x20 || len(latinExtAFold) != 0x80 {
		t.Errorf("fold tables have %d and %d entries, want 32 and 128", len(latin1Fold), len(latinExtAFold))
	}
	for r := rune(0xC0); r <= 0x17F; r++ {
		f := foldLatin(r)
		if strings.ContainsAny(f, "*") {
			t.Errorf("foldLatin(%q) = %q, a table marker", r, f)
		}
	}
}

func TestLooseKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Root_Cause", "rootcause"},
		{"root-cause", "rootcause"},
		{"ça-coûte--œuvre", "cacouteoeuvre"},
		{"Łódź", "lodz"},
		{"障害-1", "障害1"},
		{"--", ""},
	} {
		if got := looseKey(tc.in); got != tc.want {
			t.Errorf("looseKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// hostileInputs try to get script into the page through Markdown.
var hostileInputs = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"<svg/onload=alert(1)>",
	"<iframe src=\"javascript:alert(1)\"></iframe>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<div style=\"background:url(javascript:alert(1))\">x</div>",
	"<style>body{display:none}</style>",
	"text <b onmouseover=alert(1)>bold</b>",
	"<!--><script>alert(1)</script>-->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"<?php echo 1 ?><script>alert(1)</script>",
	"<details open ontoggle=alert(1)>",
	"[x](javascript:alert(1))",
	"[x](JAVASCRIPT:alert(1))",
	"[x](<java\tscript:alert(1)>)",
	"[x](< javascript:alert(1)>)",
	"[x](&#106;avascript:alert(1))",
	"[x](&amp;#106;avascript:alert(1))",
	"[x](java&#x09;script:alert(1))",
	"[x](javascript&colon;alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![x](javascript:alert(1))",
	"![x](data:image/svg+xml,<svg onload=alert(1)>)",
	"![x\" onerror=\"alert(1)](y.png)",
	"[x](y.md \"t\\\" onmouseover=\\\"alert(1)\")",
	"[x](<y.md\" onclick=\"alert(1)>)",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"<javascript:alert(1)>",
	"<JAVASCRIPT:alert(1)//x>",
	"<vbscript:msgbox(1)>",
	"```js\" onmouseover=\"alert(1)\ncode\n```",
	"```nosuchlang\"><script>alert(1)</script>\ncode\n```",
	"```go\n</code></pre><script>alert(1)</script>\n```",
	"`</code><script>alert(1)</script>`",
	"## Heading <script>alert(1)</script>",
	"## \" onmouseover=\"alert(1)",
	"Note[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))",
	"| <script>alert(1)</script> | [x](javascript:alert(1)) |\n|---|---|\n| <img src=x onerror=alert(1)> | y |",
	"- [ ] <script>alert(1)</script>",
	"www.example.com/<script>alert(1)</script>",
	"> <script>alert(1)</script>",
	"*<script>alert(1)</script>*",
}

// goldenInputs returns the inputs of every golden case.
func goldenInputs(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var ins []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for part := range strings.SplitSeq(string(data), caseEnd) {
			if fields := strings.Split(part, caseSep); len(fields) == 3 {
				ins = append(ins, fields[1])
			}
		}
	}
	if len(ins) == 0 {
		t.Fatal("no golden inputs")
	}
	return ins
}

// scriptURL reports whether a browser would treat v, an attribute value
// after entity decoding, as a script or document URL. It is written
// independently of unsafeURL, from the URL standard's rules.
func scriptURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	if strings.HasPrefix(v, "data:") {
		for _, ok := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
			if rest, found := strings.CutPrefix(v, ok); found && (rest == "" || rest[0] == ';' || rest[0] == ',') {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:")
}

// checkSafeHTML parses out as a browser would and reports anything that
// could run script or that the Content-Security-Policy would block. When
// urlsOnly is set, only URLs are checked (raw HTML is trusted then).
func checkSafeHTML(t testing.TB, in string, out []byte, urlsOnly bool) {
	t.Helper()
	nodes, err := html.ParseFragment(bytes.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("parse output of %q: %v", in, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "math", "form", "meta", "link", "base", "frame", "frameset":
				if !urlsOnly {
					t.Errorf("input %q: output has a <%s> element:\n%s", in, n.Data, out)
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction":
					if !urlsOnly {
						t.Errorf("input %q: output has a %s attribute on <%s>:\n%s", in, a.Key, n.Data, out)
					}
				case key == "href" || key == "src" || key == "action" || key == "xlink:href" || key == "poster":
					if scriptURL(a.Val) {
						t.Errorf("input %q: output has %s=%q on <%s>:\n%s", in, a.Key, a.Val, n.Data, out)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestHostileInputIsDefused(t *testing.T) {
	safe := New(Options{})
	unsafe := New(Options{Unsafe: true})
	inputs := append(append([]string{}, hostileInputs...), goldenInputs(t)...)
	for _, in := range inputs {
		res, err := safe.Render([]byte(in), fakeResolver())
		if err != nil {
			t.Fatal(err)
		}
		checkSafeHTML(t, in, res.HTML, false)

		// Unsafe mode trusts raw HTML but not Markdown URLs.
		res, err = unsafe.Render([]byte(in), fakeResolver())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(in, "<a ") && !strings.Contains(in, "<iframe") && !strings.Contains(in, "<div style") {
			checkSafeHTML(t, in, res.HTML, true)
		}
	}
}

func TestNoStyleAttributes(t *testing.T) {
	// The site's Content-Security-Policy blocks style attributes, so none
	// may come from Markdown: not from tables, code or anything else.
	pm, err := os.ReadFile(filepath.Join("testdata", "postmortem.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{})
	for _, in := range append(goldenInputs(t), string(pm)) {
		res, err := r.Render([]byte(in), nil)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(res.HTML, []byte("style=")) {
			t.Errorf("input %q: output has a style attribute:\n%s", in, res.HTML)
		}
	}
}

func TestPostmortem(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "postmortem.md"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(Options{Host: "postmortems.example.com"}).Render(src, fakeResolver())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(res.HTML)
	b.WriteString("--- headings\n")
	for _, h := range res.Headings {
		fmt.Fprintf(&b, "%d %s %q\n", h.Level, h.ID, h.Text)
	}
	b.WriteString("--- problems\n")
	for _, p := range res.Problems {
		fmt.Fprintln(&b, p)
	}
	golden := filepath.Join("testdata", "postmortem.html")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("rendering testdata/postmortem.md differs from %s (go test -update to refresh):\n%s", golden, b.Bytes())
	}
}

func TestNilResolverLeavesLinksAlone(t *testing.T) {
	res, err := New(Options{}).Render([]byte("[a](x.md#y) ![b](c.png)\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `<p><a href="x.md#y">a</a> <img src="c.png" alt="b" loading="lazy"></p>` + "\n"
	if string(res.HTML) != want || len(res.Problems) != 0 {
		t.Errorf("got %q, %v; want %q and no problems", res.HTML, res.Problems, want)
	}
}

func TestResolverSeesDecodedPath(t *testing.T) {
	var got []string
	res := ResolverFunc(func(dest string, image bool) (string, bool) {
		got = append(got, dest)
		return "/out/a&b\\c/", true
	})
	out, err := New(Options{}).Render([]byte(`[a](my%20file\_1.md?x=1&amp;y=2#f) [b](a&amp;b.md)`+"\n"), res)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"my file_1.md", "a&b.md"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("resolver got %q, want %q", got, want)
	}
	want := `<p><a href="/out/a&amp;b%5Cc/?x=1&amp;y=2#f">a</a> <a href="/out/a&amp;b%5Cc/">b</a></p>` + "\n"
	if string(out.HTML) != want {
		t.Errorf("got\n%s\nwant\n%s", out.HTML, want)
	}
}

func TestConcurrentRenderIsDeterministic(t *testing.T) {
	pm, err := os.ReadFile(filepath.Join("testdata", "postmortem.md"))
	if err != nil {
		t.Fatal(err)
	}
	inputs := append(goldenInputs(t), string(pm))
	for _, opts := range []Options{{}, {Unsafe: true}} {
		r := New(opts)
		want := make([][]byte, len(inputs))
		for i, in := range inputs {
			res, err := r.Render([]byte(in), fakeResolver())
			if err != nil {
				t.Fatal(err)
			}
			want[i] = res.HTML
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for i, in := range inputs {
					res, err := r.Render([]byte(in), fakeResolver())
					if err != nil {
						t.Error(err)
						return
					}
					if !bytes.Equal(res.HTML, want[i]) {
						t.Errorf("input %q rendered differently in parallel", in)
					}
				}
			})
		}
		wg.Wait()
	}
}

func TestHighlightCSS(t *testing.T) {
	css, err := HighlightCSS("github", "github-dark")
	if err != nil {
		t.Fatal(err)
	}
	s := string(css)
	dark := strings.Index(s, "@media (prefers-color-scheme: dark) {\n")
	if dark < 0 || !strings.HasSuffix(s, "}\n") {
		t.Fatalf("no dark block:\n%s", s)
	}
	light, darkPart := s[:dark], s[dark:]
	for _, want := range []string{".chroma {", ".chroma .k {", ".chroma .hl {", ".chroma .lnt {"} {
		if !strings.Contains(light, want) || !strings.Contains(darkPart, want) {
			t.Errorf("both parts should have a rule for %q:\n%s", want, s)
		}
	}
	// github sets a colour for NameAttribute (.na) that github-dark leaves
	// to the text colour: dark mode must reset it.
	if !strings.Contains(darkPart, ".chroma .na { color: inherit }") {
		t.Errorf("dark part does not reset .na:\n%s", darkPart)
	}
	again, _ := HighlightCSS("github", "github-dark")
	if !bytes.Equal(css, again) {
		t.Error("HighlightCSS is not deterministic")
	}

	only, err := HighlightCSS("GitHub", "")
	if err != nil || strings.Contains(string(only), "@media") {
		t.Errorf("HighlightCSS(light only) = %q, %v", only, err)
	}
	if _, err := HighlightCSS("no-such-style", "github-dark"); err == nil {
		t.Error("unknown light style: no error")
	}
	if _, err := HighlightCSS("github", "no-such-style"); err == nil {
		t.Error("unknown dark style: no error")
	}
}

func TestProblemLines(t *testing.T) {
	src := "# T\n\n" + // 1-2
		"text [a](a.md)\n" + // 3
		"\n" + // 4
		"* item\n" + // 5
		"  * [b](b.md)\n" + // 6
		"\n" + // 7
		"| x | y |\n|---|---|\n| [c](c.md) | ![d](d.png) |\n" + // 8-10
		"\n> [e](e.md)\n" + // 11-12
		"\nword [f][r]\n\n[r]: f.md\n" // 13-16
	res, err := New(Options{}).Render([]byte(src), ResolverFunc(func(string, bool) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`3: link to missing file "a.md"`,
		`6: link to missing file "b.md"`,
		`10: link to missing file "c.md"`,
		`10: image from missing file "d.png"`,
		`12: link to missing file "e.md"`,
		`14: link to missing file "f.md"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestManyEqualHeadings(t *testing.T) {
	const n = 5000
	res, err := New(Options{}).Render([]byte(strings.Repeat("## Update\n", n)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Headings) != n || res.Headings[0].ID != "update" || res.Headings[n-1].ID != fmt.Sprintf("update-%d", n-1) {
		t.Errorf("got %d headings, first %v, last %v", len(res.Headings), res.Headings[0], res.Headings[len(res.Headings)-1])
	}
}

// TestReservedIDs: a heading whose id the page has already (Reserved)
// gets the next free suffix, a second heading of the name the one after,
// and a link written for the repository host (#main) reaches the first.
func TestReservedIDs(t *testing.T) {
	t.Parallel()
	reserved := func(id string) bool { return id == "main" || id == "tl-h" }
	src := "## Main\n\nSee [the main part](#main) and [the timeline](#tl-h).\n\n## Main\n\n## Tl h\n\n## Other\n"
	res, err := New(Options{Reserved: reserved}).Render([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Headings {
		ids = append(ids, h.ID)
	}
	if got, want := strings.Join(ids, " "), "main-1 main-2 tl-h-1 other"; got != want {
		t.Errorf("ids %q, want %q", got, want)
	}
	html := string(res.HTML)
	for _, want := range []string{`href="#main-1"`, `href="#tl-h-1"`, `id="main-1"`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %s in\n%s", want, html)
		}
	}
	if strings.Contains(html, `id="main"`) || strings.Contains(html, `href="#main"`) {
		t.Errorf("the reserved id is used:\n%s", html)
	}
	// Without Reserved, the ids are GitHub's.
	res, _ = New(Options{}).Render([]byte(src), nil)
	if res.Headings[0].ID != "main" || res.Headings[1].ID != "main-1" {
		t.Errorf("without Reserved: %+v", res.Headings)
	}
}

// TestHeadingAttributes: a heading's attributes, as a Google Docs export
// writes them on every heading, leave its text; the heading keeps only
// the id made from its text, and a link to the author's id leads there.
func TestHeadingAttributes(t *testing.T) {
	t.Parallel()
	src := "## **1\\. Summary** {#1.-summary}\n\nSee [the summary](#1.-summary) and [impact](#impact-x).\n\n" +
		"## Impact {#impact-x .danger style=\"color:red\"}\n\nSome.\n\n## Timeline {all times UTC}\n"
	res, err := New(Options{}).Render([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Headings {
		got = append(got, h.ID+"="+h.Text)
	}
	if want := "1-summary=1. Summary impact=Impact timeline-all-times-utc=Timeline {all times UTC}"; strings.Join(got, " ") != want {
		t.Errorf("headings %q, want %q", strings.Join(got, " "), want)
	}
	html := string(res.HTML)
	for _, bad := range []string{"{#", "danger", "style=", `id="impact-x"`} {
		if strings.Contains(html, bad) {
			t.Errorf("%q in\n%s", bad, html)
		}
	}
	for _, want := range []string{`href="#1-summary"`, `href="#impact"`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %s in\n%s", want, html)
		}
	}
}

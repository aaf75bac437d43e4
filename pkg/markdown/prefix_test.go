package markdown

import "testing"

func TestPrefixIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in, want string }{
		{"nothing to prefix", `<p>a &amp; b <a href="https://x.example/#top">x</a></p>`, `<p>a &amp; b <a href="https://x.example/#top">x</a></p>`},
		{"id and fragment link", `<h3 id="why">Why</h3><a href="#why">why</a>`, `<h3 id="p-why">Why</h3><a href="#p-why">why</a>`},
		{"a bare # is not a reference", `<a href="#">x</a>`, `<a href="#">x</a>`},
		{"lists of ids", `<td headers="a  b">1</td><label for="q">Q</label><div aria-labelledby="h1 h2"></div>`, `<td headers="p-a p-b">1</td><label for="p-q">Q</label><div aria-labelledby="p-h1 p-h2"></div>`},
		{"text that looks like an attribute stays", `<code>id="x" href="#y"</code>`, `<code>id="x" href="#y"</code>`},
		{"other attributes kept byte for byte", `<pre tabindex="0" class="chroma"><code>x</code></pre><h2 id="a" class="b">A</h2>`, `<pre tabindex="0" class="chroma"><code>x</code></pre><h2 id="p-a" class="b">A</h2>`},
		{"values escaped again", `<h2 id="a&amp;b">A</h2>`, `<h2 id="p-a&amp;b">A</h2>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(PrefixIDs([]byte(c.in), "p-")); got != c.want {
				t.Errorf("PrefixIDs(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
	if got := string(PrefixIDs([]byte(`<h2 id="a">A</h2>`), "")); got != `<h2 id="a">A</h2>` {
		t.Errorf("an empty prefix changed the HTML: %q", got)
	}
}

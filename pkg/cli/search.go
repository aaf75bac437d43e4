package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/search"
)

// SearchOptions are the options of `inquest search`.
type SearchOptions struct {
	Query   string
	Dir     string
	JSON    bool
	Limit   int // 0: every match
	All     bool
	From    int
	Sort    string
	Facets  bool
	Color   string
	Reindex bool
}

func newSearchCmd(e *env) *cobra.Command {
	opts := &SearchOptions{}
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search past incidents by tag, service, severity and words",
		Long: `search queries the repository's Bleve index with Bleve's query-string syntax: field
terms (tags:database, severity:SEV1, services:checkout-api), phrases ("connection pool"),
must and must-not (+tags:dns -services:auth), ranges (date:>"2024-01-01", customers:>1000,
ttr:>60) and words searched in titles, summaries and every section. The README lists
every field. An empty query lists every incident, newest first.

The index lives in the user cache folder; it is built or updated first when the
postmortems changed since it was last written.`,
		Example: `  inquest search 'tags:database severity:SEV1'
  inquest search '+services:checkout-api "connection pool" -tags:dns' --facets
  inquest search 'timeline:"rolled back"' --sort -date --limit 5
  inquest search -C examples/acme dns --json
  inquest search -C examples/acme 'tags:database' --json --all`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Query = args[0]
			}
			return runSearch(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Dir, "dir", "C", ".", "repository folder")
	f.BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	f.IntVarP(&opts.Limit, "limit", "n", 20, "number of results; 0 for every match")
	f.BoolVar(&opts.All, "all", false, "every match, as --limit 0")
	f.IntVar(&opts.From, "from", 0, "skip this many results (for pages)")
	f.StringVar(&opts.Sort, "sort", "", "score, date or -date (default: score for a query, -date without)")
	f.BoolVar(&opts.Facets, "facets", false, "also print counts by tag, service, severity and year")
	f.StringVar(&opts.Color, "color", "auto", "highlight matches: auto, always or never")
	f.BoolVar(&opts.Reindex, "reindex", false, "rebuild the index from scratch first")
	return cmd
}

func runSearch(cmd *cobra.Command, e *env, opts *SearchOptions) error {
	switch opts.Sort {
	case "", "score", "date", "-date":
	default:
		return usageError("--sort must be score, date or -date, not %q", opts.Sort)
	}
	if opts.Limit < 0 {
		return usageError("--limit must be 0 (every match) or more, not %d", opts.Limit)
	}
	if opts.All {
		opts.Limit = 0
	}
	root, err := findRoot(opts.Dir)
	if err != nil {
		return err
	}
	dir, err := ensureIndex(cmd, e, root, opts.Reindex)
	if err != nil {
		return err
	}
	ix, err := search.Open(dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := searchAll(cmd.Context(), ix, search.Request{Query: opts.Query, Limit: opts.Limit, From: opts.From,
		Sort: opts.Sort, Facets: opts.Facets, Highlight: true})
	if err != nil {
		var qe *search.QueryError
		var re *search.RequestError
		switch {
		case errors.As(err, &qe):
			return usageError("%s\n  %s\n  %s^", qe, opts.Query, strings.Repeat(" ", max(qe.Column()-1, 0)))
		case errors.As(err, &re):
			return usageError("--from: %s", re.Msg)
		}
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // fragments stay readable; their text is escaped already
		return enc.Encode(res)
	}
	color := opts.Color == "always" || opts.Color == "auto" && isTerminal(e.stdout) && os.Getenv("NO_COLOR") == ""
	if err := search.WriteTable(e.stdout, res, color); err != nil {
		return err
	}
	if opts.Facets {
		if err := search.WriteFacets(e.stdout, res); err != nil {
			return err
		}
	}
	return nil
}

// searchPage is the most hits one search asks the index for: the index's
// own cap, which serve's search API keeps.
const searchPage = 1000

// searchAll runs r, asking for pages of searchPage hits until it has
// r.Limit of them, or every match when r.Limit is 0.
func searchAll(ctx context.Context, ix *search.Index, r search.Request) (*search.Result, error) {
	want := r.Limit
	page := r
	page.Limit = searchPage
	if want > 0 {
		page.Limit = min(want, searchPage)
	}
	res, err := ix.Search(ctx, page)
	if err != nil {
		return nil, err
	}
	for uint64(max(r.From, 0)+len(res.Hits)) < res.Total && (want == 0 || len(res.Hits) < want) {
		page.From = max(r.From, 0) + len(res.Hits)
		page.Facets = false // counted over every match by the first page
		if want > 0 {
			page.Limit = min(want-len(res.Hits), searchPage)
		}
		more, err := ix.Search(ctx, page)
		if err != nil {
			return nil, err
		}
		if len(more.Hits) == 0 {
			break
		}
		res.Hits = append(res.Hits, more.Hits...)
		res.Took += more.Took
	}
	return res, nil
}

// ensureIndex returns the repository's index, building or updating it
// when the postmortems changed since it was written.
func ensureIndex(cmd *cobra.Command, e *env, root string, rebuild bool) (string, error) {
	cache := repo.CacheDir(root)
	dir := repo.IndexDir(cache)
	fp, err := repo.Fingerprint(cmd.Context(), root)
	if err != nil {
		return "", err
	}
	if repo.IndexCurrent(cache, fp) && !rebuild {
		return dir, nil
	}
	start := time.Now()
	fmt.Fprintf(e.stderr, "indexing %s…\n", root)
	r, err := repo.Load(cmd.Context(), root, repo.Options{})
	if err != nil {
		return "", err
	}
	if rebuild {
		os.RemoveAll(dir)
	}
	st, err := repo.UpdateIndex(cmd.Context(), cache, fp, r.Set.Incidents)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(e.stderr, "indexed %s (%d added, %d updated, %d deleted) in %s\n",
		plural(len(r.Set.Incidents), "incident"), st.Added, st.Updated, st.Deleted, time.Since(start).Round(time.Millisecond))
	return dir, nil
}

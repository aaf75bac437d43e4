package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// A build keeps the pages of the last site whose inputs did not change:
// the write stage renders a page only when its key (a hash of everything
// it is rendered from) differs from the one the page manifest recorded for
// the output folder the build replaces, or when the file there is no
// longer the one recorded (see pageEntry.stillAt); otherwise the file is
// hard-linked into the new folder (copied when linking fails). The
// manifest is written after the swap, and only then. Today the revision pages (two thirds of a site's
// pages) have keys; the other pages are rendered every time.

// pageManifestFormat frames the page manifest (see cache.WriteFile);
// change it with the manifest's layout or with what a key covers.
const pageManifestFormat = "inquest page manifest 2"

// pageManifestPath is the page manifest of the output folder out, in the
// cache folder's Builds kind beside its build record.
func pageManifestPath(cacheDir, out string) string {
	return outputRecordPath(cacheDir, out, pageManifestFormat, ".pages")
}

// pageEntry is what the manifest records of one page: the key of its
// inputs, the SHA-256 of its bytes, and the size and modification time
// its file had in the output folder once the site was in place.
type pageEntry struct {
	key, sum [sha256.Size]byte
	file     fileStamp
}

// fileStamp is a file's size and modification time (Unix nanoseconds): a
// file whose stamp is the one recorded still has the bytes recorded, as
// Git's index assumes of the work tree. A page edited by hand gets a new
// modification time (an editor that writes a new file, a new file too),
// so it is rendered again without reading every kept page's bytes.
type fileStamp struct {
	size, mtime int64
}

// stampOf is the stamp of the file at p; false when it cannot be read or
// is not a regular file.
func stampOf(p string) (fileStamp, bool) {
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return fileStamp{}, false
	}
	return fileStamp{fi.Size(), fi.ModTime().UnixNano()}, true
}

// pageEntrySize is the bytes a page's entry takes after its file's name
// and NUL: key, sum, size and modification time.
const pageEntrySize = 2*sha256.Size + 16

// pageManifest is the manifest of one output folder: its keyed pages by
// site-relative file, and the identity of the inquest binary that wrote it
// (exe is "size mtime" of the executable, exeSum its SHA-256), so that the
// next build hashes the binary again only when it changed.
type pageManifest struct {
	exe    string
	exeSum [sha256.Size]byte
	pages  map[string]pageEntry
}

// encode writes m as: a line "exe SIZE MTIME HEX", then per page its file,
// a NUL byte, its key and its sum, in the order of the files.
func (m *pageManifest) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "exe %s %x\n", m.exe, m.exeSum)
	for _, rel := range slices.Sorted(maps.Keys(m.pages)) {
		e := m.pages[rel]
		b.WriteString(rel)
		b.WriteByte(0)
		b.Write(e.key[:])
		b.Write(e.sum[:])
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(e.file.size)))
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(e.file.mtime)))
	}
	return b.Bytes()
}

// decodePageManifest reads what encode wrote.
func decodePageManifest(data []byte) (*pageManifest, error) {
	line, rest, ok := bytes.Cut(data, []byte("\n"))
	f := strings.Fields(string(line))
	if !ok || len(f) != 4 || f[0] != "exe" {
		return nil, errors.New("page manifest: no exe line")
	}
	m := &pageManifest{exe: f[1] + " " + f[2], pages: map[string]pageEntry{}}
	if n, err := hex.Decode(m.exeSum[:], []byte(f[3])); n != sha256.Size || err != nil {
		return nil, errors.New("page manifest: bad exe sum")
	}
	for len(rest) > 0 {
		rel, tail, ok := bytes.Cut(rest, []byte{0})
		if !ok || len(tail) < pageEntrySize {
			return nil, errors.New("page manifest: cut short")
		}
		var e pageEntry
		copy(e.key[:], tail)
		copy(e.sum[:], tail[sha256.Size:])
		e.file.size = int64(binary.BigEndian.Uint64(tail[2*sha256.Size:]))
		e.file.mtime = int64(binary.BigEndian.Uint64(tail[2*sha256.Size+8:]))
		m.pages[string(rel)] = e
		rest = tail[pageEntrySize:]
	}
	return m, nil
}

// readPageManifest reads the page manifest of out; any problem gives nil,
// which costs only time: every page is rendered.
func readPageManifest(cacheDir, out string) *pageManifest {
	data, err := cache.ReadFile(pageManifestPath(cacheDir, out), pageManifestFormat)
	if err != nil {
		return nil
	}
	m, err := decodePageManifest(data)
	if err != nil {
		return nil
	}
	return m
}

// keeper is the write stage's view of the last site: which of its pages
// it may keep, and the manifest of the site being written.
type keeper struct {
	// from is the output folder the build replaces, prev its manifest
	// (nil when it has none).
	from string
	prev *pageManifest
	// site is the key of the inputs every page shares; zero until the
	// write stage knows the templates and assets.
	site [sha256.Size]byte
	// next is the manifest of the site being written, one entry per page
	// job (zero key for a page without one), and kept the number of pages
	// taken from the last site. linked are the pages kept as hard links:
	// their file is the last site's, whose stamp keep saw (next[i].file).
	next   []pageEntry
	kept   []bool
	linked []bool
	exe    string
	sum    [sha256.Size]byte
}

// newKeeper returns the keeper of a build into out, or nil when the build
// keeps nothing: for serve, whose pages an update rewrites in place (a
// hard link would change the last site too), and when the theme has
// templates of its own, which may show any field of an incident.
func newKeeper(opts BuildOptions, cacheDir string) *keeper {
	if opts.Serve || cacheDir == "" || ownTemplates(opts) {
		return nil
	}
	k := &keeper{from: opts.Out, prev: readPageManifest(cacheDir, opts.Out)}
	if err := k.identifyBinary(); err != nil {
		return nil // nothing known of the binary: nothing is kept
	}
	return k
}

// ownTemplates says whether the theme folder has files under templates/.
func ownTemplates(opts BuildOptions) bool {
	found := false
	_ = filepath.WalkDir(filepath.Join(ThemeDir(opts), "templates"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// identifyBinary finds the SHA-256 of the running inquest: from the last
// manifest when the executable's size and modification time are those it
// recorded, else by reading it (a CI job installs a new binary each run).
func (k *keeper) identifyBinary() error {
	stamp, exe, err := executableStamp()
	if err != nil {
		return err
	}
	k.exe = stamp
	if k.prev != nil && k.prev.exe == k.exe {
		k.sum = k.prev.exeSum
		return nil
	}
	k.sum, err = runningBinary.sum(exe, stamp)
	return err
}

// binarySums remembers the SHA-256 of a file by its path and stamp (size
// and modification time, see executableStamp): a process that builds many
// sites (serve's full rebuilds, the tests, which build hundreds with a
// cache of their own each) reads its own binary, tens of megabytes, once
// and not for each build. A stamp that changed is read again, so the sum
// is always that of the file the stamp describes, as the manifest records
// them together.
type binarySums struct {
	mu          sync.Mutex
	path, stamp string
	last        [sha256.Size]byte
}

// runningBinary is the one binarySums of the process: what it holds is a
// function of the file named, so sharing it across builds changes no
// result, only how often the file is read.
var runningBinary binarySums

// sum returns the SHA-256 of the file at path, whose stamp is stamp.
func (b *binarySums) sum(path, stamp string) ([sha256.Size]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.path == path && b.stamp == stamp {
		return b.last, nil
	}
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	b.path, b.stamp, b.last = path, stamp, sum
	return sum, nil
}

// start readies the keeper for the write of jobs, once the templates
// (tfs) and the assets are known: the key every page shares.
func (k *keeper) start(b *Assembly, tfs fs.FS, jobs int) error {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nexe %x\n", pageManifestFormat, k.sum)
	s := b.site
	// Not the severity scale, which the default layout and revision page
	// do not draw and which is learned from the postmortems when not
	// configured: one removed SEV1 would change every key.
	err := hashJSON(h, struct {
		Title, BaseURL, BasePath, RepoURL string
		Nav                               []NavItem
		NoIndex, Serve                    bool
		Assets, Integrity                 map[string]string // encoding/json sorts the keys
	}{s.Title, s.BaseURL, s.BasePath, s.RepoURL, s.Nav, s.NoIndex, s.Serve, s.Assets, s.Integrity})
	if err != nil {
		return err
	}
	// The configuration as written: any change to it renders every page.
	cfg, err := os.ReadFile(filepath.Join(b.repo.Root, config.FileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	fmt.Fprintf(h, "%s %d\n", config.FileName, len(cfg))
	h.Write(cfg)
	err = fs.WalkDir(tfs, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(tfs, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return err
	}
	copy(k.site[:], h.Sum(nil))
	k.next, k.kept, k.linked = make([]pageEntry, jobs), make([]bool, jobs), make([]bool, jobs)
	return nil
}

// keep writes job i's page into dir from the last site when its key is
// the one recorded and the file there still has the bytes recorded, and
// reports whether it did. A page without a key is never kept.
func (k *keeper) keep(b *Assembly, dir string, i int, j PageJob) (bool, error) {
	key, ok := b.pageKey(k.site, j)
	if !ok {
		return false, nil
	}
	k.next[i].key = key
	rel := PageFile(j.Page.Path)
	if k.prev == nil {
		return false, nil
	}
	e, ok := k.prev.pages[rel]
	if !ok || e.key != key {
		return false, nil
	}
	old := filepath.Join(k.from, filepath.FromSlash(rel))
	data, ok := e.stillAt(old)
	if !ok {
		return false, nil // gone or edited by hand: rendered again
	}
	dst := filepath.Join(dir, filepath.FromSlash(rel))
	if err := makeDir(filepath.Dir(dst)); err != nil {
		return false, err
	}
	if os.Link(old, dst) == nil {
		// The same file: its stamp is the one just checked (a link
		// changes neither its size nor its modification time).
		k.next[i].file, k.linked[i] = e.file, true
	} else {
		// Another file system, or one without links: copy the bytes,
		// if they are still the ones recorded.
		if data == nil {
			if data, ok = e.bytesAt(old); !ok {
				return false, nil
			}
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return false, err
		}
	}
	k.next[i].sum, k.kept[i] = e.sum, true
	return true, nil
}

// stillAt reports whether the file at p is still the page e records: its
// stamp is the one recorded and, on a file system that keeps whole seconds
// (where an edit within the second the page was written leaves its time),
// its bytes are too. data is the file's bytes when it read them.
func (e pageEntry) stillAt(p string) (data []byte, ok bool) {
	st, ok := stampOf(p)
	if !ok || st != e.file {
		return nil, false
	}
	if st.mtime%int64(time.Second) != 0 {
		return nil, true
	}
	return e.bytesAt(p)
}

// bytesAt reads the file at p and reports whether it has the bytes e
// records.
func (e pageEntry) bytesAt(p string) ([]byte, bool) {
	data, err := os.ReadFile(p)
	return data, err == nil && sha256.Sum256(data) == e.sum
}

// writeJob writes job i's page into dir: kept from the last site when
// b.keep may, else rendered.
func (b *Assembly) writeJob(dir string, i int, j PageJob, bufs *sync.Pool) error {
	k := b.keep
	if k == nil {
		return b.writePage(dir, j, bufs, nil)
	}
	if kept, err := k.keep(b, dir, i, j); kept || err != nil {
		return err
	}
	return b.writePage(dir, j, bufs, func(data []byte) { k.rendered(i, data) })
}

// rendered records the bytes job i's page was rendered to.
func (k *keeper) rendered(i int, data []byte) {
	if k.next[i].key != ([sha256.Size]byte{}) {
		k.next[i].sum = sha256.Sum256(data)
	}
}

// count is the number of pages kept from the last site.
func (k *keeper) count() int {
	n := 0
	for _, kept := range k.kept {
		if kept {
			n++
		}
	}
	return n
}

// record writes the manifest of the site written from jobs, for the
// output folder out; called once the site is in place. A page kept as a
// link has the stamp keep saw; the others are looked at in out. (Were a
// linked page edited since, its stamp would differ from the one recorded
// and the next build would render it again.)
func (k *keeper) record(cacheDir, out string, jobs []PageJob) error {
	m := &pageManifest{exe: k.exe, exeSum: k.sum, pages: map[string]pageEntry{}}
	for i, j := range jobs {
		if k.next[i].key == ([sha256.Size]byte{}) {
			continue
		}
		rel := PageFile(j.Page.Path)
		e := k.next[i]
		if k.linked[i] {
			m.pages[rel] = e
			continue
		}
		var ok bool
		if e.file, ok = stampOf(filepath.Join(out, filepath.FromSlash(rel))); ok {
			m.pages[rel] = e
		}
	}
	if _, err := cache.At(cacheDir).Open(cache.Builds); err != nil {
		return err
	}
	return cache.WriteFile(pageManifestPath(cacheDir, out), pageManifestFormat, m.encode())
}

// pageKey is the key of everything job j's page is rendered from beside
// the inputs every page shares (site); false for a page kind without
// one. A revision page shows its revision (commit, author, date, message,
// field changes, path), the one before it, its diff, whether it is an
// amendment and why, and its incident's id, title and page.
func (b *Assembly) pageKey(site [sha256.Size]byte, j PageJob) ([sha256.Size]byte, bool) {
	p := j.Page
	if j.Template != "revision" || p.Revision == nil || p.Incident == nil || p.Incident.History == nil {
		return [sha256.Size]byte{}, false
	}
	rp, v := p.Revision, p.Incident
	// The revision's index, as revisionJobs made the page: a page whose
	// revision is not that one of its incident's history has no key.
	i, revs := rp.index, v.History.Revisions
	hist := b.repo.History()
	if i < 0 || i >= len(revs) || &revs[i] != rp.Revision || hist == nil {
		return [sha256.Size]byte{}, false
	}
	diff, ok := hist.RevisionDiffSum(v.Source, i)
	if !ok {
		return [sha256.Size]byte{}, false
	}
	return revisionKey(site, diff, p), true
}

// revisionKey is the key of revision page p, whose diff's sum is diff:
// every field it is rendered from, each written length-prefixed (keyBuf)
// so that no two inputs give the same bytes. It covers what the JSON of
// these fields covered before, all of each revision
// (TestRevisionKeyCoversEveryField holds it to every field of
// postmortem.Revision and revdiff.Amendment).
func revisionKey(site, diff [sha256.Size]byte, p *Page) [sha256.Size]byte {
	rp, v := p.Revision, p.Incident
	k := make(keyBuf, 0, 1024)
	k = append(k, site[:]...)
	k = append(k, diff[:]...)
	k.str(p.Kind)
	k.str(p.Title)
	k.str(p.Description)
	k.str(p.Path)
	k.str(v.ID)
	k.str(v.Title)
	k.str(v.Path)
	k.revision(rp.Revision)
	k.revision(rp.Before)
	k.bool(rp.Amendment != nil)
	if a := rp.Amendment; a != nil {
		k.str(a.Path)
		k.bool(a.Substantive)
		k.int(int64(len(a.Reasons)))
		for _, r := range a.Reasons {
			k.str(r)
		}
	}
	return sha256.Sum256(k)
}

// keyBuf is the input of a key as it is written: strings with their
// length before them, lists with their count, and a byte for whether
// an optional part is there.
type keyBuf []byte

func (k *keyBuf) str(s string) {
	*k = binary.AppendUvarint(*k, uint64(len(s)))
	*k = append(*k, s...)
}

func (k *keyBuf) int(n int64) { *k = binary.AppendVarint(*k, n) }

func (k *keyBuf) bool(b bool) {
	if b {
		*k = append(*k, 1)
	} else {
		*k = append(*k, 0)
	}
}

// time writes t's instant and its zone's offset (the page shows the date
// in the author's zone): what its JSON said.
func (k *keyBuf) time(t time.Time) {
	_, off := t.Zone()
	k.int(t.Unix())
	k.int(int64(t.Nanosecond()))
	k.int(int64(off))
}

func (k *keyBuf) person(p postmortem.Person) {
	k.str(p.Name)
	k.str(p.Email)
}

// revision writes every field of r, or that there is none.
func (k *keyBuf) revision(r *postmortem.Revision) {
	k.bool(r != nil)
	if r == nil {
		return
	}
	k.str(r.Commit)
	k.person(r.Author)
	k.time(r.Date)
	k.person(r.Committer)
	k.str(r.Subject)
	k.str(r.Body)
	k.int(int64(r.PR))
	k.str(r.Path)
	k.int(int64(len(r.Trailers)))
	for _, t := range r.Trailers {
		k.str(t.Key)
		k.str(t.Name)
		k.str(t.Email)
		k.str(t.Value)
	}
	k.int(int64(len(r.Changes)))
	for _, c := range r.Changes {
		k.str(c.Field)
		k.str(c.From)
		k.str(c.To)
	}
	k.int(int64(len(r.Diff)))
	for _, d := range r.Diff {
		k.str(d.Section)
		k.str(d.Heading)
		k.int(int64(d.Added))
		k.int(int64(d.Removed))
		k.int(int64(d.Lines))
	}
}

// hashJSON writes v's JSON to h.
func hashJSON(h hash.Hash, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.Write(data)
	h.Write([]byte{0})
	return nil
}

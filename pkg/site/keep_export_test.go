package site

import "path/filepath"

// ManifestStamps reads the page manifest the last build into out recorded
// in cacheDir, and returns each page's recorded stamp and the stamp its
// file has in out now (false when it has none), for keep_test.go.
func ManifestStamps(cacheDir, out string) (recorded, now map[string][2]int64) {
	m := readPageManifest(cacheDir, out)
	if m == nil {
		return nil, nil
	}
	recorded, now = map[string][2]int64{}, map[string][2]int64{}
	for rel, e := range m.pages {
		recorded[rel] = [2]int64{e.file.size, e.file.mtime}
		if st, ok := stampOf(filepath.Join(out, filepath.FromSlash(rel))); ok {
			now[rel] = [2]int64{st.size, st.mtime}
		}
	}
	return recorded, now
}

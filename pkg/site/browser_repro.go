package site

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Two builds of the same documents give Bleve index files that differ in
// three ways, found by comparing them (TestBrowserIndexReproducible). The
// documents of one batch are numbered in map order, which package search
// fixes by numbering them by id. And in two places:
//
//   - store/root.bolt holds the wall-clock time the snapshot was persisted
//     (scorch's meta key "timeStamp", read only to choose which old
//     snapshots a writer keeps);
//   - each zap v17 segment lists, per field, its (section type, address)
//     pairs in Go map order (zapx persistFieldsSection), and so its CRC.
//
// reproducibleIndex rewrites both in place, keeping every length: the time
// becomes the build's reference time and the pairs are sorted by type, which
// readers load into a map. Files of other formats are left as they are.
//
// The time is text of variable length (time.Time.MarshalText drops the
// fraction's trailing zeros), which moves the bytes after it; one build in
// ten or so gets a short one, and reproducibleIndex then returns
// errShortTime for the caller to build the index again.
func reproducibleIndex(dir string, ref time.Time) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var fix func([]byte, time.Time) (bool, error)
		switch {
		case d.Name() == "root.bolt":
			fix = fixBoltTime
		case strings.HasSuffix(d.Name(), ".zap"):
			fix = func(b []byte, _ time.Time) (bool, error) { return sortZapSections(b) }
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		changed, err := fix(data, ref)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if !changed {
			return nil
		}
		return os.WriteFile(p, data, 0o644)
	})
}

// boltTimeKey is scorch's key (util.BoltMetaDataTimeStamp) for the time.
var boltTimeKey = []byte("timeStamp")

// errShortTime reports a timestamp written with fewer than nine fraction
// digits.
var errShortTime = errors.New("index timestamp shorter than usual")

// fixBoltTime replaces every scorch timestamp in a bbolt file by ref,
// written in the same number of bytes. bbolt stores a key and its value one
// after the other and checksums only its meta pages, so a value of the same
// length can be overwritten in place.
func fixBoltTime(data []byte, ref time.Time) (bool, error) {
	changed := false
	for i := 0; ; {
		j := bytes.Index(data[i:], boltTimeKey)
		if j < 0 {
			return changed, nil
		}
		at := i + j + len(boltTimeKey)
		i = at
		// The value is the RFC 3339 text time.Time.MarshalText wrote; the
		// next key follows it directly, so only its true length parses.
		for n := 20; n <= 35 && at+n <= len(data); n++ {
			text := string(data[at : at+n])
			if _, err := time.Parse(time.RFC3339Nano, text); err != nil {
				continue
			}
			if len(text) < 30 || text[19] != '.' || strings.IndexAny(text[20:], "Z+-") != 9 {
				return changed, errShortTime
			}
			fixed, ok := timeOfLength(ref, n)
			if !ok {
				return changed, fmt.Errorf("cannot write a time in %d bytes", n)
			}
			copy(data[at:], fixed)
			changed = true
			break
		}
	}
}

// timeOfLength writes ref, to the second and in UTC, as RFC 3339 text of
// exactly n bytes, padding with a fraction and a numeric zone as needed.
func timeOfLength(ref time.Time, n int) (string, bool) {
	s := ref.UTC().Format("2006-01-02T15:04:05")
	for _, zone := range []string{"Z", "+00:00"} {
		switch rest := n - len(s) - len(zone); {
		case rest == 0:
			return s + zone, true
		case rest >= 2 && rest <= 10:
			return s + "." + strings.Repeat("0", rest-1) + zone, true
		}
	}
	return "", false
}

// zapFooter is the size of a zap v17 footer without its writer id: number
// of documents, stored-fields and sections index offsets (8 bytes each),
// writer id length, chunk mode, version and CRC (4 bytes each).
const zapFooter = 8*3 + 4*4

// sortZapSections sorts each field's (section type, address) pairs in a
// zap v17 segment and writes the CRC again. It leaves other versions alone.
func sortZapSections(data []byte) (bool, error) {
	n := len(data)
	if n < zapFooter {
		return false, errors.New("too short for a zap segment")
	}
	be := binary.BigEndian
	if be.Uint32(data[n-8:]) != 17 {
		return false, nil
	}
	idLen := int(be.Uint32(data[n-zapFooter:]))
	mem := n - zapFooter - idLen
	if idLen < 0 || mem < 0 {
		return false, errors.New("bad zap footer")
	}
	bad := errors.New("bad zap sections index")
	pos := be.Uint64(data[n-20:])
	if pos >= uint64(mem) {
		return false, bad
	}
	numFields, sz := binary.Uvarint(data[pos:mem])
	if sz <= 0 || numFields > uint64(mem) {
		return false, bad
	}
	pos += uint64(sz)
	changed := false
	for f := range numFields {
		at := pos + 8*f
		if at+8 > uint64(mem) {
			return false, bad
		}
		p := be.Uint64(data[at:])
		// name length, name, options, number of sections, then pairs
		for k := range 3 {
			if p >= uint64(mem) {
				return false, bad
			}
			v, sz := binary.Uvarint(data[p:mem])
			if sz <= 0 {
				return false, bad
			}
			p += uint64(sz)
			switch k {
			case 0:
				p += v
			case 2:
				end := p + 10*v
				if end > uint64(mem) {
					return false, bad
				}
				pairs := make([][10]byte, v)
				for i := range pairs {
					copy(pairs[i][:], data[p+10*uint64(i):])
				}
				sorted := slices.Clone(pairs)
				slices.SortFunc(sorted, func(a, b [10]byte) int { return bytes.Compare(a[:2], b[:2]) })
				if !slices.Equal(pairs, sorted) {
					changed = true
					for i, pr := range sorted {
						copy(data[p+10*uint64(i):], pr[:])
					}
				}
			}
		}
	}
	if changed {
		be.PutUint32(data[n-4:], crc32.ChecksumIEEE(data[:n-4]))
	}
	return changed, nil
}

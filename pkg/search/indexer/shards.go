package indexer

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// DefaultShardSize is the number of incidents in the first shard of the
// browser index when BrowserOptions.ShardSize is 0. A shard of 1,000
// generated postmortems is about 4.4 MB gzipped, so the runtime (2.75 MB)
// and the newest shard, all a reader downloads before the first results,
// stay under 8 MB.
const DefaultShardSize = 1000

// laterShards is how many times the first shard's size a later shard may
// hold. The page opens the index again, and runs its query again, for
// the shards that have arrived, and a query costs more over many segments
// than over few (in node, the 20 warm queries of BenchmarkWasmSearchLarge
// over the 10k corpus in ten segments took 1.2 times as long as in one):
// so the rest of a 10,000-incident site is one shard, not nine.
const laterShards = 10

// splitShards orders incs newest first (incidents without a date last,
// ties by id) and cuts them into a first shard of size incidents and
// later shards of at most laterShards×size, as few as can hold the rest,
// of sizes differing by one at most. The shards are searched together as
// one index, so where the cuts fall changes only what the first, partial
// results hold.
func splitShards(incs []*postmortem.Incident, size int) [][]*postmortem.Incident {
	if size <= 0 {
		size = DefaultShardSize
	}
	sorted := slices.Clone(incs)
	slices.SortStableFunc(sorted, func(a, b *postmortem.Incident) int {
		if az, bz := a.Date.IsZero(), b.Date.IsZero(); az != bz {
			if az {
				return 1
			}
			return -1
		}
		return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(a.ID, b.ID))
	})
	if len(sorted) == 0 {
		return nil
	}
	out := [][]*postmortem.Incident{sorted[:min(size, len(sorted))]}
	rest := sorted[len(out[0]):]
	n := (len(rest) + laterShards*size - 1) / (laterShards * size)
	for i := range n {
		out = append(out, rest[i*len(rest)/n:(i+1)*len(rest)/n])
	}
	return out
}

// Scorch keeps an index's state in store/root.bolt: a bucket "s" of
// snapshots by epoch, each with a bucket "m" of metadata (segment type and
// version, writer id, time), "i" of internal values (the mapping) and one
// bucket per segment, keyed by its number, with the segment's file name
// ("p") and statistics. The offline builder writes one snapshot of one
// segment. A browser index in shards is several such builds: composeRoot
// writes the root.bolt of the first k of them, listing their k segments,
// so that opening it gives one index in which Bleve's own scoring counts
// documents and terms over every segment listed, as in any index of many
// segments.
var (
	boltSnapshots = []byte{'s'}
	boltInternal  = []byte{'i'}
	boltMeta      = []byte{'m'}
	boltPath      = []byte{'p'}
)

// kv is one key and value of a bbolt bucket.
type kv struct{ k, v []byte }

// shardRoot is what composeRoot needs of one shard's root.bolt.
type shardRoot struct {
	epoch          []byte
	meta, internal []kv
	segment        []kv // the bucket of its one segment
}

// readShardRoot reads the root.bolt the offline builder wrote at path.
func readShardRoot(path string) (shardRoot, error) {
	var r shardRoot
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return r, err
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		snaps := tx.Bucket(boltSnapshots)
		if snaps == nil {
			return errors.New("no snapshots bucket")
		}
		n := 0
		if err := snaps.ForEach(func(k, _ []byte) error {
			n++
			r.epoch = slices.Clone(k)
			return nil
		}); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("%d snapshots, want 1", n)
		}
		snap := snaps.Bucket(r.epoch)
		if snap == nil {
			return errors.New("snapshot is not a bucket")
		}
		segments := 0
		return snap.ForEach(func(k, v []byte) error {
			b := snap.Bucket(k)
			if v != nil || b == nil {
				return fmt.Errorf("snapshot key %x is not a bucket", k)
			}
			pairs, err := bucketPairs(b)
			switch {
			case err != nil:
				return err
			case bytes.Equal(k, boltMeta):
				r.meta = pairs
			case bytes.Equal(k, boltInternal):
				r.internal = pairs
			default:
				if segments++; segments > 1 {
					return errors.New("more than one segment")
				}
				r.segment = pairs
			}
			return nil
		})
	})
	if err == nil && r.segment == nil {
		err = errors.New("no segment")
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// bucketPairs copies the keys and values of b, which holds no buckets.
func bucketPairs(b *bolt.Bucket) ([]kv, error) {
	var out []kv
	err := b.ForEach(func(k, v []byte) error {
		if v == nil {
			return fmt.Errorf("unexpected bucket %q", k)
		}
		out = append(out, kv{slices.Clone(k), slices.Clone(v)})
		return nil
	})
	return out, err
}

// composeRoot writes at path the root.bolt of an index of the segments of
// shards, the segment of shards[i] in the file names[i] of the same
// folder. The metadata and internal values (the mapping, the same in every
// shard) are the first shard's, and the time is ref's, as
// reproducibleIndex writes it.
func composeRoot(path string, shards []shardRoot, names []string, ref time.Time) error {
	if len(shards) == 0 || len(shards) != len(names) {
		return errors.New("compose root.bolt: no shards, or not one name each")
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		snaps, err := tx.CreateBucket(boltSnapshots)
		if err != nil {
			return err
		}
		snap, err := snaps.CreateBucket(shards[0].epoch)
		if err != nil {
			return err
		}
		meta := slices.Clone(shards[0].meta)
		for i, p := range meta {
			if bytes.Equal(p.k, boltTimeKey) {
				meta[i].v = boltTime(ref)
			}
		}
		if err := putBucket(snap, boltMeta, meta); err != nil {
			return err
		}
		if err := putBucket(snap, boltInternal, shards[0].internal); err != nil {
			return err
		}
		for i, s := range shards {
			seg := slices.Clone(s.segment)
			for j, p := range seg {
				if bytes.Equal(p.k, boltPath) {
					seg[j].v = []byte(names[i])
				}
			}
			if err := putBucket(snap, segmentKey(uint64(i)), seg); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("compose %s: %w", path, err)
	}
	return nil
}

// putBucket creates the bucket key in parent and puts pairs in it.
func putBucket(parent *bolt.Bucket, key []byte, pairs []kv) error {
	b, err := parent.CreateBucket(key)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := b.Put(p.k, p.v); err != nil {
			return err
		}
	}
	return nil
}

// segmentKey is scorch's key of segment i in a snapshot: its
// encodeUvarintAscending, one byte 136+i up to 109 and then a length byte
// and the big-endian number.
func segmentKey(i uint64) []byte {
	const intZero, intSmall, intMax = 136, 109, 253
	if i <= intSmall {
		return []byte{byte(intZero + i)}
	}
	var be []byte
	for v := i; v > 0; v >>= 8 {
		be = append([]byte{byte(v)}, be...)
	}
	return append([]byte{byte(intMax - 8 + len(be))}, be...)
}

// segmentName is the file name of shard i's segment: scorch reads the
// numbers of the segments in its folder as hexadecimal file names.
func segmentName(i int) string {
	return fmt.Sprintf("%012x.zap", i+1)
}

// shardDir is where WriteBrowser builds shard i under tmp.
func shardDir(tmp string, i int) string {
	return filepath.Join(tmp, fmt.Sprintf("shard-%d", i))
}

// readFiles reads the named files of dir into a map for packFiles.
func readFiles(dir string, names ...string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			return nil, err
		}
		out[n] = b
	}
	return out, nil
}
